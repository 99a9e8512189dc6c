import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { survivingConnectionErrors, type Pool } from "../../src/db/index.js";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Fault } from "../../src/sandbox/github-server.js";
import { ReportTable, startFakeGitHub, type GitHubServer } from "../fakes/github-server.js";
import { ndjson, userLine } from "../fixtures/copilot-files.js";
import { enterpriseDay } from "../fixtures/official-examples.js";
import { createTestDatabase, dumpUsageTables, type TestDatabase } from "../support/database.js";
import { runCollection } from "../support/run-collection.js";

const now = new Date("2026-11-25T06:00:00Z");
const day = "2026-11-20";
const enterprises = [{ slug: "fabrikam", orgs: [] }];
const usersPath = "/downloads/enterprise/fabrikam/users-1-day";

function goodTable(): ReportTable {
  return new ReportTable()
    .files("enterprise", "fabrikam", "enterprise-1-day", day, [JSON.stringify(enterpriseDay(day, 3)) + "\n"])
    .files("enterprise", "fabrikam", "users-1-day", day, [
      ndjson(Array.from({ length: 30 }, (_, i) => userLine(`user${i}`, 100 + i, day, { code_generation_activity_count: i }))),
      ndjson([userLine("user0", 100, day, { code_generation_activity_count: 50 }), userLine("late-user", 999, day)]),
    ]);
}

