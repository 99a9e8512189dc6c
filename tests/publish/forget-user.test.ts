import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { userTables } from "../../src/publish/forget-user.js";
import { sandboxEnterprises, sandboxReports } from "../../src/sandbox/sandbox-data.js";
import { fakeToken, startGitHubServer, type GitHubServer } from "../fakes/github-server.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { runCli } from "../support/run-cli.js";
import { runCollection } from "../support/run-collection.js";
import { listFiles, parseCsv } from "./seed.js";

// "ada" works in two organizations of the sandbox, so she appears in three scopes.
const login = "ada";
const enterprises = sandboxEnterprises.map((enterprise) => ({ slug: enterprise.slug, orgs: [...enterprise.orgs] }));

describe("metrics-collector forget-user", () => {
  let database: TestDatabase;
  let github: GitHubServer;
  let out: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    github = await startGitHubServer({ reports: sandboxReports("2026-11-03"), token: fakeToken });
    out = await mkdtemp(path.join(tmpdir(), "forget-user-"));
    vi.stubEnv("DATABASE_URL", database.url);
    vi.stubEnv("OUTPUT_DIR", out);
    vi.stubEnv("EXPORT_SNAPSHOTS", "true");
    vi.stubEnv("USER_IDENTITY", "login");
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await github.close();
    await database.drop();
    await rm(out, { recursive: true, force: true });
  });

  /** Every row of every table as JSON text, one string per table. */
  async function everyTable(): Promise<Map<string, string>> {
    const tables = await database.pool.query<{ table: string }>(
      "select table_name as table from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by 1",
    );
    const dump = new Map<string, string>();
    for (const { table } of tables.rows) {
      // Without publish_manifest's hashes: hex digits can spell any number.
      const rows = await database.pool.query<{ row: string }>(`select (to_jsonb(t) - 'sha256')::text as row from "${table}" t`);
      dump.set(table, rows.rows.map((row) => row.row).join("\n"));
    }
    return dump;
  }

  /** Every cell of every published CSV file, with its file. */
  async function everyCell(): Promise<Array<{ file: string; cell: string }>> {
    const cells: Array<{ file: string; cell: string }> = [];
    for (const file of await listFiles(out)) {
      for (const record of parseCsv(await readFile(path.join(out, file)))) cells.push(...record.map((cell) => ({ file, cell })));
    }
    return cells;
  }

  it("pseudonymises the person in every table and republishes, so no table and no file names their login or id", async () => {
    await runCollection({
      pool: database.pool,
      githubUrl: github.url,
      enterprises,
      from: "2026-10-30",
      to: "2026-11-01",
      now: new Date("2026-11-03T06:00:00Z"),
      outputDir: out,
      env: { EXPORT_SNAPSHOTS: "true" },
    });
    const found = await database.pool.query<{ user_id: number }>("select distinct user_id from copilot_user_daily where user_login = $1", [
      login,
    ]);
    expect(found.rows).toHaveLength(1);
    const id = found.rows[0]!.user_id;
    await seedOtherTables(database, id);
    const publish = await runCli(["publish"]);
    expect(publish.code).toBe(0);

    const loginToken = new RegExp(`(^|[^a-z0-9_-])${login}([^a-z0-9_-]|$)`, "i");
    const idToken = new RegExp(`(^|[^0-9])${id}([^0-9]|$)`);
    const named = (cells: Array<{ file: string; cell: string }>) =>
      cells.filter(({ cell }) => loginToken.test(cell) || idToken.test(cell)).map(({ file }) => file);
    // Before: she is in the user metrics, seats, premium requests and velocity files.
    const namedBefore = new Set(named(await everyCell()));
    expect([...namedBefore].some((file) => file.startsWith("copilot_user_metrics/"))).toBe(true);
    expect([...namedBefore]).toEqual(
      expect.arrayContaining(["copilot_seats/copilot_seats_202611.csv", "premium_requests_by_user.csv", "velocity_metrics.csv"]),
    );
    const activeBefore = await database.pool.query(
      "select day, scope, count(distinct user_id)::int as users from copilot_user_daily group by 1, 2 order by 1, 2",
    );

    const forgotten = await runCli(["forget-user", "ADA"]);

    expect(forgotten.err).toEqual([]);
    expect(forgotten.code).toBe(0);
    expect(forgotten.out.slice(0, userTables.length)).toEqual([
      expect.stringMatching(/^copilot_user_daily: [1-9]\d* rows pseudonymised$/),
      expect.stringMatching(/^copilot_user_teams: [1-9]\d* rows pseudonymised$/),
      "copilot_seats: 1 rows pseudonymised",
      "copilot_premium_usage: 1 rows pseudonymised",
      "pull_requests: 1 rows pseudonymised",
      "pull_request_reviews: 1 rows pseudonymised",
      "commits: 1 rows pseudonymised",
      "velocity_weekly: 1 rows pseudonymised",
    ]);
    expect(forgotten.out).toContain("Archived snapshots of datasets with people in them deleted: 10.");
    for (const [table, rows] of await everyTable()) {
      expect({ table, login: loginToken.test(rows), id: idToken.test(rows) }).toEqual({ table, login: false, id: false });
    }
    expect(named(await everyCell())).toEqual([]);
    // Her history still counts: as many active people per day and scope as before.
    expect(
      (
        await database.pool.query(
          "select day, scope, count(distinct user_id)::int as users from copilot_user_daily group by 1, 2 order by 1, 2",
        )
      ).rows,
    ).toEqual(activeBefore.rows);
    const files = await listFiles(out);
    // The snapshots taken before are gone (history cannot be rewritten); the republish took new ones, checked above.
    expect(
      files.filter(
        (file) =>
          file.startsWith("archive/") && /(copilot_user_metrics|copilot_seats|premium_requests|velocity_metrics)_20261103/.test(file),
      ),
    ).toEqual([]);
    expect(files.filter((file) => file.startsWith("archive/") && file.includes("copilot_metrics_"))).toHaveLength(2);
    const runs = await database.pool.query("select trigger, status, publish_status from collection_runs where run_id like 'forget-user-%'");
    expect(runs.rows).toEqual([{ trigger: "cli", status: "succeeded", publish_status: "succeeded" }]);
  });

  /** Every published file's bytes, by path. */
  async function everyFile(): Promise<Map<string, string>> {
    const files = new Map<string, string>();
    for (const file of await listFiles(out)) files.set(file, (await readFile(path.join(out, file))).toString("base64"));
    return files;
  }

  it("with a login that matches nothing, exits 1 and changes no table and no file", async () => {
    const [tablesBefore, filesBefore] = [await everyTable(), await everyFile()];

    const result = await runCli(["forget-user", "ada-typo"]);

    expect(result.code).toBe(1);
    expect(result.out).toEqual([
      'No row names the login "ada-typo" (logins compare case-insensitively, as GitHub showed them when collected).',
      'Nothing was erased or republished. Check the spelling; "forget-user ada-typo --force" republishes anyway.',
    ]);
    expect(await everyTable()).toEqual(tablesBefore);
    expect(await everyFile()).toEqual(filesBefore);
  });

  it("with --dry-run, lists the rows and snapshots that would be erased and changes nothing", async () => {
    const person = await database.pool.query<{ user_login: string; user_id: string; rows: number }>(
      "select user_login, user_id::text, count(*)::int as rows from copilot_user_daily where user_login not like 'forgotten-%' group by 1, 2 order by 3 desc, 1 limit 1",
    );
    const { user_login: someone, user_id: id, rows } = person.rows[0]!;
    const [tablesBefore, filesBefore] = [await everyTable(), await everyFile()];

    const result = await runCli(["forget-user", someone.toUpperCase(), "--dry-run"]);

    expect(result.code).toBe(0);
    expect(result.out[0]).toBe(`Dry run, nothing is changed. "${someone.toUpperCase()}" is GitHub user id ${id}.`);
    expect(result.out).toContain(`copilot_user_daily: ${rows} rows would be pseudonymised`);
    expect(result.out).toContainEqual(
      expect.stringMatching(
        /^Archived snapshots of datasets with people in them that would be deleted: [1-9]\d* \(archive\/\d{4}\/copilot_/,
      ),
    );
    expect(await everyTable()).toEqual(tablesBefore);
    expect(await everyFile()).toEqual(filesBefore);
  });

  it("with --force, republishes although the login matches nothing, and erases no snapshot", async () => {
    const snapshotsBefore = (await listFiles(out)).filter((file) => file.startsWith("archive/"));

    const result = await runCli(["forget-user", "nobody-here", "--force"]);

    expect(result.code).toBe(0);
    expect(result.out[1]).toBe("--force: nothing to erase; republishing the datasets with people in them anyway.");
    expect((await listFiles(out)).filter((file) => file.startsWith("archive/"))).toEqual(snapshotsBefore);
    const runs = await database.pool.query("select count(*)::int as runs from collection_runs where run_id like 'forget-user-%'");
    expect(runs.rows).toEqual([{ runs: 2 }]);
  });

  it("covers every table that has a login or user id column", async () => {
    const columns = await database.pool.query<{ table: string; column: string }>(
      `select table_name as table, column_name as column from information_schema.columns
       where table_schema = current_schema() and (column_name ~ '(^|_)login$' or column_name ~ '^(user|author|reviewer|developer|actor|creator|assignee)(_id)?$')
       order by 1, 2`,
    );
    const covered = new Set(
      userTables.flatMap((table) => [
        `${table.table}.${table.loginColumn}`,
        ...(table.idColumn === undefined ? [] : [`${table.table}.${table.idColumn}`]),
      ]),
    );
    expect(columns.rows.map((row) => `${row.table}.${row.column}`).filter((column) => !covered.has(column))).toEqual([]);
  });

  it("exits 2 without exactly one login", async () => {
    expect((await runCli(["forget-user"])).code).toBe(2);
    expect((await runCli(["forget-user", "ada", "grace"])).code).toBe(2);
    expect((await runCli(["forget-user", "ada", "--dry-rn"])).code).toBe(2);
  });
});

