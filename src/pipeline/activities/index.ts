import type { PipelineDependencies } from "./dependencies.js";
import type { Activity } from "./entry.js";
import { activityTable } from "./table.js";
import { observedActivities } from "./with-telemetry.js";

export type { PipelineDependencies } from "./dependencies.js";
export type { Activity } from "./entry.js";
export { accessLabel, activityNames, activityTable } from "./table.js";

/** Every activity of the table, by name, built once per worker from its dependencies, its input checked and its telemetry sent. */
export function createActivities(deps: PipelineDependencies): Record<string, Activity> {
  return observedActivities(deps, Object.fromEntries(Object.values(activityTable).map((entry) => [entry.name, entry.activity(deps)])));
}
