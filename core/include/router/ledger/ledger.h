#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "router/base/status.h"
#include "router/ledger/options.h"
#include "router/ledger/record.h"

namespace router::ledger {

// Sums over a set of calls.
struct Totals {
  int64_t calls = 0;
  int64_t failures = 0;
  int64_t invalid = 0;
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  int64_t cache_read_tokens = 0;
  int64_t cache_write_tokens = 0;
  int64_t cost_micros = 0;
};

// Per provider and model: one Totals per requested period start, in the order given.
struct ModelPeriods {
  std::string provider;
  std::string model;
  std::vector<Totals> periods;
};

// All-time activity of one provider/model pair.
struct ModelActivity {
  std::string provider;
  std::string model;
  int64_t calls = 0;
  int64_t failures = 0;
  int64_t first_seen_ms = 0;
  int64_t last_seen_ms = 0;
};

constexpr int kSchemaVersion = 1;

// Durable usage ledger in one SQLite file (WAL, STRICT tables). Several processes may use the
// same file at once (the gateway writes while a CLI reads); writers wait up to busy_timeout_ms.
// Thread-safe: calls are serialized on one connection.
class Ledger {
 public:
  // Opens or creates the file (and its folder) and migrates it to kSchemaVersion. A file with a
  // newer schema, or one that is not a SQLite database, gives kCorruption and is left untouched.
  [[nodiscard]] static Result<std::unique_ptr<Ledger>> Open(const LedgerOptions& options);

  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;
  ~Ledger();

  const std::string& path() const;

  [[nodiscard]] Status Append(const UsageRecord& record);
  // All records in one transaction: all are stored or none. A record the schema refuses (e.g. a
  // negative count) gives kInvalidArgument.
  [[nodiscard]] Status AppendBatch(const std::vector<UsageRecord>& records);

  // Totals per provider/model for calls with since_ms[i] <= at_ms <= until_ms, for every i.
  // Only pairs with at least one call in the widest period are returned; `provider` filters
  // when non-empty.
  [[nodiscard]] Result<std::vector<ModelPeriods>> SumByModel(const std::vector<int64_t>& since_ms,
                                                             int64_t until_ms,
                                                             const std::string& provider) const;
  [[nodiscard]] Result<std::vector<ModelActivity>> Activity() const;
  [[nodiscard]] Result<int64_t> CountRecords() const;

 private:
  struct Impl;
  explicit Ledger(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace router::ledger
