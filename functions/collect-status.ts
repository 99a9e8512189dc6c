import * as df from "durable-functions";
import { describeRun } from "../src/app/index.js";
import { runClient } from "./durable-client.js";

df.app.client.http("collectStatus", {
  route: "collect/{instanceId}",
  methods: ["GET"],
  authLevel: "function",
  handler: (request, client) => describeRun(runClient(client), request.params["instanceId"] ?? ""),
});
