#pragma once

#include <string>

namespace router::ledger {

struct LedgerOptions {
  // SQLite file path; ":memory:" for tests. Empty means the default
  // `<OpenClaw state dir>/model-router/ledger.sqlite`, resolved by the caller.
  std::string path;
  // How long a statement waits for another process's write lock before giving up, in ms.
  // Default 5000; range 100..60000.
  int busy_timeout_ms = 5000;
};

}  // namespace router::ledger
