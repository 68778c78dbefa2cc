#include "router/commands/fetch.h"

#include <random>
#include <vector>

#include "args.h"
#include "router/commands/keys.h"
#include "router/fetch/apply.h"
#include "router/fetch/deepseek.h"
#include "router/fetch/kimi_coding.h"
#include "router/fetch/moonshot.h"
#include "router/fetch/openclaw_snapshot.h"
#include "router/quota/tracker.h"

namespace router::commands {
namespace {

using nlohmann::json;

// The usage endpoint configured for `id`; an account added as its own provider without one
// uses its provider's (the same API, read with the account's own key).
const config::UsageEndpoint* EndpointOf(const config::PluginOptions& options,
                                        const config::ProviderOptions& provider) {
  for (const std::string* id : {&provider.id, &provider.account_of}) {
    const auto it = options.usage_fetch.endpoints.find(*id);
    if (it != options.usage_fetch.endpoints.end()) return &it->second;
  }
  return nullptr;
}

// The adapter configured for a provider (usageFetch.endpoints), else "".
std::string ConfiguredAdapter(const config::PluginOptions& options,
                              const config::ProviderOptions& provider) {
  const config::UsageEndpoint* endpoint = EndpointOf(options, provider);
  return endpoint == nullptr ? "" : endpoint->adapter;
}

// The own adapter named like the provider (or like the provider an account belongs to), else "".
std::string AdapterByName(const config::ProviderOptions& provider) {
  for (const std::string& id : {provider.id, provider.account_of}) {
    if (id == "deepseek" || id == "moonshot") return id;
    if (fetch::kimi_coding::IsKimiCodingId(id)) return fetch::kimi_coding::kAdapter;
  }
  return "";
}

// Which own adapter reads `provider`, or "" when OpenClaw's snapshot does (or nothing can).
// A configured adapter wins; otherwise OpenClaw's snapshot, then an adapter by name.
std::string ChooseAdapter(const config::PluginOptions& options,
                          const config::ProviderOptions& provider, bool in_snapshot) {
  std::string adapter = ConfiguredAdapter(options, provider);
  if (adapter.empty() && !in_snapshot) adapter = AdapterByName(provider);
  return adapter;
}

// Whether `adapter` may send a request: an experimental one only when the owner turned it on.
bool AdapterOn(const config::PluginOptions& options, const std::string& adapter) {
  return !fetch::IsExperimentalAdapter(adapter) ||
         options.usage_fetch.experimental.count(adapter) > 0;
}

// The account entry an account provider comes from, else nullptr.
const config::AccountOptions* AccountOf(const Context& ctx,
                                        const config::ProviderOptions& account) {
  const config::ProviderOptions* owner = ctx.options.FindProvider(account.account_of);
  if (owner == nullptr) return nullptr;
  for (const auto& a : owner->accounts) {
    if (a.name == account.account_name) return &a;
  }
  return nullptr;
}

// Where an account's missing key would come from (a variable's name, never a value), as the
// adapter's "no API key for <account>" goes on.
std::string AccountKeySource(const Context& ctx, const config::ProviderOptions& account) {
  std::string from = "OpenClaw's key for provider " + account.id;
  const config::AccountOptions* entry = AccountOf(ctx, account);
  if (entry != nullptr && !entry->api_key_env.empty())
    from = "the variable " + entry->api_key_env + " or " + from;
  return " (account \"" + account.account_name + "\" of " + account.account_of + "): set " + from;
}

// Each provider, account providers included, is read with its own key only: keys and OpenClaw's
// snapshots are looked up by the provider's own id, never by the provider an account belongs to.
fetch::Outcome FetchOne(const Context& ctx, const FetchRequest& request,
                        const std::map<std::string, fetch::Outcome>& snapshots,
                        const config::ProviderOptions& provider) {
  const std::string& id = provider.id;
  const auto snapshot = snapshots.find(id);
  const std::string adapter = ChooseAdapter(ctx.options, provider, snapshot != snapshots.end());
  if (adapter.empty() && snapshot != snapshots.end()) return snapshot->second;
  fetch::Outcome out;
  out.provider = id;
  out.source = adapter.empty() ? "none" : adapter;
  if (adapter.empty()) {
    out.status = Status::NotFound(
        !request.snapshot_error.empty()
            ? "OpenClaw's usage snapshot could not be read: " + request.snapshot_error
            : "OpenClaw reports no usage for " + id +
                  " and this plugin has no adapter for it (usageFetch.endpoints." + id +
                  ".adapter); use quotaSource \"manual\" and `router set-usage` instead");
    return out;
  }
  if (!AdapterOn(ctx.options, adapter)) {
    out.status = Status::FailedPrecondition(
        "the " + adapter + " adapter reads an undocumented endpoint and is experimental: add \"" +
        adapter + "\" to usageFetch.experimental to turn it on");
    return out;
  }
  if (ctx.http == nullptr) {
    out.status = Status::FailedPrecondition("no HTTP client in this context");
    return out;
  }
  fetch::Endpoint endpoint;
  if (const config::UsageEndpoint* configured = EndpointOf(ctx.options, provider)) {
    endpoint.base_url = configured->base_url;
    endpoint.currency = configured->currency;
  }
  endpoint.timeout_ms = int64_t{ctx.options.usage_fetch.timeout_seconds} * 1000;
  endpoint.now_ms = ctx.clock.NowMs();
  if (!provider.account_of.empty()) endpoint.missing_key = AccountKeySource(ctx, provider);
  const auto key = request.keys.find(id);
  const std::string api_key = key == request.keys.end() ? "" : key->second;
  if (adapter == "deepseek") {
    fetch::deepseek::Fetch(*ctx.http, endpoint, api_key, out);
  } else if (adapter == "moonshot") {
    fetch::moonshot::Fetch(*ctx.http, endpoint, api_key, out);
  } else {
    fetch::kimi_coding::Fetch(*ctx.http, endpoint, api_key, out);
  }
  return out;
}

// The providers `fetch` reads now (quotaSource "api"; the one named, when one is).
std::vector<const config::ProviderOptions*> ApiProviders(const Context& ctx,
                                                         const std::string& named) {
  std::vector<const config::ProviderOptions*> out;
  for (const auto& provider : ctx.options.providers) {
    if (provider.quota_source != config::QuotaSource::kApi) continue;
    if (!named.empty() && provider.id != named) continue;
    out.push_back(&provider);
  }
  return out;
}

Status NotApiProvider(const std::string& named) {
  return Status::InvalidArgument("provider \"" + named +
                                 "\" is not configured with quotaSource \"api\"; fetch reads "
                                 "providers whose quotaSource is \"api\"");
}

// OpenClaw's snapshots in the request, by provider id.
Result<std::map<std::string, fetch::Outcome>> Snapshots(const FetchRequest& request) {
  if (request.snapshot.is_null()) return std::map<std::string, fetch::Outcome>{};
  return fetch::ParseUsageStatus(request.snapshot);
}

json Row(const fetch::Outcome& out, const fetch::Applied& applied, int64_t next_in_ms) {
  json row = {{keys::kProvider, out.provider},      {keys::kSource, out.source},
              {keys::kOk, out.status.ok()},         {keys::kNextInMs, next_in_ms},
              {keys::kWindows, json::array()},      {keys::kBalances, json::array()},
              {keys::kUnmatched, applied.unmatched}};
  if (!out.status.ok()) row[keys::kError] = out.status.message();
  if (out.retry_after_ms > 0) row[keys::kRetryAfterMs] = out.retry_after_ms;
  if (!out.reading.plan.empty()) row[keys::kPlan] = out.reading.plan;
  if (fetch::IsExperimentalAdapter(out.source)) row[keys::kExperimental] = true;
  for (const auto& m : applied.matched) {
    json w = {{keys::kWindow, m.window}, {keys::kLabel, m.label}, {keys::kUsed, m.used}};
    if (m.used_percent >= 0) w[keys::kUsedPercent] = m.used_percent;
    if (m.reset_at_ms > 0) w[keys::kResetsAtMs] = m.reset_at_ms;
    row[keys::kWindows].push_back(std::move(w));
  }
  for (const auto& b : applied.balances) {
    json balance = {{keys::kLabel, b.label}, {keys::kAmount, b.amount}, {keys::kUnit, b.unit}};
    if (auto micros = fetch::UsdMicros(b.amount, b.unit)) balance[keys::kAmountMicros] = *micros;
    row[keys::kBalances].push_back(std::move(balance));
  }
  return row;
}

double Jitter(double fixed) {
  if (fixed >= 0) return fixed;
  thread_local std::mt19937 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0, 1)(rng);
}

}  // namespace

