#include "router/config/options.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <nlohmann/json.hpp>

#include "json_text.h"
#include "router/base/money.h"
#include "router/calendar/zone.h"

namespace router::config {
namespace {

using nlohmann::json;

constexpr const char* kPrefix = "model-router config: ";
const char* const kTaskClasses[] = {"coding",  "reasoning", "math",          "creative",  "simple",
                                    "agentic", "roleplay",  "summarization", "extraction"};

Status Invalid(const std::string& path, const std::string& allowed, const json& got) {
  return Status::InvalidArgument(std::string(kPrefix) + "\"" + path + "\" must be " + allowed +
                                 " (got " + DescribeJson(got) + ")");
}

// One accepted key of an object: how to parse it into T, and the key paths below it.
template <typename T>
struct Field {
  const char* name;
  std::function<Status(const json& value, const std::string& path, T& out)> parse;
  std::vector<std::string> (*children)() = nullptr;
};

template <typename T>
Status ParseObject(const json& value, const std::string& path, const std::vector<Field<T>>& fields,
                   T& out) {
  if (value.is_null()) return Status::Ok();
  if (!value.is_object()) return Invalid(path.empty() ? "config" : path, "an object", value);
  for (const auto& [key, item] : value.items()) {
    const std::string item_path = path.empty() ? key : path + "." + key;
    const Field<T>* field = nullptr;
    for (const auto& candidate : fields) {
      if (key == candidate.name) field = &candidate;
    }
    if (field == nullptr) {
      std::string known;
      for (const auto& candidate : fields)
        known += (known.empty() ? "" : ", ") + std::string(candidate.name);
      return Status::InvalidArgument(std::string(kPrefix) + "unknown key \"" + item_path +
                                     "\"; allowed here: " + known);
    }
    ROUTER_RETURN_IF_ERROR(field->parse(item, item_path, out));
  }
  return Status::Ok();
}

template <typename T>
std::vector<std::string> KeyPaths(const std::vector<Field<T>>& fields) {
  std::vector<std::string> paths;
  for (const auto& field : fields) {
    paths.emplace_back(field.name);
    if (field.children == nullptr) continue;
    for (const auto& child : field.children()) {
      paths.push_back(std::string(field.name) + (child.rfind("[]", 0) == 0 ? "" : ".") + child);
    }
  }
  return paths;
}

// Whole numbers in config stay below 2^53, so they survive the trip to JS numbers.
constexpr double kMaxWhole = 9007199254740991.0;  // 2^53 - 1

// JSON5 and JSON Schema treat 1e4 or 5000.0 as integers; so does the parser. Integers at or above
// 2^53 (including those only an unsigned 64-bit integer holds) are not whole numbers here.
bool IsWhole(const json& value) {
  if (value.is_number_unsigned()) return value.get<uint64_t>() <= static_cast<uint64_t>(kMaxWhole);
  if (value.is_number_integer()) {
    return value.get<int64_t>() >= -static_cast<int64_t>(kMaxWhole) &&
           value.get<int64_t>() <= static_cast<int64_t>(kMaxWhole);
  }
  return value.is_number_float() && std::isfinite(value.get<double>()) &&
         std::floor(value.get<double>()) == value.get<double>() &&
         std::fabs(value.get<double>()) <= kMaxWhole;
}

// A finite number from `min` to `max`; NaN and infinities never pass.
bool IsNumberIn(const json& value, double min, double max) {
  return value.is_number() && std::isfinite(value.get<double>()) && value.get<double>() >= min &&
         value.get<double>() <= max;
}

Status ParseInt(const json& value, const std::string& path, int min, int max, int& out) {
  if (!IsWhole(value) || value.get<double>() < min || value.get<double>() > max) {
    return Invalid(path, "an integer from " + std::to_string(min) + " to " + std::to_string(max),
                   value);
  }
  out = static_cast<int>(value.get<double>());
  return Status::Ok();
}

Status ParseRatio(const json& value, const std::string& path, double& out) {
  if (!IsNumberIn(value, 0, 1) || value.get<double>() == 0) {
    return Invalid(path, "a number above 0 and at most 1", value);
  }
  out = value.get<double>();
  return Status::Ok();
}

Status ParseBool(const json& value, const std::string& path, bool& out) {
  if (!value.is_boolean()) return Invalid(path, "true or false", value);
  out = value.get<bool>();
  return Status::Ok();
}

// A USD amount in config -> micro-USD. `allow_zero` for "no limit".
Status ParseUsd(const json& value, const std::string& path, bool allow_zero, int64_t& out) {
  const double max_usd = 1e9;
  if (!IsNumberIn(value, 0, max_usd) || (!allow_zero && value.get<double>() == 0)) {
    return Invalid(path, std::string(allow_zero ? "0 (none) or " : "") + "a positive number of USD",
                   value);
  }
  out = UsdToMicros(value.get<double>());
  return Status::Ok();
}

Status ParseNonEmptyString(const json& value, const std::string& path, std::string& out) {
  if (!value.is_string() || value.get<std::string>().empty()) {
    return Invalid(path, "a non-empty string", value);
  }
  out = value.get<std::string>();
  return Status::Ok();
}

// The ledger file: an absolute path. ":memory:" (nothing would be kept), relative paths (they
// would depend on the Gateway's working directory) and NUL (SQLite would cut the name there) are
// refused; tests open ":memory:" through ledger::Ledger::Open directly.
Status ParseLedgerPath(const json& value, const std::string& path, std::string& out) {
  const char* allowed =
      "a non-empty string holding an absolute file path (e.g. "
      "\"/var/lib/openclaw/router/ledger.sqlite\")";
  if (!value.is_string()) return Invalid(path, allowed, value);
  const auto& text = value.get_ref<const std::string&>();
  if (text == ":memory:") {
    return Invalid(path, std::string(allowed) + "; \":memory:\" would keep no usage", value);
  }
  if (text.find('\0') != std::string::npos) {
    return Invalid(path, std::string(allowed) + " without NUL characters", value);
  }
  if (text.empty() || text.front() != '/') return Invalid(path, allowed, value);
  out = text;
  return Status::Ok();
}

Status ParseZoneName(const json& value, const std::string& path, std::string& out) {
  if (!value.is_string() || !calendar::Zone::Find(value.get<std::string>()).ok()) {
    return Invalid(path, "an IANA time zone such as \"Europe/London\", or \"local\"", value);
  }
  out = value.get<std::string>();
  return Status::Ok();
}

template <typename E, size_t N>
Status ParseEnum(const json& value, const std::string& path, const E (&options)[N], E& out) {
  std::string allowed;
  for (E option : options) {
    if (value.is_string() && value.get<std::string>() == Name(option)) {
      out = option;
      return Status::Ok();
    }
    allowed += std::string(allowed.empty() ? "" : " | ") + "\"" + Name(option) + "\"";
  }
  return Invalid(path, "one of " + allowed, value);
}

Status ParseModelIds(const json& value, const std::string& path, std::vector<std::string>& out) {
  if (!value.is_array()) return Invalid(path, "an array of model ids", value);
  for (const json& m : value) {
    if (!m.is_string() || m.get<std::string>().empty())
      return Invalid(path, "an array of model ids", value);
    out.push_back(m.get<std::string>());
  }
  return Status::Ok();
}

// "provider/model": both parts non-empty.
bool IsModelRef(const std::string& ref) {
  const size_t slash = ref.find('/');
  return slash != std::string::npos && slash > 0 && slash + 1 < ref.size();
}

constexpr QuotaSource kSources[] = {QuotaSource::kApi, QuotaSource::kManual,
                                    QuotaSource::kSelfTracked, QuotaSource::kUnlimited};
constexpr QuotaUnit kUnits[] = {QuotaUnit::kTokens, QuotaUnit::kMessages, QuotaUnit::kRequests,
                                QuotaUnit::kBudget};
constexpr Tier kTiers[] = {Tier::kPremium, Tier::kStandard, Tier::kBudget, Tier::kFree,
                           Tier::kLocal};
constexpr Mode kModes[] = {Mode::kManual, Mode::kDryRun, Mode::kAuto};
constexpr LocalPreference kPreferences[] = {LocalPreference::kNever, LocalPreference::kSimpleOnly,
                                            LocalPreference::kWhenAvailable,
                                            LocalPreference::kPrefer};

// Parses each element of an array of objects with `fields`.
template <typename T>
Status ParseArray(const json& value, const std::string& path, const std::vector<Field<T>>& fields,
                  std::vector<T>& out) {
  if (!value.is_array()) return Invalid(path, "an array", value);
  for (size_t i = 0; i < value.size(); ++i) {
    T item;
    ROUTER_RETURN_IF_ERROR(
        ParseObject(value[i], path + "[" + std::to_string(i) + "]", fields, item));
    out.push_back(std::move(item));
  }
  return Status::Ok();
}

// A window's limit is read in its provider's unit, which the provider object may name after
// `windows`; so windows keep the raw limit until the provider is complete.
struct RawWindow {  // NOLINT(bugprone-exception-escape): a false positive on the implicit members
  WindowOptions window;
  json limit;
  std::string path;
  json schedule;
};

const std::vector<Field<RawWindow>>& WindowFields() {
  static const std::vector<Field<RawWindow>> fields = {
      {"name",
       [](const json& v, const std::string& p, RawWindow& o) {
         // "@..." names the notes usage fetching keeps beside window readings.
         if (v.is_string() && v.get<std::string>().rfind('@', 0) == 0) {
           return Invalid(p, "a name not starting with '@'", v);
         }
         return ParseNonEmptyString(v, p, o.window.name);
       }},
      {"limit",
       [](const json& v, const std::string& p, RawWindow& o) {
         o.limit = v;
         o.path = p;
         return Status::Ok();
       }},
      {"schedule",
       [](const json& v, const std::string&, RawWindow& o) {
         o.schedule = v;
         return Status::Ok();
       },
       [] { return ScheduleKeys(); }},
  };
  return fields;
}

const std::vector<Field<BudgetOptions>>& BudgetFields() {
  static const std::vector<Field<BudgetOptions>> fields = {
      {"dailyLimit", [](const json& v, const std::string& p,
                        BudgetOptions& o) { return ParseUsd(v, p, true, o.daily_limit_micros); }},
      {"monthlyLimit",
       [](const json& v, const std::string& p, BudgetOptions& o) {
         return ParseUsd(v, p, true, o.monthly_limit_micros);
       }},
      {"alertThreshold", [](const json& v, const std::string& p,
                            BudgetOptions& o) { return ParseRatio(v, p, o.alert_threshold); }},
  };
  return fields;
}

// The `windows` of a provider or an account, kept raw until the provider is complete.
template <typename T>
Field<T> WindowsField() {
  return {"windows",
          [](const json& v, const std::string& p, T& o) {
            return ParseArray(v, p, WindowFields(), o.windows);
          },
          [] {
            std::vector<std::string> paths;
            for (const auto& key : KeyPaths(WindowFields())) paths.push_back("[]." + key);
            return paths;
          }};
}

// An account's windows, like the provider's, wait for the provider's unit and zone.
struct RawAccount {
  AccountOptions account;
  std::vector<RawWindow> windows;
};

// Environment variable names as shells and dotenv accept them.
Status ParseEnvName(const json& value, const std::string& path, std::string& out) {
  const auto valid = [](const std::string& s) {
    if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
      return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
  };
  if (!value.is_string() || !valid(value.get<std::string>())) {
    return Invalid(path,
                   "the name of an environment variable (letters, digits, _), e.g. "
                   "\"GEMINI_API_KEY_2\" -- the variable's name, never the key itself",
                   value.is_string() ? json("(a string that is not a variable name)") : value);
  }
  out = value.get<std::string>();
  return Status::Ok();
}

const std::vector<Field<RawAccount>>& AccountFields() {
  static const std::vector<Field<RawAccount>> fields = {
      {"name", [](const json& v, const std::string& p,
                  RawAccount& o) { return ParseNonEmptyString(v, p, o.account.name); }},
      {"provider", [](const json& v, const std::string& p,
                      RawAccount& o) { return ParseNonEmptyString(v, p, o.account.provider); }},
      {"profile", [](const json& v, const std::string& p,
                     RawAccount& o) { return ParseNonEmptyString(v, p, o.account.profile); }},
      {"apiKeyEnv", [](const json& v, const std::string& p,
                       RawAccount& o) { return ParseEnvName(v, p, o.account.api_key_env); }},
      {"credentialsPath",
       [](const json& v, const std::string& p, RawAccount& o) {
         return ParseNonEmptyString(v, p, o.account.credentials_path);
       }},
      WindowsField<RawAccount>(),
  };
  return fields;
}

const std::vector<Field<LocalOptions>>& LocalFields() {
  static const std::vector<Field<LocalOptions>> fields = {
      {"type",
       [](const json& v, const std::string& p, LocalOptions& o) {
         static const std::set<std::string> kTypes = {"ollama", "lmstudio", "mlx",
                                                      "vllm",   "llamacpp", "openai-compatible"};
         if (!v.is_string() || kTypes.count(v.get<std::string>()) == 0) {
           return Invalid(p,
                          "one of \"ollama\" | \"lmstudio\" | \"mlx\" | \"vllm\" | \"llamacpp\" | "
                          "\"openai-compatible\"",
                          v);
         }
         o.type = v.get<std::string>();
         return Status::Ok();
       }},
      {"endpoint",
       [](const json& v, const std::string& p, LocalOptions& o) {
         if (!v.is_string() || (v.get<std::string>().rfind("http://", 0) != 0 &&
                                v.get<std::string>().rfind("https://", 0) != 0)) {
           return Invalid(p, "an http:// or https:// URL such as \"http://127.0.0.1:11434\"", v);
         }
         o.endpoint = v.get<std::string>();
         return Status::Ok();
       }},
      {"models", [](const json& v, const std::string& p,
                    LocalOptions& o) { return ParseModelIds(v, p, o.models); }},
      {"quantization",
       [](const json& v, const std::string& p, LocalOptions& o) {
         if (!v.is_object()) return Invalid(p, "an object of model id -> level (\"Q4_K_M\")", v);
         for (const auto& [model, level] : v.items()) {
           if (!level.is_string() || level.get<std::string>().empty()) {
             return Invalid(p + "." + model, "a quantization level such as \"Q4_K_M\"", level);
           }
           o.quantization[model] = level.get<std::string>();
         }
         return Status::Ok();
       }},
  };
  return fields;
}

struct RawProvider {
  ProviderOptions provider;
  std::vector<RawWindow> windows;
  std::vector<RawAccount> accounts;
};

const std::vector<Field<RawProvider>>& ProviderFields() {
  static const std::vector<Field<RawProvider>> fields = {
      {"quotaSource",
       [](const json& v, const std::string& p, RawProvider& o) {
         return ParseEnum(v, p, kSources, o.provider.quota_source);
       }},
      {"quotaType", [](const json& v, const std::string& p,
                       RawProvider& o) { return ParseEnum(v, p, kUnits, o.provider.quota_type); }},
      WindowsField<RawProvider>(),
      {"tier", [](const json& v, const std::string& p,
                  RawProvider& o) { return ParseEnum(v, p, kTiers, o.provider.tier); }},
      {"priority", [](const json& v, const std::string& p,
                      RawProvider& o) { return ParseInt(v, p, 0, 1000, o.provider.priority); }},
      {"budget",
       [](const json& v, const std::string& p, RawProvider& o) {
         o.provider.budget.emplace();
         return ParseObject(v, p, BudgetFields(), *o.provider.budget);
       },
       [] { return KeyPaths(BudgetFields()); }},
      {"accounts",
       [](const json& v, const std::string& p, RawProvider& o) {
         return ParseArray(v, p, AccountFields(), o.accounts);
       },
       [] {
         std::vector<std::string> paths;
         for (const auto& key : KeyPaths(AccountFields())) paths.push_back("[]." + key);
         return paths;
       }},
      {"local",
       [](const json& v, const std::string& p, RawProvider& o) {
         o.provider.local.emplace();
         return ParseObject(v, p, LocalFields(), *o.provider.local);
       },
       [] { return KeyPaths(LocalFields()); }},
      {"models", [](const json& v, const std::string& p,
                    RawProvider& o) { return ParseModelIds(v, p, o.provider.models); }},
      {"timezone", [](const json& v, const std::string& p,
                      RawProvider& o) { return ParseZoneName(v, p, o.provider.timezone); }},
  };
  return fields;
}

// Turns raw windows into WindowOptions once the provider's unit and zone are known.
Status FinishWindows(std::vector<RawWindow>& raw, const std::string& path, QuotaUnit unit,
                     const calendar::Zone& zone, std::vector<WindowOptions>& out) {
  std::set<std::string> names;
  for (size_t i = 0; i < raw.size(); ++i) {
    RawWindow& w = raw[i];
    const std::string wpath = path + ".windows[" + std::to_string(i) + "]";
    if (w.window.name.empty()) return Invalid(wpath + ".name", "a non-empty string", nullptr);
    if (!names.insert(w.window.name).second) {
      return Invalid(wpath + ".name", "unique within the provider", w.window.name);
    }
    if (w.schedule.is_null()) {
      return Invalid(wpath + ".schedule", "an object such as {\"type\": \"rolling\", \"hours\": 5}",
                     nullptr);
    }
    auto schedule = ParseSchedule(w.schedule, wpath + ".schedule", zone);
    if (!schedule.ok()) return Status::InvalidArgument(kPrefix + schedule.status().message());
    w.window.schedule = schedule.value();
    if (!w.limit.is_null()) {
      if (unit == QuotaUnit::kBudget) {
        ROUTER_RETURN_IF_ERROR(ParseUsd(w.limit, w.path, true, w.window.limit));
      } else if (!IsWhole(w.limit) || w.limit.get<double>() < 0) {
        return Invalid(w.path,
                       std::string("a whole number of ") + Name(unit) +
                           " from 0 (no limit) to 2^53 - 1 (9007199254740991)",
                       w.limit);
      } else {
        w.window.limit = static_cast<int64_t>(w.limit.get<double>());
      }
    }
    out.push_back(std::move(w.window));
  }
  return Status::Ok();
}

Status FinishAccounts(RawProvider& raw, const std::string& path, const calendar::Zone& zone) {
  std::set<std::string> names;
  for (size_t i = 0; i < raw.accounts.size(); ++i) {
    RawAccount& a = raw.accounts[i];
    const std::string apath = path + ".accounts[" + std::to_string(i) + "]";
    if (a.account.name.empty()) {
      return Invalid(apath + ".name", "a non-empty string naming the account, e.g. \"work\"",
                     nullptr);
    }
    if (!names.insert(a.account.name).second) {
      return Invalid(apath + ".name", "unique within the provider", a.account.name);
    }
    if (a.account.provider == raw.provider.id) a.account.provider.clear();
    if (a.account.provider.empty() && !a.windows.empty()) {
      return Status::InvalidArgument(
          std::string(kPrefix) + "\"" + apath +
          ".windows\" must be left out on an account without \"provider\" (OpenClaw rotates a "
          "provider's own auth profiles itself); to track its windows, give the account its own "
          "OpenClaw provider id in \"provider\"");
    }
    ROUTER_RETURN_IF_ERROR(
        FinishWindows(a.windows, apath, raw.provider.quota_type, zone, a.account.windows));
    raw.provider.accounts.push_back(std::move(a.account));
  }
  return Status::Ok();
}

Status FinishProvider(RawProvider& raw, const std::string& path, const std::string& plugin_zone) {
  ProviderOptions& provider = raw.provider;
  auto zone = calendar::Zone::Find(provider.timezone.empty() ? plugin_zone : provider.timezone);
  if (!zone.ok()) return zone.status();
  ROUTER_RETURN_IF_ERROR(
      FinishWindows(raw.windows, path, provider.quota_type, zone.value(), provider.windows));
  return FinishAccounts(raw, path, zone.value());
}

// The providers accounts add: a copy of their provider with the account's id, windows and a
// priority just below the provider and the accounts before it, so routing moves to the next
// account only when a window of the one before is spent (or it fails).
Status AddAccountProviders(std::vector<ProviderOptions>& providers) {
  std::vector<ProviderOptions> added;
  for (const ProviderOptions& p : providers) {
    for (size_t i = 0; i < p.accounts.size(); ++i) {
      const AccountOptions& a = p.accounts[i];
      if (a.provider.empty()) continue;
      const std::string apath =
          "providers." + p.id + ".accounts[" + std::to_string(i) + "].provider";
      const auto clash = [&a](const ProviderOptions& q) { return q.id == a.provider; };
      if (std::any_of(providers.begin(), providers.end(), clash) ||
          std::any_of(added.begin(), added.end(), clash)) {
        return Invalid(apath,
                       "an OpenClaw provider id no other provider or account uses (it is "
                       "configured twice; remove one)",
                       a.provider);
      }
      ProviderOptions account = p;
      account.id = a.provider;
      account.accounts.clear();
      if (!a.windows.empty()) account.windows = a.windows;
      account.priority = std::max(0, p.priority - 1 - static_cast<int>(i));
      account.account_of = p.id;
      account.account_name = a.name;
      added.push_back(std::move(account));
    }
  }
  for (auto& account : added) providers.push_back(std::move(account));
  std::sort(providers.begin(), providers.end(),
            [](const ProviderOptions& a, const ProviderOptions& b) { return a.id < b.id; });
  return Status::Ok();
}

const std::vector<Field<ledger::LedgerOptions>>& LedgerFields() {
  static const std::vector<Field<ledger::LedgerOptions>> fields = {
      {"path", [](const json& v, const std::string& p,
                  ledger::LedgerOptions& o) { return ParseLedgerPath(v, p, o.path); }},
      {"busyTimeoutMs",
       [](const json& v, const std::string& p, ledger::LedgerOptions& o) {
         return ParseInt(v, p, 100, 60000, o.busy_timeout_ms);
       }},
  };
  return fields;
}

const std::vector<Field<pricing::Price>>& PriceFields() {
  static const auto usd = [](int64_t pricing::Price::*member) {
    return [member](const json& v, const std::string& p, pricing::Price& o) {
      if (!v.is_number()) return Invalid(p, "a number of USD per million tokens", v);
      auto micros = pricing::PerMillionFromUsd(v.get<double>(), p);
      if (!micros.ok()) return Invalid(p, "a non-negative number of USD per million tokens", v);
      o.*member = micros.value();
      return Status::Ok();
    };
  };
  static const std::vector<Field<pricing::Price>> fields = {
      {"input", usd(&pricing::Price::input)},
      {"output", usd(&pricing::Price::output)},
      {"cacheRead", usd(&pricing::Price::cache_read)},
      {"cacheWrite", usd(&pricing::Price::cache_write)},
  };
  return fields;
}

// Task class -> minimum score (qualityThresholds, routing.shadow.qualityThresholds).
Status ParseThresholds(const json& v, const std::string& p, std::map<std::string, double>& out) {
  if (!v.is_object()) return Invalid(p, "an object of task class -> score", v);
  for (const auto& [cls, score] : v.items()) {
    bool known = false;
    for (const char* name : kTaskClasses) known = known || cls == name;
    if (!known) {
      std::string allowed;
      for (const char* name : kTaskClasses)
        allowed += std::string(allowed.empty() ? "" : ", ") + name;
      return Status::InvalidArgument(std::string(kPrefix) + "unknown key \"" + p + "." + cls +
                                     "\"; allowed here: " + allowed);
    }
    if (!IsNumberIn(score, 0, 1)) {
      return Invalid(p + "." + cls, "a score from 0 to 1", score);
    }
    out[cls] = score.get<double>();
  }
  return Status::Ok();
}

const std::vector<Field<FailoverOptions>>& FailoverFields() {
  static const std::vector<Field<FailoverOptions>> fields = {
      {"maxAttempts", [](const json& v, const std::string& p,
                         FailoverOptions& o) { return ParseInt(v, p, 1, 10, o.max_attempts); }},
      {"cooldownBaseSeconds",
       [](const json& v, const std::string& p, FailoverOptions& o) {
         return ParseInt(v, p, 1, 86'400, o.cooldown_base_seconds);
       }},
      {"cooldownMaxSeconds",
       [](const json& v, const std::string& p, FailoverOptions& o) {
         return ParseInt(v, p, 1, 7 * 86'400, o.cooldown_max_seconds);
       }},
      {"failureWindowMinutes",
       [](const json& v, const std::string& p, FailoverOptions& o) {
         return ParseInt(v, p, 1, 7 * 24 * 60, o.failure_window_minutes);
       }},
      {"maxFailureShare", [](const json& v, const std::string& p,
                             FailoverOptions& o) { return ParseRatio(v, p, o.max_failure_share); }},
      {"minCalls", [](const json& v, const std::string& p,
                      FailoverOptions& o) { return ParseInt(v, p, 1, 10'000, o.min_calls); }},
      {"annotateReplies", [](const json& v, const std::string& p,
                             FailoverOptions& o) { return ParseBool(v, p, o.annotate_replies); }},
  };
  return fields;
}

const std::vector<Field<ShadowOptions>>& ShadowFields() {
  static const std::vector<Field<ShadowOptions>> fields = {
      {"qualityThresholds",
       [](const json& v, const std::string& p, ShadowOptions& o) {
         return ParseThresholds(v, p, o.quality_thresholds);
       },
       [] { return std::vector<std::string>(std::begin(kTaskClasses), std::end(kTaskClasses)); }},
      {"localModelPreference",
       [](const json& v, const std::string& p, ShadowOptions& o) {
         LocalPreference preference = LocalPreference::kWhenAvailable;
         ROUTER_RETURN_IF_ERROR(ParseEnum(v, p, kPreferences, preference));
         o.local_model_preference = preference;
         return Status::Ok();
       }},
  };
  return fields;
}

const std::vector<Field<StickyOptions>>& StickyFields() {
  static const std::vector<Field<StickyOptions>> fields = {
      {"enabled", [](const json& v, const std::string& p,
                     StickyOptions& o) { return ParseBool(v, p, o.enabled); }},
      {"cacheTtlSeconds",
       [](const json& v, const std::string& p, StickyOptions& o) {
         return ParseInt(v, p, 1, 86'400, o.cache_ttl_seconds);
       }},
  };
  return fields;
}

const std::vector<Field<AgentPolicy>>& AgentPolicyFields() {
  auto tier = [](std::optional<Tier> AgentPolicy::*member) {
    return [member](const json& v, const std::string& p, AgentPolicy& o) {
      Tier t = Tier::kStandard;
      ROUTER_RETURN_IF_ERROR(ParseEnum(v, p, kTiers, t));
      o.*member = t;
      return Status::Ok();
    };
  };
  static const std::vector<Field<AgentPolicy>> fields = {
      {"minTier", tier(&AgentPolicy::min_tier)},
      {"maxTier", tier(&AgentPolicy::max_tier)},
      {"minScore",
       [](const json& v, const std::string& p, AgentPolicy& o) {
         if (!IsNumberIn(v, 0, 1)) return Invalid(p, "a score from 0 to 1", v);
         o.min_score = v.get<double>();
         return Status::Ok();
       }},
      {"maxOutputUsdPerMTok",
       [](const json& v, const std::string& p, AgentPolicy& o) {
         const char* allowed = "a positive number of USD per million output tokens (e.g. 15)";
         if (!IsNumberIn(v, 0, 1e6) || v.get<double>() == 0) return Invalid(p, allowed, v);
         auto micros = pricing::PerMillionFromUsd(v.get<double>(), p);
         if (!micros.ok()) return Invalid(p, allowed, v);
         o.max_output_per_m = micros.value();
         return Status::Ok();
       }},
      {"allowedModels",
       [](const json& v, const std::string& p, AgentPolicy& o) {
         const char* allowed = "a non-empty array of \"provider/model\" refs";
         if (!v.is_array() || v.empty()) return Invalid(p, allowed, v);
         for (const json& ref : v) {
           if (!ref.is_string() || !IsModelRef(ref.get<std::string>()))
             return Invalid(p, allowed, v);
           o.allowed_models.push_back(ref.get<std::string>());
         }
         return Status::Ok();
       }},
  };
  return fields;
}

// A floor above the ceiling would leave the agent no model at all.
Status CheckAgentPolicy(const AgentPolicy& a, const std::string& path) {
  if (a.min_tier && a.max_tier && TierRank(*a.min_tier) > TierRank(*a.max_tier)) {
    return Status::InvalidArgument(std::string(kPrefix) + "\"" + path + ".minTier\" (\"" +
                                   Name(*a.min_tier) + "\") is above \"" + path + ".maxTier\" (\"" +
                                   Name(*a.max_tier) +
                                   "\"); lower minTier or raise maxTier (local < free < budget < "
                                   "standard < premium)");
  }
  return Status::Ok();
}

const std::vector<Field<RoutingOptions>>& RoutingFields() {
  static const std::vector<Field<RoutingOptions>> fields = {
      {"overrideExplicit", [](const json& v, const std::string& p,
                              RoutingOptions& o) { return ParseBool(v, p, o.override_explicit); }},
      {"contextMargin",
       [](const json& v, const std::string& p, RoutingOptions& o) {
         if (!IsNumberIn(v, 0, 0.9)) {
           return Invalid(p, "a share of the context window from 0 to 0.9", v);
         }
         o.context_margin = v.get<double>();
         return Status::Ok();
       }},
      {"expectedOutputTokens",
       [](const json& v, const std::string& p, RoutingOptions& o) {
         return ParseInt(v, p, 1, 1'000'000, o.expected_output_tokens);
       }},
      {"baselineModel",
       [](const json& v, const std::string& p, RoutingOptions& o) {
         if (!v.is_string() || !IsModelRef(v.get<std::string>())) {
           return Invalid(p, "\"provider/model\" (e.g. \"anthropic/claude-sonnet-4-6\")", v);
         }
         o.baseline_model = v.get<std::string>();
         return Status::Ok();
       }},
      {"failover",
       [](const json& v, const std::string& p, RoutingOptions& o) {
         return ParseObject(v, p, FailoverFields(), o.failover);
       },
       [] { return KeyPaths(FailoverFields()); }},
      {"shadow",
       [](const json& v, const std::string& p, RoutingOptions& o) {
         o.shadow.enabled = !v.is_null();
         return ParseObject(v, p, ShadowFields(), o.shadow);
       },
       [] { return KeyPaths(ShadowFields()); }},
      {"sticky",
       [](const json& v, const std::string& p, RoutingOptions& o) {
         return ParseObject(v, p, StickyFields(), o.sticky);
       },
       [] { return KeyPaths(StickyFields()); }},
      {"agents",
       [](const json& v, const std::string& p, RoutingOptions& o) {
         if (!v.is_object()) return Invalid(p, "an object keyed by agent id (or \"*\")", v);
         for (const auto& [id, item] : v.items()) {
           AgentPolicy policy;
           ROUTER_RETURN_IF_ERROR(ParseObject(item, p + "." + id, AgentPolicyFields(), policy));
           ROUTER_RETURN_IF_ERROR(CheckAgentPolicy(policy, p + "." + id));
           o.agents[id] = std::move(policy);
         }
         return Status::Ok();
       },
       [] {
         std::vector<std::string> paths;
         for (const auto& key : KeyPaths(AgentPolicyFields())) paths.push_back("*." + key);
         return paths;
       }},
  };
  return fields;
}

constexpr const char* kProfileKeys[] = {"coding",  "reasoning", "creative",      "instruction",
                                        "context", "speed",     "contextWindow", "maxOutput",
                                        "vision",  "tools",     "local"};

const std::vector<Field<UsageEndpoint>>& UsageEndpointFields() {
  static const std::vector<Field<UsageEndpoint>> fields = {
      {"adapter",
       [](const json& v, const std::string& p, UsageEndpoint& o) {
         if (!v.is_string() || (v != "deepseek" && v != "moonshot" && v != "kimi-coding")) {
           return Invalid(p, "\"deepseek\", \"moonshot\" or \"kimi-coding\"", v);
         }
         o.adapter = v.get<std::string>();
         return Status::Ok();
       }},
      {"baseUrl",
       [](const json& v, const std::string& p, UsageEndpoint& o) {
         if (!v.is_string() || (v.get<std::string>().rfind("http://", 0) != 0 &&
                                v.get<std::string>().rfind("https://", 0) != 0)) {
           return Invalid(p, "an https:// URL (http:// only on loopback)", v);
         }
         o.base_url = v.get<std::string>();
         return Status::Ok();
       }},
      {"currency", [](const json& v, const std::string& p,
                      UsageEndpoint& o) { return ParseNonEmptyString(v, p, o.currency); }},
  };
  return fields;
}

const std::vector<Field<UsageFetchOptions>>& UsageFetchFields() {
  static const std::vector<Field<UsageFetchOptions>> fields = {
      {"enabled", [](const json& v, const std::string& p,
                     UsageFetchOptions& o) { return ParseBool(v, p, o.enabled); }},
      {"intervalMinutes",
       [](const json& v, const std::string& p, UsageFetchOptions& o) {
         return ParseInt(v, p, 1, 14, o.interval_minutes);
       }},
      {"timeoutSeconds",
       [](const json& v, const std::string& p, UsageFetchOptions& o) {
         return ParseInt(v, p, 1, 60, o.timeout_seconds);
       }},
      {"experimental",
       [](const json& v, const std::string& p, UsageFetchOptions& o) {
         // Undocumented subscription endpoints are read only when named here.
         const char* allowed = "an array of experimental adapters: [\"kimi-coding\"]";
         if (!v.is_array()) return Invalid(p, allowed, v);
         for (const json& name : v) {
           if (name != "kimi-coding") return Invalid(p, allowed, v);
           o.experimental.insert(name.get<std::string>());
         }
         return Status::Ok();
       }},
      {"endpoints",
       [](const json& v, const std::string& p, UsageFetchOptions& o) {
         if (!v.is_object()) return Invalid(p, "an object keyed by provider id", v);
         for (const auto& [id, item] : v.items()) {
           ROUTER_RETURN_IF_ERROR(
               ParseObject(item, p + "." + id, UsageEndpointFields(), o.endpoints[id]));
         }
         return Status::Ok();
       },
       [] {
         std::vector<std::string> paths;
         for (const auto& key : KeyPaths(UsageEndpointFields())) paths.push_back("*." + key);
         return paths;
       }},
  };
  return fields;
}

struct RawPlugin {
  PluginOptions options;
  std::map<std::string, std::pair<std::string, RawProvider>> providers;  // id -> (path, raw)
};

const std::vector<Field<RawPlugin>>& PluginFields() {
  static const std::vector<Field<RawPlugin>> fields = {
      {"ledger",
       [](const json& v, const std::string& p, RawPlugin& o) {
         return ParseObject(v, p, LedgerFields(), o.options.ledger);
       },
       [] { return KeyPaths(LedgerFields()); }},
      {"timezone", [](const json& v, const std::string& p,
                      RawPlugin& o) { return ParseZoneName(v, p, o.options.timezone); }},
      {"providers",
       [](const json& v, const std::string& p, RawPlugin& o) {
         if (!v.is_object()) return Invalid(p, "an object keyed by OpenClaw provider id", v);
         for (const auto& [id, item] : v.items()) {
           RawProvider raw;
           raw.provider.id = id;
           ROUTER_RETURN_IF_ERROR(ParseObject(item, p + "." + id, ProviderFields(), raw));
           o.providers[id] = {p + "." + id, std::move(raw)};
         }
         return Status::Ok();
       },
       [] {
         std::vector<std::string> paths;
         for (const auto& key : KeyPaths(ProviderFields())) paths.push_back("*." + key);
         return paths;
       }},
      {"dailyBudgetUsd",
       [](const json& v, const std::string& p, RawPlugin& o) {
         return ParseUsd(v, p, true, o.options.daily_budget_micros);
       }},
      {"budgetSoftThreshold",
       [](const json& v, const std::string& p, RawPlugin& o) {
         return ParseRatio(v, p, o.options.budget_soft_threshold);
       }},
      {"mode", [](const json& v, const std::string& p,
                  RawPlugin& o) { return ParseEnum(v, p, kModes, o.options.mode); }},
      {"warningThreshold",
       [](const json& v, const std::string& p, RawPlugin& o) {
         return ParseRatio(v, p, o.options.warning_threshold);
       }},
      {"criticalThreshold",
       [](const json& v, const std::string& p, RawPlugin& o) {
         return ParseRatio(v, p, o.options.critical_threshold);
       }},
      {"predictionHorizonHours",
       [](const json& v, const std::string& p, RawPlugin& o) {
         return ParseInt(v, p, 1, 720, o.options.prediction_horizon_hours);
       }},
      {"qualityThresholds",
       [](const json& v, const std::string& p, RawPlugin& o) {
         return ParseThresholds(v, p, o.options.quality_thresholds);
       },
       [] { return std::vector<std::string>(std::begin(kTaskClasses), std::end(kTaskClasses)); }},
      {"localModelPreference",
       [](const json& v, const std::string& p, RawPlugin& o) {
         return ParseEnum(v, p, kPreferences, o.options.local_model_preference);
       }},
      {"countCacheReads",
       [](const json& v, const std::string& p, RawPlugin& o) {
         return ParseBool(v, p, o.options.count_cache_reads);
       }},
      {"priceOverrides",
       [](const json& v, const std::string& p, RawPlugin& o) {
         if (!v.is_object()) return Invalid(p, "an object keyed by \"provider/model\"", v);
         for (const auto& [ref, item] : v.items()) {
           if (!IsModelRef(ref)) {
             return Invalid(p, "keyed by \"provider/model\" (e.g. \"anthropic/claude-sonnet-4-6\")",
                            ref);
           }
           pricing::Price price;
           ROUTER_RETURN_IF_ERROR(ParseObject(item, p + "." + ref, PriceFields(), price));
           o.options.price_overrides[ref] = price;
         }
         return Status::Ok();
       },
       [] {
         std::vector<std::string> paths;
         for (const auto& key : KeyPaths(PriceFields())) paths.push_back("*." + key);
         return paths;
       }},
      {"capabilities",
       [](const json& v, const std::string& p, RawPlugin& o) {
         if (!v.is_object())
           return Invalid(p, "an object keyed by \"provider/model\" or \"model\"", v);
         for (const auto& [ref, item] : v.items()) {
           if (ref.empty() || ref.front() == '/' || ref.back() == '/') {
             return Invalid(p, "keyed by \"provider/model\" or \"model\"", ref);
           }
           if (item.is_object()) {
             for (const auto& [key, ignored] : item.items()) {
               if (std::find(std::begin(kProfileKeys), std::end(kProfileKeys), key) !=
                   std::end(kProfileKeys))
                 continue;
               std::string allowed;
               for (const char* name : kProfileKeys)
                 allowed += std::string(allowed.empty() ? "" : ", ") + name;
               return Status::InvalidArgument(std::string(kPrefix) + "unknown key \"" + p + "." +
                                              ref + "." + key + "\"; allowed here: " + allowed);
             }
           }
           auto parsed = score::ParseProfileOverride(item, p + "." + ref);
           if (!parsed.ok()) return Status::InvalidArgument(kPrefix + parsed.status().message());
           o.options.capabilities[ref] = std::move(parsed).value();
         }
         return Status::Ok();
       },
       [] {
         std::vector<std::string> paths;
         for (const char* key : kProfileKeys) paths.push_back(std::string("*.") + key);
         return paths;
       }},
      {"routing",
       [](const json& v, const std::string& p, RawPlugin& o) {
         return ParseObject(v, p, RoutingFields(), o.options.routing);
       },
       [] { return KeyPaths(RoutingFields()); }},
      {"usageFetch",
       [](const json& v, const std::string& p, RawPlugin& o) {
         return ParseObject(v, p, UsageFetchFields(), o.options.usage_fetch);
       },
       [] { return KeyPaths(UsageFetchFields()); }},
  };
  return fields;
}

}  // namespace

const char* Name(QuotaSource v) {
  switch (v) {
    case QuotaSource::kApi:
      return "api";
    case QuotaSource::kManual:
      return "manual";
    case QuotaSource::kSelfTracked:
      return "self-tracked";
    case QuotaSource::kUnlimited:
      return "unlimited";
  }
  return "";
}
const char* Name(QuotaUnit v) {
  switch (v) {
    case QuotaUnit::kTokens:
      return "tokens";
    case QuotaUnit::kMessages:
      return "messages";
    case QuotaUnit::kRequests:
      return "requests";
    case QuotaUnit::kBudget:
      return "budget";
  }
  return "";
}
const char* Name(Tier v) {
  switch (v) {
    case Tier::kPremium:
      return "premium";
    case Tier::kStandard:
      return "standard";
    case Tier::kBudget:
      return "budget";
    case Tier::kFree:
      return "free";
    case Tier::kLocal:
      return "local";
  }
  return "";
}
int TierRank(Tier tier) {
  switch (tier) {
    case Tier::kLocal:
      return 0;
    case Tier::kFree:
      return 1;
    case Tier::kBudget:
      return 2;
    case Tier::kStandard:
      return 3;
    case Tier::kPremium:
      return 4;
  }
  return 3;
}

const AgentPolicy* RoutingOptions::AgentPolicyFor(const std::string& agent_id) const {
  auto own = agents.find(agent_id);
  if (own != agents.end()) return &own->second;
  auto any = agents.find("*");
  return any != agents.end() ? &any->second : nullptr;
}

const char* Name(Mode v) {
  switch (v) {
    case Mode::kManual:
      return "manual";
    case Mode::kDryRun:
      return "dry-run";
    case Mode::kAuto:
      return "auto";
  }
  return "";
}
const char* Name(LocalPreference v) {
  switch (v) {
    case LocalPreference::kNever:
      return "never";
    case LocalPreference::kSimpleOnly:
      return "simple-only";
    case LocalPreference::kWhenAvailable:
      return "when-available";
    case LocalPreference::kPrefer:
      return "prefer";
  }
  return "";
}

Result<Mode> ParseMode(const std::string& text) {
  Mode mode = Mode::kDryRun;
  Status st = ParseEnum(json(text), "mode", kModes, mode);
  if (!st.ok()) return st;
  return mode;
}

const ProviderOptions* PluginOptions::FindProvider(const std::string& id) const {
  for (const auto& provider : providers) {
    if (provider.id == id) return &provider;
  }
  return nullptr;
}

std::set<std::string> PluginOptions::LocalProviderIds() const {
  std::set<std::string> ids;
  for (const auto& provider : providers) {
    if (provider.tier == Tier::kLocal) ids.insert(provider.id);
  }
  return ids;
}

Result<PluginOptions> Parse(const json& config) {
  ROUTER_RETURN_IF_ERROR(CheckUtf8(config, "plugins.entries.model-router.config"));
  RawPlugin raw;
  ROUTER_RETURN_IF_ERROR(ParseObject(config, "", PluginFields(), raw));
  PluginOptions& options = raw.options;
  if (options.warning_threshold >= options.critical_threshold) {
    return Invalid("warningThreshold",
                   "below criticalThreshold (" + std::to_string(options.critical_threshold) + ")",
                   options.warning_threshold);
  }
  for (auto& [id, entry] : raw.providers) {
    ROUTER_RETURN_IF_ERROR(FinishProvider(entry.second, entry.first, options.timezone));
    options.providers.push_back(std::move(entry.second.provider));
  }
  ROUTER_RETURN_IF_ERROR(AddAccountProviders(options.providers));
  return options;
}

std::vector<std::string> KnownKeyPaths() { return KeyPaths(PluginFields()); }

}  // namespace router::config
