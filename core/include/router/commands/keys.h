#pragma once
// The keys and schema names of the commands' JSON results. The commands that write a result and
// report/, which reads it back, both spell every key through these constants, so a key renamed
// here is renamed on both sides at once (test/core/report/keys_test.cc fails when one side
// spells a key some other way). Each result's full shape is documented beside its command
// (status.h, providers.h, quota_edits.h, mode.h, alerts.h, predict.h; route's in
// router/route/router.h). A key used by several shapes is declared with the first shape that
// has it; later groups name it under "also". Ledger event payloads are a different contract and
// keep their own keys.

namespace router::commands::keys {

// The `schema` value of each result.
inline constexpr char kStatusSchema[] = "router.status/1";
inline constexpr char kProvidersSchema[] = "router.providers/1";
inline constexpr char kSetUsageSchema[] = "router.set-usage/1";
inline constexpr char kResetSchema[] = "router.reset/1";
inline constexpr char kModeSchema[] = "router.mode/1";
inline constexpr char kUndoSchema[] = "router.undo/1";
inline constexpr char kAlertsSchema[] = "router.alerts/1";
inline constexpr char kPredictSchema[] = "router.predict/1";
inline constexpr char kRouteSchema[] = "router.route/1";
inline constexpr char kFailureSchema[] = "router.failure/1";
inline constexpr char kShadowReportSchema[] = "router.shadow-report/1";
inline constexpr char kDecisionsSchema[] = "router.decisions/1";
inline constexpr char kPageSchema[] = "router.page/1";
inline constexpr char kFetchSchema[] = "router.fetch/1";
inline constexpr char kFetchPlanSchema[] = "router.fetch-plan/1";
inline constexpr char kCredentialsSchema[] = "router.credentials/1";

// status: the document and its sections.
inline constexpr char kSchema[] = "schema";
inline constexpr char kGeneratedAtMs[] = "generatedAtMs";
inline constexpr char kTimezone[] = "timezone";
inline constexpr char kLedger[] = "ledger";
inline constexpr char kPath[] = "path";
inline constexpr char kRecords[] = "records";
inline constexpr char kDropped[] = "dropped";  // records the full queue refused
inline constexpr char kWriterHealthy[] = "writerHealthy";
inline constexpr char kMode[] = "mode";
inline constexpr char kBudget[] = "budget";
inline constexpr char kProvider[] = "provider";  // also the filter status was asked for
inline constexpr char kQuotas[] = "quotas";
inline constexpr char kAlerts[] = "alerts";
inline constexpr char kForecast[] = "forecast";
inline constexpr char kPeriods[] = "periods";
inline constexpr char kTotals[] = "totals";
inline constexpr char kProviders[] = "providers";
inline constexpr char kRouting[] = "routing";
// The three periods of periods, totals, routing and each provider and model row.
inline constexpr char kToday[] = "today";
inline constexpr char kLast7Days[] = "last7Days";
inline constexpr char kThisMonth[] = "thisMonth";
// A provider row: also kProvider, the periods.
inline constexpr char kConfigured[] = "configured";
inline constexpr char kModels[] = "models";
inline constexpr char kModel[] = "model";
// An alert: also kProvider, kWindow, kLevel, kAtMs.
inline constexpr char kMessage[] = "message";

// status mode (and the mode result): also kMode, kSetAtMs. kSource's values are below.
inline constexpr char kSource[] = "source";
inline constexpr char kSetAtMs[] = "setAtMs";
inline constexpr char kSourceConfig[] = "config";  // the mode comes from the plugin config
inline constexpr char kSourceLedger[] = "ledger";  // the mode was set with `router mode`

// A quota entry (status quotas, set-usage quota, reset quotas): also kProvider, kSource.
inline constexpr char kWindow[] = "window";
inline constexpr char kUnit[] = "unit";
inline constexpr char kLimit[] = "limit";
inline constexpr char kUsed[] = "used";
inline constexpr char kRemaining[] = "remaining";
inline constexpr char kPercent[] = "percent";
inline constexpr char kLevel[] = "level";
inline constexpr char kStartMs[] = "startMs";
inline constexpr char kResetsAtMs[] = "resetsAtMs";
inline constexpr char kRolling[] = "rolling";
inline constexpr char kSchedule[] = "schedule";
inline constexpr char kBasis[] = "basis";
// Its basis.
inline constexpr char kKind[] = "kind";
inline constexpr char kAtMs[] = "atMs";
inline constexpr char kReading[] = "reading";
inline constexpr char kStale[] = "stale";

// The daily budget: also kLevel, kResetsAtMs.
inline constexpr char kCapMicros[] = "capMicros";
inline constexpr char kCapUsd[] = "capUsd";
inline constexpr char kSpentMicros[] = "spentMicros";
inline constexpr char kSpentUsd[] = "spentUsd";
inline constexpr char kRemainingMicros[] = "remainingMicros";
inline constexpr char kRemainingUsd[] = "remainingUsd";
inline constexpr char kSoftThreshold[] = "softThreshold";

// Totals T over one period.
inline constexpr char kCalls[] = "calls";
inline constexpr char kFailures[] = "failures";
inline constexpr char kInvalid[] = "invalid";
inline constexpr char kMessages[] = "messages";
inline constexpr char kRequests[] = "requests";
inline constexpr char kInputTokens[] = "inputTokens";
inline constexpr char kOutputTokens[] = "outputTokens";
inline constexpr char kCacheReadTokens[] = "cacheReadTokens";
inline constexpr char kCacheWriteTokens[] = "cacheWriteTokens";
inline constexpr char kCostMicros[] = "costMicros";
inline constexpr char kCostUsd[] = "costUsd";

// Routing R over one period: also kCostMicros.
inline constexpr char kDecisions[] = "decisions";
inline constexpr char kApplied[] = "applied";
inline constexpr char kRoutedCalls[] = "routedCalls";
inline constexpr char kBaselineMicros[] = "baselineMicros";
inline constexpr char kSavedMicros[] = "savedMicros";
inline constexpr char kSavedUsd[] = "savedUsd";

// providers: each provider and model: also kProvider, kConfigured, kModels, kModel, kCalls,
// kFailures.
inline constexpr char kQuotaSource[] = "quotaSource";
inline constexpr char kQuotaType[] = "quotaType";
inline constexpr char kTier[] = "tier";
inline constexpr char kFirstSeenMs[] = "firstSeenMs";
inline constexpr char kLastSeenMs[] = "lastSeenMs";

// set-usage, reset, mode, undo and alerts: also kAtMs, kProvider, kWindow, kUnit, kUsed, kQuotas,
// kMode, kSource, kSetAtMs, kKind.
inline constexpr char kEventId[] = "eventId";
inline constexpr char kInput[] = "input";        // set-usage: the value as given
inline constexpr char kQuota[] = "quota";        // set-usage: the window after the change
inline constexpr char kPrevious[] = "previous";  // mode: present when this call changed it
inline constexpr char kUndone[] = "undone";      // undo: the event reverted
inline constexpr char kId[] = "id";
inline constexpr char kPayload[] = "payload";
inline constexpr char kNew[] = "new";  // alerts: messages logged by this call

// predict and a forecast entry F: also kGeneratedAtMs, kTimezone, kProvider, kWindow, kUnit,
// kLimit, kUsed, kRemaining, kBasis, kResetsAtMs.
inline constexpr char kHorizonHours[] = "horizonHours";
inline constexpr char kForecasts[] = "forecasts";
inline constexpr char kNearest[] = "nearest";
inline constexpr char kRatePerHour[] = "ratePerHour";
inline constexpr char kTrendPerDay[] = "trendPerDay";
inline constexpr char kMethod[] = "method";
inline constexpr char kConfidence[] = "confidence";
inline constexpr char kProbability[] = "probability";
inline constexpr char kExhaustsAtMs[] = "exhaustsAtMs";
inline constexpr char kWarns[] = "warns";
inline constexpr char kHistoryDays[] = "historyDays";
inline constexpr char kLowConfidence[] = "lowConfidence";

// route: route::ToJson writes these (not through this header yet); report reads them, the route
// command adds kDecisionId. Also kInputTokens, kOutputTokens, kCostMicros.
inline constexpr char kChoice[] = "choice";
inline constexpr char kReason[] = "reason";
inline constexpr char kPolicy[] = "policy";  // route::Policy as router.route/1 has it
inline constexpr char kRanked[] = "ranked";
inline constexpr char kRejected[] = "rejected";
inline constexpr char kWarnings[] = "warnings";
inline constexpr char kRef[] = "ref";
inline constexpr char kLocal[] = "local";
inline constexpr char kScore[] = "score";
inline constexpr char kThreshold[] = "threshold";
inline constexpr char kPriced[] = "priced";
inline constexpr char kWhy[] = "why";
inline constexpr char kDetail[] = "detail";
inline constexpr char kDecisionId[] = "decisionId";

// analyze, optimize, shift (optimize.h; the optimizer writes them in optimize/json.cc): also
// kMode, kProvider, kMessage, kKind, kId, kWhy, kEventId, kApplied (here: what was applied).
inline constexpr char kAnalyzeSchema[] = "router.analyze/1";
inline constexpr char kOptimizeSchema[] = "router.optimize/1";
inline constexpr char kShiftSchema[] = "router.shift/1";
inline constexpr char kSummaries[] = "summaries";
inline constexpr char kFindings[] = "findings";
inline constexpr char kActions[] = "actions";
inline constexpr char kTarget[] = "target";
inline constexpr char kDays[] = "days";
inline constexpr char kMonthlyCostMicros[] = "monthlyCostMicros";
inline constexpr char kMonthlySavingMicros[] = "monthlySavingMicros";
inline constexpr char kBefore[] = "before";
inline constexpr char kAfter[] = "after";
inline constexpr char kPrimary[] = "primary";
inline constexpr char kChanges[] = "changes";
inline constexpr char kGateway[] = "gateway";
inline constexpr char kGatewayRequired[] = "gatewayRequired";
inline constexpr char kUntilMs[] = "untilMs";
inline constexpr char kTriggers[] = "triggers";
inline constexpr char kName[] = "name";
inline constexpr char kCron[] =
    "cron";  // [{jobId, changes}]: cron job keys, edited via the gateway
inline constexpr char kJobId[] = "jobId";
inline constexpr char kHonoured[] = "honoured";
inline constexpr char kAutoFired[] = "autoFired";
inline constexpr char kAutoReport[] = "autoReport";
inline constexpr char kNeedsJobs[] = "needsJobs";

// record-failure and the cooldowns in status (failover.h, status.h): also kRef, kKind,
// kProvider, kModel.
inline constexpr char kAction[] = "action";
inline constexpr char kFallOver[] = "fallOver";
inline constexpr char kCoolDown[] = "coolDown";
inline constexpr char kWholeProvider[] = "wholeProvider";
inline constexpr char kCooldown[] = "cooldown";
inline constexpr char kCooldowns[] = "cooldowns";
inline constexpr char kStreak[] = "streak";
inline constexpr char kFallbacks[] = "fallbacks";  // status routing: recent fallback decisions
inline constexpr char kRunId[] = "runId";
inline constexpr char kAnswered[] = "answered";
inline constexpr char kAttempt[] = "attempt";

// route's shadow decision and the shadow report (shadow_report.h): also kChoice, kReason,
// kCostMicros, kDecisions, kSinceMs.
inline constexpr char kShadow[] = "shadow";
inline constexpr char kDiffers[] = "differs";
inline constexpr char kClasses[] = "classes";
inline constexpr char kClass[] = "class";
inline constexpr char kRealCostMicros[] = "realCostMicros";
inline constexpr char kShadowCostMicros[] = "shadowCostMicros";
inline constexpr char kSinceMs[] = "sinceMs";

// decisions (decisions.h): each decision: also kAtMs, kConfidence, kProvider, kModel, kApplied,
// kReason, kCostMicros, kCostUsd, kBaselineMicros, kSavedMicros, kSavedUsd, kPolicy; the document:
// kLimit, kDecisions.
inline constexpr char kTrigger[] = "trigger";
inline constexpr char kRequested[] = "requested";
inline constexpr char kBaselineProvider[] = "baselineProvider";
inline constexpr char kBaselineModel[] = "baselineModel";

// page (page.h): also kGeneratedAtMs, kDecisions, kNearest (with kForecast); a chart: also
// kProvider, kWindow, kUnit, kLimit, kUsed, kStartMs; its projection: also kExhaustsAtMs,
// kConfidence.
inline constexpr char kStatus[] = "status";
inline constexpr char kPredict[] = "predict";
inline constexpr char kCharts[] = "charts";
inline constexpr char kNowMs[] = "nowMs";
inline constexpr char kEndMs[] = "endMs";
inline constexpr char kProjection[] = "projection";
inline constexpr char kExpected[] = "expected";
inline constexpr char kLow[] = "low";
inline constexpr char kHigh[] = "high";
inline constexpr char kState[] = "state";

// fetch (fetch.h): also kAtMs, kProviders, kProvider, kSource, kWindow, kUsed, kUnit, kResetsAtMs,
// kMessage; status's per-provider fetch state (kFetch) has kAtMs, kOk, kSource, kError,
// kBalances and, when the last attempt failed, kLastOkMs.
inline constexpr char kOk[] = "ok";
inline constexpr char kError[] = "error";
inline constexpr char kRetryAfterMs[] = "retryAfterMs";
inline constexpr char kNextInMs[] = "nextInMs";
inline constexpr char kWindows[] = "windows";
inline constexpr char kLabel[] = "label";
inline constexpr char kUsedPercent[] = "usedPercent";
inline constexpr char kBalances[] = "balances";
inline constexpr char kAmount[] = "amount";
inline constexpr char kAmountMicros[] = "amountMicros";
inline constexpr char kUnmatched[] = "unmatched";
inline constexpr char kPlan[] = "plan";
inline constexpr char kFetch[] = "fetch";
inline constexpr char kLastOkMs[] = "lastOkMs";
// A fetch row or status fetch entry read by an experimental adapter (undocumented endpoint).
inline constexpr char kExperimental[] = "experimental";
// fetch-plan (fetch.h): also kProviders, kProvider, kSource, kAccountOf, kAccount.
inline constexpr char kKeyEnv[] = "keyEnv";

// credentials (credentials.h): also kError, kGeneratedAtMs, kPath, kProviders, kProvider, kLocal,
// kSource, kKind, kName, kUsed; an account's provider row (status, credentials): kAccountOf,
// kAccount.
inline constexpr char kDotenv[] = "dotenv";
inline constexpr char kPresent[] = "present";
inline constexpr char kProfiles[] = "profiles";
inline constexpr char kRead[] = "read";
inline constexpr char kNote[] = "note";
inline constexpr char kAccount[] = "account";
inline constexpr char kAccountOf[] = "accountOf";
inline constexpr char kOpenclawProvider[] = "openclawProvider";
inline constexpr char kSourceName[] = "sourceName";
inline constexpr char kFingerprint[] = "fingerprint";
inline constexpr char kSources[] = "sources";
inline constexpr char kShadowed[] = "shadowed";

// detect-local (detect_local.h): also kGeneratedAtMs, kProvider, kModels, kId, kApplied,
// kEventId, kChanges, kError, kOpenclawProvider, kSources (per model: "probe", "openclaw").
inline constexpr char kDetectLocalSchema[] = "router.detect-local/1";
inline constexpr char kServers[] = "servers";
inline constexpr char kType[] = "type";
inline constexpr char kEndpoint[] = "endpoint";
inline constexpr char kFound[] = "found";
inline constexpr char kElapsedMs[] = "elapsedMs";
inline constexpr char kSizeBytes[] = "sizeBytes";
inline constexpr char kQuantization[] = "quantization";
inline constexpr char kContextLength[] = "contextLength";
inline constexpr char kLoaded[] = "loaded";
inline constexpr char kFormat[] = "format";
inline constexpr char kLocalModelPreference[] = "localModelPreference";
inline constexpr char kAdded[] = "added";
inline constexpr char kProbed[] = "probed";
// OpenClaw's own discovery as detect-local read it: kOk, kModels (a count), kError.
inline constexpr char kOpenclawDiscovery[] = "openclawDiscovery";

}  // namespace router::commands::keys