/** One row naming the person in each of the other user-level tables. */
async function seedOtherTables(database: TestDatabase, id: number): Promise<void> {
  const statements: Array<[string, unknown[]]> = [
    [
      "insert into copilot_user_teams (enterprise, scope, organization, day, team_id, team_slug, user_id, user_login) values ('octo-sandbox', 'organization', 'octo-web', '2026-10-30', 7, 'web-core', $1, 'ada')",
      [id],
    ],
    [
      "insert into copilot_seats (enterprise, organization, snapshot_day, user_id, user_login, plan_type) values ('octo-sandbox', 'octo-web', '2026-11-01', $1, 'ada', 'business')",
      [id],
    ],
    [
      `insert into copilot_premium_usage (enterprise, organization, day, product, sku, model, user_login, unit_type, price_per_unit, gross_quantity,
       gross_amount, discount_quantity, discount_amount, net_quantity, net_amount, fetched_at)
      values ('octo-sandbox', '', '2026-10-30', 'copilot', 'premium', 'gpt-4.1', 'ada', 'requests', 0.04, 10, 0.4, 0, 0, 10, 0.4, now())`,
      [],
    ],
    [
      `insert into pull_requests (enterprise, repository_id, number, pull_request_id, author_id, author_login, title, state, created_at, updated_at)
      values ('octo-sandbox', 1, 1, 11, $1, 'ada', 'Add search', 'open', '2026-10-30T10:00:00Z', '2026-10-30T10:00:00Z')`,
      [id],
    ],
    [
      "insert into pull_request_reviews (enterprise, repository_id, pull_number, review_id, reviewer_id, reviewer_login, state) values ('octo-sandbox', 1, 2, 21, $1, 'ada', 'APPROVED')",
      [id],
    ],
    [
      "insert into commits (enterprise, repository_id, sha, author_id, author_login, authored_at, committed_at) values ('octo-sandbox', 1, 'abc123', $1, 'ada', now(), now())",
      [id],
    ],
    [
      `insert into velocity_weekly (enterprise, organization, repository_id, repository, developer, developer_id, week, developers, prs_opened, prs_merged,
       commits, reviews_given, lines_added, lines_deleted, copilot_developers, computed_at)
      values ('octo-sandbox', 'octo-web', 1, 'web', 'ada', $1, '2026-10-26', 1, 1, 0, 1, 1, 10, 2, 1, now())`,
      [id],
    ],
  ];
  for (const [sql, parameters] of statements) await database.pool.query(sql, parameters);
}
