import { inTransaction, sqlFile, type Pool } from "../db/index.js";
import { addDays } from "../days.js";

const sql = {
  lock: sqlFile(import.meta.url, "computation-lock.sql"),
  unlock: sqlFile(import.meta.url, "computation-unlock.sql"),
  mark: sqlFile(import.meta.url, "computation-mark.sql"),
  dueWeeks: sqlFile(import.meta.url, "due-weeks.sql"),
  saveState: sqlFile(import.meta.url, "save-metrics-state.sql"),
  rangeSettings: sqlFile(import.meta.url, "range-settings.sql"),
  manyWeeksSettings: sqlFile(import.meta.url, "many-weeks-settings.sql"),
  besideSettings: sqlFile(import.meta.url, "beside-settings.sql"),
  metricWeeks: sqlFile(import.meta.url, "metric-weeks.sql"),
  fillMetricWeeks: sqlFile(import.meta.url, "fill-metric-weeks.sql"),
  metricBounds: sqlFile(import.meta.url, "metric-bounds.sql"),
  deleteDoraWeeks: sqlFile(import.meta.url, "delete-dora-weeks.sql"),
  deleteVelocityWeeks: sqlFile(import.meta.url, "delete-velocity-weeks.sql"),
  recomputeRange: sqlFile(import.meta.url, "recompute-range.sql"),
  repositories: sqlFile(import.meta.url, "metric-repositories.sql"),
  doraEvents: sqlFile(import.meta.url, "dora-events.sql"),
  doraShipped: sqlFile(import.meta.url, "dora-shipped.sql"),
  pullRequests: sqlFile(import.meta.url, "metric-pull-requests.sql"),
  doraOutcomes: sqlFile(import.meta.url, "dora-outcomes.sql"),
  doraChanges: sqlFile(import.meta.url, "dora-changes.sql"),
  doraWeekly: sqlFile(import.meta.url, "dora-weekly.sql"),
  velocityCounted: sqlFile(import.meta.url, "velocity-counted.sql"),
  velocityMedians: sqlFile(import.meta.url, "velocity-medians.sql"),
  velocityWeekly: sqlFile(import.meta.url, "velocity-weekly.sql"),
};

/** The settings that define the metrics (README, settings); a change to any of them recomputes every week. */
export interface MetricDefinitions {
  environments: string[];
  deployWorkflows: string[];
  incidentLabels: string[];
  revertPattern: string;
  hotfixPattern: string;
  botLogins: string[];
  failureSignals: Array<"deployment_status" | "incident" | "revert">;
}

export function metricDefinitions(settings: {
  DORA_ENVIRONMENTS: string[];
  DORA_DEPLOY_WORKFLOWS: string[];
  INCIDENT_LABELS: string[];
  REVERT_PATTERN: string;
  HOTFIX_PATTERN: string;
  BOT_LOGINS: string[];
  DORA_FAILURE_SIGNALS: Array<"deployment_status" | "incident" | "revert">;
}): MetricDefinitions {
  const lower = (values: string[]) => values.map((value) => value.toLowerCase());
  return {
    environments: lower(settings.DORA_ENVIRONMENTS),
    deployWorkflows: lower(settings.DORA_DEPLOY_WORKFLOWS),
    incidentLabels: lower(settings.INCIDENT_LABELS),
    revertPattern: settings.REVERT_PATTERN,
    hotfixPattern: settings.HOTFIX_PATTERN,
    botLogins: lower(settings.BOT_LOGINS),
    failureSignals: [...settings.DORA_FAILURE_SIGNALS].sort(),
  };
}

export interface ComputeRequest {
  enterprises: string[];
  /** The run's day: the last week computed is the one holding it. */
  today: string;
  /** Also recompute every week from this day's on (Copilot days collected by the run feed velocity). */
  copilotFrom?: string | undefined;
  /** Every week with data, not only the weeks the changes reach. */
  full?: boolean | undefined;
  definitions: MetricDefinitions;
  /** Connections computing week ranges at once when many weeks are due (default 2: the pool keeps 8). */
  parallel?: number | undefined;
  /** Weeks computed in one transaction (default 13, a quarter: its sorts and hash tables fit in memory). */
  weeksPerRange?: number | undefined;
}

export interface ComputeResult {
  weeks: number;
  doraRows: number;
  velocityRows: number;
}

type EnterpriseWeek = { enterprise: string; week: string };

/** Up to this many weeks are computed with the planner's own choices (a day's changes). */
const smallComputationWeeks = 8;
const defaultWeeksPerRange = 13;
// Any number shared by every computation of this product; pg_advisory_lock takes a bigint.
const metricsLockKey = 7_140_221_002;

/**
 * Recomputes dora_weekly and velocity_weekly for the weeks the changes since the last computation
 * reach (every week on the first computation, or when a definition changed), set-based. Many
 * weeks are split into consecutive ranges computed at once on separate connections; each range
 * is one transaction that deletes and inserts its weeks, so readers never see half a week. The
 * changes are marked computed only when every range is.
 */
