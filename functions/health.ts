import { app } from "@azure/functions";
import { functionWorker } from "../src/pipeline/function-worker.js";
import { checkHealth } from "../src/pipeline/health.js";

app.http("health", {
  route: "health",
  methods: ["GET"],
  authLevel: "function",
  handler: () => checkHealth(functionWorker.pool, functionWorker.settings().ENTERPRISES, new Date()),
});
