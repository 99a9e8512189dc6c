import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import appInsights from "applicationinsights";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ManagedIdentityCredential } from "@azure/identity";
import { appInsightsCall, configureClient, inOperation, ingestionCredential, traceIdFor } from "../../src/telemetry/app-insights.js";
import { createTelemetry, telemetryEvents, telemetryMetrics } from "../../src/telemetry/index.js";
import { exceptionItem } from "../../src/telemetry/telemetry-item.js";

// Nothing listens on port 1, so every export fails at once instead of reaching Azure. The exporter
// upgrades the endpoint to https itself, so a local fake ingestion server cannot receive the items;
// the mapping to TelemetryClient calls is tested instead, and the operation context directly.
const connectionString = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:1/";

describe("traceIdFor", () => {
  it("hashes an orchestration instance id to 32 hex digits, the same for every activity of a run", () => {
    expect([traceIdFor("run-2026-11-30"), traceIdFor("run-2026-11-30")]).toEqual([
      "d3a9a8fd6198b9a4471274498fa1f9e1",
      "d3a9a8fd6198b9a4471274498fa1f9e1",
    ]);
  });

  it("keeps a GUID as its 32 hex digits", () => {
    expect(traceIdFor("6F9619FF-8B86-D011-B42D-00C04FC964FF")).toBe("6f9619ff8b86d011b42d00c04fc964ff");
  });
});

describe("appInsightsCall", () => {
  it("maps an event to trackEvent with the operation id as a custom dimension", () => {
    expect(
      appInsightsCall({
        type: "event",
        name: telemetryEvents.unitFailed,
        operationId: "run-1",
        properties: { unit: "contoso/day", attempts: 2 },
        measurements: { seconds: 3 },
      }),
    ).toEqual({
      track: "trackEvent",
      telemetry: {
        name: "UnitFailed",
        properties: { unit: "contoso/day", attempts: 2, operationId: "run-1" },
        measurements: { seconds: 3 },
      },
    });
  });

  it("maps a metric to trackMetric", () => {
    expect(appInsightsCall({ type: "metric", name: telemetryMetrics.recordsIngested, value: 7, properties: { source: "x" } })).toEqual({
      track: "trackMetric",
      telemetry: { name: "records.ingested", value: 7, properties: { source: "x" } },
    });
  });

  it("maps an exception to a fresh Error holding only the redacted message and stack", () => {
    const original = new TypeError("fetch https://reports.example/a?sig=SECRET failed");
    const call = appInsightsCall(exceptionItem(original, { unit: "contoso/day" }, "run-1"));
    expect(call.track).toBe("trackException");
    if (call.track !== "trackException") return;
    const { exception, properties } = call.telemetry;
    expect(exception).not.toBe(original);
    expect([exception.name, exception.message, exception.stack?.split("\n")[0]]).toEqual([
      "TypeError",
      "fetch https://reports.example/a failed",
      "TypeError: fetch https://reports.example/a failed",
    ]);
    expect(properties).toEqual({ unit: "contoso/day", errorClass: "TypeError", operationId: "run-1" });
  });
});

describe("ingestionCredential", () => {
  it("is the user-assigned identity named in the host's authentication string", () => {
    const credential = ingestionCredential("Authorization=AAD;ClientId=11111111-2222-3333-4444-555555555555");
    expect(credential).toBeInstanceOf(ManagedIdentityCredential);
  });

  it("accepts the fields in any order and case, and no client id for a system-assigned identity", () => {
    expect(ingestionCredential("clientid=11111111-2222-3333-4444-555555555555; authorization=aad")).toBeInstanceOf(
      ManagedIdentityCredential,
    );
    expect(ingestionCredential("Authorization=AAD")).toBeInstanceOf(ManagedIdentityCredential);
  });

  it("is none without a string, so the connection string alone sends, as locally", () => {
    expect([ingestionCredential(undefined), ingestionCredential(""), ingestionCredential("  ")]).toEqual([undefined, undefined, undefined]);
  });

  it("refuses a string that does not ask for Entra authorization, naming the setting", () => {
    expect(() => ingestionCredential("ClientId=11111111-2222-3333-4444-555555555555")).toThrow(
      "Setting APPLICATIONINSIGHTS_AUTHENTICATION_STRING must say Authorization=AAD",
    );
  });

  it("is handed to the SDK as aadTokenCredential before the client starts", () => {
    const client = new appInsights.TelemetryClient(connectionString);
    const credential = new ManagedIdentityCredential({ clientId: "11111111-2222-3333-4444-555555555555" });
    configureClient(client, credential);
    expect([client.config.aadTokenCredential, client.config.enableAutoCollectDependencies]).toEqual([credential, false]);
  });
});

describe("createTelemetry with a connection string", () => {
  let storage: string;

  beforeAll(async () => {
    // Failed exports are kept for retry under os.tmpdir(); keep them out of the real one.
    storage = await mkdtemp(join(tmpdir(), "telemetry-test-"));
    vi.stubEnv("TMPDIR", storage);
    // Statsbeat reports SDK usage to a Microsoft endpoint: no network in tests.
    vi.stubEnv("APPLICATIONINSIGHTS_STATSBEAT_DISABLED", "true");
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await rm(storage, { recursive: true, force: true });
  });

  it("sends events, metrics and exceptions and flushes when ingestion is unreachable", async () => {
    const telemetry = createTelemetry({ connectionString }).withOperation("run-2026-11-30");
    telemetry.event(telemetryEvents.collectionRunCompleted, { status: "succeeded" }, { units: 3 });
    telemetry.metric(telemetryMetrics.runDurationSeconds, 12);
    telemetry.exception(new Error("boom"), { unit: "contoso/day" });
    const started = Date.now();
    await telemetry.flush();
    // A refused connection fails at once, but the exporter retries it with backoff (about 5 s).
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("runs code for an operation under its trace id, which the exporter sends as ai.operation.id", () => {
    createTelemetry({ connectionString });
    const seen: string[] = [];
    inOperation("run-2026-11-30", () => seen.push(appInsights.getCorrelationContext().operation.id));
    expect(seen).toEqual(["d3a9a8fd6198b9a4471274498fa1f9e1"]);
  });
});
