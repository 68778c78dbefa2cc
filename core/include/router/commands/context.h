#pragma once
// What every command runs against. The runtime (router/runtime/runtime.h) builds one per call from
// the services it owns; tests build one from their own. A new service is a new reference here,
// filled by the runtime, read only by the commands that use it.

#include "router/base/clock.h"
#include "router/config/options.h"
#include "router/ledger/ledger.h"
#include "router/route/router.h"

namespace router::commands {

// Borrowed references, valid for the duration of one command. The ledger is written by set-usage,
// reset, mode, undo and by alert logging (status logs threshold crossings it sees).
struct Context {
  const config::PluginOptions& options;
  ledger::Ledger& ledger;
  const Clock& clock;
  const route::Router& router;
};

}  // namespace router::commands
