import { parseArgs } from "node:util";
import type { ForgetUserResult } from "../publish/index.js";

export interface ForgetUserArguments {
  login: string;
  /** List what would be erased; change nothing. */
  dryRun: boolean;
  /** Republish even when the login matches nothing. */
  force: boolean;
}

/** The arguments, or what is wrong with them (the caller reports it as a usage error). */
export function parseForgetUserArguments(args: string[]): ForgetUserArguments | { problem: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { "dry-run": { type: "boolean" }, force: { type: "boolean" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
  const [login, ...extra] = parsed.positionals;
  if (login === undefined || extra.length > 0) {
    return { problem: `"forget-user" takes one GitHub login, e.g. forget-user octocat (add --dry-run to see what would be erased).` };
  }
  return { login, dryRun: parsed.values["dry-run"] === true, force: parsed.values.force === true };
}

/** The answer when no row names the login: a typo in a data-protection request must not look done. */
export function noMatchReport(login: string, next: "dry-run" | "stop" | "force"): string[] {
  return [
    `No row names the login "${login}" (logins compare case-insensitively, as GitHub showed them when collected).`,
    next === "force"
      ? "--force: nothing to erase; republishing the datasets with people in them anyway."
      : next === "dry-run"
        ? "Nothing would be erased."
        : `Nothing was erased or republished. Check the spelling; "forget-user ${login} --force" republishes anyway.`,
  ];
}

/** What forget-user erased, or in a dry run would erase, per table; and the snapshots. */
export function forgetUserReport(login: string, result: ForgetUserResult, dryRun: boolean): string[] {
  if (!dryRun) {
    return [
      ...result.tables.map((table) => `${table.table}: ${table.rows} rows pseudonymised`),
      `Archived snapshots of datasets with people in them deleted: ${result.snapshots.length}.`,
    ];
  }
  return [
    `Dry run, nothing is changed. "${login}" is GitHub user id ${result.userIds.length === 0 ? "unknown" : result.userIds.join(", ")}.`,
    ...result.tables.map((table) => `${table.table}: ${table.rows} rows would be pseudonymised`),
    `Archived snapshots of datasets with people in them that would be deleted: ${result.snapshots.length}${result.snapshots.length > 0 ? ` (${result.snapshots.join(", ")})` : ""}.`,
    `Run "forget-user ${login}" without --dry-run to erase them and republish.`,
  ];
}
