import { setTimeout as sleep } from "node:timers/promises";
import { archiveReportFiles, type ReportArchive } from "../../archive/index.js";
import type { Pool } from "../../db/index.js";
import {
  fetchReportLinks,
  findReportKind,
  openReportFile,
  ReportDownloadError,
  withoutQuery,
  type DownloadOptions,
  type GitHubClient,
} from "../../github/index.js";
import { combiningRepeatedUsers, MalformedReportError, replaceReportDays } from "../../ingest/index.js";
import { runStore } from "../../runs/index.js";
import { recordCheckpoints } from "../checkpoints.js";
import { summarize } from "../error-summary.js";
import type { ReportUnit, UnitResult } from "../units.js";

export interface IngestDependencies {
  pool: Pool;
  github: (enterprise: string) => GitHubClient;
  download?: DownloadOptions;
  /** Attempts for one unit when a link expires, a download is cut or the database drops the connection. */
  attempts?: number;
  /** Wait before redoing a unit whose database connection dropped, times the attempt squared: a restarting server needs seconds. */
  databaseRetryDelayMs?: number;
  onRecords?: (count: number) => void;
  /** Every downloaded file is also stored here, from the same download; a failed upload fails the unit. */
  archive?: ReportArchive;
}

/**
 * One unit: ask for the report links, download every file, COPY the records into staging and
 * replace the unit's days in one transaction, then record the checkpoints. Returns a result
 * instead of throwing: one unit must never sink its siblings (Task.all fails fast).
 */
export function ingestReport(deps: IngestDependencies) {
  return async (unit: ReportUnit): Promise<UnitResult> => {
    try {
      const { covered, ...result } = await ingestWithRetries(deps, unit);
      await recordCheckpoints(deps.pool, unit, covered, result);
      return result;
    } catch (error) {
      const summary = summarize(error);
      await recordCheckpoints(deps.pool, unit, [], { ok: false, error: summary }).catch(() => undefined);
      return { ok: false, error: summary };
    }
  };
}

async function ingestWithRetries(deps: IngestDependencies, unit: ReportUnit): Promise<UnitResult & { ok: true; covered: string[] }> {
  const attempts = deps.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    try {
      return await combiningRepeatedUsers((forceStaging) => ingestOnce(deps, unit, forceStaging));
    } catch (error) {
      // A malformed file stays malformed: retrying would only hide it. Transient faults get fresh
      // links; a dropped database connection rolled the transaction back, so the unit is redone whole.
      if (error instanceof MalformedReportError || !isTransient(error)) throw error;
      if (attempt >= attempts)
        throw error instanceof Error && isDatabaseConnectionLoss(error) ? new DatabaseConnectionLostError(attempt, error) : error;
      if (error instanceof Error && isDatabaseConnectionLoss(error)) await sleep((deps.databaseRetryDelayMs ?? 1000) * attempt ** 2);
    }
  }
}

async function ingestOnce(
  deps: IngestDependencies,
  unit: ReportUnit,
  forceStaging: boolean,
): Promise<UnitResult & { ok: true; covered: string[] }> {
  const kind = findReportKind(unit.scope, unit.report);
  const owner = unit.scope === "enterprise" ? unit.enterprise : unit.organization;
  const links = await fetchReportLinks(deps.github(unit.enterprise), kind, owner, kind.period === "1-day" ? unit.days[0] : undefined);
  if (!links.available) {
    if (kind.level === "repos" && links.status === 404 && !(await runStore.seriesEverCollected(deps.pool, unit))) {
      // repos-1-day is newer than the other reports and missing on some plans and tenants: a 404
      // before it ever answered means the endpoint is absent here, not that the day is late.
      const where = unit.scope === "enterprise" ? unit.enterprise : `${unit.enterprise}/${unit.organization}`;
      const warning = `${kind.report} is not available for ${where} (GitHub answers 404 and never answered before); repository-level Copilot metrics are skipped there until it answers.`;
      return { ok: true, status: "unavailable", records: 0, daysCollected: 0, covered: [], warning };
    }
    return { ok: true, status: "pending", records: 0, daysCollected: 0, covered: [] };
  }
  let records = 0;
  const warnings: string[] = [];
  const archived =
    deps.archive === undefined
      ? undefined
      : archiveReportFiles(
          deps.archive,
          { ...unit, report: kind.report, firstDay: links.firstDay, lastDay: links.lastDay },
          links.links.length,
        );
  await replaceReportDays(
    deps.pool,
    {
      ...unit,
      level: kind.level,
      sourceReport: kind.report,
      firstDay: links.firstDay,
      lastDay: links.lastDay,
      fileCount: links.links.length,
      forceStaging,
    },
    async (stage) => {
      for (const [fileIndex, link] of links.links.entries()) {
        const download = await openReportFile(link, deps.download);
        await stage({
          bytes: archived === undefined ? download : archived.tee(fileIndex, download),
          level: kind.level,
          context: { file: withoutQuery(link), fileIndex, firstDay: links.firstDay, lastDay: links.lastDay },
          onRecords: (count) => void (records += count),
        });
      }
    },
    (warning) => warnings.push(warning),
  );
  deps.onRecords?.(records);
  const covered = unit.days.filter((day) => day >= links.firstDay && day <= links.lastDay);
  // A 28-day report may end before the newest due day: those days stay pending for the next run.
  const status = covered.length === unit.days.length ? "ok" : covered.length === 0 ? "pending" : "ok";
  return {
    ok: true,
    status,
    records,
    daysCollected: covered.length,
    covered,
    ...(warnings.length === 0 ? {} : { warning: warnings.join(" ") }),
  };
}

function isTransient(error: unknown): boolean {
  if (error instanceof ReportDownloadError) return true;
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  // Socket cuts and refused connections (undici/Node), and PostgreSQL connection failures.
  return (
    /terminated|socket|ECONNRESET|ECONNREFUSED|EPIPE|premature close/i.test(error.message) ||
    (typeof code === "string" && (/^E[A-Z]+$/.test(code) || code === "UND_ERR_SOCKET")) ||
    isDatabaseConnectionLoss(error)
  );
}

/** The unit's transaction lost its connection on every attempt; it rolled back each time. */
class DatabaseConnectionLostError extends Error {
  override readonly name = "DatabaseConnectionLostError";
  constructor(attempts: number, cause: Error) {
    super(
      `PostgreSQL closed the connection during the unit's transaction on all ${attempts} attempts (last: ${cause.message}); ` +
        "none of its rows were kept, and the next run collects it again. Check that the database server is up and not restarting.",
      { cause },
    );
  }
}

/**
 * PostgreSQL closed the connection or cannot take one yet: class 08 (connection exception) and
 * 57P01-57P03 (terminated by an administrator, a crash, or the server is starting), and pg's own
 * messages for a socket that ended under a client.
 */
function isDatabaseConnectionLoss(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  return (
    (typeof code === "string" && (code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03")) ||
    /^Connection terminated|not queryable/.test(error.message)
  );
}
