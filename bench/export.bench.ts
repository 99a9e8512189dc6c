// Export benchmark (issue: Publish the datasets): a 1,000,000-row copilot_user_metrics, generated in
// SQL in a throwaway embedded PostgreSQL, published to the local folder sink through the production
// publish path (COPY … TO STDOUT → CSV encoder → temporary file → rename into place, one file per
// month, two months in flight), timed from the first query to the last file in place.
// Targets: at least 120,000 rows/s, peak RSS under 250 MB. The export runs in a child process of its
// own, so its peak RSS is not another benchmark's.
// The machine may be shared, so the child also times, on 200,000 of the same rows already read from
// PostgreSQL, a fixed baseline (split COPY text, join with `;`: no quoting, no casts) and csv-stringify
// alone with the export's options: rows/s divided by the baseline's compares runs under any load.
import { spawnSync } from "node:child_process";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseSettings } from "../src/config/index.js";
import { dayOf } from "../src/days.js";
import { migrate, openDatabase, startEmbeddedPostgres, type Pool } from "../src/db/index.js";
import { copyQueryOut } from "../src/db/index.js";
import { wholeRows } from "../src/publish/copy-text-decoding.js";
import { csvOptions, csvRecords } from "../src/publish/csv-format.js";
import { createFolderSink, findDataset, publishDataset, type UserIdentity } from "../src/publish/index.js";
import { stringify } from "csv-stringify/sync";
import type { BenchOptions } from "./run.js";

const rows = 1_000_000;
// 3,125 people on each of the 320 days before today: eleven or twelve monthly files, all inside the
// default 13-month retention.
const users = 3_125;
const days = 320;

interface ExportResult {
  rows: number;
  files: number;
  bytes: number;
  seconds: number;
  peak_rss_mb: number;
  /** Only under login: rows/s of the baseline and of csv-stringify alone on a sample of the rows. */
  baseline_rows_per_s?: number;
  stringify_rows_per_s?: number;
}

export default async function exportBenchmark(_options: BenchOptions): Promise<void> {
  // The default USER_IDENTITY (login) is the headline; hashed adds an HMAC per person.
  const hashed = measure("hashed");
  const login = measure("login");
  const baseline = login.baseline_rows_per_s ?? Number.NaN;
  const stringifyAlone = login.stringify_rows_per_s ?? Number.NaN;
  console.log(
    `baseline ${baseline.toLocaleString("en-US")} rows/s; csv-stringify alone ${stringifyAlone.toLocaleString("en-US")} rows/s; ` +
      `ratio to baseline: export ${(login.rowsPerSecond / baseline).toFixed(3)}, csv-stringify alone ${(stringifyAlone / baseline).toFixed(3)}`,
  );
  console.log(
    JSON.stringify({
      bench: "export",
      rows: login.rows,
      rows_per_s: login.rowsPerSecond,
      peak_rss_mb: Math.max(login.peak_rss_mb, hashed.peak_rss_mb),
      baseline_rows_per_s: baseline,
      ratio: Number((login.rowsPerSecond / baseline).toFixed(3)),
      stringify_rows_per_s: stringifyAlone,
      stringify_ratio: Number((stringifyAlone / baseline).toFixed(3)),
    }),
  );
}

function measure(mode: "login" | "hashed"): ExportResult & { rowsPerSecond: number } {
  const tsx = createRequire(import.meta.url).resolve("tsx/cli");
  const run = spawnSync(process.execPath, [tsx, fileURLToPath(import.meta.url), mode], { encoding: "utf8", maxBuffer: 1 << 20 });
  if (run.status !== 0) throw new Error(`export benchmark (USER_IDENTITY=${mode}) failed:\n${run.stderr}`);
  const result = JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "") as ExportResult;
  const rowsPerSecond = Math.round(result.rows / result.seconds);
  console.log(
    `USER_IDENTITY=${mode}: ${result.rows.toLocaleString("en-US")} rows in ${result.files} files (${(result.bytes / 1048576).toFixed(1)} MB) ` +
      `in ${result.seconds.toFixed(2)} s: ${rowsPerSecond.toLocaleString("en-US")} rows/s (target >= 120,000), peak RSS ${result.peak_rss_mb} MB (target < 250)`,
  );
  return { ...result, rowsPerSecond };
}

