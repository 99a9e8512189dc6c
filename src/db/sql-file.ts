import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Reads a .sql file that sits beside the calling module (the build copies them into dist/). */
export function sqlFile(moduleUrl: string, name: string): string {
  return readFileSync(fileURLToPath(new URL(name, moduleUrl)), "utf8");
}
