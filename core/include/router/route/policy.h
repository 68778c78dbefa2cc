#pragma once
// The routing policy around the task class (issue 15, item 6): which text is the user's own,
// per-agent floors and ceilings, a conversation staying on its model while the provider's prompt
// cache is warm, and a user's own model pick. Each step is pure and runs inside Router::Decide.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "router/config/options.h"
#include "router/route/router.h"

namespace router::route {

// The user's own words in a turn's prompt. OpenClaw's prompt for a channel message carries more
// than the user typed: a leading "[Sun 2026-12-06 12:00 UTC]" stamp, queued "System: ..." event
// lines, injected context blocks whose header ends with "⟦openclaw:ctx⟧" (conversation info,
// sender, reply chain, chat history — JSON fenced or up to a blank line), a trailing
// "Context: ⟦openclaw:ctx⟧" section, active-memory blocks and "Delivery: ... `message` tool"
// hints. An isolated cron run's prompt has "[cron:<id> <name>] " before the job's message, then
// "Current time:" / "Reference UTC:" lines and a closing "This is an unattended scheduled run."
// paragraph. A /new or /reset start-up turn is OpenClaw's own instruction and has no user words.
struct UserText {
  std::string text;      // the kept words when `changed`
  bool changed = false;  // false: the prompt is the user's words as it stands
  bool startup = false;  // a /new or /reset start-up turn
  int64_t stripped_chars = 0;

  std::string_view Of(std::string_view prompt) const {
    return changed ? std::string_view{text} : prompt;
  }
};
UserText ExtractUserText(std::string_view prompt);

namespace internal {

// Why an agent's limits (routing.agents) leave `c` out: "floor" (tier or score below the
// minimum), "ceiling" (tier or output price above the maximum) or "allowed" (not in
// allowedModels); nullopt when it may serve. `r` holds its score for the turn's class.
std::optional<Rejection> AgentLimit(const Candidate& c, const Ranked& r,
                                    const config::AgentPolicy& policy);

// routing.sticky: keeps the session on its last model while its prompt cache is warm, unless the
// turn's class needs a stronger model (it does not clear the threshold and the first choice
// does) or the first choice costs less even with nothing cached. Moves it to the front of
// d->ranked and records the check in d->policy. Runs on a first attempt only.
void ApplySticky(const RouteState& state, const config::StickyOptions& options, Decision* d);

// The reason of a turn ApplySticky kept: `task` is the reason's "class (confidence ...)" part.
std::string StickyReason(const Decision& d, const std::string& task);

// The turn's estimated cost on `r`'s model with `cached_tokens` of its input read from the cache
// (none when the model has no cache-read price).
int64_t CostWithCache(const Ranked& r, int64_t cached_tokens);

}  // namespace internal
}  // namespace router::route