Result<FetchRequest> ParseFetchArgs(const json& args) {
  FetchRequest request;
  ROUTER_RETURN_IF_ERROR(StringArg(args, "provider", false, request.provider));
  ROUTER_RETURN_IF_ERROR(StringArg(args, "snapshotError", false, request.snapshot_error));
  request.snapshot = args.value("snapshot", json());
  // The plugin hands the snapshot over as text: parsed here, on the worker thread, rather than
  // converted property by property on the Gateway's thread.
  std::string text;
  ROUTER_RETURN_IF_ERROR(StringArg(args, "snapshotText", false, text));
  if (!text.empty()) {
    request.snapshot = json::parse(text, nullptr, false);
    if (request.snapshot.is_discarded())
      return Status::InvalidArgument("argument snapshotText is not JSON");
  }
  const json keys = args.value("keys", json());
  if (!keys.is_null() && !keys.is_object())
    return Status::InvalidArgument("argument keys must be an object of provider id -> key");
  if (keys.is_object()) {
    for (const auto& [id, key] : keys.items()) {
      if (!key.is_string())
        return Status::InvalidArgument("argument keys." + id + " must be a string");
      request.keys[id] = key.get<std::string>();
    }
  }
  const json jitter = args.value("jitter", json());
  if (jitter.is_number()) request.jitter_unit = jitter.get<double>();
  return request;
}

