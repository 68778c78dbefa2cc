#pragma once
// What every command runs against. The runtime (router/runtime/runtime.h) builds one per call from
// the services it owns; tests build one from their own. A new service is a new reference here,
// filled by the runtime, read only by the commands that use it.

#include <cstdint>

#include "router/base/clock.h"
#include "router/config/options.h"
#include "router/http/client.h"
#include "router/ledger/ledger.h"
#include "router/route/router.h"

namespace router::commands {

// How the process's usage writer is doing, as the runtime sees it when the command starts. Shown by
// `status` so a full queue or a failing disk is visible, not only in the log.
struct RecorderHealth {
  uint64_t dropped = 0;  // records refused because the queue was full, since the process started
  bool writer_healthy = true;
};

// Borrowed references, valid for the duration of one command. The ledger is written by set-usage,
// reset, mode, undo and by alert logging (status logs threshold crossings it sees).
struct Context {
  const config::PluginOptions& options;
  ledger::Ledger& ledger;
  const Clock& clock;
  const route::Router& router;
  RecorderHealth recorder{};
  // For commands that reach providers or local servers (fetch, detect-local); null in contexts
  // that never do (a turn's routing), so such a command fails with kFailedPrecondition there.
  http::Client* http = nullptr;
};

}  // namespace router::commands
