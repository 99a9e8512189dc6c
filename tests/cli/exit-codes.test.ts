import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, dayOf } from "../../src/days.js";
import { userLine, ndjson } from "../fixtures/copilot-files.js";
import { enterpriseDay } from "../fixtures/official-examples.js";
import { fakeToken, ReportTable, startFakeGitHub, type GitHubServer } from "../fakes/github-server.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { spawnCli } from "./spawn-cli.js";

// The real process's exit status, as a scheduler or CI sees it: 0 ok, 1 a unit or publishing failed, 2 usage or configuration.
// Each test spawns the CLI, which loads its SDKs: minutes on a loaded machine, seconds on an idle one.
describe("the command line's exit status", { timeout: 300_000 }, () => {
  const day = addDays(dayOf(new Date()), -3);
  const table = new ReportTable();
  let github: GitHubServer;
  let database: TestDatabase;
  let folder: string;
  const settings = () => ({
    ENTERPRISES: JSON.stringify([{ slug: "contoso", orgs: [] }]),
    GITHUB_API_URL: github.url,
    GITHUB_TOKEN: fakeToken,
    DATABASE_URL: database.url,
    OUTPUT_DIR: path.join(folder, "out"),
  });

  beforeAll(async () => {
    database = await createTestDatabase();
    github = await startFakeGitHub(table);
    folder = await mkdtemp(path.join(tmpdir(), "cli-exit-"));
    await writeFile(path.join(folder, "a-file"), "not a folder");
  });
  afterAll(async () => {
    await github.close();
    await database.drop();
    await rm(folder, { recursive: true, force: true });
  });

  it.each([
    ["an unknown command", ["collect"], 'Unknown command "collect".'],
    ["a malformed date", ["run", "--from", "2026-13-01"], '--from "2026-13-01" is not a date'],
    ["--from after --to", ["run", "--from", "2026-11-02", "--to", "2026-11-01"], "--from 2026-11-02 is after --to 2026-11-01"],
    ["an unknown option", ["run", "--form", "2026-11-01"], "Unknown option '--form'"],
    ["a stray argument", ["status", "now"], "Unexpected argument 'now'"],
    ["forget-user without a login", ["forget-user"], '"forget-user" takes one GitHub login'],
  ])("exits 2 on %s, with the message and the command's usage on standard error", async (_case, args, message) => {
    const result = await spawnCli(args, { cwd: folder });
    expect(result.code).toBe(2);
    expect(result.err).toContain(message);
    expect(result.err).toContain("Usage: metrics-collector");
  });

  it("exits 2 naming the setting when ENTERPRISES is not JSON", async () => {
    const result = await spawnCli(["run"], { cwd: folder, env: { ENTERPRISES: "contoso" } });
    expect(result.code).toBe(2);
    expect(result.err).toContain("ENTERPRISES");
  });

  it("exits 0 with the overview on --help, and with the command's own usage on run --help and -h", async () => {
    const [overview, run, short] = await Promise.all([
      spawnCli(["--help"], { cwd: folder }),
      spawnCli(["run", "--help"], { cwd: folder }),
      spawnCli(["status", "-h"], { cwd: folder }),
    ]);
    expect([overview.code, run.code, short.code]).toEqual([0, 0, 0]);
    expect(overview.out).toContain("Commands:");
    expect(run.out).toMatch(/^Usage: metrics-collector run \[--from YYYY-MM-DD\]/);
    expect(run.out).toContain("Ctrl-C (or SIGTERM) stops taking units");
    expect(short.out).toMatch(/^Usage: metrics-collector status \[--json\]/);
  });

  it("exits 0 after a run in which every unit succeeded", async () => {
    table.files("enterprise", "contoso", "enterprise-1-day", day, [JSON.stringify(enterpriseDay(day, 1)) + "\n"]);
    table.files("enterprise", "contoso", "users-1-day", day, [ndjson([userLine("octocat", 1, day)])]);
    const result = await spawnCli(["run", "--from", day, "--to", day], { cwd: folder, env: settings() });
    expect(result.err).not.toContain("FAILED");
    expect(result.out).toMatch(/^status +succeeded$/m);
    expect(result.code).toBe(0);
  });

  it("exits 1 when a unit fails", async () => {
    const broken = addDays(day, -1);
    table.files("enterprise", "contoso", "users-1-day", broken, ["{not json\n"]);
    const result = await spawnCli(["run", "--from", broken, "--to", broken], { cwd: folder, env: settings() });
    expect(result.out).toMatch(/^FAILED contoso .*users-1-day/m);
    expect(result.code).toBe(1);
  });

  it("exits 1 when publishing fails", async () => {
    const result = await spawnCli(["publish"], { cwd: folder, env: { ...settings(), OUTPUT_DIR: path.join(folder, "a-file", "out") } });
    expect(result.out).toMatch(/^publish \S+ +FAILED: /m);
    expect(result.code).toBe(1);
  });
});
