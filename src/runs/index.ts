export * as runStore from "./run-store.js";
export type { CheckpointRow, PlanUnitRow, RunOutcome, SeriesKey } from "./run-store.js";
