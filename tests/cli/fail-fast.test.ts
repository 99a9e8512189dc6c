import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { fakeToken, ReportTable, startFakeGitHub, type GitHubServer } from "../fakes/github-server.js";
import { spawnCli } from "./spawn-cli.js";

/** A port nothing listens on: taken, then released. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}

// A configuration fault stops its enterprise after at most one retry, with one message naming the
// setting; the run exits 2 when no enterprise could start.
// Each test spawns the CLI, which loads its SDKs: minutes on a loaded machine, seconds on an idle one.
describe("a run with a configuration fault", { timeout: 300_000 }, () => {
  let database: TestDatabase;
  let github: GitHubServer;
  let folder: string;
  const enterprises = JSON.stringify([{ slug: "contoso", orgs: ["contoso-web"] }]);

  beforeAll(async () => {
    database = await createTestDatabase();
    github = await startFakeGitHub(new ReportTable());
    folder = await mkdtemp(path.join(tmpdir(), "cli-fail-fast-"));
  });
  afterAll(async () => {
    await github.close();
    await database.drop();
    await rm(folder, { recursive: true, force: true });
  });

  const env = (overrides: Record<string, string>) => ({
    ENTERPRISES: enterprises,
    DATABASE_URL: database.url,
    OUTPUT_DIR: path.join(folder, "out"),
    ...overrides,
  });
  const lines = (text: string, pattern: RegExp) => text.split("\n").filter((line) => pattern.test(line));

  it("stops at once with exit 2 and one message naming GITHUB_API_URL when nothing listens there", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const result = await spawnCli(["run", "--from", "2026-11-01", "--to", "2026-11-07"], {
      cwd: folder,
      env: env({ GITHUB_API_URL: url, GITHUB_TOKEN: fakeToken }),
    });
    expect(result.code).toBe(2);
    expect(lines(result.out + result.err, /ECONNREFUSED/)).toEqual([
      `FAILED contoso access: ConfigurationError: Enterprise "contoso": no answer from GitHub at ${url} (ECONNREFUSED). Check GITHUB_API_URL (https://api.github.com, or https://api.SUBDOMAIN.ghe.com) and the network or proxy.`,
    ]);
    expect(result.err).toContain("No enterprise could start");
    // Before, each of its units retried for minutes; now none is planned at all.
    expect(result.out).toMatch(/^units +1 \(ok 0, not yet available 0, failed 1\)$/m);
  });

  it("stops with exit 2 and one message naming GITHUB_TOKEN when no token is set", async () => {
    const result = await spawnCli(["run", "--from", "2026-11-01", "--to", "2026-11-07"], {
      cwd: folder,
      env: env({ GITHUB_API_URL: github.url }),
    });
    expect(result.code).toBe(2);
    expect(lines(result.out + result.err, /not set/)).toEqual([
      'FAILED contoso access: ConfigurationError: Enterprise "contoso": Secret "github-token" is not set: no environment variable GITHUB_TOKEN. Set GITHUB_TOKEN in the environment or .env, or set KEY_VAULT_URL to read it from Key Vault.',
    ]);
    expect(github.requests).toEqual([]);
  });

  it("stops with exit 2 and one message when GitHub refuses the token, after the one re-read of a rotated token", async () => {
    const before = github.requests.length;
    const result = await spawnCli(["run", "--from", "2026-11-01", "--to", "2026-11-07"], {
      cwd: folder,
      env: env({ GITHUB_API_URL: github.url, GITHUB_TOKEN: "ghp_revoked" }),
    });
    expect(result.code).toBe(2);
    expect(lines(result.out + result.err, /\b401\b/)).toEqual([
      'FAILED contoso access: ConfigurationError: Enterprise "contoso": GitHub refused its token (401 Bad credentials). Set a valid, unexpired token in GITHUB_TOKEN.',
    ]);
    expect(github.requests.slice(before).map((request) => request.path)).toEqual([
      "/enterprises/contoso/copilot/metrics/reports/enterprise-28-day/latest",
      "/enterprises/contoso/copilot/metrics/reports/enterprise-28-day/latest",
    ]);
  });
});
