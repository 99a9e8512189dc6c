import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { collectRunInput } from "../../src/app/collect-request.js";
import { createFunctionWorker } from "../../src/app/function-worker.js";
import { activityNames, collectOrchestrator, runLocally } from "../../src/pipeline/index.js";
import { withTelemetry } from "../../src/pipeline/activities/with-telemetry.js";
import { createSecretSource } from "../../src/secrets/index.js";
import { createTelemetry } from "../../src/telemetry/index.js";
import { fakeCredential, fakeKeyVault, vaultUrl } from "../secrets/fake-key-vault.js";
import { ReportTable, startFakeGitHub, type GitHubServer } from "../fakes/github-server.js";
import { enterpriseDay } from "../fixtures/official-examples.js";
import { ndjson, userLine } from "../fixtures/copilot-files.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

const oldToken = "ghp_capturedTokenBeforeRotation0000000000";
const newToken = "ghp_capturedTokenAfterRotation00000000000";
const hashKey = "user-hash-key-from-the-vault-6d0c1f2e";
const now = new Date("2026-11-25T06:00:00Z");

describe("everything a run in the Function App logs and sends as telemetry, with secrets configured", () => {
  let database: TestDatabase;
  let github: GitHubServer;
  const captured: string[] = [];
  let runOutput: unknown;

  beforeAll(async () => {
    const table = new ReportTable()
      .files("enterprise", "contoso", "enterprise-1-day", "2026-11-20", [JSON.stringify(enterpriseDay("2026-11-20")) + "\n"])
      .files("enterprise", "contoso", "enterprise-1-day", "2026-11-21", [JSON.stringify(enterpriseDay("2026-11-21")) + "\n"])
      .files("enterprise", "contoso", "enterprise-1-day", "2026-11-22", ['{"day":"2026-11-22", not json\n'])
      .files("enterprise", "contoso", "users-1-day", "2026-11-20", [ndjson([userLine("mona", 1, "2026-11-20")])]);
    [database, github] = await Promise.all([createTestDatabase(), startFakeGitHub(table, { token: newToken })]);
    // Failures whose messages could carry a URL, a header or a token: a download that keeps
    // failing, an expired signed link, a secondary rate limit, a malformed file, a rotated token.
    github.inject({ target: "download", pathIncludes: "/enterprise-1-day/2026-11-21/", times: 10, status: 500 });
    github.inject({ target: "download", pathIncludes: "/users-1-day/", times: 1, status: 403 });
    github.inject({
      target: "api",
      pathIncludes: "/users-1-day",
      times: 1,
      status: 403,
      headers: { "retry-after": "1" },
      body: { message: "You have exceeded a secondary rate limit." },
    });

    const vault = fakeKeyVault({ "github-token-contoso": oldToken, "user-hash-key": hashKey });
    const secrets = createSecretSource({
      keyVaultUrl: vaultUrl,
      env: {},
      credential: fakeCredential().credential,
      httpClient: vault.httpClient,
    });
    const env = {
      ENTERPRISES: '[{"slug":"contoso","orgs":[],"tokenSecret":"github-token-contoso"}]',
      DATABASE_URL: database.url,
      GITHUB_API_URL: github.url,
      KEY_VAULT_URL: vaultUrl,
      USER_IDENTITY: "hashed",
      OUTPUT_DIR: await mkdtemp(path.join(tmpdir(), "metrics-capture-")),
    };
    const worker = createFunctionWorker(env, { secrets, retryTimeScaleMs: 1, download: { attempts: 2, backoffMs: 1 } });
    await secrets.get("github-token-contoso");
    vault.setSecret("github-token-contoso", newToken);

    // Everything the worker writes goes through the console: its telemetry (no connection string
    // is set) and its log lines.
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void captured.push(args.map(String).join(" ")));
    }
    try {
      const input = collectRunInput(worker.settings(), worker.settings().ENTERPRISES, {
        runId: "collect-2026-11-25",
        trigger: "timer",
        request: { from: "2026-11-20", to: "2026-11-22" },
      });
      const activities = Object.fromEntries(Object.values(activityNames).map((name) => [name, worker.activity(name)]));
      runOutput = await runLocally(collectOrchestrator, input, { activities, concurrency: 4, retryDelayScale: 0, now: () => now });
      captured.push(JSON.stringify(runOutput));
      const stored = await database.pool.query(
        "select errors::text as text from collection_runs union all select last_error from sync_checkpoints where last_error is not null",
      );
      captured.push(...stored.rows.map((row: { text: string }) => row.text));
    } finally {
      vi.restoreAllMocks();
      await worker.close();
    }
  });

  afterAll(async () => {
    await Promise.all([github.close(), database.drop()]);
  });

  it("went through the failures it is meant to check, and reported them", () => {
    const text = captured.join("\n");
    expect(text).toContain('"name":"UnitFailed"');
    expect(text).toContain('"errorClass":"ReportDownloadError"');
    expect(text).toContain('"errorClass":"MalformedReportError"');
    expect(text).toContain('"name":"CollectionRunCompleted"');
    expect(text).toContain('"name":"PublishCompleted"');
    expect(text).toContain("secondary rate limit");
    // The 401 and the refresh happened: the run collected with the rotated token.
    expect(github.requests.some((request) => request.authorization === `token ${oldToken}`)).toBe(true);
    expect(runOutput).toMatchObject({ runId: "collect-2026-11-25", unitsFailed: 2 });
  });

  it("holds no token, key, password or signed URL query string", () => {
    const databasePassword = decodeURIComponent(new URL(database.url).password);
    const signatures = github.requests.flatMap((request) => Object.values(request.query)).filter((value) => value.length >= 16);
    const secrets = [oldToken, newToken, hashKey, "fake-kv-token", databasePassword, ...signatures].filter((secret) => secret !== "");
    expect(signatures.length).toBeGreaterThan(0);
    const text = captured.join("\n");
    for (const secret of secrets) expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
    expect(text).not.toMatch(/[?&](sig|se)=/);
    expect(text).not.toMatch(/\bgh[pousr]_[A-Za-z0-9]{20,}/);
  });
});

