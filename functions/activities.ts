import * as df from "durable-functions";
import { activityNames } from "../src/pipeline/index.js";
import { functionWorker } from "../src/app/index.js";

// Every activity the orchestrator calls, under the name it calls it by; each builds its
// dependencies on the worker's first call.
for (const name of Object.values(activityNames)) {
  df.app.activity(name, { handler: functionWorker.activity(name) });
}
