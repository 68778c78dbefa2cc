#include "router/commands/quota_edits.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <vector>

#include "router/base/ascii.h"
#include "router/base/money.h"
#include "router/commands/keys.h"
#include "router/quota/tracker.h"
#include "status_parts.h"

namespace router::commands {
namespace {

using config::QuotaUnit;
using nlohmann::json;

Result<const config::ProviderOptions*> FindProvider(const Context& ctx, const std::string& id) {
  if (const auto* provider = ctx.options.FindProvider(id)) return provider;
  std::string known;
  for (const auto& p : ctx.options.providers) known += (known.empty() ? "" : ", ") + p.id;
  return Status::InvalidArgument("provider \"" + id + "\" is not configured" +
                                 (known.empty()
                                      ? std::string("; add it under providers in the plugin config")
                                      : "; configured: " + known));
}

// Readings only change windows that can be constrained.
router::Status RequireTracked(const config::ProviderOptions& provider, const char* command) {
  if (provider.quota_source != config::QuotaSource::kUnlimited) return router::Status::Ok();
  return router::Status::InvalidArgument(std::string(command) + ": provider \"" + provider.id +
                                         "\" has quotaSource unlimited, so readings do not "
                                         "apply; use manual, self-tracked or api");
}

Result<std::vector<quota::WindowState>> ProviderWindows(const Context& ctx, const std::string& id) {
  auto all = quota::EvaluateWindows(ctx.options, ctx.ledger, ctx.clock.NowMs());
  if (!all.ok()) return all.status();
  std::vector<quota::WindowState> mine;
  for (auto& w : all.value()) {
    if (w.provider == id) mine.push_back(std::move(w));
  }
  if (mine.empty()) {
    return Status::InvalidArgument("provider \"" + id + "\" has no quota windows; add providers." +
                                   id + ".windows (or a budget) to the plugin config");
  }
  return mine;
}

// The windows of a configured provider that readings apply to, for `command`.
Result<std::vector<quota::WindowState>> EditableWindows(const Context& ctx,
                                                        const std::string& provider,
                                                        const char* command) {
  auto configured = FindProvider(ctx, provider);
  if (!configured.ok()) return configured.status();
  ROUTER_RETURN_IF_ERROR(RequireTracked(*configured.value(), command));
  return ProviderWindows(ctx, provider);
}

std::string WindowNames(const std::vector<quota::WindowState>& windows) {
  std::string names;
  for (const auto& w : windows) names += (names.empty() ? "" : ", ") + w.window;
  return names;
}

router::Status NoSuchWindow(const std::string& provider, const std::string& window,
                            const std::vector<quota::WindowState>& windows) {
  return Status::InvalidArgument("provider \"" + provider + "\" has no window \"" + window +
                                 "\"; its windows: " + WindowNames(windows));
}

// A named window, else the provider's only window, else the only one whose unit fits the value.
Result<const quota::WindowState*> TargetWindow(const std::vector<quota::WindowState>& windows,
                                               const std::string& provider,
                                               const std::string& value,
                                               const std::string& window) {
  const bool dollars = value.find('$') != std::string::npos;
  const bool percent = value.find('%') != std::string::npos;
  std::vector<const quota::WindowState*> fits;
  for (const auto& w : windows) {
    const bool fits_value = percent || dollars == (w.unit == QuotaUnit::kBudget);
    const bool named = window.empty() ? (windows.size() == 1 || fits_value) : w.window == window;
    if (named) fits.push_back(&w);
  }
  if (fits.empty() && !window.empty()) return NoSuchWindow(provider, window, windows);
  if (fits.size() != 1) {
    return Status::InvalidArgument("provider \"" + provider + "\" has windows " +
                                   WindowNames(windows) + "; choose one with --window NAME");
  }
  return fits.front();
}

// The number part of a usage value: digits, or groups of three after a first group of one to
// three ("1,234,567"), then optionally '.' and at least one digit. Returns the number with the
// separators removed, or nullopt when `text` is anything else (signs, exponents, hex, spaces...).
std::optional<std::string> PlainNumber(std::string_view text, bool& bad_grouping) {
  const size_t point = std::min(text.find('.'), text.size());
  const std::string_view whole = text.substr(0, point);
  std::string digits;
  size_t group = 0;  // digits since the last comma
  bool grouped = false;
  for (size_t i = 0; i < whole.size(); ++i) {
    if (whole[i] == ',') {
      if (i == 0 || (grouped && group != 3) || (!grouped && group > 3)) bad_grouping = true;
      grouped = true;
      group = 0;
      continue;
    }
    if (!IsDigit(whole[i])) return std::nullopt;
    digits += whole[i];
    ++group;
  }
  if (grouped && group != 3) bad_grouping = true;
  if (digits.empty() || bad_grouping) return std::nullopt;
  if (point == text.size()) return digits;
  const std::string_view fraction = text.substr(point + 1);
  if (fraction.empty()) return std::nullopt;
  for (char c : fraction) {
    if (c == ',') bad_grouping = true;
    if (!IsDigit(c)) return std::nullopt;
  }
  return digits + "." + std::string(fraction);
}

// Strips a k, m or b (thousand, million, billion; any case) from the end of `text` and returns
// its factor; 1 when there is none.
double TakeScale(std::string& text) {
  const char last = text.empty() ? '\0' : LowerAscii(text.back());
  const double scale = last == 'k' ? 1e3 : last == 'm' ? 1e6 : last == 'b' ? 1e9 : 1;
  if (scale != 1) text.pop_back();
  return scale;
}

constexpr double kMaxCount = 9007199254740991.0;  // 2^53 - 1, the largest JS-safe integer

}  // namespace

Result<int64_t> ParseUsageValue(const std::string& raw, QuotaUnit unit, int64_t limit) {
  const auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("usage value \"" + raw + "\": " + why);
  };
  const size_t first = raw.find_first_not_of(" \t");
  if (first == std::string::npos) {
    return bad("give a percentage (79%), an amount (1.2M) or USD ($3.50)");
  }
  std::string text = raw.substr(first, raw.find_last_not_of(" \t") + 1 - first);
  const bool percent = text.back() == '%';
  const bool dollars = text.front() == '$';
  if (percent && dollars) return bad("give a percentage (79%) or USD ($3.50), not both");
  if (percent) text.pop_back();
  if (dollars) text.erase(0, 1);
  const double scale = percent || dollars ? 1 : TakeScale(text);
  bool bad_grouping = false;
  const std::optional<std::string> plain = PlainNumber(text, bad_grouping);
  if (bad_grouping) {
    return bad(
        "commas only separate thousands (1,234,567) and the decimal mark is '.'; use 79%, "
        "1.2M, 500k, 1234567 or $3.50");
  }
  if (!plain) return bad("not a non-negative number; use 79%, 1.2M, 500k or $3.50");
  const double number = std::strtod(plain->c_str(), nullptr);
  if (percent) {
    if (limit <= 0) {
      return bad("a percentage needs a window limit; give an absolute amount instead");
    }
    if (number > 1000) return bad("percent must be at most 1000");
    const double share = std::round(number / 100 * static_cast<double>(limit));
    if (share > kMaxCount) return bad("more than 2^53 - 1 (9007199254740991)");
    return static_cast<int64_t>(share);
  }
  if (unit == QuotaUnit::kBudget) {
    if (scale != 1) return bad("budget windows count USD; write $" + text);
    if (number > 1e9) return bad("more than $1,000,000,000");
    return UsdToMicros(number);
  }
  if (dollars) {
    return bad(std::string("USD given, but this window counts ") + config::Name(unit) +
               "; give an amount (1.2M) or a percentage (79%)");
  }
  const double count = std::round(number * scale);
  if (count > kMaxCount) return bad("more than 2^53 - 1 (9007199254740991)");
  return static_cast<int64_t>(count);
}

