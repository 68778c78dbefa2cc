#pragma once
// JS <-> C++ conversions shared by every binding function.

#include <napi.h>

#include <nlohmann/json.hpp>

#include "router/base/status.h"

namespace router::binding {

// Plain JS data (objects, arrays, strings, numbers, booleans, null) -> JSON. Functions, symbols
// and undefined become null; integral numbers become integers. Throws TypeError on cycles.
nlohmann::json ToJson(const Napi::Value& value);
Napi::Value FromJson(Napi::Env env, const nlohmann::json& value);

// A JS Error carrying the Status message and a stable `code` such as "ROUTER_CORRUPTION".
Napi::Error ToJsError(Napi::Env env, const Status& status);

}  // namespace router::binding