export async function computeWeeklyMetrics(pool: Pool, request: ComputeRequest): Promise<ComputeResult> {
  const definitions = request.definitions;
  const fingerprint = JSON.stringify(definitions);
  const coordinator = await pool.connect();
  let locked = false;
  try {
    // One computation at a time: two would delete and insert the same weeks.
    await coordinator.query(sql.lock, [metricsLockKey]);
    locked = true;
    // Rows synced before this moment are in the figures written here.
    const mark = await coordinator.query<{ mark: string }>(sql.mark);
    const ranges = await coordinator.query<{ enterprise: string; first_week: string }>(sql.recomputeRange, [
      request.enterprises,
      fingerprint,
      request.full ?? false,
      definitions.revertPattern,
    ]);
    // From the first week a change reaches (and the first Copilot week collected) to the current week.
    const due = await coordinator.query<EnterpriseWeek>(sql.dueWeeks, [
      ranges.rows.map((row) => row.enterprise),
      ranges.rows.map((row) => row.first_week),
      request.today,
      request.copilotFrom ?? null,
      request.enterprises,
    ]);
    const weeks = due.rows;
    const parallel = Math.max(1, request.parallel ?? 2);
    const weekRanges = chunks(weeks, request.weeksPerRange ?? defaultWeeksPerRange);
    const beside = Math.min(parallel, weekRanges.length) > 1;
    const results = await inParallel(weekRanges, parallel, (range) => computeWeeks(pool, range, definitions, beside));
    await coordinator.query(sql.saveState, [request.enterprises, mark.rows[0]?.mark, fingerprint]);
    return {
      weeks: weeks.length,
      doraRows: results.reduce((total, result) => total + result.doraRows, 0),
      velocityRows: results.reduce((total, result) => total + result.velocityRows, 0),
    };
  } finally {
    if (locked) await coordinator.query(sql.unlock, [metricsLockKey]).catch(() => undefined);
    coordinator.release();
  }
}

/** Consecutive ranges of `weeksPerRange` weeks: they spread over the connections. */
function chunks(weeks: EnterpriseWeek[], weeksPerRange: number): EnterpriseWeek[][] {
  const distinct = [...new Set(weeks.map((row) => row.week))];
  const ranges: EnterpriseWeek[][] = [];
  for (let start = 0; start < distinct.length; start += weeksPerRange) {
    const mine = new Set(distinct.slice(start, start + weeksPerRange));
    ranges.push(weeks.filter((row) => mine.has(row.week)));
  }
  return ranges;
}

/**
 * Runs `work` on every item, `limit` at a time, in order of the items. After a failure no item
 * starts, and the ones under way are awaited before the first failure is thrown: the caller
 * releases the computation's lock, and no range may still be writing its weeks then.
 */
async function inParallel<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  // One iterator for all workers: each takes the next item from it.
  const pending = items.entries();
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    for (const [index, item] of pending) {
      if (failure !== undefined) return;
      try {
        results[index] = await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure.error;
  return results;
}

/** One range of weeks, in one transaction: the stages as analyzed temporary tables, then both tables' weeks replaced. */
async function computeWeeks(
  pool: Pool,
  weeks: EnterpriseWeek[],
  definitions: MetricDefinitions,
  beside: boolean,
): Promise<{ doraRows: number; velocityRows: number }> {
  return inTransaction(pool, async (client) => {
    await client.query(sql.rangeSettings);
    if (new Set(weeks.map((row) => row.week)).size > smallComputationWeeks) await client.query(sql.manyWeeksSettings);
    if (beside) await client.query(sql.besideSettings);
    // Stages as temporary tables, each analyzed: the planner then knows their sizes. ANALYZE takes
    // no parameter, so the table's name, one of this module's own, is written into it.
    const stage = async (text: string, parameters: unknown[], table: string) => {
      await client.query(text, parameters);
      await client.query(`analyze ${table}`);
    };
    await client.query(sql.metricWeeks);
    await stage(sql.fillMetricWeeks, [weeks.map((row) => row.enterprise), weeks.map((row) => row.week)], "metric_weeks");
    await stage(sql.metricBounds, [], "metric_bounds");
    // The range's ends as constants too, beside the per-enterprise bounds the stages join: an index
    // range scan needs them.
    const sorted = weeks.map((row) => row.week).sort();
    const first = sorted[0];
    const last = sorted.at(-1);
    if (first === undefined || last === undefined) throw new Error("computeWeeks was given no week; chunks() never makes an empty range.");
    const starts = `${first}T00:00:00Z`;
    const ends = `${addDays(last, 7)}T00:00:00Z`;
    const readsFrom = `${addDays(first, -21)}T00:00:00Z`;
    await stage(sql.repositories, [definitions.environments, definitions.deployWorkflows], "metric_repositories");
    await stage(sql.doraEvents, [definitions.environments, definitions.deployWorkflows, readsFrom], "dora_events");
    await stage(sql.doraShipped, [definitions.environments], "dora_shipped");
    await stage(sql.pullRequests, [definitions.botLogins, starts, ends], "metric_pull_requests");
    const outcomes = [
      definitions.revertPattern,
      definitions.hotfixPattern,
      definitions.failureSignals,
      definitions.incidentLabels,
      readsFrom,
    ];
    await stage(sql.doraOutcomes, outcomes, "dora_outcomes");
    await stage(sql.doraChanges, [], "dora_changes");
    await stage(sql.velocityCounted, [definitions.botLogins, starts, ends], "velocity_counted");
    await stage(sql.velocityMedians, [definitions.botLogins], "velocity_medians");
    await client.query(sql.deleteDoraWeeks);
    const dora = await client.query(sql.doraWeekly, [definitions.incidentLabels, new Date()]);
    await client.query(sql.deleteVelocityWeeks);
    const velocity = await client.query(sql.velocityWeekly, [new Date()]);
    return { doraRows: dora.rowCount ?? 0, velocityRows: velocity.rowCount ?? 0 };
  });
}
