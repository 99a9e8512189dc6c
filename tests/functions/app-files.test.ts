import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseSettings } from "../../src/config/index.js";
import { functionAppSettings } from "../../src/app/function-worker.js";

const read = async (file: string): Promise<unknown> => JSON.parse(await readFile(new URL(`../../${file}`, import.meta.url), "utf8"));

describe("local.settings.example.json", () => {
  const localSettings = z.object({ IsEncrypted: z.literal(false), Values: z.record(z.string(), z.string()) });

  it("lists every setting of the README's settings table with the Functions host's own, and nothing the app does not read", async () => {
    const { Values } = localSettings.parse(await read("local.settings.example.json"));
    const settings = Object.keys(parseSettings({}));
    expect(Object.keys(Values).sort()).toEqual([...settings, "AzureWebJobsStorage", "FUNCTIONS_WORKER_RUNTIME"].sort());
  });

  it("is a working local configuration: Azurite for the host and the archive, a local PostgreSQL", async () => {
    const { Values } = localSettings.parse(await read("local.settings.example.json"));
    const settings = functionAppSettings(Values);
    expect({
      storage: Values["AzureWebJobsStorage"],
      runtime: Values["FUNCTIONS_WORKER_RUNTIME"],
      archive: settings.ARCHIVE_ACCOUNT_URL,
      database: settings.DATABASE_URL,
      schedule: settings.COLLECT_SCHEDULE,
      telemetry: settings.APPLICATIONINSIGHTS_CONNECTION_STRING,
    }).toEqual({
      storage: "UseDevelopmentStorage=true",
      runtime: "node",
      archive: "http://127.0.0.1:10000/devstoreaccount1",
      database: "postgres://postgres:postgres@localhost:5432/metrics",
      schedule: "0 0 6 * * *",
      telemetry: undefined,
    });
  });
});

describe("host.json", () => {
  const hostJson = z.object({
    version: z.literal("2.0"),
    functionTimeout: z.string(),
    extensionBundle: z.object({ id: z.string(), version: z.string() }),
    extensions: z.object({
      durableTask: z.object({
        hubName: z.string(),
        maxConcurrentActivityFunctions: z.number(),
        maxConcurrentOrchestratorFunctions: z.number(),
        storageProvider: z.object({ maxQueuePollingInterval: z.string() }),
      }),
    }),
  });

  it("fits Flex Consumption: bundle 4.x, a bounded function timeout within the 60-minute scale-in grace, a 10-second queue poll", async () => {
    const host = hostJson.parse(await read("host.json"));
    expect({
      bundle: host.extensionBundle.version,
      timeout: host.functionTimeout,
      hub: host.extensions.durableTask.hubName,
      activities: host.extensions.durableTask.maxConcurrentActivityFunctions,
      orchestrators: host.extensions.durableTask.maxConcurrentOrchestratorFunctions,
      polling: host.extensions.durableTask.storageProvider.maxQueuePollingInterval,
      // 16 activities per instance keeps the busy instances, and so PostgreSQL's connections, few
      // (tests/infra/connections.test.ts).
    }).toEqual({
      bundle: "[4.*, 5.0.0)",
      timeout: "01:00:00",
      hub: "MetricsCollector",
      activities: 16,
      orchestrators: 2,
      polling: "00:00:10",
    });
  });
});
