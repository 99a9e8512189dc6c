import * as df from "durable-functions";
import { functionWorker, startDailyRun } from "../src/app/index.js";
import { runClient } from "./durable-client.js";

// COLLECT_SCHEDULE is NCRONTAB in UTC (Flex Consumption has no time zone setting).
df.app.client.timer("collectTimer", {
  schedule: functionWorker.settings().COLLECT_SCHEDULE,
  handler: async (_timer, client, context) => {
    const settings = functionWorker.settings();
    await startDailyRun(runClient(client), settings, settings.ENTERPRISES, new Date(), (line) => context.log(line));
  },
});
