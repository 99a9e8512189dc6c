import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { addDays, daysBetween } from "../../src/days.js";
import { planUnits, type ReportUnit } from "../../src/pipeline/index.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

const today = "2026-11-25";
const contoso = [{ slug: "contoso", orgs: ["contoso-web"] }];

const adoptionSeries = new Set(["user-teams-1-day", "repos-1-day"]);

/** The usage-report units, one line each (teams and repositories have their own test). */
function summary(units: ReportUnit[]): string[] {
  return units
    .filter((unit) => !adoptionSeries.has(unit.series))
    .map(
      (unit) =>
        `${unit.scope}${unit.organization ? `/${unit.organization}` : ""} ${unit.report} ${unit.days.length === 1 ? unit.days[0] : `${unit.days[0]}..${unit.days.at(-1)} (${unit.days.length})`}`,
    );
}

describe("planning the units of a run", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database.drop());
  beforeEach(async () => {
    await database.pool.query("delete from sync_checkpoints");
  });

  async function checkpoint(report: string, days: string[], status: string, scope = "enterprise", organization = ""): Promise<void> {
    await database.pool.query(
      `insert into sync_checkpoints (enterprise, scope, organization, report, day, status, finished_at)
       select 'contoso', $1, $2, $3, d, $4, now() from unnest($5::date[]) d`,
      [scope, organization, report, status, days],
    );
  }

  it("backfills BACKFILL_DAYS on the first run with one 28-day report per series where the window covers it", async () => {
    const units = await planUnits(database.pool, { today, enterprises: contoso, backfillDays: 28, repollDays: 3 });
    expect(summary(units)).toEqual([
      "enterprise enterprise-28-day 2026-10-28..2026-11-24 (28)",
      "enterprise users-28-day 2026-10-28..2026-11-24 (28)",
      "organization/contoso-web organization-28-day 2026-10-28..2026-11-24 (28)",
      "organization/contoso-web users-28-day 2026-10-28..2026-11-24 (28)",
    ]);
    expect(units[0]).toMatchObject({ enterprise: "contoso", series: "enterprise-1-day", organization: "" });
  });

  it("uses 1-day reports for the days before the 28-day window", async () => {
    const units = await planUnits(database.pool, { today, enterprises: [{ slug: "contoso", orgs: [] }], backfillDays: 32, repollDays: 3 });
    // 2026-10-24..26 lie before the window (today - 29); the rest is one 28-day call.
    expect(summary(units)).toEqual([
      "enterprise enterprise-1-day 2026-10-24",
      "enterprise enterprise-1-day 2026-10-25",
      "enterprise enterprise-1-day 2026-10-26",
      "enterprise enterprise-28-day 2026-10-27..2026-11-24 (29)",
      "enterprise users-1-day 2026-10-24",
      "enterprise users-1-day 2026-10-25",
      "enterprise users-1-day 2026-10-26",
      "enterprise users-28-day 2026-10-27..2026-11-24 (29)",
    ]);
  });

  it("plans the gaps, the pending and failed days, and re-polls the last REPOLL_DAYS days", async () => {
    const collected = daysBetween("2026-11-01", "2026-11-23").filter((day) => day !== "2026-11-10" && day !== "2026-11-15");
    await checkpoint("enterprise-1-day", collected, "ok");
    await checkpoint("enterprise-1-day", ["2026-11-10"], "failed");
    await checkpoint("enterprise-1-day", ["2026-11-24"], "pending");
    // 2026-11-15 has no checkpoint at all: a gap
    const units = await planUnits(database.pool, { today, enterprises: [{ slug: "contoso", orgs: [] }], backfillDays: 28, repollDays: 3 });
    expect(summary(units.filter((unit) => unit.series === "enterprise-1-day"))).toEqual([
      "enterprise enterprise-1-day 2026-11-10",
      "enterprise enterprise-1-day 2026-11-15",
      "enterprise enterprise-1-day 2026-11-22",
      "enterprise enterprise-1-day 2026-11-23",
      "enterprise enterprise-1-day 2026-11-24",
    ]);
  });

  it("never asks for days before GitHub has data: 2025-10-10 for enterprises, 2025-12-12 for organizations", async () => {
    const units = await planUnits(database.pool, { today: "2025-10-20", enterprises: contoso, backfillDays: 28, repollDays: 3 });
    expect(summary(units)).toEqual([
      "enterprise enterprise-28-day 2025-10-10..2025-10-19 (10)",
      "enterprise users-28-day 2025-10-10..2025-10-19 (10)",
    ]);
  });

  it("clamps an explicit range to the year of history and to yesterday", async () => {
    const units = await planUnits(database.pool, {
      today,
      from: "2024-01-01",
      to: "2026-12-31",
      enterprises: [{ slug: "contoso", orgs: [] }],
      backfillDays: 28,
      repollDays: 3,
    });
    const singles = units.filter((unit) => unit.report === "enterprise-1-day").map((unit) => unit.days[0]!);
    expect(singles[0]).toBe(addDays(today, -365));
    expect(singles.at(-1)).toBe("2026-10-26");
    const period = units.find((unit) => unit.report === "enterprise-28-day");
    expect(period?.days.at(-1)).toBe("2026-11-24");
  });

  it("plans teams and repositories as 1-day units only, repositories from their first day 2026-07-17", async () => {
    const teams = await planUnits(database.pool, { today, enterprises: [{ slug: "contoso", orgs: [] }], backfillDays: 10, repollDays: 3 });
    expect(teams.filter((unit) => unit.series === "user-teams-1-day").map((unit) => `${unit.report} ${unit.days.join(",")}`)).toEqual(
      daysBetween("2026-11-15", "2026-11-24").map((day) => `user-teams-1-day ${day}`),
    );
    const repositories = await planUnits(database.pool, {
      today: "2026-07-20",
      enterprises: [{ slug: "contoso", orgs: [] }],
      backfillDays: 10,
      repollDays: 3,
    });
    expect(repositories.filter((unit) => unit.series === "repos-1-day").map((unit) => unit.days[0])).toEqual([
      "2026-07-17",
      "2026-07-18",
      "2026-07-19",
    ]);
  });
});