/** The child: generate, export, print one JSON line. */
async function exportOnce(mode: "login" | "hashed"): Promise<ExportResult> {
  const dir = await mkdtemp(path.join(tmpdir(), "bench-export-"));
  const embedded = await startEmbeddedPostgres(path.join(dir, "cluster"), { throwaway: true });
  const database = await openDatabase(parseSettings({ DATABASE_URL: embedded.connectionString }), { embeddedDataDir: dir });
  try {
    await migrate(database.pool);
    await generateUserDays(database.pool);
    const output = path.join(dir, "out");
    const today = dayOf(new Date());
    const identity: UserIdentity = mode === "hashed" ? { mode, key: "benchmark-key-0123456789abcdef" } : { mode };
    const started = performance.now();
    const published = await publishDataset(database.pool, createFolderSink(output), "copilot_user_metrics", {
      runId: "bench",
      day: today,
      format: { decimalSeparator: "." },
      userIdentity: async () => identity,
      retentionMonths: 13,
      snapshots: false,
    });
    const seconds = (performance.now() - started) / 1000;
    const folder = path.join(output, "copilot_user_metrics");
    const files = await readdir(folder);
    const sizes = await Promise.all(files.map(async (file) => (await stat(path.join(folder, file))).size));
    if (published.rows !== rows) throw new Error(`exported ${published.rows} rows, expected ${rows}`);
    // maxRSS is in kilobytes on Linux; read before the sample below holds its rows in memory.
    const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    return {
      rows: published.rows,
      files: published.files,
      bytes: sizes.reduce((total, size) => total + size, 0),
      seconds,
      peak_rss_mb: peakRssMb,
      ...(mode === "login" ? await stringifyCeiling(database.pool, identity) : {}),
    };
  } finally {
    await database.close();
    await embedded.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const sampleRows = 200_000;

/** The baseline and csv-stringify alone, each timed over the same sample of COPY output (best of three). */
async function stringifyCeiling(
  pool: Pool,
  identity: UserIdentity,
): Promise<{ baseline_rows_per_s: number; stringify_rows_per_s: number }> {
  const dataset = findDataset("copilot_user_metrics");
  const client = await pool.connect();
  const chunks: Buffer[] = [];
  try {
    // The same query over every month, its bounds inlined as the export does.
    const sql = dataset.sql
      .replace(/^\s*--.*$/gm, "")
      .replace(/\$1\b/g, "'2000-01-01'")
      .replace(/\$2\b/g, "'2100-01-01'");
    for await (const chunk of copyQueryOut(client, `select * from (${sql}) as sample limit ${sampleRows}`).pipe(wholeRows()))
      chunks.push(chunk as Buffer);
  } finally {
    client.release();
  }
  const toRecords = csvRecords(dataset, identity);
  const records = chunks.map(toRecords);
  const options = csvOptions(dataset, { decimalSeparator: "." }, identity);
  const rate = (work: () => number) => {
    let best = 0;
    for (let round = 0; round < 3; round++) {
      const started = performance.now();
      const length = work();
      if (length === 0) throw new Error("the sample wrote nothing");
      best = Math.max(best, Math.round(sampleRows / ((performance.now() - started) / 1000)));
    }
    return best;
  };
  return {
    baseline_rows_per_s: rate(() =>
      chunks.reduce(
        (total, chunk) =>
          total +
          chunk
            .toString("utf8")
            .split("\n")
            .map((line) => line.split("\t").join(";"))
            .join("\r\n").length,
        0,
      ),
    ),
    stringify_rows_per_s: rate(() => records.reduce((total, chunk) => total + stringify(chunk, options).length, 0)),
  };
}

/** 1,000,000 user-days ending yesterday, with the nulls real reports have (no CLI, no chat modes). */
async function generateUserDays(pool: Pool): Promise<void> {
  await pool.query(
    `insert into copilot_user_daily (
       enterprise, scope, organization, day, user_id, user_login, user_initiated_interaction_count,
       chat_panel_ask_mode, chat_panel_agent_mode, code_generation_activity_count, code_acceptance_activity_count,
       loc_suggested_to_add_sum, loc_suggested_to_delete_sum, loc_added_sum, loc_deleted_sum,
       used_agent, used_chat, used_cli, used_copilot_code_review_active, used_copilot_code_review_passive,
       used_copilot_cloud_agent, primary_ide, ide_version, plugin, plugin_version, cli_version,
       cli_session_count, cli_request_count, cli_prompt_count, ai_credits_used, ai_adoption_phase,
       ai_adoption_phase_number, source_report)
     select 'contoso', 'enterprise', '', current_date - d, 100000 + u, 'developer-' || u, (u * d) % 17,
       (u * d) % 11, case when u % 5 = 0 then (u + d) % 7 end, 5 + (u * 7 + d) % 40, 2 + (u * 3 + d) % 20,
       30 + (u + d) % 200, (u * d) % 9, 10 + (u + d) % 120, (u + 2 * d) % 30,
       u % 5 = 0, (u * d) % 11 > 0, u % 13 = 0, u % 3 = 0, false,
       false, case when u % 4 = 0 then 'jetbrains' else 'vscode' end, '1.104.0', 'copilot', '1.372.0',
       case when u % 13 = 0 then '1.0.8' end,
       case when u % 13 = 0 then (u + d) % 4 end, case when u % 13 = 0 then (u + d) % 9 end, case when u % 13 = 0 then (u + d) % 6 end,
       round(((u * d) % 17) * 0.75, 2), case when u % 2 = 0 then 'exploring' else 'adopting' end, 1 + u % 4, 'users-1-day'
     from generate_series(1, $1::int) as d, generate_series(1, $2::int) as u`,
    [days, users],
  );
  await pool.query("analyze copilot_user_daily");
}

// Run as the child process: `tsx bench/export.bench.ts MODE`.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const mode = process.argv[2] === "hashed" ? "hashed" : "login";
  exportOnce(mode).then(
    (result) => console.log(JSON.stringify(result)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
