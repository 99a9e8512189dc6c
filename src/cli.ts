import "./app/bound-heap-growth.js";
import { main } from "./cli/main.js";

export { main } from "./cli/main.js";
export { UsageError } from "./cli/usage-error.js";
export type { CliIo } from "./cli/io.js";

// Run when executed directly (npm start, the bin), not when imported by tests. The code is the
// process's exit status once every handle is closed; nothing else may call process.exit on success.
// main answers every failure with an exit code, so its promise does not reject.
if (process.argv[1] !== undefined && /cli\.(ts|js)$/.test(process.argv[1])) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
