// Metrics benchmark (issue: repository activity, premium usage, DORA and velocity): DORA and velocity
// over a generated history of 500 repositories, 1,000,000 pull requests, 3,000,000 commits and
// 100,000 deployments (bench/metrics-history.sql), computed in PostgreSQL: a full recompute, then
// the incremental recompute after one more day of activity (bench/metrics-day.sql).
// Targets: full under 60 s, incremental under 5 s.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { migrate, sqlFile, startEmbeddedPostgres, survivingConnectionErrors } from "../src/db/index.js";
import { computeWeeklyMetrics, metricDefinitions } from "../src/metrics/index.js";
import { parseSettings } from "../src/config/index.js";
import type { BenchOptions } from "./run.js";

// The tables the generator fills: their secondary indexes are built after the load, not row by row.
const loadedTables = [
  "commits",
  "deployments",
  "deployment_commits",
  "pull_requests",
  "pull_request_reviews",
  "incidents",
  "copilot_user_daily",
];

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const started = process.hrtime.bigint();
  const result = await work();
  return { result, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

async function generate(pool: pg.Pool): Promise<number> {
  const indexes = await pool.query<{ name: string; definition: string }>(
    `select i.indexname as name, i.indexdef as definition from pg_indexes i
     where i.schemaname = current_schema() and i.tablename = any($1)
       and i.indexname not in (select conname from pg_constraint where contype = 'p')`,
    [loadedTables],
  );
  for (const index of indexes.rows) await pool.query(`drop index ${index.name}`);
  const { seconds } = await timed(async () => {
    await pool.query(sqlFile(import.meta.url, "metrics-history.sql"));
    for (const index of indexes.rows) await pool.query(index.definition);
    await pool.query("analyze");
  });
  return seconds;
}

export default async function metricsBenchmark(_options: BenchOptions): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), "bench-metrics-"));
  const database = await startEmbeddedPostgres(path.join(work, "cluster"), { throwaway: true });
  // The computation takes one connection to coordinate and two to compute week ranges at once.
  const pool = survivingConnectionErrors(new pg.Pool({ connectionString: database.connectionString, max: 4 }));
  try {
    await migrate(pool);
    const generateSeconds = await generate(pool);
    const counts = await pool.query<{ prs: number; commits: number; deployments: number; repositories: number }>(
      `select (select count(*) from pull_requests)::int as prs, (select count(*) from commits)::int as commits,
              (select count(*) from deployments)::int as deployments, (select count(*) from repositories)::int as repositories`,
    );
    const sizes = counts.rows[0]!;
    console.log(
      `history: ${sizes.repositories} repositories, ${sizes.prs.toLocaleString("en")} pull requests, ${sizes.commits.toLocaleString("en")} commits, ` +
        `${sizes.deployments.toLocaleString("en")} deployments (generated in ${generateSeconds.toFixed(1)} s)`,
    );
    const definitions = metricDefinitions(parseSettings({}));
    const full = await timed(() => computeWeeklyMetrics(pool, { enterprises: ["bench"], today: "2026-11-25", full: true, definitions }));
    console.log(
      `full recompute: ${full.seconds.toFixed(2)} s for ${full.result.weeks} weeks (${full.result.doraRows.toLocaleString("en")} DORA rows, ` +
        `${full.result.velocityRows.toLocaleString("en")} velocity rows; target < 60 s)`,
    );
    await pool.query(sqlFile(import.meta.url, "metrics-day.sql"));
    await pool.query("analyze");
    const incremental = await timed(() => computeWeeklyMetrics(pool, { enterprises: ["bench"], today: "2026-11-25", definitions }));
    console.log(
      `incremental recompute after one day: ${incremental.seconds.toFixed(2)} s for ${incremental.result.weeks} week(s) ` +
        `(${incremental.result.doraRows.toLocaleString("en")} DORA rows, ${incremental.result.velocityRows.toLocaleString("en")} velocity rows; target < 5 s)`,
    );
    console.log(
      JSON.stringify({
        bench: "metrics",
        prs: sizes.prs,
        full_seconds: Math.round(full.seconds * 100) / 100,
        incremental_seconds: Math.round(incremental.seconds * 100) / 100,
      }),
    );
  } finally {
    await pool.end();
    await database.stop();
    await rm(work, { recursive: true, force: true });
  }
}
