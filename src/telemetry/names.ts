// The names of the custom events and metrics this product emits. The alert rules in infra/ query
// these exact strings (a test checks it), so rename only together with the Bicep.
export const telemetryEvents = {
  collectionRunCompleted: "CollectionRunCompleted",
  unitFailed: "UnitFailed",
  publishCompleted: "PublishCompleted",
} as const;

export const telemetryMetrics = {
  rateLimitUsedPercent: "github.ratelimit.used_percent",
  recordsIngested: "records.ingested",
  runDurationSeconds: "run.duration_seconds",
} as const;
