import type * as df from "durable-functions";
import { describe, expect, it } from "vitest";
import { parseSettings } from "../../src/config/index.js";
import { datasets } from "../../src/publish/index.js";
import { describeRun, startDailyRun, startRequestedRun, type RunClient, type RunStatus } from "../../src/app/collect-triggers.js";
import { runClient } from "../../functions/durable-client.js";

const settings = parseSettings({ BACKFILL_DAYS: "14", REPOLL_DAYS: "2" });
const enterprises = [
  { slug: "contoso", orgs: ["contoso-web"] },
  { slug: "fabrikam", orgs: [] },
];
const now = new Date("2026-11-25T06:00:00Z");

/** A Durable client that remembers what was started; `statuses` are the instances that exist. */
function fakeClient(statuses: Record<string, RunStatus> = {}, options: { failStart?: (instanceId: string) => void } = {}) {
  const started: Array<{ orchestrator: string; instanceId: string; input: unknown }> = [];
  const client: RunClient = {
    getStatus: async (instanceId) => statuses[instanceId],
    startNew: async (orchestrator, { instanceId, input }) => {
      options.failStart?.(instanceId);
      started.push({ orchestrator, instanceId, input });
      return instanceId;
    },
    managementUrls: (instanceId) => ({
      id: instanceId,
      statusQueryGetUri: `http://localhost:7071/runtime/webhooks/durabletask/instances/${instanceId}?code=KEY`,
    }),
  };
  return { client, started };
}

function status(runtimeStatus: string, extra: Partial<RunStatus> = {}): RunStatus {
  return { runtimeStatus, createdTime: new Date("2026-11-25T06:00:01Z"), lastUpdatedTime: new Date("2026-11-25T06:10:00Z"), ...extra };
}

async function post(body: string) {
  const { client, started } = fakeClient();
  const answer = await startRequestedRun(client, settings, enterprises, { body, url: "http://localhost:7071/api/collect?code=KEY" }, now);
  return { answer, started };
}

describe("POST /api/collect", () => {
  it.each([
    [
      "not JSON",
      "from=2026-11-01",
      'The body is not JSON. Send an empty body for a normal run, or e.g. {"from":"2026-11-01","to":"2026-11-07","enterprise":"contoso"}.',
    ],
    [
      "not an object",
      '["2026-11-01"]',
      'The body must be a JSON object, e.g. {"from":"2026-11-01","to":"2026-11-07","enterprise":"contoso"}.',
    ],
    [
      "an unknown field",
      '{"since":"2026-11-01"}',
      'Unknown field "since"; the fields are from, to and enterprise, e.g. {"from":"2026-11-01","to":"2026-11-07","enterprise":"contoso"}.',
    ],
    ["a malformed date", '{"from":"2026-11-1"}', '"from" "2026-11-1" is not a date; write it as YYYY-MM-DD, e.g. "from":"2026-11-01".'],
    [
      "an impossible date",
      '{"from":"2026-11-01","to":"2026-02-30"}',
      '"to" "2026-02-30" is not a date; write it as YYYY-MM-DD, e.g. "to":"2026-11-01".',
    ],
    [
      "a date that is not a string",
      '{"from":20261101}',
      '"from" 20261101 is not a date; write it as YYYY-MM-DD, e.g. "from":"2026-11-01".',
    ],
    ["from after to", '{"from":"2026-11-10","to":"2026-11-01"}', '"from" 2026-11-10 is after "to" 2026-11-01.'],
    ["to without from", '{"to":"2026-11-01"}', '"to" needs "from": name the first day of the backfill too.'],
    [
      "from without data yet",
      '{"from":"2026-11-25"}',
      '"from" 2026-11-25 has no report yet: GitHub\'s newest report day is yesterday (2026-11-24) at best.',
    ],
    ["to in the future", '{"from":"2026-11-01","to":"2026-11-26"}', '"to" 2026-11-26 is in the future; today is 2026-11-25.'],
    [
      "a range over 366 days",
      '{"from":"2025-11-23","to":"2026-11-24"}',
      "The range 2025-11-23..2026-11-24 covers 367 days; at most 366 per request: split it.",
    ],
    [
      "an open range over 366 days",
      '{"from":"2025-11-01"}',
      "The range 2025-11-01..2026-11-24 covers 389 days; at most 366 per request: split it.",
    ],
    [
      "an unknown enterprise",
      '{"enterprise":"northwind"}',
      'Unknown enterprise "northwind"; configured in ENTERPRISES: contoso, fabrikam.',
    ],
    [
      "an enterprise that is not a string",
      '{"enterprise":["contoso"]}',
      'Unknown enterprise ["contoso"]; configured in ENTERPRISES: contoso, fabrikam.',
    ],
  ])("answers 400 with the reason for %s and starts nothing", async (_case, body, reason) => {
    const { answer, started } = await post(body);
    expect(answer).toEqual({ status: 400, jsonBody: { error: reason } });
    expect(started).toEqual([]);
  });

  it("starts a backfill of one enterprise and answers 202 with Durable's status URLs and the progress URL", async () => {
    const { answer, started } = await post('{"from":"2025-11-24","to":"2026-11-24","enterprise":"fabrikam"}');
    expect(started).toHaveLength(1);
    const instanceId = started[0]!.instanceId;
    expect(instanceId).toMatch(/^http-2026-11-25-[0-9a-f]{8}$/);
    expect(started[0]).toEqual({
      orchestrator: "collectOrchestrator",
      instanceId,
      input: {
        runId: instanceId,
        trigger: "http",
        from: "2025-11-24",
        to: "2026-11-24",
        enterprises: [{ slug: "fabrikam", orgs: [] }],
        backfillDays: 14,
        repollDays: 2,
        datasets: datasets.map((dataset) => dataset.name),
      },
    });
    expect(answer).toEqual({
      status: 202,
      headers: { location: `http://localhost:7071/api/collect/${instanceId}` },
      jsonBody: {
        id: instanceId,
        statusQueryGetUri: `http://localhost:7071/runtime/webhooks/durabletask/instances/${instanceId}?code=KEY`,
        progressUri: `http://localhost:7071/api/collect/${instanceId}`,
        request: { from: "2025-11-24", to: "2026-11-24", enterprise: "fabrikam" },
      },
    });
  });

  it("starts a normal run of every enterprise for an empty body", async () => {
    const { answer, started } = await post("");
    expect(answer.status).toBe(202);
    expect(started[0]!.input).toMatchObject({ trigger: "http", enterprises: enterprises.map((e) => ({ slug: e.slug, orgs: e.orgs })) });
    expect(started[0]!.input).not.toHaveProperty("from");
  });
});

