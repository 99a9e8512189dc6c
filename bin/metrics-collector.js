#!/usr/bin/env node
// Runs the CLI from the TypeScript sources through tsx, in this process, so no build step is needed
// after npm ci, signals (Ctrl-C, SIGTERM) reach the command directly, and its exit code is ours.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli.ts");
process.exitCode = await main(process.argv.slice(2));
