import { sqlFile, type Pool } from "../db/index.js";

const sql = {
  recomputeRange: sqlFile(import.meta.url, "recompute-range.sql"),
  repositories: sqlFile(import.meta.url, "metric-repositories.sql"),
  doraEvents: sqlFile(import.meta.url, "dora-events.sql"),
  doraShipped: sqlFile(import.meta.url, "dora-shipped.sql"),
  pullRequests: sqlFile(import.meta.url, "metric-pull-requests.sql"),
  doraWeekly: sqlFile(import.meta.url, "dora-weekly.sql"),
  velocityWeekly: sqlFile(import.meta.url, "velocity-weekly.sql"),
};

/** The settings that define the metrics (DESIGN §7); a change to any of them recomputes every week. */
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
}

export interface ComputeResult {
  weeks: number;
  doraRows: number;
  velocityRows: number;
}

/**
 * Recomputes dora_weekly and velocity_weekly for the weeks the changes since the last computation
 * reach (every week on the first computation, or when a definition changed), set-based in one
 * transaction: the weeks' rows are deleted and inserted again, so readers never see half a week.
 */
export async function computeWeeklyMetrics(pool: Pool, request: ComputeRequest): Promise<ComputeResult> {
  const definitions = request.definitions;
  const fingerprint = JSON.stringify(definitions);
  const client = await pool.connect();
  try {
    await client.query("begin");
    await client.query("set local timezone = 'UTC'");
    // The grouping sorts and medians run in memory at this size; the default 4 MB spills to disk.
    await client.query("set local work_mem = '256MB'");
    for (const enterprise of request.enterprises) {
      // One computation per enterprise at a time: two would delete and insert the same weeks.
      await client.query("select pg_advisory_xact_lock(hashtext('metrics:' || $1))", [enterprise]);
    }
    // Rows synced before this moment are in the figures written here. A transaction still open
    // elsewhere may commit rows stamped earlier: the mark stays before its start. As text, because
    // a JS Date would cut the microseconds and make the last rows look changed again.
    const mark = await client.query<{ mark: string }>(
      `select least(now(), (select min(xact_start) from pg_stat_activity
                            where datname = current_database() and backend_type = 'client backend' and pid <> pg_backend_pid()))::text as mark`,
    );
    const ranges = await client.query<{ enterprise: string; first_week: string }>(sql.recomputeRange, [
      request.enterprises, fingerprint, request.full ?? false, definitions.revertPattern,
    ]);
    await client.query("create temporary table metric_weeks (enterprise text, week date, primary key (enterprise, week)) on commit drop");
    await client.query(
      `insert into metric_weeks (enterprise, week)
       select r.enterprise, w.week::date
       from unnest($1::text[], $2::date[]) as r (enterprise, first_week)
       cross join lateral generate_series(r.first_week, metrics_week($3::date), interval '7 days') as w (week)
       on conflict do nothing`,
      [ranges.rows.map((row) => row.enterprise), ranges.rows.map((row) => row.first_week), request.today],
    );
    if (request.copilotFrom !== undefined) {
      await client.query(
        `insert into metric_weeks (enterprise, week)
         select e.enterprise, w.week::date
         from unnest($1::text[]) as e (enterprise)
         cross join generate_series(metrics_week($2::date), metrics_week($3::date), interval '7 days') as w (week)
         on conflict do nothing`,
        [request.enterprises, request.copilotFrom, request.today],
      );
    }
    await client.query("analyze metric_weeks");
    const weeks = (await client.query<{ count: number }>("select count(*) as count from metric_weeks")).rows[0]?.count ?? 0;
    let doraRows = 0;
    let velocityRows = 0;
    if (weeks > 0) {
      // Stages as temporary tables, each analyzed: the planner then knows their sizes, and picks
      // index lookups for a day's changes and hash joins for a full recompute.
      const stage = async (text: string, parameters: unknown[], table: string) => {
        await client.query(text, parameters);
        await client.query(`analyze ${table}`);
      };
      await stage(sql.repositories, [definitions.environments, definitions.deployWorkflows], "metric_repositories");
      await stage(sql.doraEvents, [definitions.environments, definitions.deployWorkflows], "dora_events");
      await stage(sql.doraShipped, [definitions.environments], "dora_shipped");
      await stage(sql.pullRequests, [definitions.botLogins], "metric_pull_requests");
      await client.query("delete from dora_weekly d using metric_weeks w where d.enterprise = w.enterprise and d.week = w.week");
      const dora = await client.query(sql.doraWeekly, [
        definitions.revertPattern, definitions.hotfixPattern, definitions.failureSignals, definitions.incidentLabels, new Date(),
      ]);
      await client.query("delete from velocity_weekly v using metric_weeks w where v.enterprise = w.enterprise and v.week = w.week");
      const velocity = await client.query(sql.velocityWeekly, [definitions.botLogins, new Date()]);
      doraRows = dora.rowCount ?? 0;
      velocityRows = velocity.rowCount ?? 0;
    }
    await client.query(
      `insert into metrics_state (enterprise, computed_through, definitions, computed_at)
       select enterprise, $2::timestamptz, $3, now() from unnest($1::text[]) as e (enterprise)
       on conflict (enterprise) do update set
         computed_through = excluded.computed_through, definitions = excluded.definitions, computed_at = excluded.computed_at`,
      [request.enterprises, mark.rows[0]?.mark, fingerprint],
    );
    await client.query("commit");
    return { weeks, doraRows, velocityRows };
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
