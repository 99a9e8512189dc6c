import {
  attemptKey,
  fileCountKey,
  parseReportFilePath,
  reportSetFolder,
  type ReportArchive,
  type ReportFileSet,
} from "../archive/index.js";
import type { Pool } from "../db/index.js";
import { findReportKind, type ReportKind } from "../github/index.js";
import { combiningRepeatedUsers, replaceReportDays } from "../ingest/index.js";
import { summarize } from "./error-summary.js";
import { finishRun, startRun, type FinishRunInput, type RunSummary } from "./run-record.js";

export interface ReingestRequest {
  runId: string;
  from: string;
  to: string;
  enterprise?: string;
  startedAt: string;
}

/** The files one ingest attempt stored of a report answer, by position, and how many it meant to store (NaN: not recorded). */
interface IngestAttempt {
  expected: number;
  files: Map<number, string>;
}

/** One stored answer of a report: the files of its newest complete ingest attempt. */
interface ArchivedSet {
  set: ReportFileSet;
  kind: ReportKind;
  attempt: string;
  files: string[];
}

/**
 * `metrics-collector reingest --from --to`: rebuilds the usage tables for those days from the raw
 * archive, without calling GitHub. Each archived report answer replaces its days, clipped to the
 * range, exactly as its ingest did, and the answers are replayed in the order they were ingested,
 * so a day a later answer revised ends with the later figures. One audit row records the rebuild.
 */
export async function reingest(
  pool: Pool,
  archive: ReportArchive,
  request: ReingestRequest,
  log: (line: string) => void = () => undefined,
): Promise<RunSummary> {
  await startRun(pool)({ runId: request.runId, trigger: "reingest", from: request.from, to: request.to, startedAt: request.startedAt });
  const { sets, problems } = await findArchivedSets(archive, request);
  const failures: FinishRunInput["failures"] = [...problems];
  const warnings: string[] = [];
  let records = 0;
  let setsOk = 0;
  for (const archived of sets) {
    const firstDay = maxDay(archived.set.firstDay, request.from);
    const lastDay = minDay(archived.set.lastDay, request.to);
    try {
      const setRecords = await combiningRepeatedUsers((forceStaging) =>
        replaceFromArchive(pool, archive, archived, firstDay, lastDay, forceStaging, warnings),
      );
      records += setRecords;
      setsOk++;
      log(`${reportSetFolder(archived.set)}: ${setRecords} records for ${firstDay}..${lastDay}`);
    } catch (error) {
      failures.push({ unit: reportSetFolder(archived.set), ...summarize(error) });
      log(`${reportSetFolder(archived.set)}: FAILED ${summarize(error).message}`);
    }
  }
  return finishRun(pool)({
    runId: request.runId,
    finishedAt: new Date().toISOString(),
    unitsTotal: sets.length + problems.length,
    unitsOk: setsOk,
    unitsPending: 0,
    unitsFailed: failures.length,
    records,
    failures,
    warnings,
    publish: [],
  } satisfies FinishRunInput);
}

async function replaceFromArchive(
  pool: Pool,
  archive: ReportArchive,
  archived: ArchivedSet,
  firstDay: string,
  lastDay: string,
  forceStaging: boolean,
  warnings: string[],
): Promise<number> {
  let records = 0;
  const { set, kind, files } = archived;
  const target = { ...set, level: kind.level, sourceReport: kind.report, firstDay, lastDay, fileCount: files.length, forceStaging };
  await replaceReportDays(
    pool,
    target,
    async (stage) => {
      for (const [fileIndex, path] of files.entries()) {
        await stage({
          bytes: await archive.read(path),
          level: kind.level,
          context: { file: path, fileIndex, firstDay: set.firstDay, lastDay: set.lastDay, onlyDays: { from: firstDay, to: lastDay } },
          onRecords: (count) => void (records += count),
        });
      }
    },
    (warning) => warnings.push(warning),
  );
  return records;
}

/**
 * The archived report answers that touch the range, oldest ingest first. A folder whose newest
 * attempt is incomplete (an ingest cut halfway) falls back to an older complete attempt if one is
 * whole, else it is reported, not guessed at.
 */
async function findArchivedSets(
  archive: ReportArchive,
  request: ReingestRequest,
): Promise<{ sets: ArchivedSet[]; problems: FinishRunInput["failures"] }> {
  const folders = new Map<string, { set: ReportFileSet; attempts: Map<string, IngestAttempt> }>();
  for await (const file of archive.list(request.enterprise === undefined ? undefined : `${request.enterprise}/`)) {
    const parsed = parseReportFilePath(file.path);
    if (parsed === undefined || parsed.set.lastDay < request.from || parsed.set.firstDay > request.to) continue;
    const folderKey = reportSetFolder(parsed.set);
    const folder = folders.get(folderKey) ?? { set: parsed.set, attempts: new Map<string, IngestAttempt>() };
    folders.set(folderKey, folder);
    // Files stored by hand carry no metadata: they count as one attempt of as many files as there are.
    const attemptId = file.metadata[attemptKey] ?? "";
    const attempt = folder.attempts.get(attemptId) ?? {
      expected: Number(file.metadata[fileCountKey] ?? Number.NaN),
      files: new Map<number, string>(),
    };
    attempt.files.set(parsed.fileIndex, file.path);
    folder.attempts.set(attemptId, attempt);
  }
  const sets: ArchivedSet[] = [];
  const problems: FinishRunInput["failures"] = [];
  for (const [folderKey, folder] of folders) {
    let kind: ReportKind;
    try {
      kind = findReportKind(folder.set.scope, folder.set.report);
    } catch (error) {
      problems.push({ unit: folderKey, ...summarize(error) });
      continue;
    }
    const complete = [...folder.attempts.entries()]
      .map(([attempt, { expected, files }]) => {
        const count = Number.isNaN(expected) ? files.size : expected;
        const paths = Array.from({ length: count }, (_, index) => files.get(index));
        return { attempt, files: paths.every((path) => path !== undefined) ? paths : undefined };
      })
      .filter((candidate): candidate is { attempt: string; files: string[] } => candidate.files !== undefined)
      .sort((a, b) => (a.attempt < b.attempt ? -1 : a.attempt > b.attempt ? 1 : 0));
    const newest = complete.at(-1);
    if (newest === undefined) {
      problems.push({
        unit: folderKey,
        errorClass: "IncompleteArchive",
        message: `${folderKey} holds no complete set of report files; collect these days again with \`run --from --to\`.`,
      });
      continue;
    }
    sets.push({ set: folder.set, kind, attempt: newest.attempt, files: newest.files });
  }
  sets.sort((a, b) => (a.attempt < b.attempt ? -1 : a.attempt > b.attempt ? 1 : reportSetFolder(a.set) < reportSetFolder(b.set) ? -1 : 1));
  return { sets, problems };
}

/** Drops records of days outside the range; anything else goes on to be validated as usual. */
function maxDay(a: string, b: string): string {
  return a > b ? a : b;
}

function minDay(a: string, b: string): string {
  return a < b ? a : b;
}
