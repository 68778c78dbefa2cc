#include "router/runtime/runtime.h"

#include <filesystem>
#include <map>

#include "router/base/mutex.h"
#include "router/commands/dispatch.h"
#include "router/score/capabilities.h"

namespace router::runtime {
namespace {

// How long a command waits for this process's queued usage, so it sees its own calls.
constexpr int64_t kRunFlushMs = 2000;

// Process-wide, keyed by ledger path: every plugin instance in a process feeds the same queue and
// connection. Recorders live until exit, when their destructors drain the queue.
class RecorderRegistry {
 public:
  std::shared_ptr<Recorder> Get(const ledger::LedgerOptions& options, const pricing::Pricer& pricer,
                                const Clock& clock) {
    MutexLock lock(&mu_);
    auto& slot = recorders_[options.path];
    if (!slot) slot = std::make_shared<Recorder>(options, pricer, clock);
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

std::shared_ptr<Recorder> SharedRecorder(const ledger::LedgerOptions& options,
                                         const pricing::Pricer& pricer, const Clock& clock) {
  static auto* registry = new RecorderRegistry();  // never destroyed: Drain empties it at exit
  static struct Drain {
    ~Drain() { registry->Clear(); }
  } drain;
  return registry->Get(options, pricer, clock);
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
  const pricing::Pricer pricer = BuildPricer(options.value(), inputs.openclaw_models);
  route::Catalog catalog(options.value(), inputs.openclaw_models, pricer,
                         score::CapabilityTable::Builtin());
  auto recorder = SharedRecorder(ledger, pricer, *env.clock);
  return std::shared_ptr<Runtime>(
      new Runtime(std::move(options).value(), std::move(catalog), std::move(recorder), *env.clock));
}

Runtime::Runtime(config::PluginOptions options, route::Catalog catalog,
                 std::shared_ptr<Recorder> recorder, const Clock& clock)
    : options_(std::move(options)),
      router_(options_, std::move(catalog)),
      clock_(clock),
      recorder_(std::move(recorder)) {}

Result<std::shared_ptr<ledger::Ledger>> Runtime::CurrentLedger() {
  (void)recorder_->Flush(kRunFlushMs);  // a slow disk must not fail the command
  return recorder_->Ledger();
}

Result<nlohmann::json> Runtime::Run(const std::string& command, const nlohmann::json& args) {
  auto ledger = CurrentLedger();
  if (!ledger.ok()) return ledger.status();
  return commands::Run({options_, *ledger.value(), clock_, router_}, command, args);
}

bool Runtime::RoutesTurn(const std::string& provider) const {
  return route::RoutesTurn(options_.routing, provider);
}

Result<commands::TurnRoute> Runtime::RouteTurn(const route::RouteRequest& request) {
  auto ledger = CurrentLedger();
  if (!ledger.ok()) return ledger.status();
  return commands::RouteTurn({options_, *ledger.value(), clock_, router_}, request);
}

}  // namespace router::runtime
