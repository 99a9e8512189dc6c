import { randomUUID } from "node:crypto";
import type { EnterpriseConfig, Settings } from "../config/index.js";
import { addDays, dayOf, daysBetween, isDay } from "../days.js";
import { datasets } from "../publish/index.js";
import type { RunInput } from "../pipeline/index.js";

/** A run or backfill asked for over HTTP (POST /api/collect), validated. */
export interface CollectRequest {
  from?: string;
  to?: string;
  enterprise?: string;
}

export type ParsedCollectRequest = { ok: true; request: CollectRequest } | { ok: false; reason: string };

/** A backfill reaches back at most a year (GitHub keeps one): 366 days cover a leap year. */
const maxRangeDays = 366;

const fields = new Set(["from", "to", "enterprise"]);
const example = '{"from":"2026-11-01","to":"2026-11-07","enterprise":"contoso"}';

/**
 * Validates the body of POST /api/collect: empty for a normal run, or a JSON object with `from`,
 * `to` (YYYY-MM-DD, both included) and `enterprise`, each optional except that `to` needs `from`.
 * Every refusal says what is wrong and what would be right.
 */
export function parseCollectRequest(body: string, options: { enterprises: readonly string[]; today: string }): ParsedCollectRequest {
  if (body.trim() === "") return { ok: true, request: {} };
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return refuse(`The body is not JSON. Send an empty body for a normal run, or e.g. ${example}.`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return refuse(`The body must be a JSON object, e.g. ${example}.`);
  }
  const unknown = Object.keys(value).filter((key) => !fields.has(key));
  if (unknown.length > 0) return refuse(`Unknown field "${unknown[0]}"; the fields are from, to and enterprise, e.g. ${example}.`);

  const request: CollectRequest = {};
  for (const field of ["from", "to"] as const) {
    const day: unknown = Reflect.get(value, field);
    if (day === undefined) continue;
    if (typeof day !== "string" || !isDay(day)) {
      return refuse(`"${field}" must be a date written YYYY-MM-DD, e.g. "2026-11-01"; got ${JSON.stringify(day)}.`);
    }
    request[field] = day;
  }
  const enterprise: unknown = Reflect.get(value, "enterprise");
  if (enterprise !== undefined) {
    if (typeof enterprise !== "string" || !options.enterprises.includes(enterprise)) {
      return refuse(`Unknown enterprise ${JSON.stringify(enterprise)}; configured in ENTERPRISES: ${options.enterprises.join(", ")}.`);
    }
    request.enterprise = enterprise;
  }

  const yesterday = addDays(options.today, -1);
  if (request.to !== undefined && request.from === undefined) return refuse(`"to" needs "from": name the first day of the backfill too.`);
  if (request.from !== undefined && request.from > yesterday) {
    return refuse(`"from" ${request.from} has no report yet: GitHub's newest report day is yesterday (${yesterday}) at best.`);
  }
  if (request.to !== undefined && request.to > options.today) return refuse(`"to" ${request.to} is in the future; today is ${options.today}.`);
  if (request.from !== undefined && request.to !== undefined && request.from > request.to) {
    return refuse(`"from" ${request.from} is after "to" ${request.to}.`);
  }
  if (request.from !== undefined) {
    const days = daysBetween(request.from, request.to ?? yesterday).length;
    if (days > maxRangeDays) {
      return refuse(`The range ${request.from}..${request.to ?? yesterday} covers ${days} days; at most ${maxRangeDays} per request: split it.`);
    }
  }
  return { ok: true, request };
}

function refuse(reason: string): ParsedCollectRequest {
  return { ok: false, reason };
}

/** A run id that names its trigger and day, unique however many runs start that day: `http-2026-11-25-3f9a0c2b`. */
export function newRunId(label: string, now: Date): string {
  return `${label}-${dayOf(now)}-${randomUUID().slice(0, 8)}`;
}

/**
 * The orchestrator's input for a run: settings travel in it (docs/architecture.md). Every dataset is published
 * unless `datasets` names some.
 */
export function collectRunInput(
  settings: Settings,
  enterprises: readonly EnterpriseConfig[],
  run: { runId: string; trigger: RunInput["trigger"]; request: CollectRequest; datasets?: string[] },
): RunInput {
  const chosen = run.request.enterprise === undefined ? enterprises : enterprises.filter((enterprise) => enterprise.slug === run.request.enterprise);
  return {
    runId: run.runId,
    trigger: run.trigger,
    ...(run.request.from === undefined ? {} : { from: run.request.from }),
    ...(run.request.to === undefined ? {} : { to: run.request.to }),
    enterprises: chosen.map((enterprise) => ({ slug: enterprise.slug, orgs: [...enterprise.orgs] })),
    backfillDays: settings.BACKFILL_DAYS,
    repollDays: settings.REPOLL_DAYS,
    datasets: run.datasets ?? datasets.map((dataset) => dataset.name),
  };
}
