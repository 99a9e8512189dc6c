import { app } from "@azure/functions";
import { liveness } from "../src/app/index.js";

// Anonymous on purpose: Azure's availability test has no function key. It answers "ok" only.
app.http("live", {
  route: "live",
  methods: ["GET"],
  authLevel: "anonymous",
  handler: () => liveness(),
});
