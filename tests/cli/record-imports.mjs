// Preloaded with --import: records the URL of every module the process resolves, one per line, in
// the file named by RECORD_IMPORTS_FILE (the hooks run on the loader thread, hence a file).
import { register } from "node:module";

register("./record-imports-hooks.mjs", import.meta.url, { data: { file: process.env.RECORD_IMPORTS_FILE } });