describe("the daily timer", () => {
  it("starts today's run as collect-YYYY-MM-DD with the settings as input", async () => {
    const { client, started } = fakeClient();
    const log: string[] = [];
    expect(await startDailyRun(client, settings, enterprises, now, (line) => log.push(line))).toEqual({
      instanceId: "collect-2026-11-25",
      started: true,
    });
    expect(started).toEqual([
      {
        orchestrator: "collectOrchestrator",
        instanceId: "collect-2026-11-25",
        input: {
          runId: "collect-2026-11-25",
          trigger: "timer",
          enterprises: [
            { slug: "contoso", orgs: ["contoso-web"] },
            { slug: "fabrikam", orgs: [] },
          ],
          backfillDays: 14,
          repollDays: 2,
          datasets: datasets.map((dataset) => dataset.name),
        },
      },
    ]);
    expect(log).toEqual(["Started run collect-2026-11-25."]);
  });

  it.each(["Running", "Pending", "Completed"])("does nothing, saying why, when today's run is %s", async (runtimeStatus) => {
    const { client, started } = fakeClient({ "collect-2026-11-25": status(runtimeStatus) });
    const log: string[] = [];
    expect(await startDailyRun(client, settings, enterprises, now, (line) => log.push(line))).toEqual({
      instanceId: "collect-2026-11-25",
      started: false,
    });
    expect(started).toEqual([]);
    expect(log).toEqual([`Run collect-2026-11-25 is already ${runtimeStatus.toLowerCase()}; not starting it again today.`]);
  });

  it("starts today's run again when it failed or was terminated", async () => {
    const { client, started } = fakeClient({ "collect-2026-11-25": status("Failed") });
    const log: string[] = [];
    await startDailyRun(client, settings, enterprises, now, (line) => log.push(line));
    expect(started.map((start) => start.instanceId)).toEqual(["collect-2026-11-25"]);
    expect(log).toEqual(["Started run collect-2026-11-25 again after it ended failed."]);
  });

  it("stands down when another worker's timer started the run between its look and its start", async () => {
    const statuses: Record<string, RunStatus> = {};
    const { client } = fakeClient(statuses, {
      failStart: (instanceId) => {
        statuses[instanceId] = status("Running");
        throw new Error("An orchestration with instance ID 'collect-2026-11-25' already exists.");
      },
    });
    const log: string[] = [];
    expect(await startDailyRun(client, settings, enterprises, now, (line) => log.push(line))).toEqual({
      instanceId: "collect-2026-11-25",
      started: false,
    });
    expect(log).toEqual(["Run collect-2026-11-25 was started by another worker (running); not starting it twice."]);
  });
});

describe("GET /api/collect/{instanceId}", () => {
  it("shows the run's state, the progress it reports and, once completed, its summary", async () => {
    const progress = { step: "collect", unitsTotal: 40, unitsDone: 20, unitsFailed: 1, records: 900 };
    const { client } = fakeClient({
      "collect-2026-11-25": status("Running", { customStatus: progress }),
      "collect-2026-11-24": status("Completed", { customStatus: { ...progress, step: "done" }, output: { status: "partial" } }),
    });
    expect(await describeRun(client, "collect-2026-11-25")).toEqual({
      status: 200,
      jsonBody: {
        instanceId: "collect-2026-11-25",
        runtimeStatus: "Running",
        createdTime: "2026-11-25T06:00:01.000Z",
        lastUpdatedTime: "2026-11-25T06:10:00.000Z",
        progress,
      },
    });
    expect(await describeRun(client, "collect-2026-11-24")).toMatchObject({
      status: 200,
      jsonBody: { runtimeStatus: "Completed", progress: { step: "done" }, summary: { status: "partial" } },
    });
  });

  it("answers 404 for an unknown id", async () => {
    const { client } = fakeClient();
    expect(await describeRun(client, "collect-1999-01-01")).toEqual({
      status: 404,
      jsonBody: { error: 'No run has the id "collect-1999-01-01".' },
    });
  });
});

describe("functions/durable-client.ts", () => {
  it("turns durable-functions' 404 for an unknown instance into undefined and passes other errors on", async () => {
    const durable = {
      getStatus: async (instanceId: string) => {
        if (instanceId === "boom") throw new Error("DurableClient error: the Durable Functions extension replied with HTTP 500");
        throw new Error(`DurableClient error: Durable Functions extension replied with HTTP 404 response. ${instanceId}`);
      },
    };
    const client = runClient(durable as unknown as df.DurableClient);
    expect(await client.getStatus("collect-2026-11-25")).toBeUndefined();
    await expect(client.getStatus("boom")).rejects.toThrow("HTTP 500");
  });
});
