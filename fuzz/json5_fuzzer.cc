// libFuzzer target: config::ParseJson5 on arbitrary bytes. A parsed value must dump (with
// replacement of invalid UTF-8) and parse back as JSON.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "router/config/json5.h"
#include "router/config/options.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = router::config::ParseJson5(text);
  if (!parsed.ok()) return 0;
  const std::string dumped = parsed->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (nlohmann::json::parse(dumped, nullptr, false).is_discarded()) std::abort();
  // The plugin config parser takes whatever JSON5 gives it and must answer with a Status.
  (void)router::config::Parse(parsed.value()).ok();
  return 0;
}
