import { parseArgs } from "node:util";
import { checkDayRange } from "../days.js";
import { UsageError } from "./usage-error.js";

export interface RunArguments {
  from?: string;
  to?: string;
  enterprise?: string;
}

/** `--from`, `--to` and `--enterprise` of `run` and `reingest`, checked. */
export function parseRunArguments(command: string, args: string[]): RunArguments {
  const values = parseOptions(command, args, { from: { type: "string" }, to: { type: "string" }, enterprise: { type: "string" } });
  const range: RunArguments = {};
  for (const option of ["from", "to", "enterprise"] as const) {
    const value = values[option];
    if (typeof value === "string") range[option] = value;
  }
  const checked = checkDayRange(range, { name: (field) => `--${field}`, example: (field) => `--${field} 2026-11-01` });
  if (!checked.ok) throw new UsageError(checked.reason, command);
  return range;
}

/** The options of `command`; anything else (an unknown option, a stray argument) is a usage error. */
export function parseOptions(
  command: string,
  args: string[],
  options: Record<string, { type: "string" | "boolean" }>,
): Record<string, string | boolean | undefined> {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), command);
  }
}

export function noArguments(command: string, args: string[]): undefined {
  if (args.length > 0) throw new UsageError(`"${command}" takes no arguments, got "${args.join(" ")}".`, command);
}
