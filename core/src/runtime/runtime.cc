#include "router/runtime/runtime.h"

#include <filesystem>
#include <map>

#include "router/base/mutex.h"
#include "router/commands/dispatch.h"
#include "router/http/curl_client.h"
#include "router/score/capabilities.h"

namespace router::runtime {
namespace {

// How long a command waits for this process's queued usage, so it sees its own calls, while the
// writer is healthy. While it fails, waiting only delays the command (the next retry may be
// seconds away), so a command waits kFailingFlushMs and a routed turn not at all.
constexpr int64_t kRunFlushMs = 2000;
constexpr int64_t kFailingFlushMs = 5;
// The healthy wait runs in slices, so a writer that starts failing (or gets stuck on a lock) while
// a command waits releases it within a slice.
constexpr int64_t kFlushSliceMs = 20;

// Process-wide, keyed by ledger path: every plugin instance in a process feeds the same queue and
// connection. Recorders live until exit, when their destructors drain the queue.
class RecorderRegistry {
 public:
  std::shared_ptr<Recorder> Get(const ledger::LedgerOptions& options, const Clock& clock) {
    MutexLock lock(&mu_);
    auto& slot = recorders_[options.path];
    if (!slot) slot = std::make_shared<Recorder>(options, clock);
    return slot;
  }
  // At exit: drops every Recorder, whose destructor commits its queue.
  void Clear() {
    MutexLock lock(&mu_);
    recorders_.clear();
  }

 private:
  Mutex mu_;
  std::map<std::string, std::shared_ptr<Recorder>> recorders_ GUARDED_BY(mu_);
};

std::shared_ptr<Recorder> SharedRecorder(const ledger::LedgerOptions& options, const Clock& clock) {
  static auto* registry = new RecorderRegistry();  // never destroyed: Drain empties it at exit
  static struct Drain {
    ~Drain() { registry->Clear(); }
  } drain;
  return registry->Get(options, clock);
}

// One libcurl client for every Runtime in the process: CurlClient is thread-safe and its gate on
// requests in flight is process-wide anyway.
http::Client& ProcessHttpClient() {
  static auto* client = new http::CurlClient();  // never destroyed: used until exit
  return *client;
}

}  // namespace

std::string ResolveLedgerPath(const config::PluginOptions& options, const std::string& state_dir) {
  if (!options.ledger.path.empty()) return options.ledger.path;
  return (std::filesystem::path(state_dir) / "model-router" / "ledger.sqlite").string();
}

pricing::Pricer BuildPricer(const config::PluginOptions& options,
                            const nlohmann::json& openclaw_models) {
  return pricing::Pricer({options.price_overrides, pricing::OpenClawModelCosts(openclaw_models),
                          options.LocalProviderIds()});
}

Result<std::shared_ptr<Runtime>> Runtime::Open(const Inputs& inputs, const Environment& env) {
  auto options = config::Parse(inputs.plugin_config);
  if (!options.ok()) return options.status();
  ledger::LedgerOptions ledger = options->ledger;
  ledger.path = ResolveLedgerPath(options.value(), env.state_dir);
  pricing::Pricer pricer = BuildPricer(options.value(), inputs.openclaw_models);
  route::Catalog catalog(options.value(), inputs.openclaw_models, pricer,
                         score::CapabilityTable::Builtin());
  auto recorder = SharedRecorder(ledger, *env.clock);
  http::Client& http = env.http != nullptr ? *env.http : ProcessHttpClient();
  return std::shared_ptr<Runtime>(new Runtime(std::move(options).value(), std::move(pricer),
                                              std::move(catalog), std::move(recorder), *env.clock,
                                              http));
}

Runtime::Runtime(config::PluginOptions options, pricing::Pricer pricer, route::Catalog catalog,
                 std::shared_ptr<Recorder> recorder, const Clock& clock, http::Client& http)
    : options_(std::move(options)),
      pricer_(std::move(pricer)),
      router_(options_, std::move(catalog)),
      clock_(clock),
      http_(http),
      recorder_(std::move(recorder)) {}

std::string Runtime::RecordLlmOutput(const nlohmann::json& event) {
  return recorder_->RecordLlmOutput(event, pricer_);
}

Status Runtime::RecordFailure(route::Failure failure) {
  if (failure.provider.empty() || failure.model.empty()) {
    return Status::InvalidArgument("recordFailure: provider and model must be non-empty, got \"" +
                                   failure.provider + "/" + failure.model + "\"");
  }
  const int64_t now_ms = clock_.NowMs();
  recorder_->Post([failure = std::move(failure), now_ms,
                   options = options_.routing.failover](ledger::Ledger& ledger) {
    return route::StoreCooldown(ledger, failure, route::Classify(failure), now_ms, options)
        .status();
  });
  return Status::Ok();
}

Result<std::shared_ptr<ledger::Ledger>> Runtime::CurrentLedger(int64_t flush_ms) {
  // A slow or failing disk must not fail the command, nor hold it up for long.
  bool flushed = false;
  for (int64_t waited = 0; !flushed && waited < kRunFlushMs && recorder_->WriterHealthy();
       waited += kFlushSliceMs) {
    flushed = recorder_->Flush(kFlushSliceMs).ok();
  }
  if (!flushed && flush_ms > 0) (void)recorder_->Flush(flush_ms);
  return recorder_->Ledger();
}

Result<nlohmann::json> Runtime::Run(const std::string& command, const nlohmann::json& args) {
  auto ledger = CurrentLedger(kFailingFlushMs);
  if (!ledger.ok()) return ledger.status();
  const commands::RecorderHealth health{recorder_->Dropped(), recorder_->WriterHealthy()};
  return commands::Run({options_, *ledger.value(), clock_, router_, health, &http_}, command, args);
}

bool Runtime::RoutesTurn(const std::string& provider) const {
  return route::RoutesTurn(options_.routing, provider);
}

bool Runtime::RoutesTurn(const route::RouteRequest& request) const {
  return route::RoutesTurn(options_.routing, request);
}

Result<commands::TurnRoute> Runtime::RouteTurn(const route::RouteRequest& request) {
  auto ledger = CurrentLedger(0);
  if (!ledger.ok()) return ledger.status();
  return commands::RouteTurn({options_, *ledger.value(), clock_, router_}, request);
}

}  // namespace router::runtime
