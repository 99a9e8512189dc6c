import { rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportKinds, type ReportKind } from "../../src/github/index.js";
import { sandboxEnterprises, sandboxReports } from "../../src/sandbox/sandbox-data.js";
import { fakeToken, startGitHubServer, type GitHubServer } from "../fakes/github-server.js";
import { readCsv } from "../publish/seed.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { runCollection } from "../support/run-collection.js";

// Chat modes and agent edits are `feature` values of totals_by_feature[] (GitHub's field
// reference): every figure published for them must be the sum of the entries the sandbox served.
const today = "2026-11-25";
const day = "2026-11-20";
const features = [
  "chat_panel_agent_mode",
  "chat_panel_ask_mode",
  "chat_panel_custom_mode",
  "chat_panel_edit_mode",
  "chat_panel_plan_mode",
  "chat_panel_unknown_mode",
  "agent_edit",
];
const figures = {
  interactions: "user_initiated_interaction_count",
  generations: "code_generation_activity_count",
  acceptances: "code_acceptance_activity_count",
  loc_added_sum: "loc_added_sum",
  loc_deleted_sum: "loc_deleted_sum",
} as const;

/** The column a feature's figure is published in: a mode's interactions keep the mode's name. */
function column(feature: string, figure: string): string {
  return figure === "interactions" && feature !== "agent_edit" ? feature : `${feature}_${figure}`;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/** The records the sandbox serves for one 1-day report of `owner`. */
function served(kind: ReportKind, owner: string): Json[] {
  const answer = sandboxReports(today)({ kind, owner, day });
  if (answer.kind !== "files") throw new Error(`no ${kind.report} for ${owner}`);
  return answer.files
    .flatMap((file) =>
      typeof file === "string"
        ? file
            .split("\n")
            .filter((line) => line !== "")
            .map((line): unknown => JSON.parse(line))
        : [],
    )
    .filter(isObject);
}

/** Every feature column of a record, summed over its totals_by_feature entries; null with no entry. */
function expectedColumns(record: Json): Record<string, number | null> {
  const entries = (Array.isArray(record["totals_by_feature"]) ? record["totals_by_feature"] : []).filter(isObject);
  const result: Record<string, number | null> = {};
  for (const feature of features) {
    const mine = entries.filter((entry) => entry["feature"] === feature);
    for (const [figure, field] of Object.entries(figures)) {
      result[column(feature, figure)] = mine.length === 0 ? null : mine.reduce((total, entry) => total + Number(entry[field] ?? 0), 0);
    }
  }
  return result;
}

const cell = (value: number | null) => (value === null ? "" : String(value));

describe("chat modes and agent edits from totals_by_feature", () => {
  let database: TestDatabase;
  let github: GitHubServer;
  let out: string;
  const enterprise = sandboxEnterprises[0];
  const org = enterprise.orgs[0];
  const columns = features.flatMap((feature) => Object.keys(figures).map((figure) => column(feature, figure)));

  beforeAll(async () => {
    database = await createTestDatabase();
    github = await startGitHubServer({ reports: sandboxReports(today), token: fakeToken });
    ({ outputDir: out } = await runCollection({
      pool: database.pool,
      githubUrl: github.url,
      enterprises: [{ slug: enterprise.slug, orgs: [org] }],
      from: day,
      to: day,
      now: new Date(`${today}T06:00:00Z`),
    }));
  }, 120_000);
  afterAll(async () => {
    await github.close();
    await database.drop();
    await rm(out, { recursive: true, force: true });
  });

  it("stores and publishes each day's figures as the sums of the aggregate report's feature entries", async () => {
    const kind = (scope: string) =>
      reportKinds.find((candidate) => candidate.scope === scope && candidate.level === "aggregate" && candidate.period === "1-day")!;
    const expected: Array<[string, Record<string, number | null>]> = [
      ["", expectedColumns(served(kind("enterprise"), enterprise.slug)[0]!)],
      [org, expectedColumns(served(kind("organization"), org)[0]!)],
    ];
    // The sandbox's day has chat in several modes and agent edits: the sums are not all empty.
    expect(
      expected.map(([, sums]) =>
        [sums["chat_panel_ask_mode"], sums["agent_edit_loc_added_sum"]].every((value) => typeof value === "number" && value > 0),
      ),
    ).toEqual([true, true]);

    const stored = await database.pool.query(
      `select organization, ${columns.join(", ")} from copilot_usage_daily where day = $1 order by organization`,
      [day],
    );
    expect(stored.rows).toEqual(expected.map(([organization, sums]) => ({ organization, ...sums })));

    const csv = await readCsv(path.join(out, "copilot_metrics.csv"));
    const header = csv[0]!;
    const published = csv.slice(1).filter((row) => row[header.indexOf("day")] === day);
    expect(published.map((row) => [row[header.indexOf("organization")], ...columns.map((name) => row[header.indexOf(name)])])).toEqual(
      expected.map(([organization, sums]) => [organization, ...columns.map((name) => cell(sums[name] ?? null))]),
    );
  });

  it("stores and publishes each user's figures as the sums of the users report's feature entries", async () => {
    const usersKind = reportKinds.find((candidate) => candidate.scope === "organization" && candidate.report === "users-1-day")!;
    const records = served(usersKind, org);
    const expected: Array<[string, Record<string, number | null>]> = records
      .map((record): [string, Record<string, number | null>] => [String(record["user_login"]), expectedColumns(record)])
      .sort(([a], [b]) => a.localeCompare(b));
    expect(expected.filter(([, sums]) => sums["chat_panel_agent_mode"] !== null).length).toBeGreaterThan(0);

    const stored = await database.pool.query(
      `select user_login, ${columns.join(", ")} from copilot_user_daily where scope = 'organization' and day = $1 order by user_login`,
      [day],
    );
    expect(stored.rows).toEqual(expected.map(([user_login, sums]) => ({ user_login, ...sums })));

    const csv = await readCsv(path.join(out, "copilot_user_metrics", "copilot_user_metrics_202611.csv"));
    const header = csv[0]!;
    const published = csv.slice(1).filter((row) => row[header.indexOf("day")] === day && row[header.indexOf("organization")] === org);
    const byUser = (rows: string[][]) => [...rows].sort((a, b) => a[0]!.localeCompare(b[0]!));
    expect(byUser(published.map((row) => [row[header.indexOf("user")]!, ...columns.map((name) => row[header.indexOf(name)]!)]))).toEqual(
      byUser(expected.map(([login, sums]) => [login, ...columns.map((name) => cell(sums[name] ?? null))])),
    );
  });
});
