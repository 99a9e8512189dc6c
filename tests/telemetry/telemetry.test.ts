import { describe, expect, it } from "vitest";
import { createTelemetry, registerSecret, telemetryEvents, telemetryMetrics } from "../../src/telemetry/index.js";

function consoleTelemetry() {
  const lines: string[] = [];
  const telemetry = createTelemetry({ log: (line) => lines.push(line) });
  return { telemetry, lines };
}

class ReportDownloadError extends Error {
  override name = "ReportDownloadError" as const;
}

describe("createTelemetry without a connection string", () => {
  it("writes one JSON line per event with its properties and measurements", () => {
    const { telemetry, lines } = consoleTelemetry();
    telemetry.event(telemetryEvents.collectionRunCompleted, { status: "succeeded", units: 12, backfill: false }, { durationSeconds: 81.5 });
    expect(lines).toEqual([
      JSON.stringify({
        type: "event",
        name: "CollectionRunCompleted",
        properties: { status: "succeeded", units: 12, backfill: false },
        measurements: { durationSeconds: 81.5 },
      }),
    ]);
  });

  it("writes one JSON line per metric", () => {
    const { telemetry, lines } = consoleTelemetry();
    telemetry.metric(telemetryMetrics.rateLimitUsedPercent, 83.5, { enterprise: "contoso" });
    telemetry.metric(telemetryMetrics.recordsIngested, 1200);
    expect(lines).toEqual([
      '{"type":"metric","name":"github.ratelimit.used_percent","value":83.5,"properties":{"enterprise":"contoso"}}',
      '{"type":"metric","name":"records.ingested","value":1200}',
    ]);
  });

  it("writes an exception as its class and redacted message, without the stack", () => {
    const { telemetry, lines } = consoleTelemetry();
    telemetry.exception(new ReportDownloadError("download of https://reports.example/day.ndjson?sig=SECRET failed with 403"), {
      unit: "contoso/copilot-usage/2026-11-29",
    });
    expect(lines).toEqual([
      JSON.stringify({
        type: "exception",
        errorClass: "ReportDownloadError",
        message: "download of https://reports.example/day.ndjson failed with 403",
        properties: { unit: "contoso/copilot-usage/2026-11-29" },
      }),
    ]);
  });

  it("uses the given error class and reports a thrown non-Error by its type", () => {
    const { telemetry, lines } = consoleTelemetry();
    telemetry.exception("socket hang up", { errorClass: "NetworkError" });
    telemetry.exception("socket hang up", {});
    expect(lines).toEqual([
      '{"type":"exception","errorClass":"NetworkError","message":"socket hang up","properties":{}}',
      '{"type":"exception","errorClass":"string","message":"socket hang up","properties":{}}',
    ]);
  });

  it("puts the withOperation id on every line", () => {
    const { telemetry, lines } = consoleTelemetry();
    const run = telemetry.withOperation("run-2026-11-30");
    run.event(telemetryEvents.unitFailed, { unit: "contoso/day", errorClass: "ReportDownloadError" });
    run.metric(telemetryMetrics.runDurationSeconds, 42);
    run.exception(new Error("boom"), {});
    telemetry.metric(telemetryMetrics.runDurationSeconds, 1);
    expect(lines.map((line): unknown => JSON.parse(line))).toEqual([
      {
        type: "event",
        name: "UnitFailed",
        operationId: "run-2026-11-30",
        properties: { unit: "contoso/day", errorClass: "ReportDownloadError" },
      },
      { type: "metric", name: "run.duration_seconds", value: 42, operationId: "run-2026-11-30" },
      { type: "exception", errorClass: "Error", message: "boom", operationId: "run-2026-11-30", properties: {} },
      { type: "metric", name: "run.duration_seconds", value: 1 },
    ]);
  });

  it("lets an exception name its own operation id", () => {
    const { telemetry, lines } = consoleTelemetry();
    telemetry.withOperation("run-a").exception(new Error("boom"), { operationId: "run-b" });
    expect(JSON.parse(lines[0] ?? "")).toEqual({
      type: "exception",
      errorClass: "Error",
      message: "boom",
      operationId: "run-b",
      properties: {},
    });
  });

  it("redacts every string property, metric property and exception message", () => {
    const { telemetry, lines } = consoleTelemetry();
    const token = "ghp_" + "x".repeat(36);
    registerSecret("hash-key-from-vault-91c2");
    telemetry.event(telemetryEvents.publishCompleted, {
      target: "https://contoso.sharepoint.com/sites/metrics/out.csv?tempauth=abc",
      header: `Bearer ${token}`,
      hashKey: "hash-key-from-vault-91c2",
      rows: 10,
    });
    telemetry.metric(telemetryMetrics.recordsIngested, 1, { note: token });
    telemetry.exception(new Error(`401 with ${token}`), { unit: "AccountKey=abc==" });
    expect(lines.map((line): unknown => JSON.parse(line))).toEqual([
      {
        type: "event",
        name: "PublishCompleted",
        properties: {
          target: "https://contoso.sharepoint.com/sites/metrics/out.csv",
          header: "Bearer ***",
          hashKey: "***",
          rows: 10,
        },
      },
      { type: "metric", name: "records.ingested", value: 1, properties: { note: "***" } },
      { type: "exception", errorClass: "Error", message: "401 with ***", properties: { unit: "AccountKey=***" } },
    ]);
  });

  it("flushes without waiting for anything", async () => {
    const { telemetry } = consoleTelemetry();
    await expect(telemetry.flush()).resolves.toBeUndefined();
  });
});
