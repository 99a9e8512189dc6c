// A few readable rows in each table the datasets read, for tests that publish without collecting.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "csv-parse/sync";
import type { Pool } from "../../src/db/index.js";

export interface Person {
  id: number;
  login: string;
}

export const people: Person[] = [
  { id: 583_001, login: "mona-lisa-x1" },
  { id: 583_002, login: "hubot-x2" },
  { id: 583_003, login: "zoe-x3" },
];

/** Copilot rows on each of `days`, for the enterprise and one organization, each person every day. */
export async function seedCopilot(pool: Pool, days: string[], options: { enterprise?: string; factor?: number } = {}): Promise<void> {
  const enterprise = options.enterprise ?? "contoso";
  const factor = options.factor ?? 1;
  for (const day of days) {
    for (const [scope, organization] of [
      ["enterprise", ""],
      ["organization", "contoso-web"],
    ] as const) {
      await pool.query(
        `insert into copilot_usage_daily (enterprise, scope, organization, day, daily_active_users, code_generation_activity_count,
           code_acceptance_activity_count, pr_median_minutes_to_merge, source_report, raw)
         values ($1, $2, $3, $4, $5, $6, $7, 2.5, 'enterprise-1-day', '{}')
         on conflict (enterprise, scope, organization, day) do update set daily_active_users = excluded.daily_active_users,
           code_generation_activity_count = excluded.code_generation_activity_count`,
        [enterprise, scope, organization, day, people.length, 10 * factor, 4 * factor],
      );
      for (const [dimension, ide, feature, language] of [
        ["ide", "vscode", "", ""],
        ["language_feature", "", "code_completion", "typescript"],
      ] as const) {
        await pool.query(
          `insert into copilot_usage_breakdown (enterprise, scope, organization, day, dimension, ide, feature, language,
             code_generation_activity_count, code_acceptance_activity_count)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           on conflict (enterprise, scope, organization, day, dimension, ide, feature, language, model)
           do update set code_generation_activity_count = excluded.code_generation_activity_count`,
          [enterprise, scope, organization, day, dimension, ide, feature, language, 5 * factor, 2 * factor],
        );
      }
      for (const person of people) {
        await pool.query(
          `insert into copilot_user_daily (enterprise, scope, organization, day, user_id, user_login, user_initiated_interaction_count,
             code_generation_activity_count, code_acceptance_activity_count, used_chat, used_agent, used_cli, primary_ide,
             ai_credits_used, source_report)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, true, false, null, 'vscode', 1.25, 'users-1-day')
           on conflict (enterprise, scope, organization, day, user_id)
           do update set code_generation_activity_count = excluded.code_generation_activity_count`,
          [enterprise, scope, organization, day, person.id, person.login, 3, 4 * factor, 2 * factor],
        );
      }
    }
  }
}

export async function seedRun(pool: Pool, runId: string, startedAt: string): Promise<void> {
  await pool.query(
    `insert into collection_runs (run_id, trigger, status, started_at, finished_at, units_total, units_ok, records, publish_status, freshness)
     values ($1, 'cli', 'succeeded', $2, $2::timestamptz + interval '95 seconds', 4, 4, 12, 'succeeded', '{"users-1-day": "2026-10-30", "enterprise-1-day": "2026-10-31"}')
     on conflict (run_id) do nothing`,
    [runId, startedAt],
  );
}

/** Every file under `dir` (forward slashes), sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"))
    .sort();
}

/** A published CSV as header + records. */
export function parseCsv(bytes: Buffer): string[][] {
  return parse(bytes, { bom: true, delimiter: ";", record_delimiter: "\r\n" });
}

export async function readCsv(file: string): Promise<string[][]> {
  return parseCsv(await readFile(file));
}