describe("the telemetry the activities send, as the alert rules read it", () => {
  const lines: string[] = [];
  const telemetry = createTelemetry({ log: (line) => lines.push(line) });
  const summary = {
    runId: "collect-2026-11-25",
    finishedAt: "2026-11-25T08:01:40.000Z",
    startedAt: "2026-11-25T06:00:00.000Z",
    unitsTotal: 4,
    unitsOk: 2,
    unitsPending: 1,
    unitsFailed: 1,
    records: 120,
    failures: [],
    warnings: [],
    publish: [],
    status: "partial",
    freshness: { "enterprise-1-day": "2026-11-24" },
  };
  const activities = withTelemetry(
    {
      ingestReport: async (input) =>
        (input as { days: string[] }).days[0] === "2026-11-23"
          ? {
              ok: false,
              error: {
                errorClass: "SignedLinkExpiredError",
                message: "Downloading report file https://dl.example/r/0.ndjson failed: 403.",
              },
            }
          : { ok: true, status: "ok", records: 120, daysCollected: 1 },
      publishDataset: async (input) =>
        (input as { dataset: string }).dataset === "copilot_seats"
          ? { dataset: "copilot_seats", ok: false, error: { errorClass: "GraphError", message: "503 from Graph" } }
          : { dataset: "copilot_metrics", ok: true, files: 1, rows: 30, skipped: 0 },
      syncRepositories: async () => ({
        ok: false,
        error: { errorClass: "RepositoryResponseError", message: "GitHub answered 502 for contoso/web pulls." },
      }),
      finishRun: async () => summary,
      planUnits: async () => {
        throw new Error("connect ECONNREFUSED postgres://metrics:pa55word@db.example:5432/metrics");
      },
    },
    telemetry,
    { rateLimitUsedPercent: () => 81.5 },
  );
  const unit = (day: string) => ({
    enterprise: "contoso",
    scope: "enterprise",
    organization: "",
    report: "enterprise-1-day",
    series: "enterprise-1-day",
    days: [day],
    runId: "collect-2026-11-25",
  });

  it("sends the records and rate-limit metrics for a unit, and UnitFailed with an exception for a failed one", async () => {
    lines.length = 0;
    await activities["ingestReport"]!(unit("2026-11-22"));
    await activities["ingestReport"]!(unit("2026-11-23"));
    expect(lines.map((line): unknown => JSON.parse(line))).toEqual([
      {
        type: "metric",
        name: "github.ratelimit.used_percent",
        value: 81.5,
        operationId: "collect-2026-11-25",
        properties: { enterprise: "contoso" },
      },
      {
        type: "metric",
        name: "records.ingested",
        value: 120,
        operationId: "collect-2026-11-25",
        properties: { enterprise: "contoso", report: "enterprise-1-day" },
      },
      {
        type: "metric",
        name: "github.ratelimit.used_percent",
        value: 81.5,
        operationId: "collect-2026-11-25",
        properties: { enterprise: "contoso" },
      },
      {
        type: "event",
        name: "UnitFailed",
        operationId: "collect-2026-11-25",
        properties: {
          unit: "contoso enterprise-1-day 2026-11-23",
          errorClass: "SignedLinkExpiredError",
          message: "Downloading report file https://dl.example/r/0.ndjson failed: 403.",
        },
      },
      {
        type: "exception",
        errorClass: "SignedLinkExpiredError",
        message: "Downloading report file https://dl.example/r/0.ndjson failed: 403.",
        operationId: "collect-2026-11-25",
        properties: { unit: "contoso enterprise-1-day 2026-11-23" },
      },
    ]);
  });

  it("sends UnitFailed with an exception for a failed unit of repository activity, named as the run names it", async () => {
    lines.length = 0;
    await activities["syncRepositories"]!({
      runId: "collect-2026-11-25",
      enterprise: "contoso",
      organization: "contoso",
      shard: 1,
      shards: 3,
    });
    const failure = { errorClass: "RepositoryResponseError", message: "GitHub answered 502 for contoso/web pulls." };
    expect(lines.map((line): unknown => JSON.parse(line))).toEqual([
      {
        type: "event",
        name: "UnitFailed",
        operationId: "collect-2026-11-25",
        properties: { unit: "contoso/contoso repositories 2/3", ...failure },
      },
      { type: "exception", ...failure, operationId: "collect-2026-11-25", properties: { unit: "contoso/contoso repositories 2/3" } },
    ]);
  });

  it("sends PublishCompleted per dataset with its status", async () => {
    lines.length = 0;
    await activities["publishDataset"]!({ runId: "collect-2026-11-25", dataset: "copilot_metrics" });
    await activities["publishDataset"]!({ runId: "collect-2026-11-25", dataset: "copilot_seats" });
    expect(lines.map((line): unknown => JSON.parse(line))).toEqual([
      {
        type: "event",
        name: "PublishCompleted",
        operationId: "collect-2026-11-25",
        properties: { dataset: "copilot_metrics", status: "succeeded", files: 1, rows: 30, skipped: 0 },
      },
      {
        type: "event",
        name: "PublishCompleted",
        operationId: "collect-2026-11-25",
        properties: { dataset: "copilot_seats", status: "failed", errorClass: "GraphError", message: "503 from Graph" },
      },
    ]);
  });

  it("sends CollectionRunCompleted with status and durationSeconds as properties, and the duration metric", async () => {
    lines.length = 0;
    await activities["finishRun"]!({ runId: "collect-2026-11-25" });
    expect(lines.map((line): unknown => JSON.parse(line))).toEqual([
      {
        type: "event",
        name: "CollectionRunCompleted",
        operationId: "collect-2026-11-25",
        properties: {
          status: "partial",
          durationSeconds: 7300,
          unitsTotal: 4,
          unitsOk: 2,
          unitsPending: 1,
          unitsFailed: 1,
          records: 120,
          freshness: '{"enterprise-1-day":"2026-11-24"}',
        },
      },
      { type: "metric", name: "run.duration_seconds", value: 7300, operationId: "collect-2026-11-25" },
    ]);
  });

  it("reports what an activity throws as an exception, and throws it on without the password", async () => {
    lines.length = 0;
    await expect(activities["planUnits"]!({ today: "2026-11-25" })).rejects.toThrow(
      "connect ECONNREFUSED postgres://***@db.example:5432/metrics",
    );
    expect(lines.map((line): unknown => JSON.parse(line))).toEqual([
      { type: "exception", errorClass: "Error", message: "connect ECONNREFUSED postgres://***@db.example:5432/metrics", properties: {} },
    ]);
  });
});