describe("faults during collection", () => {
  let faultFree: unknown[][];
  const opened: Array<{ close(): Promise<void> } | TestDatabase> = [];

  async function setUp(
    faults: Fault[],
    table = goodTable(),
  ): Promise<{ database: TestDatabase; github: GitHubServer; table: ReportTable }> {
    const database = await createTestDatabase();
    const github = await startFakeGitHub(table);
    for (const fault of faults) github.inject(fault);
    opened.push(database, github);
    return { database, github, table };
  }

  beforeAll(async () => {
    const { database, github } = await setUp([]);
    const summary = await runCollection({ pool: database.pool, githubUrl: github.url, enterprises, from: day, to: day, now });
    expect(summary.status).toBe("succeeded");
    faultFree = await dumpUsageTables(database.pool);
    // user0 appears in both files: 0 + 50 generations, counted once as a person.
    expect(faultFree[2]).toHaveLength(31);
  });

  afterEach(async () => {
    for (const resource of opened.splice(0)) {
      if ("drop" in resource) await resource.drop();
      else await resource.close();
    }
  });

  it.each<[string, Fault[]]>([
    ["GitHub answering 500 twice", [{ target: "api", times: 2, status: 500, body: { message: "Server Error" } }]],
    ["a 502 from the download host", [{ target: "download", pathIncludes: usersPath, times: 1, status: 502 }]],
    [
      "a secondary rate limit with retry-after",
      [
        {
          target: "api",
          times: 1,
          status: 403,
          headers: { "retry-after": "1" },
          body: { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." },
        },
      ],
    ],
    [
      "the primary rate limit exhausted until the reset",
      [
        {
          target: "api",
          times: 1,
          status: 403,
          headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 1) },
          body: { message: "API rate limit exceeded" },
        },
      ],
    ],
    [
      "a 429 with retry-after",
      [
        {
          target: "api",
          times: 1,
          status: 429,
          headers: { "retry-after": "1" },
          body: { message: "You have exceeded a secondary rate limit" },
        },
      ],
    ],
    ["an expired signed link (403 from the download host)", [{ target: "download", pathIncludes: usersPath, times: 1, status: 403 }]],
    [
      "a connection cut in the middle of a file",
      [{ target: "download", pathIncludes: `${usersPath}/${day}/0`, times: 1, cutAfterBytes: 3000 }],
    ],
  ])("survives %s and ends with the same tables as a fault-free run", async (_name, faults) => {
    const { database, github } = await setUp(faults);
    const summary = await runCollection({ pool: database.pool, githubUrl: github.url, enterprises, from: day, to: day, now });
    expect(summary.failures).toEqual([]);
    expect(summary.status).toBe("succeeded");
    expect(await dumpUsageTables(database.pool)).toEqual(faultFree);
  });

  it("fetches fresh links after a signed link expired", async () => {
    const { database, github } = await setUp([{ target: "download", pathIncludes: usersPath, times: 1, status: 403 }]);
    await runCollection({ pool: database.pool, githubUrl: github.url, enterprises, from: day, to: day, now });
    const envelopeCalls = github.requests.filter((request) => request.path.endsWith("/users-1-day"));
    expect(envelopeCalls).toHaveLength(2);
  });

  it("keeps the previous rows when every attempt is cut mid-file, and the next run recovers", async () => {
    const { database, github } = await setUp([]);
    await runCollection({ pool: database.pool, githubUrl: github.url, enterprises, from: day, to: day, now });
    github.inject({ target: "download", pathIncludes: `${usersPath}/${day}/1`, times: 3, cutAfterBytes: 200 });

    const failed = await runCollection({ pool: database.pool, githubUrl: github.url, enterprises, from: day, to: day, now });
    expect(failed.status).toBe("partial");
    expect(failed.failures.map((failure) => [failure.unit, failure.errorClass])).toEqual([
      ["fabrikam users-1-day 2026-11-20", "ReportDownloadError"],
    ]);
    // Not a partial day: the transaction rolled back and the earlier complete day is still there.
    expect(await dumpUsageTables(database.pool)).toEqual(faultFree);
    const checkpoint = await database.pool.query("select status, attempts from sync_checkpoints where report = 'users-1-day'");
    expect(checkpoint.rows).toEqual([{ status: "failed", attempts: 1 }]);

    const recovered = await runCollection({ pool: database.pool, githubUrl: github.url, enterprises, from: day, to: day, now });
    expect(recovered.status).toBe("succeeded");
    expect(await dumpUsageTables(database.pool)).toEqual(faultFree);
  });

  it("fails a unit with a malformed line, naming the file and line, and the next run recovers once it is fixed", async () => {
    const table = goodTable().files("enterprise", "fabrikam", "users-1-day", day, [
      ndjson([userLine("user0", 100, day)]) + '{"user_id": 101, "user_login": "user1", "day": \n',
    ]);
    const { database, github } = await setUp([], table);

    const failed = await runCollection({ pool: database.pool, githubUrl: github.url, enterprises, from: day, to: day, now });
    expect(failed.status).toBe("partial");
    expect(failed.failures).toHaveLength(1);
    expect(failed.failures[0]).toMatchObject({ unit: "fabrikam users-1-day 2026-11-20", errorClass: "MalformedReportError", line: 2 });
    expect(failed.failures[0]!.file).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/downloads\/enterprise\/fabrikam\/users-1-day\/2026-11-20\/0\.ndjson$/,
    );
    expect(failed.failures[0]!.message).not.toContain("sig=");
    const checkpoint = await database.pool.query(
      "select status, error_line, error_file like '%/0.ndjson' as names_file, last_error like '%line 2%' as names_line from sync_checkpoints where report = 'users-1-day'",
    );
    expect(checkpoint.rows).toEqual([{ status: "failed", error_line: 2, names_file: true, names_line: true }]);
    // Nothing of the malformed file was kept.
    expect((await database.pool.query("select count(*) as n from copilot_user_daily")).rows).toEqual([{ n: 0 }]);
    const runRow = await database.pool.query("select status, units_failed, errors -> 0 ->> 'line' as line from collection_runs");
    expect(runRow.rows).toEqual([{ status: "partial", units_failed: 1, line: "2" }]);

    const fixed = goodTable();
    for (const [key, answer] of fixed.answers) table.answers.set(key, answer);
    // No dates given: the planner retries the failed day by itself.
    const recovered = await runCollection({
      pool: database.pool,
      githubUrl: github.url,
      enterprises,
      now,
      env: { BACKFILL_DAYS: "6", REPOLL_DAYS: "0" },
    });
    expect(recovered.failures).toEqual([]);
    expect(await dumpUsageTables(database.pool)).toEqual(faultFree);
  });

  it.each([
    ["a user id given as text", { user_id: "101" }, /expected number, received string +→ at user_id\./],
    ["a day outside the report's days", { day: "2026-11-19" }, /day 2026-11-19 is outside the report's days 2026-11-20\.\.2026-11-20/],
    [
      "a negative counter",
      { code_generation_activity_count: -5 },
      /Too small: expected number to be >=0 +→ at code_generation_activity_count/,
    ],
    [
      "a negative counter in the feature breakdown",
      { totals_by_feature: [{ feature: "agent_edit", loc_added_sum: -5 }] },
      /Too small: expected number to be >=0 +→ at totals_by_feature\[0\]\.loc_added_sum/,
    ],
  ])("fails a unit whose users line has %s, saying what is wrong with which field", async (_name, override, problem) => {
    const table = goodTable().files("enterprise", "fabrikam", "users-1-day", day, [
      ndjson([userLine("user0", 100, day), userLine("user1", 101, day, override)]),
    ]);
    const { database, github } = await setUp([], table);

    const failed = await runCollection({ pool: database.pool, githubUrl: github.url, enterprises, from: day, to: day, now });
    expect(failed.failures).toHaveLength(1);
    expect(failed.failures[0]).toMatchObject({ errorClass: "MalformedReportError", line: 2 });
    expect(failed.failures[0]!.message).toMatch(problem);
    expect((await database.pool.query("select count(*) as n from copilot_user_daily")).rows).toEqual([{ n: 0 }]);
  });

  it("fails a unit whose aggregate record has a negative count deep in it, and stores none of the file", async () => {
    const negative = {
      ...enterpriseDay(day, 3),
      pull_requests: {
        ...enterpriseDay(day, 3).pull_requests,
        copilot_suggestions_by_comment_type: [
          { comment_type: "security", total_copilot_suggestions: -5, total_copilot_applied_suggestions: 0 },
        ],
      },
    };
    const table = goodTable().files("enterprise", "fabrikam", "enterprise-1-day", day, [JSON.stringify(negative) + "\n"]);
    const { database, github } = await setUp([], table);
    const failed = await runCollection({ pool: database.pool, githubUrl: github.url, enterprises, from: day, to: day, now });
    expect(failed.failures.map((failure) => [failure.unit, failure.errorClass, failure.line])).toEqual([
      ["fabrikam enterprise-1-day 2026-11-20", "MalformedReportError", 1],
    ]);
    expect(failed.failures[0]!.message).toMatch(
      /Too small: expected number to be >=0 +→ at pull_requests\.copilot_suggestions_by_comment_type\[0\]\.total_copilot_suggestions/,
    );
    expect((await database.pool.query("select count(*) as n from copilot_usage_daily")).rows).toEqual([{ n: 0 }]);
  });

  it("collects a day that was not available yet in a later run (late data)", async () => {
    const table = new ReportTable();
    const { database, github } = await setUp([], table);
    const env = { BACKFILL_DAYS: "6", REPOLL_DAYS: "0" };
    const first = await runCollection({ pool: database.pool, githubUrl: github.url, enterprises, now, env });
    expect(first.status).toBe("succeeded");
    const collected = await database.pool.query("select count(*) as days from sync_checkpoints where status = 'ok'");
    expect(collected.rows).toEqual([{ days: 0 }]);

    for (const [key, answer] of goodTable().answers) table.answers.set(key, answer);
    const second = await runCollection({ pool: database.pool, githubUrl: github.url, enterprises, now, env });
    expect(second.status).toBe("succeeded");
    expect(await dumpUsageTables(database.pool)).toEqual(faultFree);
  });

  it("a run killed in the middle of an ingest leaves no partial day, and the next run completes it", async () => {
    const stalledFile = `${usersPath}/${day}/1.ndjson`;
    const { database, github } = await setUp([{ target: "download", pathIncludes: stalledFile, times: 1, stallAfterBytes: 500 }]);
    const tsx = createRequire(import.meta.url).resolve("tsx/cli");
    const child = spawn(process.execPath, [tsx, "tests/support/collect-child.ts"], {
      env: {
        ...process.env,
        COLLECT_CHILD_CONFIG: JSON.stringify({
          databaseUrl: database.url,
          githubUrl: github.url,
          enterprises,
          from: day,
          to: day,
          now: now.toISOString(),
        }),
      },
      stdio: "ignore",
    });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    for (let waited = 0; !github.requests.some((request) => request.path === stalledFile); waited += 50) {
      if (waited > 90_000) throw new Error("the child never reached the stalled download");
      await sleep(50);
    }
    await sleep(200);
    child.kill("SIGKILL");
    await exited;

    // The first file of the day was staged when the process died; none of it may have landed.
    const users = await database.pool.query("select count(*) as n from copilot_user_daily");
    expect(users.rows).toEqual([{ n: 0 }]);

    const resumed = await runCollection({ pool: database.pool, githubUrl: github.url, enterprises, from: day, to: day, now });
    expect(resumed.status).toBe("succeeded");
    expect(await dumpUsageTables(database.pool)).toEqual(faultFree);
  }, 180_000);

  it("combines a user that a single users file lists twice instead of failing on the duplicate", async () => {
    const table = goodTable().files("enterprise", "fabrikam", "users-1-day", day, [
      ndjson([
        userLine("user0", 100, day, { code_generation_activity_count: 2, used_chat: false }),
        userLine("user0", 100, day, { code_generation_activity_count: 5, used_chat: true }),
      ]),
    ]);
    const { database, github } = await setUp([], table);
    const summary = await runCollection({ pool: database.pool, githubUrl: github.url, enterprises, from: day, to: day, now });
    expect(summary.status).toBe("succeeded");
    const rows = await database.pool.query(
      "select user_login, code_generation_activity_count, used_chat, source_report from copilot_user_daily",
    );
    expect(rows.rows).toEqual([{ user_login: "user0", code_generation_activity_count: 7, used_chat: true, source_report: "users-1-day" }]);
    expect(usersWarnings(summary.warnings)).toEqual([
      `users-1-day for fabrikam lists a user more than once within one file with different figures, added together: user0 (id 100) on ${day}, 2 lines in ${github.url}${usersPath}/${day}/0.ndjson.`,
    ]);
  });

  it("counts a user line that one file repeats word for word once, and names it in the run's warnings", async () => {
    const line = userLine("user0", 100, day, { code_generation_activity_count: 2 });
    const table = goodTable().files("enterprise", "fabrikam", "users-1-day", day, [ndjson([line, userLine("user1", 101, day), line])]);
    const { database, github } = await setUp([], table);
    const summary = await runCollection({ pool: database.pool, githubUrl: github.url, enterprises, from: day, to: day, now });
    expect(summary.status).toBe("succeeded");
    const rows = await database.pool.query("select user_login, code_generation_activity_count from copilot_user_daily order by user_login");
    expect(rows.rows).toEqual([
      { user_login: "user0", code_generation_activity_count: 2 },
      { user_login: "user1", code_generation_activity_count: 1 },
    ]);
    expect(usersWarnings(summary.warnings)).toEqual([
      `users-1-day for fabrikam repeats a user's line word for word within one file, counted once: user0 (id 100) on ${day}, 2 lines in ${github.url}${usersPath}/${day}/0.ndjson.`,
    ]);
  });

  it("still adds up a user split across files when one of the files also repeats the user's line", async () => {
    const line = userLine("user0", 100, day, { code_generation_activity_count: 2 });
    const table = goodTable().files("enterprise", "fabrikam", "users-1-day", day, [ndjson([line, line]), ndjson([line])]);
    const { database, github } = await setUp([], table);
    const summary = await runCollection({ pool: database.pool, githubUrl: github.url, enterprises, from: day, to: day, now });
    const rows = await database.pool.query("select user_login, code_generation_activity_count from copilot_user_daily");
    // One copy from each file: the user is split across them, the repeat inside the first is dropped.
    expect(rows.rows).toEqual([{ user_login: "user0", code_generation_activity_count: 4 }]);
    expect(usersWarnings(summary.warnings)).toEqual([
      `users-1-day for fabrikam repeats a user's line word for word within one file, counted once: user0 (id 100) on ${day}, 2 lines in ${github.url}${usersPath}/${day}/0.ndjson.`,
    ]);
  });

  /** The run's warnings about the users report (the fake has no repos or premium usage, which warn too). */
  function usersWarnings(warnings: string[]): string[] {
    return warnings.filter((warning) => warning.startsWith("users-1-day"));
  }

  /** Ends every connection of the database's users that sits in a transaction, as a failover would. */
  async function terminateIngestConnections(database: TestDatabase): Promise<number> {
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      const ended = await admin.query(
        "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and xact_start is not null",
      );
      return ended.rowCount ?? 0;
    } finally {
      await admin.end();
    }
  }

  /** A pool guarded as the CLI's and the Function App's are, on the test's database. */
  function productionPool(database: TestDatabase): Pool {
    const pool = survivingConnectionErrors(new pg.Pool({ connectionString: database.url, max: 6 }));
    opened.push({ close: () => pool.end() });
    return pool;
  }

  async function whenRequested(github: GitHubServer, path: string): Promise<void> {
    for (let waited = 0; !github.requests.some((request) => request.path === path); waited += 20) {
      if (waited > 60_000) throw new Error(`${path} was never requested`);
      await sleep(20);
    }
  }

  it("redoes a unit whose database connection the server ended mid-ingest, and ends with a clean run's tables", async () => {
    const cutFile = `${usersPath}/${day}/1.ndjson`;
    // The second file is cut after 500 bytes, while the unit's transaction holds the first file's rows.
    const { database, github } = await setUp([{ target: "download", pathIncludes: cutFile, times: 1, stallAfterBytes: 500 }]);
    const pool = productionPool(database);
    const run = runCollection({
      pool,
      githubUrl: github.url,
      enterprises,
      from: day,
      to: day,
      now,
      dependencies: { download: { attempts: 3, backoffMs: 5, idleTimeoutMs: 60_000 } },
    });
    await whenRequested(github, cutFile);
    await sleep(200);
    expect(await terminateIngestConnections(database)).toBe(1);
    const summary = await run;
    expect(summary.failures).toEqual([]);
    expect(summary.status).toBe("succeeded");
    expect(await dumpUsageTables(database.pool)).toEqual(faultFree);
  }, 120_000);

  it("fails the unit with its reason when the connection is ended on every attempt, and the run still ends with its summary", async () => {
    const cutFile = `${usersPath}/${day}/1.ndjson`;
    const { database, github } = await setUp([{ target: "download", pathIncludes: cutFile, times: 3, stallAfterBytes: 500 }]);
    const pool = productionPool(database);
    const run = runCollection({
      pool,
      githubUrl: github.url,
      enterprises,
      from: day,
      to: day,
      now,
      dependencies: { download: { attempts: 3, backoffMs: 5, idleTimeoutMs: 60_000 } },
    });
    for (let attempt = 1; attempt <= 3; attempt++) {
      await whenRequested(github, cutFile);
      github.requests.splice(0);
      await sleep(200);
      expect(await terminateIngestConnections(database)).toBe(1);
    }
    const summary = await run;
    expect(summary.status).toBe("partial");
    expect(summary.failures).toEqual([
      {
        unit: `fabrikam users-1-day ${day}`,
        errorClass: "DatabaseConnectionLostError",
        // The run's audit keeps the first 300 characters of each failure.
        message: (
          "PostgreSQL closed the connection during the unit's transaction on all 3 attempts (last: terminating connection due to administrator command); " +
          "none of its rows were kept, and the next run collects it again. Check that the database server is up and not restarting. " +
          "(cause: terminating connection due to administrator command)"
        ).slice(0, 300),
      },
    ]);
    const users = await database.pool.query("select count(*) as n from copilot_user_daily");
    expect(users.rows).toEqual([{ n: 0 }]);
    const recorded = await database.pool.query("select status, units_failed from collection_runs");
    expect(recorded.rows).toEqual([{ status: "partial", units_failed: 1 }]);

    const next = await runCollection({ pool, githubUrl: github.url, enterprises, from: day, to: day, now });
    expect(next.status).toBe("succeeded");
    expect(await dumpUsageTables(database.pool)).toEqual(faultFree);
  }, 120_000);
});
