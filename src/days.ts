// Calendar days as 'YYYY-MM-DD' strings in UTC: GitHub's report days are UTC days, and strings
// compare, serialise and cross the orchestrator boundary without time-zone surprises.
import { z } from "zod";

/**
 * A calendar day written YYYY-MM-DD: the one check of a day, for GitHub's answers, settings,
 * activity inputs and what a user types. zod's own ISO date expression also refuses days no
 * calendar has (2026-02-30) and tests as fast as a bare digit pattern (0.10 against 0.08 µs a day,
 * measured on 3,000,000 days), so the users report's hot path can afford it. A pattern, not `z.iso.date()`:
 * the users report is checked by ajv from this schema's JSON Schema, where the `date` format is
 * unknown.
 */
export const daySchema = z.string().regex(z.regexes.date, "must be a date written YYYY-MM-DD");

export function isDay(text: string): boolean {
  return daySchema.safeParse(text).success;
}

export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

export function dayOf(moment: Date): string {
  return moment.toISOString().slice(0, 10);
}

/** Every day from `first` to `last`, both included; empty when last < first. */
export function daysBetween(first: string, last: string): string[] {
  const days: string[] = [];
  for (let day = first; day <= last; day = addDays(day, 1)) days.push(day);
  return days;
}

/** A range of report days as a user asked for it; both ends optional, both included. */
interface DayRange {
  from?: string;
  to?: string;
}

/** A backfill reaches back at most a year (GitHub keeps one): 366 days cover a leap year. */
const maxRangeDays = 366;

export interface DayRangeRules {
  /** How the user wrote a field: `--from` on the command line, `"from"` in a JSON body. */
  name(field: "from" | "to"): string;
  /** The field written right, for the refusal: `--from 2026-11-01`, `"from":"2026-11-01"`. */
  example(field: "from" | "to"): string;
  /**
   * Today, for a request the server starts on its own (POST /api/collect): it refuses a `to`
   * without `from`, days with no report yet and more than maxRangeDays. Without it (the command
   * line) such a range runs, and the run's closing note says which days have no report.
   */
  today?: string;
}

export type CheckedDayRange = { ok: true; range: DayRange } | { ok: false; reason: string };

/**
 * The one check of a from/to range, for the command line and for HTTP alike: each end a calendar
 * day, from no later than to, and with `rules.today` the limits of a request. The refusal names the
 * fields as the user wrote them and shows how to write them right.
 */
export function checkDayRange(input: { from?: unknown; to?: unknown }, rules: DayRangeRules): CheckedDayRange {
  const refuse = (reason: string): CheckedDayRange => ({ ok: false, reason });
  const range: DayRange = {};
  for (const field of ["from", "to"] as const) {
    const value = input[field];
    if (value === undefined) continue;
    const day = daySchema.safeParse(value);
    if (!day.success)
      return refuse(`${rules.name(field)} ${JSON.stringify(value)} is not a date; write it as YYYY-MM-DD, e.g. ${rules.example(field)}.`);
    range[field] = day.data;
  }
  const { from, to } = range;
  const limits = rules.today === undefined ? undefined : { today: rules.today, yesterday: addDays(rules.today, -1) };
  if (limits !== undefined) {
    if (to !== undefined && from === undefined)
      return refuse(`${rules.name("to")} needs ${rules.name("from")}: name the first day of the backfill too.`);
    if (from !== undefined && from > limits.yesterday) {
      return refuse(
        `${rules.name("from")} ${from} has no report yet: GitHub's newest report day is yesterday (${limits.yesterday}) at best.`,
      );
    }
    if (to !== undefined && to > limits.today) return refuse(`${rules.name("to")} ${to} is in the future; today is ${limits.today}.`);
  }
  if (from !== undefined && to !== undefined && from > to)
    return refuse(`${rules.name("from")} ${from} is after ${rules.name("to")} ${to}.`);
  if (limits !== undefined && from !== undefined) {
    const last = to ?? limits.yesterday;
    const days = daysBetween(from, last).length;
    if (days > maxRangeDays)
      return refuse(`The range ${from}..${last} covers ${days} days; at most ${maxRangeDays} per request: split it.`);
  }
  return { ok: true, range };
}
