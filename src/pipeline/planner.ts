import type { Pool } from "../db/index.js";
import { runStore } from "../runs/index.js";
import { addDays, daysBetween } from "../days.js";
import { reportKinds, type ReportKind, type Scope } from "../github/index.js";
import type { ReportUnit, RunInput } from "./units.js";

/** GitHub keeps one year of history (reference §1.4). */
const historyDays = 365;
/** A gap with at least this many due days inside the 28-day window is fetched with one 28-day call. */
const periodReportThreshold = 7;

export interface PlanRequest {
  today: string;
  from?: string | undefined;
  to?: string | undefined;
  enterprises: RunInput["enterprises"];
  backfillDays: number;
  repollDays: number;
}

/**
 * Which (scope, report, days) units are due: an explicit --from/--to range; otherwise the first
 * run's backfill, every day since then that is not collected yet (gaps, pending and failed days),
 * and the last REPOLL_DAYS days again for late data. A large gap inside the 28-day window is one
 * 28-day call instead of many 1-day calls. Units never overlap, so their merges cannot collide.
 */
export async function planUnits(pool: Pool, request: PlanRequest): Promise<ReportUnit[]> {
  const checkpoints = await runStore.checkpointsOf(
    pool,
    request.enterprises.map((enterprise) => enterprise.slug),
  );
  const byKey = new Map<string, Map<string, string>>();
  for (const row of checkpoints) {
    const key = seriesKey(row.enterprise, row.scope, row.organization, row.report);
    const days = byKey.get(key) ?? new Map<string, string>();
    days.set(row.day, row.status);
    byKey.set(key, days);
  }
  const units: ReportUnit[] = [];
  const yesterday = addDays(request.today, -1);
  for (const { enterprise, scope, organization, series } of reportSeries(request.enterprises)) {
    const earliest = laterDay(series.firstDay, addDays(request.today, -historyDays));
    const seen = byKey.get(seriesKey(enterprise, scope, organization, series.report)) ?? new Map<string, string>();
    const due = dueDays(request, seen, earliest, yesterday);
    const periodKind = reportKinds.find((kind) => kind.scope === scope && kind.level === series.level && kind.period === "28-day");
    const base = { enterprise, scope, organization, series: series.report };
    units.push(...splitByReport(due, request.today, series, periodKind).map((split) => ({ ...base, ...split })));
  }
  return units;
}

/** Each enterprise and organization × the 1-day Copilot report series collected for it. */
export function reportSeries(enterprises: ReadonlyArray<{ slug: string; orgs: readonly string[] }>): Array<{
  enterprise: string;
  scope: Scope;
  organization: string;
  series: ReportKind;
}> {
  return enterprises.flatMap((enterprise) =>
    [
      { scope: "enterprise" as const, organization: "" },
      ...enterprise.orgs.map((org) => ({ scope: "organization" as const, organization: org })),
    ].flatMap((owner) =>
      reportKinds
        .filter((kind) => kind.scope === owner.scope && kind.period === "1-day")
        .map((series) => ({ enterprise: enterprise.slug, scope: owner.scope, organization: owner.organization, series })),
    ),
  );
}

function dueDays(request: PlanRequest, seen: Map<string, string>, earliest: string, yesterday: string): string[] {
  if (request.from !== undefined || request.to !== undefined) {
    return daysBetween(laterDay(request.from ?? earliest, earliest), earlierDay(request.to ?? yesterday, yesterday));
  }
  const [firstCollected] = [...seen.keys()].sort();
  const start = firstCollected ?? addDays(request.today, -request.backfillDays);
  const repollFrom = addDays(request.today, -request.repollDays);
  // Days not collected yet (never asked, not available yet, failed) are due; collected days and
  // those of an endpoint that does not exist here only come back inside the re-poll window.
  const due = (day: string) => {
    const status = seen.get(day);
    return status === undefined || status === "pending" || status === "failed" || day >= repollFrom;
  };
  return daysBetween(laterDay(start, earliest), yesterday).filter(due);
}

function splitByReport(
  due: string[],
  today: string,
  series: ReportKind,
  periodKind: ReportKind | undefined,
): Array<{ report: string; days: string[] }> {
  // The 28-day report ends at the newest processed day, at most yesterday.
  const windowStart = addDays(today, -29);
  const inWindow = due.filter((day) => day >= windowStart);
  const usePeriod = periodKind !== undefined && inWindow.length >= periodReportThreshold;
  const single = usePeriod ? due.filter((day) => day < windowStart) : due;
  return [
    ...single.map((day) => ({ report: series.report, days: [day] })),
    ...(usePeriod ? [{ report: periodKind.report, days: inWindow }] : []),
  ];
}

// YYYY-MM-DD strings sort as the days they name.
function laterDay(a: string, b: string): string {
  return a > b ? a : b;
}

function earlierDay(a: string, b: string): string {
  return a < b ? a : b;
}

function seriesKey(enterprise: string, scope: string, organization: string, report: string): string {
  return `${enterprise}\u0000${scope}\u0000${organization}\u0000${report}`;
}
