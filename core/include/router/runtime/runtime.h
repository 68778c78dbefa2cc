#pragma once
// The composition root: the one place that builds the core from the plugin config, OpenClaw's
// model catalog and an Environment. The binding wraps one Runtime per plugin instance; the native
// CLI opens one per process. A new service is built here and handed to the commands through
// commands::Context; nothing else changes.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "router/base/clock.h"
#include "router/base/status.h"
#include "router/commands/route.h"
#include "router/config/options.h"
#include "router/http/client.h"
#include "router/route/failover.h"
#include "router/route/router.h"
#include "router/runtime/recorder.h"

namespace router::runtime {

// What the core takes from its host, injected so tests can fake it.
struct Environment {
  const Clock* clock = &SystemClock::Instance();  // never null; must outlive the Runtime
  std::string state_dir;  // OpenClaw's state dir (the ledger's default home)
  // Provider usage fetches and local-server probes go through it; null = one process-wide
  // http::CurlClient. Must outlive the Runtime.
  http::Client* http = nullptr;
};

// What OpenClaw's config says, as JSON.
struct Inputs {
  // plugins.entries.model-router.config; null or an object (null = defaults).
  nlohmann::json plugin_config;
  // models.providers reduced to ids, costs, limits and input kinds (see route::Catalog); API
  // keys and URLs never get here.
  nlohmann::json openclaw_models = nlohmann::json::object();
};

// Thread-safe: the hook methods may run on OpenClaw's thread while Run and RouteTurn run on
// worker threads. Runtimes opened on the same ledger file in one process share one Recorder (the
// writer's queue and connection, the commands' connection, one run registry), as OpenClaw
// registers the plugin 2-4 times per process; each Runtime prices calls with its own config.
class Runtime {
 public:
  // Parses the config (kInvalidArgument naming the key path) and builds pricer, catalog and
  // router. Opens no file: the ledger opens on first use.
  [[nodiscard]] static Result<std::shared_ptr<Runtime>> Open(const Inputs& inputs,
                                                             const Environment& env);

  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // Runs a command (see commands/dispatch.h) after committing this process's queued usage when
  // that is quick. Blocking: call off the JS main thread.
  [[nodiscard]] Result<nlohmann::json> Run(const std::string& command, const nlohmann::json& args);

  // Whether a turn on `provider` is routed at all (route::RoutesTurn); when false, RouteTurn
  // would keep the turn as it is, so a hook may skip it without waiting.
  bool RoutesTurn(const std::string& provider) const;
  bool RoutesTurn(const route::RouteRequest& request) const;  // a user's own pick is never routed
  // Decides, logs and reduces a turn's routing (commands::RouteTurn). Blocking.
  [[nodiscard]] Result<commands::TurnRoute> RouteTurn(const route::RouteRequest& request);

  // Hook path: records an llm_output event priced with this Runtime's config (see
  // Recorder::RecordLlmOutput).
  std::string RecordLlmOutput(const nlohmann::json& event);
  // Hook path: a failed attempt (route::Failure) is classified and its cooldown stored on the
  // writer thread, after the usage queued before it; returns at once. kInvalidArgument when
  // provider or model is empty.
  [[nodiscard]] Status RecordFailure(route::Failure failure);
  // Hook path: cheap, never blocks on I/O (see Recorder).
  Recorder& recorder() { return *recorder_; }

  const config::PluginOptions& options() const { return options_; }
  const route::Router& router() const { return router_; }
  const std::string& ledger_path() const { return recorder_->options().path; }

 private:
  Runtime(config::PluginOptions options, pricing::Pricer pricer, route::Catalog catalog,
          std::shared_ptr<Recorder> recorder, const Clock& clock, http::Client& http);
  // The ledger after committing this process's queued usage, waiting at most `flush_ms` while
  // the writer is healthy and not at all while it fails.
  [[nodiscard]] Result<std::shared_ptr<ledger::Ledger>> CurrentLedger(int64_t flush_ms);

  const config::PluginOptions options_;
  const pricing::Pricer pricer_;
  const route::Router router_;
  const Clock& clock_;
  http::Client& http_;
  std::shared_ptr<Recorder> recorder_;
};

// `ledger.path` from config, else `<state_dir>/model-router/ledger.sqlite`.
std::string ResolveLedgerPath(const config::PluginOptions& options, const std::string& state_dir);

// The pricer for a config: its priceOverrides, OpenClaw's configured costs, its local providers.
pricing::Pricer BuildPricer(const config::PluginOptions& options,
                            const nlohmann::json& openclaw_models);

}  // namespace router::runtime
