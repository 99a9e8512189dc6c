import { parseArgs } from "node:util";
import { isDay } from "../days.js";
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
  for (const option of ["from", "to"] as const) {
    const value = range[option];
    if (value !== undefined && !isDay(value)) {
      throw new UsageError(`--${option} "${value}" is not a date; write it as YYYY-MM-DD, e.g. --${option} 2026-11-01.`, command);
    }
  }
  if (range.from !== undefined && range.to !== undefined && range.from > range.to) {
    throw new UsageError(`--from ${range.from} is after --to ${range.to}.`, command);
  }
  return range;
}

/** The options of `command`; anything else (an unknown option, a stray argument) is a usage error. */
export function parseOptions(command: string, args: string[], options: Record<string, { type: "string" | "boolean" }>): Record<string, string | boolean | undefined> {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), command);
  }
}

export function noArguments(command: string, args: string[]): void {
  if (args.length > 0) throw new UsageError(`"${command}" takes no arguments, got "${args.join(" ")}".`, command);
}
