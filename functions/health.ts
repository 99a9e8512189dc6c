import { app } from "@azure/functions";
import { checkHealth, functionWorker } from "../src/app/index.js";

app.http("health", {
  route: "health",
  methods: ["GET"],
  authLevel: "function",
  handler: () => checkHealth(functionWorker.pool, functionWorker.settings().ENTERPRISES, new Date()),
});