Result<json> SetUsage(const Context& ctx, const std::string& provider, const std::string& value,
                      const std::string& window) {
  auto windows = EditableWindows(ctx, provider, "set-usage");
  if (!windows.ok()) return windows.status();
  auto found = TargetWindow(windows.value(), provider, value, window);
  if (!found.ok()) return found.status();
  const quota::WindowState& target = *found.value();
  auto used = ParseUsageValue(value, target.unit, target.limit);
  if (!used.ok()) return used.status();
  const int64_t now = ctx.clock.NowMs();
  const json payload = {
      {"used", used.value()}, {"input", value}, {"unit", config::Name(target.unit)}};
  auto id =
      ctx.ledger.AppendEvent({0, now, "set-usage", provider, target.window, payload.dump(), false});
  if (!id.ok()) return id.status();
  auto after = ProviderWindows(ctx, provider);
  if (!after.ok()) return after.status();
  json quota_after;
  for (const auto& w : after.value()) {
    if (w.window == target.window) quota_after = QuotaJson(w);
  }
  return json{{keys::kSchema, keys::kSetUsageSchema},
              {keys::kEventId, id.value()},
              {keys::kAtMs, now},
              {keys::kProvider, provider},
              {keys::kWindow, target.window},
              {keys::kUnit, config::Name(target.unit)},
              {keys::kInput, value},
              {keys::kUsed, used.value()},
              {keys::kQuota, quota_after}};
}

Result<json> Reset(const Context& ctx, const std::string& provider, const std::string& window) {
  auto windows = EditableWindows(ctx, provider, "reset");
  if (!windows.ok()) return windows.status();
  if (!window.empty() && std::none_of(windows->begin(), windows->end(),
                                      [&](const auto& w) { return w.window == window; })) {
    return NoSuchWindow(provider, window, windows.value());
  }
  const int64_t now = ctx.clock.NowMs();
  auto id = ctx.ledger.AppendEvent({0, now, "reset", provider, window, R"({"used":0})", false});
  if (!id.ok()) return id.status();
  auto after = ProviderWindows(ctx, provider);
  if (!after.ok()) return after.status();
  json quotas = json::array();
  for (const auto& w : after.value()) {
    if (window.empty() || w.window == window) quotas.push_back(QuotaJson(w));
  }
  return json{{keys::kSchema, keys::kResetSchema},
              {keys::kEventId, id.value()},
              {keys::kAtMs, now},
              {keys::kProvider, provider},
              {keys::kWindow, window},
              {keys::kQuotas, std::move(quotas)}};
}

}  // namespace router::commands
