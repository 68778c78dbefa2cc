#include "router/fetch/reading.h"

#include <cmath>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "router/base/ascii.h"

namespace router::fetch {

std::optional<double> NumberField(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return std::nullopt;
  const auto it = object.find(key);
  if (it == object.end()) return std::nullopt;
  double value = 0;
  if (it->is_number()) {
    value = it->get<double>();
  } else if (it->is_string()) {
    const auto& text = it->get_ref<const std::string&>();
    if (text.empty()) return std::nullopt;
    char* end = nullptr;
    value = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size()) return std::nullopt;
  } else {
    return std::nullopt;
  }
  if (!std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<int64_t> UsdMicros(double amount, const std::string& unit) {
  if (!EqualsIgnoreCase(unit, "usd") || !std::isfinite(amount)) return std::nullopt;
  constexpr double kMaxUsd = 1e12;  // far above any balance; keeps the product inside int64
  if (std::fabs(amount) > kMaxUsd) return std::nullopt;
  return std::llround(amount * 1e6);
}

}  // namespace router::fetch
