#pragma once
// Scheduling for the core's own background threads.

namespace router {

// Marks the calling thread as batch work (Linux SCHED_BATCH; elsewhere nothing). The kernel then
// never lets a wake-up of this thread preempt the thread that woke it: handing a record to the
// ledger writer, or a turn to the routing thread, costs OpenClaw's event loop the hand-off only,
// even when every core is busy. Returns whether the policy was applied.
bool MarkBatchThread();

}  // namespace router
