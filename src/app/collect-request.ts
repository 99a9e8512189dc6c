import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { EnterpriseConfig, Settings } from "../config/index.js";
import { checkDayRange, dayOf } from "../days.js";
import { datasets } from "../publish/index.js";
import type { RunInput } from "../pipeline/index.js";

/** A run or backfill asked for over HTTP (POST /api/collect), validated. */
export interface CollectRequest {
  from?: string;
  to?: string;
  enterprise?: string;
}

export type ParsedCollectRequest = { ok: true; request: CollectRequest } | { ok: false; reason: string };

const example = '{"from":"2026-11-01","to":"2026-11-07","enterprise":"contoso"}';

/** The body's shape: an object of the three fields, an enterprise from ENTERPRISES; the days are checkDayRange's. */
function collectBody(enterprises: readonly string[]) {
  const unknownEnterprise = (input: unknown) =>
    `Unknown enterprise ${JSON.stringify(input)}; configured in ENTERPRISES: ${enterprises.join(", ")}.`;
  return z.strictObject(
    {
      from: z.unknown().optional(),
      to: z.unknown().optional(),
      enterprise: z
        .string({ error: (issue) => unknownEnterprise(issue.input) })
        .refine((slug) => enterprises.includes(slug), { error: (issue) => unknownEnterprise(issue.input) })
        .optional(),
    },
    {
      error: (issue) =>
        issue.code === "unrecognized_keys"
          ? `Unknown field "${issue.keys[0]}"; the fields are from, to and enterprise, e.g. ${example}.`
          : `The body must be a JSON object, e.g. ${example}.`,
    },
  );
}

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
    return { ok: false, reason: `The body is not JSON. Send an empty body for a normal run, or e.g. ${example}.` };
  }
  const parsed = collectBody(options.enterprises).safeParse(value);
  if (!parsed.success) return { ok: false, reason: parsed.error.issues[0]?.message ?? `The body must be a JSON object, e.g. ${example}.` };
  const checked = checkDayRange(parsed.data, {
    name: (field) => `"${field}"`,
    example: (field) => `"${field}":"2026-11-01"`,
    today: options.today,
  });
  if (!checked.ok) return checked;
  const { enterprise } = parsed.data;
  return { ok: true, request: { ...checked.range, ...(enterprise === undefined ? {} : { enterprise }) } };
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
  const chosen =
    run.request.enterprise === undefined ? enterprises : enterprises.filter((enterprise) => enterprise.slug === run.request.enterprise);
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