Result<json> Fetch(const Context& ctx, const FetchRequest& request) {
  const int64_t now = ctx.clock.NowMs();
  auto snapshots = Snapshots(request);
  if (!snapshots.ok()) return snapshots.status();
  auto windows = quota::EvaluateWindows(ctx.options, ctx.ledger, now);
  if (!windows.ok()) return windows.status();
  const int64_t interval_ms = int64_t{ctx.options.usage_fetch.interval_minutes} * 60'000;
  const auto providers = ApiProviders(ctx, request.provider);
  if (!request.provider.empty() && providers.empty()) return NotApiProvider(request.provider);
  json rows = json::array();
  for (const config::ProviderOptions* provider : providers) {
    const fetch::Outcome out = FetchOne(ctx, request, snapshots.value(), *provider);
    auto applied = fetch::Record(ctx.ledger, windows.value(), out, now);
    if (!applied.ok()) return applied.status();
    auto failures = fetch::FailuresInRow(ctx.ledger, provider->id, now);
    if (!failures.ok()) return failures.status();
    const int64_t next = fetch::NextDelayMs(interval_ms, failures.value(), out.retry_after_ms,
                                            Jitter(request.jitter_unit));
    rows.push_back(Row(out, applied.value(), next));
  }
  return json{
      {keys::kSchema, keys::kFetchSchema}, {keys::kAtMs, now}, {keys::kProviders, std::move(rows)}};
}

Result<json> FetchPlan(const Context& ctx, const FetchRequest& request) {
  auto snapshots = Snapshots(request);
  if (!snapshots.ok()) return snapshots.status();
  const auto providers = ApiProviders(ctx, request.provider);
  if (!request.provider.empty() && providers.empty()) return NotApiProvider(request.provider);
  json rows = json::array();
  for (const config::ProviderOptions* provider : providers) {
    const bool in_snapshot = snapshots->count(provider->id) > 0;
    const std::string adapter = ChooseAdapter(ctx.options, *provider, in_snapshot);
    if (adapter.empty() || !AdapterOn(ctx.options, adapter)) continue;
    json row = {{keys::kProvider, provider->id}, {keys::kSource, adapter}};
    if (!provider->account_of.empty()) {
      row[keys::kAccountOf] = provider->account_of;
      row[keys::kAccount] = provider->account_name;
      const config::AccountOptions* entry = AccountOf(ctx, *provider);
      if (entry != nullptr && !entry->api_key_env.empty()) row[keys::kKeyEnv] = entry->api_key_env;
    }
    rows.push_back(std::move(row));
  }
  return json{{keys::kSchema, keys::kFetchPlanSchema}, {keys::kProviders, std::move(rows)}};
}

}  // namespace router::commands
