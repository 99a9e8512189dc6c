import * as df from "durable-functions";
import { startRequestedRun } from "../src/pipeline/collect-triggers.js";
import { functionWorker } from "../src/pipeline/function-worker.js";
import { runClient } from "./durable-client.js";

df.app.client.http("collectStart", {
  route: "collect",
  methods: ["POST"],
  authLevel: "function",
  handler: async (request, client) => {
    const settings = functionWorker.settings();
    return startRequestedRun(runClient(client), settings, settings.ENTERPRISES, { body: await request.text(), url: request.url }, new Date());
  },
});
