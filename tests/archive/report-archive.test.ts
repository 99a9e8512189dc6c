import { PassThrough, Writable } from "node:stream";
import { text } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ArchiveError, createBlobArchive, teeToArchive, type ReportArchive } from "../../src/archive/index.js";
import { reingest } from "../../src/pipeline/reingest.js";
import { startAzurite, type Azurite } from "../support/azurite.js";
import { createTestDatabase, dumpUsageTables, type TestDatabase } from "../support/database.js";
import { runCli } from "../support/run-cli.js";
import { ReportTable, startFakeGitHub, type GitHubServer } from "../fakes/github-server.js";
import { enterpriseDay } from "../fixtures/official-examples.js";
import { ndjson, userLine } from "../fixtures/copilot-files.js";
import { runCollection } from "../support/run-collection.js";

const now = new Date("2026-11-25T06:00:00Z");
const enterprises = [{ slug: "contoso", orgs: ["contoso-web"] }];
const noCredential = { getToken: async () => null };

// What GitHub serves. The 28-day report's window ends on 2026-11-20; the 1-day report of that day
// comes later with revised figures, so the day's final rows are the 1-day report's.
const served = {
  enterprise28: JSON.stringify({
    report_start_day: "2026-10-24",
    report_end_day: "2026-11-20",
    day_totals: [enterpriseDay("2026-11-18", 1), enterpriseDay("2026-11-19", 2), enterpriseDay("2026-11-20", 3)],
  }),
  users28: ndjson([userLine("mona", 1, "2026-11-19"), userLine("hubot", 2, "2026-11-20", { loc_added_sum: 40 })]),
  // No newline at the end and non-ASCII text: the archive must hold the bytes, not a re-encoding.
  enterprise20: JSON.stringify({ ...enterpriseDay("2026-11-20", 5), note: "révisé ✓" }),
  enterprise21: JSON.stringify(enterpriseDay("2026-11-21", 7)) + "\n",
  // One report in two files, naming the same user in each (GitHub splits large reports).
  users20a: ndjson([userLine("mona", 1, "2026-11-20", { loc_added_sum: 3 }), userLine("hubot", 2, "2026-11-20")]),
  users20b: ndjson([userLine("mona", 1, "2026-11-20", { loc_added_sum: 4 })]),
  organization21: JSON.stringify({ ...enterpriseDay("2026-11-21", 2), organization_id: "77" }) + "\n",
};

/** Failures of the usage report units; seats and repository activity are not this test's business. */
function usageFailures(failures: Array<{ unit: string }>) {
  return failures.filter((failure) => /\b(enterprise|organization|users)-(1|28)-day\b/.test(failure.unit));
}

async function archivedFiles(archive: ReportArchive): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for await (const file of archive.list()) files[file.path] = await text(await archive.read(file.path));
  return files;
}

let azurite: Azurite;

beforeAll(async () => {
  azurite = await startAzurite();
});

afterAll(async () => {
  await azurite.stop();
});

