// `npm run bench` runs every benchmark; `npm run bench -- ingest` one of them; `--full` adds the
// large sizes. Each benchmark prints its figures and ends with one line of JSON.
import { readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export interface BenchOptions {
  full: boolean;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const full = args.includes("--full");
const wanted = args.filter((arg) => !arg.startsWith("--"));
const available = (await readdir(here))
  .filter((file) => file.endsWith(".bench.ts"))
  .map((file) => file.replace(/\.bench\.ts$/, ""))
  .sort();
const unknown = wanted.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(`Unknown benchmark ${unknown.join(", ")}; available: ${available.join(", ")}.`);
  process.exit(2);
}
for (const name of wanted.length > 0 ? wanted : available) {
  console.log(`\n== ${name}`);
  const module = (await import(pathToFileURL(path.join(here, `${name}.bench.ts`)).href)) as {
    default: (options: BenchOptions) => Promise<void>;
  };
  await module.default({ full });
}
