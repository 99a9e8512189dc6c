// tsc does not copy .sql files; the modules read theirs from beside the compiled .js files.
// Usage: copy-sql.mjs [OUT_DIR] (default dist).
import { cp, readdir } from "node:fs/promises";
import path from "node:path";

async function copySql(from, to) {
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) await copySql(source, target);
    else if (entry.name.endsWith(".sql")) await cp(source, target);
  }
}

await copySql("src", path.join(process.argv[2] ?? "dist", "src"));