describe("the raw report archive in Blob storage (Azurite)", () => {
  let github: GitHubServer;
  let original: TestDatabase;
  let archive: ReportArchive;
  const table = new ReportTable()
    .files("enterprise", "contoso", "enterprise-28-day", "latest", [served.enterprise28], { firstDay: "2026-10-24", lastDay: "2026-11-20" })
    .files("enterprise", "contoso", "users-28-day", "latest", [served.users28], { firstDay: "2026-10-24", lastDay: "2026-11-20" });

  beforeAll(async () => {
    [original, github] = await Promise.all([createTestDatabase(), startFakeGitHub(table)]);
    archive = createBlobArchive({ accountUrl: azurite.accountUrl, container: "copilot-reports", credential: noCredential });
    // Run 1: eleven due days inside the 28-day window, fetched with the 28-day reports.
    const first = await runCollection({
      pool: original.pool,
      githubUrl: github.url,
      enterprises,
      from: "2026-11-10",
      to: "2026-11-20",
      now,
      dependencies: { archive },
    });
    expect(usageFailures(first.failures)).toEqual([]);
    // Run 2: two days, fetched one by one; 2026-11-20 now has revised figures.
    table
      .files("enterprise", "contoso", "enterprise-1-day", "2026-11-20", [served.enterprise20])
      .files("enterprise", "contoso", "enterprise-1-day", "2026-11-21", [served.enterprise21])
      .files("enterprise", "contoso", "users-1-day", "2026-11-20", [served.users20a, served.users20b])
      .files("organization", "contoso-web", "organization-1-day", "2026-11-21", [served.organization21]);
    const second = await runCollection({
      pool: original.pool,
      githubUrl: github.url,
      enterprises,
      from: "2026-11-20",
      to: "2026-11-21",
      now,
      dependencies: { archive },
    });
    expect(usageFailures(second.failures)).toEqual([]);
  });

  afterAll(async () => {
    await Promise.all([github.close(), original.drop()]);
  });

  it("stores every downloaded file under <enterprise>/<scope>/<report>/<day>/<n>.ndjson with exactly the served bytes", async () => {
    expect(await archivedFiles(archive)).toEqual({
      "contoso/enterprise/enterprise-1-day/2026-11-20/0.ndjson": served.enterprise20,
      "contoso/enterprise/enterprise-1-day/2026-11-21/0.ndjson": served.enterprise21,
      "contoso/enterprise/enterprise-28-day/2026-10-24_2026-11-20/0.ndjson": served.enterprise28,
      "contoso/enterprise/users-1-day/2026-11-20/0.ndjson": served.users20a,
      "contoso/enterprise/users-1-day/2026-11-20/1.ndjson": served.users20b,
      "contoso/enterprise/users-28-day/2026-10-24_2026-11-20/0.ndjson": served.users28,
      "contoso/org-contoso-web/organization-1-day/2026-11-21/0.ndjson": served.organization21,
    });
    // Each file was downloaded once: the archive got its copy from the same download as the parser.
    const downloads = github.requests.filter((request) => request.path.startsWith("/downloads/")).map((request) => request.path);
    expect(downloads).toHaveLength(new Set(downloads).size);
    expect(downloads.sort()).toEqual([
      "/downloads/enterprise/contoso/enterprise-1-day/2026-11-20/0.ndjson",
      "/downloads/enterprise/contoso/enterprise-1-day/2026-11-21/0.ndjson",
      "/downloads/enterprise/contoso/enterprise-28-day/latest/0.ndjson",
      "/downloads/enterprise/contoso/users-1-day/2026-11-20/0.ndjson",
      "/downloads/enterprise/contoso/users-1-day/2026-11-20/1.ndjson",
      "/downloads/enterprise/contoso/users-28-day/latest/0.ndjson",
      "/downloads/organization/contoso-web/organization-1-day/2026-11-21/0.ndjson",
    ]);
  });

  it("reingest rebuilds, without GitHub, tables identical to the original ingest, later revisions included", async () => {
    const rebuilt = await createTestDatabase();
    try {
      const requestsBefore = github.requests.length;
      const summary = await reingest(rebuilt.pool, archive, {
        runId: "reingest-1",
        from: "2026-10-24",
        to: "2026-11-21",
        startedAt: now.toISOString(),
      });
      expect([summary.status, summary.unitsTotal, summary.unitsOk, summary.failures]).toEqual(["succeeded", 6, 6, []]);
      expect(github.requests.length).toBe(requestsBefore);
      const expected = await dumpUsageTables(original.pool);
      expect(expected.map((rows) => rows.length)).toEqual([5, 15, 3]);
      expect(await dumpUsageTables(rebuilt.pool)).toEqual(expected);
      const audit = await rebuilt.pool.query(
        "select run_id, trigger, status, range_from, range_to, units_total, records from collection_runs",
      );
      expect(audit.rows).toEqual([
        {
          run_id: "reingest-1",
          trigger: "reingest",
          status: "succeeded",
          range_from: "2026-10-24",
          range_to: "2026-11-21",
          units_total: 6,
          records: 11,
        },
      ]);
    } finally {
      await rebuilt.drop();
    }
  });

  it("metrics-collector reingest --from --to rebuilds from the archive named by the settings and exits 0", async () => {
    const rebuilt = await createTestDatabase();
    try {
      vi.stubEnv("DATABASE_URL", rebuilt.url);
      vi.stubEnv("ARCHIVE_ACCOUNT_URL", azurite.accountUrl);
      vi.stubEnv("ARCHIVE_CONTAINER", "copilot-reports");
      const { code, out, err } = await runCli(["reingest", "--from", "2026-10-24", "--to", "2026-11-21"]);
      expect({ code, err }).toEqual({ code: 0, err: [] });
      expect(out[0]).toBe(
        `Rebuilding 2026-10-24..2026-11-21 in PostgreSQL at ${new URL(rebuilt.url).host}${new URL(rebuilt.url).pathname} from ${azurite.accountUrl}/copilot-reports.`,
      );
      expect(out).toContain("contoso/enterprise/enterprise-1-day/2026-11-20: 1 records for 2026-11-20..2026-11-20");
      expect(await dumpUsageTables(rebuilt.pool)).toEqual(await dumpUsageTables(original.pool));
    } finally {
      vi.unstubAllEnvs();
      await rebuilt.drop();
    }
  });

  it("metrics-collector reingest exits 2 without an archive or without its range", async () => {
    vi.stubEnv("ARCHIVE_ACCOUNT_URL", "");
    vi.stubEnv("ARCHIVE_CONTAINER", "");
    try {
      const run = async (args: string[]) => {
        const { code, err } = await runCli(args);
        return { code, message: err[0]?.split("\n")[0] };
      };
      expect(await run(["reingest", "--from", "2026-11-01", "--to", "2026-11-02"])).toEqual({
        code: 2,
        message:
          "Setting ARCHIVE_ACCOUNT_URL is required by reingest, which reads the raw archive. Example of a good value: ARCHIVE_ACCOUNT_URL=https://contosometrics.blob.core.windows.net",
      });
      expect(await run(["reingest", "--from", "2026-11-01"])).toEqual({
        code: 2,
        message: "reingest needs --from and --to, e.g. reingest --from 2026-11-01 --to 2026-11-07.",
      });
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("reingest of part of the range rebuilds those days and leaves the days around them alone", async () => {
    const rebuilt = await createTestDatabase();
    try {
      await reingest(rebuilt.pool, archive, { runId: "reingest-all", from: "2026-10-24", to: "2026-11-21", startedAt: now.toISOString() });
      for (const table of ["copilot_usage_daily", "copilot_usage_breakdown", "copilot_user_daily"]) {
        await rebuilt.pool.query(`delete from ${table} where day between '2026-11-19' and '2026-11-20'`);
      }
      // Nothing but 2026-11-19..20 may change: the 28-day answer holds 11-18 too, which stays as the full rebuild left it.
      await rebuilt.pool.query("update copilot_usage_daily set daily_active_users = -1 where day = '2026-11-18'");
      const summary = await reingest(rebuilt.pool, archive, {
        runId: "reingest-part",
        from: "2026-11-19",
        to: "2026-11-20",
        startedAt: now.toISOString(),
      });
      expect([summary.status, summary.unitsTotal]).toEqual(["succeeded", 4]);
      await rebuilt.pool.query("update copilot_usage_daily set daily_active_users = 2 where day = '2026-11-18'");
      expect(await dumpUsageTables(rebuilt.pool)).toEqual(await dumpUsageTables(original.pool));
    } finally {
      await rebuilt.drop();
    }
  });
});

describe("archiving a download that fails", () => {
  let github: GitHubServer;
  let database: TestDatabase;
  const day = "2026-11-22";
  const file = ndjson([userLine("mona", 1, day), userLine("hubot", 2, day), userLine("lisa", 3, day)]);
  const table = new ReportTable().files("enterprise", "northwind", "users-1-day", day, [file]);
  const collect = (archive: ReportArchive) =>
    runCollection({
      pool: database.pool,
      githubUrl: github.url,
      enterprises: [{ slug: "northwind", orgs: [] }],
      from: day,
      to: day,
      now,
      dependencies: { archive },
    });

  beforeAll(async () => {
    [database, github] = await Promise.all([createTestDatabase(), startFakeGitHub(table)]);
  });
  afterAll(async () => {
    await Promise.all([github.close(), database.drop()]);
  });

  it("stores no part of a download cut in the middle, and the whole file once a later download completes", async () => {
    const archive = createBlobArchive({ accountUrl: azurite.accountUrl, container: "cut-downloads", credential: noCredential });
    // Every attempt of the unit is cut after 100 bytes: the unit fails and nothing may be stored.
    github.inject({ target: "download", pathIncludes: "/users-1-day/", times: 3, cutAfterBytes: 100 });
    const cut = await collect(archive);
    expect(usageFailures(cut.failures).map((failure) => failure.unit)).toEqual([`northwind users-1-day ${day}`]);
    expect(await archivedFiles(archive)).toEqual({});

    const whole = await collect(archive);
    expect(usageFailures(whole.failures)).toEqual([]);
    expect(await archivedFiles(archive)).toEqual({ [`northwind/enterprise/users-1-day/${day}/0.ndjson`]: file });
    expect(github.requests.filter((request) => request.path.startsWith("/downloads/"))).toHaveLength(4);
  });

  it("fails the unit, keeping the old rows, when the archive cannot store the file", async () => {
    const before = await dumpUsageTables(database.pool);
    const broken: ReportArchive = {
      description: "a broken archive",
      open: (path) => {
        const stream = new PassThrough();
        stream.on("error", () => undefined);
        const done = new Promise<void>((_, reject) => {
          stream.once("data", () => {
            const failure = new ArchiveError(path, "RestError: This request is not authorized to perform this operation");
            stream.destroy(failure);
            reject(failure);
          });
        });
        done.catch(() => undefined);
        return { stream, done };
      },
      list: () => (async function* () {})(),
      read: () => Promise.reject(new Error("not used")),
    };
    const run = await collect(broken);
    expect(usageFailures(run.failures)).toEqual([
      {
        unit: `northwind users-1-day ${day}`,
        errorClass: "ArchiveError",
        message: `Archiving report file northwind/enterprise/users-1-day/${day}/0.ndjson failed: RestError: This request is not authorized to perform this operation.`,
      },
    ]);
    expect(await dumpUsageTables(database.pool)).toEqual(before);
  });
});

describe("teeToArchive", () => {
  it("reads the download no faster than the archive takes it: a stalled upload stalls the reader", async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let pulled = 0;
    const source = (async function* () {
      for (let index = 0; index < 64; index++) {
        pulled++;
        yield chunk;
      }
    })();
    const received: Buffer[] = [];
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    // An upload that takes one chunk, then nothing until released: its buffer stays full.
    const stream = new Writable({
      highWaterMark: chunk.length,
      write(data: Buffer, _encoding, callback) {
        received.push(data);
        if (received.length === 1) void released.then(() => callback());
        else callback();
      },
    });
    const done = new Promise<void>((resolve) => stream.on("finish", resolve));
    const reader = (async () => {
      let bytes = 0;
      for await (const piece of teeToArchive(source, { stream, done })) bytes += piece.length;
      return bytes;
    })();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(pulled).toBeLessThanOrEqual(3);
    release();
    expect(await reader).toBe(64 * chunk.length);
    expect(Buffer.concat(received).length).toBe(64 * chunk.length);
  });
});
