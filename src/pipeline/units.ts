import { z } from "zod";
import { daySchema } from "../days.js";

// The JSON that crosses the orchestrator boundary (Durable Functions stores it in its history):
// small, and parsed again on the activity side because it crossed a process.

/** A calendar day, YYYY-MM-DD. */
export const day = daySchema;

export const reportUnit = z.object({
  enterprise: z.string(),
  scope: z.enum(["enterprise", "organization"]),
  /** '' at enterprise scope. */
  organization: z.string(),
  /** The endpoint to call: a 1-day or a 28-day report. */
  report: z.string(),
  /** The data series the days belong to (the 1-day report's name); checkpoints are kept per series. */
  series: z.string(),
  /** The days this unit is due to collect: one for a 1-day report, several for a 28-day report. */
  days: z.array(day).min(1),
  /** Set by the orchestrator when it schedules the unit, for the checkpoint's audit trail. */
  runId: z.string().optional(),
});
export type ReportUnit = z.infer<typeof reportUnit>;

/** Unit `unit` (its position) of an enterprise's stored plan: what the orchestrator hands an ingest activity. */
export const plannedUnitInput = z.object({ runId: z.string(), enterprise: z.string(), unit: z.number().int().min(0) });

/** The ingest activity's input: a unit of the stored plan (the orchestrator), or a unit itself (reingest tooling, benchmarks). */
export const ingestInput = z.union([plannedUnitInput, reportUnit]);

/** What planUnits returns for an enterprise: the plan itself stays in the database (it runs to megabytes). */
export const planSummary = z.object({
  units: z.number().int(),
  /** The earliest Copilot day planned. */
  copilotFrom: day.optional(),
});
export type PlanSummary = z.infer<typeof planSummary>;

/** Which unit a planned unit's result belongs to, for the run's failures and telemetry. */
const unitIdentitySchema = z.object({ label: z.string(), enterprise: z.string(), report: z.string() });
export type UnitIdentity = z.infer<typeof unitIdentitySchema>;

export const errorSummary = z.object({
  errorClass: z.string(),
  message: z.string(),
  file: z.string().optional(),
  line: z.number().optional(),
});
export type ErrorSummary = z.infer<typeof errorSummary>;

/** How every unit's activity fails: it returns this instead of throwing, so one unit never sinks its siblings. */
export const failure = z.object({ ok: z.literal(false), error: errorSummary });
export type Failure = z.infer<typeof failure>;

/** A unit's outcome: its result when it succeeded (`ok: true` and the fields of `success`), else the failure. */
export function outcome<T extends z.ZodRawShape>(success: T) {
  return z.discriminatedUnion("ok", [z.object({ ok: z.literal(true), ...success }), failure]);
}

/** unavailable: the endpoint itself is missing for this scope (see `warning`). */
const unitResult = outcome({
  status: z.enum(["ok", "pending", "unavailable"]),
  records: z.number(),
  daysCollected: z.number(),
  warning: z.string().optional(),
});
export type UnitResult = z.infer<typeof unitResult>;

/** What the ingest activity returns: a unit of the stored plan names itself in its result. */
export const ingestResult = z.discriminatedUnion("ok", [
  unitResult.options[0].extend({ unit: unitIdentitySchema.optional() }),
  failure.extend({ unit: unitIdentitySchema.optional() }),
]);
export type IngestResult = z.infer<typeof ingestResult>;

export const enterpriseInput = z.object({ slug: z.string(), orgs: z.array(z.string()) });

export const runInput = z.object({
  runId: z.string(),
  trigger: z.enum(["cli", "timer", "http"]),
  from: day.optional(),
  to: day.optional(),
  enterprises: z.array(enterpriseInput),
  backfillDays: z.number().int(),
  repollDays: z.number().int(),
  /** Datasets to publish at the end of the run. */
  datasets: z.array(z.string()),
});
export type RunInput = z.infer<typeof runInput>;

export function unitIdentity(unit: ReportUnit): UnitIdentity {
  return { label: unitLabel(unit), enterprise: unit.enterprise, report: unit.report };
}

export function unitLabel(unit: ReportUnit): string {
  const owner = unit.scope === "enterprise" ? unit.enterprise : `${unit.enterprise}/${unit.organization}`;
  const days = unit.days.length === 1 ? unit.days[0] : `${unit.days[0]}..${unit.days.at(-1)}`;
  return `${owner} ${unit.report} ${days}`;
}

export const seatSnapshotResult = outcome({ seats: z.number() });
export type SeatSnapshotResult = z.infer<typeof seatSnapshotResult>;

export const seatSnapshotInput = z.object({ runId: z.string().optional(), enterprise: z.string(), organization: z.string(), day });
export type SeatSnapshotInput = z.infer<typeof seatSnapshotInput>;

export function seatsLabel(org: { enterprise: string; organization: string }): string {
  return org.organization === "" ? `${org.enterprise} enterprise seats` : `${org.enterprise}/${org.organization} seats`;
}
