import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createRunProgress, terminalLine } from "../../src/cli/progress.js";
import { addDays, dayOf } from "../../src/days.js";
import { activityNames } from "../../src/pipeline/index.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { runCli } from "../support/run-cli.js";

const unit = (day: string) => ({
  enterprise: "contoso",
  scope: "enterprise",
  organization: "",
  report: "enterprise-1-day",
  series: "enterprise-1-day",
  days: [day],
});

describe("run progress", () => {
  it("shows one line per named step with the units and records of its activities, and the plan", async () => {
    const lines: string[] = [];
    let clock = 0;
    const progress = createRunProgress({
      line: (text) => lines.push(text),
      expected: { [activityNames.snapshotSeats]: 2 },
      now: () => clock,
    });
    const activities = progress.observe({
      [activityNames.startRun]: async () => ({ runId: "r" }),
      [activityNames.planUnits]: async () => ({ units: 2, copilotFrom: "2026-11-01" }),
      [activityNames.ingestReport]: async () => {
        clock += 1500;
        return { ok: true, status: "ok", records: 7, daysCollected: 1 };
      },
      [activityNames.snapshotSeats]: async () => ({ ok: false, error: { errorClass: "HttpError", message: "404" } }),
      [activityNames.publishDataset]: async () => ({ ok: true, dataset: "copilot_metrics", rows: 1200, files: 1, skipped: 2 }),
    });
    await activities[activityNames.startRun]!({});
    await activities[activityNames.planUnits]!({});
    await activities[activityNames.ingestReport]!(unit("2026-11-01"));
    await activities[activityNames.ingestReport]!(unit("2026-11-02"));
    await activities[activityNames.snapshotSeats]!({ enterprise: "contoso", organization: "contoso-web", day: "2026-11-03" });
    await activities[activityNames.publishDataset]!({ runId: "r", dataset: "copilot_metrics", day: "2026-11-03" });
    progress.stop();

    expect(lines).toEqual([
      "Plan: 2 Copilot report units from 2026-11-01",
      "Copilot reports: 2/2 units, 14 records, 3.0s",
      "Copilot seats: 1/2 listings, 0 records, 1 failed, 0.0s",
      "Publish: 1 datasets, 1,200 rows, 1 files written, 2 unchanged, 0.0s",
    ]);
  });

  it("off a terminal, names what a long wait waits for and the time left, once per heartbeat, without control characters", async () => {
    vi.useFakeTimers();
    try {
      const lines: string[] = [];
      let clock = 0;
      let release: () => void = () => undefined;
      const progress = createRunProgress({ line: (text) => lines.push(text), expected: {}, now: () => clock, heartbeatMs: 30_000 });
      const activities = progress.observe({
        [activityNames.planUnits]: async () => ({ units: 3, copilotFrom: "2026-11-01" }),
        [activityNames.ingestReport]: async (input) =>
          JSON.stringify(input).includes("2026-11-01")
            ? { ok: true, status: "ok", records: 5, daysCollected: 1 }
            : new Promise((resolve) => (release = () => resolve({ ok: true, status: "ok", records: 1, daysCollected: 1 }))),
      });
      await activities[activityNames.planUnits]!({});
      clock = 10_000;
      await activities[activityNames.ingestReport]!(unit("2026-11-01"));
      const waiting = activities[activityNames.ingestReport]!(unit("2026-11-02"));
      clock = 40_000;
      vi.advanceTimersByTime(30_000);
      release();
      await waiting;
      progress.stop();

      expect(lines).toEqual([
        "Plan: 3 Copilot report units from 2026-11-01",
        "… Copilot reports: 1/3 units, 5 records, 30.0s, waiting for contoso enterprise-1-day 2026-11-02 (30.0s), about 1m00s left",
        "Copilot reports: 2/3 units, 6 records, 30.0s",
      ]);
      expect(lines.filter((line) => /\p{Cc}/u.test(line))).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("on a terminal, redraws one line in place and cuts it to the terminal's width", () => {
    const written: string[] = [];
    let clock = 0;
    const live = terminalLine({ write: (text: string) => written.push(text), columns: 30 }, () => clock);
    clock = 1000;
    live.draw("Copilot reports: 10/290 units, 45 records, 2.0s");
    clock = 1050;
    live.draw("dropped: less than 100 ms after the last");
    live.clear();
    expect(written).toEqual(["\r\x1b[2KCopilot reports: 10/290 units", "\r\x1b[2K"]);
  });
});

describe("metrics-collector run against the sandbox", () => {
  let database: TestDatabase;
  let out: string;
  const today = dayOf(new Date());

  beforeAll(async () => {
    database = await createTestDatabase();
    out = await mkdtemp(path.join(tmpdir(), "run-progress-"));
    vi.stubEnv("DATABASE_URL", database.url);
    vi.stubEnv("OUTPUT_DIR", out);
    vi.stubEnv("npm_lifecycle_event", "start");
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await database.drop();
    await rm(out, { recursive: true, force: true });
  });

  it("prints progress lines whose units and records add up to the summary's, then the next steps", { timeout: 120_000 }, async () => {
    const result = await runCli(["run", "--from", addDays(today, -3), "--to", addDays(today, -2)]);

    expect(result.code).toBe(0);
    const steps = result.out
      .map((line) => /^([A-Z][\w ]+): (\d[\d,]*)(?:\/(\d[\d,]*))? \w+, ([\d,]+) records/.exec(line))
      .filter((match) => match !== null);
    const number = (text: string) => Number(text.replaceAll(",", ""));
    expect(steps.map((step) => step[1])).toEqual([
      "Copilot reports",
      "Copilot seats",
      "Repository lists",
      "Repository activity",
      "Copilot billing usage",
      "DORA and velocity",
    ]);
    // Every step ran to its end.
    expect(steps.filter((step) => step[3] !== undefined && step[2] !== step[3])).toEqual([]);
    const summary = (label: string) =>
      result.out
        .find((line) => line.startsWith(`${label} `))!
        .slice(label.length)
        .trim();
    // The metrics computation has a step of its own but is not a collection unit of the run.
    const units = steps.filter((step) => step[1] !== "DORA and velocity").reduce((total, step) => total + number(step[2]!), 0);
    const records = steps.reduce((total, step) => total + number(step[4]!), 0);
    expect(records).toBeGreaterThan(0);
    expect({ units, records }).toEqual({ units: number(/^[\d,]+/.exec(summary("units"))![0]), records: number(summary("records")) });
    const runs = await database.pool.query<{ units_total: number; records: number }>(
      "select units_total, records::int as records from collection_runs",
    );
    expect(runs.rows).toEqual([{ units_total: units, records }]);

    expect(result.out.slice(result.out.indexOf("Next steps:"))).toEqual([
      "Next steps:",
      `- The CSV files went to folder ${path.resolve(out)}. To build a report on them, follow docs/power-bi.md (Power BI Desktop, Get data).`,
      "- These numbers are the built-in sandbox's, not yours. To collect from GitHub, put in .env:",
      '    ENTERPRISES=[{"slug":"your-enterprise","orgs":["your-org"]}]',
      "    GITHUB_TOKEN=<a token that can read the enterprise's Copilot metrics, see README.md>",
      '  then "npm run cli -- check" tests the settings and the token, and "npm run cli -- run" collects.',
    ]);
  });

  it("says why a range before the first report day collects no Copilot report", async () => {
    const result = await runCli(["run", "--from", "2020-01-01", "--to", "2020-01-31"]);

    expect(result.code).toBe(0);
    expect(result.out).toContain("Plan: no Copilot report day is due");
    expect(result.out).toContain(
      `NOTE No Copilot report exists for 2020-01-01..2020-01-31: the oldest day GitHub still has is ${addDays(today, -365)} ` +
        "(reports start on 2025-10-10 for enterprises and 2025-12-12 for organizations, and GitHub keeps one year).",
    );
  });

  it("says why a range in the future collects no Copilot report", async () => {
    const result = await runCli(["run", "--from", addDays(today, 1), "--to", addDays(today, 5)]);

    expect(result.code).toBe(0);
    expect(result.out).toContain(
      `NOTE No Copilot report exists for ${addDays(today, 1)}..${addDays(today, 5)} yet: the newest day a report can exist for is yesterday, ` +
        `${addDays(today, -1)}, and reports land up to two days late.`,
    );
  });
});
