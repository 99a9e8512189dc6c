import * as df from "durable-functions";
import { functionWorker, startRequestedRun } from "../src/app/index.js";
import { runClient } from "./durable-client.js";

df.app.client.http("collectStart", {
  route: "collect",
  methods: ["POST"],
  authLevel: "function",
  handler: async (request, client) => {
    const settings = functionWorker.settings();
    return startRequestedRun(
      runClient(client),
      settings,
      settings.ENTERPRISES,
      { body: await request.text(), url: request.url },
      new Date(),
    );
  },
});
