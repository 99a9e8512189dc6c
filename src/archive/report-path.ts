// Blob names of the raw archive: <enterprise>/<scope>/<report>/<days>/<n>.ndjson, where <scope> is
// `enterprise` or `org-<login>` (two organizations' files must not share a folder) and <days> is
// the report day of a 1-day report or `<first>_<last>` of a 28-day report.

import { isDay } from "../days.js";

export interface ReportFileSet {
  enterprise: string;
  scope: "enterprise" | "organization";
  /** '' at enterprise scope. */
  organization: string;
  /** GitHub's name of the report endpoint, e.g. users-1-day. */
  report: string;
  firstDay: string;
  lastDay: string;
}

// The days are checked as days after the match, so that the day's format is written once (src/days.ts).
const filePattern = /^([^/]+)\/(enterprise|org-[^/]+)\/([^/]+)\/([^/_]+)(?:_([^/_]+))?\/(\d+)\.ndjson$/;

export function reportSetFolder(set: ReportFileSet): string {
  const scope = set.scope === "enterprise" ? "enterprise" : `org-${set.organization}`;
  const days = set.report.endsWith("-1-day") ? set.firstDay : `${set.firstDay}_${set.lastDay}`;
  return `${set.enterprise}/${scope}/${set.report}/${days}`;
}

export function reportFilePath(set: ReportFileSet, fileIndex: number): string {
  return `${reportSetFolder(set)}/${fileIndex}.ndjson`;
}

/** The set and file number a blob name stands for; undefined for a name the archive did not write. */
export function parseReportFilePath(path: string): { set: ReportFileSet; fileIndex: number } | undefined {
  const match = filePattern.exec(path);
  if (match === null) return undefined;
  const [, enterprise, scope, report, firstDay, lastDay, index] = match;
  if (enterprise === undefined || scope === undefined || report === undefined || firstDay === undefined || index === undefined)
    return undefined;
  if (!isDay(firstDay) || (lastDay !== undefined && !isDay(lastDay))) return undefined;
  const organization = scope === "enterprise" ? "" : scope.slice("org-".length);
  return {
    set: {
      enterprise,
      scope: scope === "enterprise" ? "enterprise" : "organization",
      organization,
      report,
      firstDay,
      lastDay: lastDay ?? firstDay,
    },
    fileIndex: Number(index),
  };
}
