// Only what every command needs is imported here: each command's module, and the SDKs it uses, load
// when that command runs, so `--help` and a usage error answer before Azure, Graph, Octokit or pg load.
import { loadSettings, SettingsError, type Settings } from "../config/index.js";
import { noArguments, parseOptions, parseRunArguments } from "./arguments.js";
import { parseForgetUserArguments, type ForgetUserArguments } from "./forget-user-options.js";
import { commandNames, usageOf } from "./help.js";
import type { Interruption } from "./interruption.js";
import { watchInterruption } from "./interruption.js";
import type { CliIo } from "./io.js";
import { UsageError } from "./usage-error.js";

/** A command's arguments are checked, and the settings read, before its module loads. */
type Command<Arguments> = (args: Arguments, settings: Settings, io: CliIo, interruption: Interruption) => Promise<number>;

interface CommandSpec {
  start(args: string[]): (settings: Settings, io: CliIo, interruption: Interruption) => Promise<number>;
}

function command<Arguments>(parse: (args: string[]) => Arguments, load: () => Promise<Command<Arguments>>): CommandSpec {
  return {
    start: (args) => {
      const parsed = parse(args);
      return async (settings, io, interruption) => (await load())(parsed, settings, io, interruption);
    },
  };
}

const commands: Record<string, CommandSpec> = {
  run: command(
    (args) => parseRunArguments("run", args),
    async () => (await import("./run-command.js")).runCommand,
  ),
  check: command(
    (args) => noArguments("check", args),
    async () => (await import("./check-command.js")).checkCommand,
  ),
  migrate: command(
    (args) => noArguments("migrate", args),
    async () => (await import("./database-commands.js")).migrateCommand,
  ),
  publish: command(
    (args) => noArguments("publish", args),
    async () => (await import("./database-commands.js")).publishCommand,
  ),
  "forget-user": command(parseForgetUser, async () => (await import("./database-commands.js")).forgetUserCommand),
  status: command(
    (args) => parseOptions("status", args, { json: { type: "boolean" } }).json === true,
    async () => (await import("./database-commands.js")).statusCommand,
  ),
  reingest: command(parseReingestArguments, async () => (await import("./database-commands.js")).reingestCommand),
};

function parseForgetUser(args: string[]): ForgetUserArguments {
  const parsed = parseForgetUserArguments(args);
  if ("problem" in parsed) throw new UsageError(parsed.problem, "forget-user");
  return parsed;
}

function parseReingestArguments(args: string[]): { from: string; to: string; enterprise?: string } {
  const { from, to, enterprise } = parseRunArguments("reingest", args);
  if (from === undefined || to === undefined)
    throw new UsageError("reingest needs --from and --to, e.g. reingest --from 2026-11-01 --to 2026-11-07.", "reingest");
  return { from, to, ...(enterprise === undefined ? {} : { enterprise }) };
}

const helpFlags = new Set(["--help", "-h"]);

function consoleIo(): CliIo {
  return { out: console.log, err: console.error, ...(process.stdout.isTTY ? { terminal: process.stdout } : {}) };
}

/** Runs one command; returns the exit code (0 ok, 1 failed, 2 usage or configuration, 130/143 interrupted). */
export async function main(argv: string[], io: CliIo = consoleIo()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined) {
      io.err(usageOf());
      return 2;
    }
    if (command === "help" || helpFlags.has(command)) {
      io.out(usageOf(rest[0]));
      return 0;
    }
    const spec = commands[command];
    if (spec === undefined || !commandNames.includes(command)) throw new UsageError(`Unknown command "${command}".`);
    if (rest.some((arg) => helpFlags.has(arg))) {
      io.out(usageOf(command));
      return 0;
    }
    const start = spec.start(rest);
    const settings = loadSettings();
    const interruption = watchInterruption(io.err);
    try {
      return await start(settings, io, interruption);
    } finally {
      interruption.dispose();
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n\n${usageOf(error.command)}`);
      return 2;
    }
    if (error instanceof SettingsError) {
      io.err(error.message);
      return 2;
    }
    io.err(`Failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
