import { z } from "zod";

// The JSON that crosses the orchestrator boundary (Durable Functions stores it in its history):
// small, and parsed again on the activity side because it crossed a process.

/** A calendar day, YYYY-MM-DD. */
export const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

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

/** What planUnits returns for an enterprise: the plan itself stays in the database (it runs to megabytes). */
export interface PlanSummary {
  units: number;
  /** The earliest Copilot day planned. */
  copilotFrom?: string;
}

/** Which unit a planned unit's result belongs to, for the run's failures and telemetry. */
export interface UnitIdentity {
  label: string;
  enterprise: string;
  report: string;
}

export interface ErrorSummary {
  errorClass: string;
  message: string;
  file?: string;
  line?: number;
}

export type UnitResult =
  /** unavailable: the endpoint itself is missing for this scope (see `warning`). */
  | { ok: true; status: "ok" | "pending" | "unavailable"; records: number; daysCollected: number; warning?: string }
  | { ok: false; error: ErrorSummary };

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

export type SeatSnapshotResult = { ok: true; seats: number } | { ok: false; error: ErrorSummary };

export const seatSnapshotInput = z.object({ runId: z.string().optional(), enterprise: z.string(), organization: z.string(), day });

export function seatsLabel(org: { enterprise: string; organization: string }): string {
  return org.organization === "" ? `${org.enterprise} enterprise seats` : `${org.enterprise}/${org.organization} seats`;
}
