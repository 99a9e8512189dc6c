import * as df from "durable-functions";
import { activityTable } from "../src/pipeline/index.js";
import { functionWorker } from "../src/app/index.js";

// Every activity of the table, under the name the orchestrator calls it by; each builds its
// dependencies on the worker's first call.
for (const { name } of Object.values(activityTable)) {
  df.app.activity(name, { handler: functionWorker.activity(name) });
}
