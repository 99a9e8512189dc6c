// Architecture figures of the source tree, as one JSON line, so a restructuring can show its
// before and after with the same yardstick:
//
//   npx tsx scripts/architecture-figures.ts            # one JSON line on stdout
//   npx tsx scripts/architecture-figures.ts --pretty   # the same, indented
//   npx tsx scripts/architecture-figures.ts --no-knip  # skip the (slow) unused-export count
//
// What each figure counts:
// - pipeline: files and lines (newline characters, as `wc -l`) under src/pipeline/, all file types.
// - importCircles: strongly connected groups of modules in src/ and functions/ joined by imports
//   that load code at run time (`import`, `export … from`; not `import type`, not type-only named
//   imports, not `import()`), with every elementary circle listed. `withTypeImports` counts the
//   groups again when type-only imports are followed too (a circle of types is harmless at run
//   time but still a knot for the reader), with their members.
// - orchestratorCasts: `x as T` and `<T>x` in src/pipeline/orchestrator.ts, except `as const`;
//   `typeArguments` counts calls there with explicit type arguments (`inBatches<Plan, Result>(…)`),
//   each of which states an activity's output type without checking it.
// - inlineSql: string and template literals in src/ and functions/ (not .sql files) whose text,
//   after leading whitespace, starts with SELECT, INSERT, UPDATE, DELETE, WITH, CREATE, ALTER,
//   TRUNCATE, COPY or LOCK (any case) followed by whitespace.
// - deepImports: an import (static or dynamic, type-only included) from a file outside a top-level
//   folder of src/ (another folder, a file at src/'s root, or functions/) that names a module of
//   that folder other than its index.ts. src/cli.ts and src/cli/ count as one folder.
// - unusedExports: knip's unused exports and unused exported types (knip.json sets the entry points).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { z } from "zod";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const sqlKeyword = /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH|CREATE|ALTER|TRUNCATE|COPY|LOCK)\s/i;
/** Johnson-style enumeration stops here; a tangle that large is reported by its group alone. */
const circleListLimit = 200;

interface ImportEdge {
  from: string;
  to: string;
  typeOnly: boolean;
  dynamic: boolean;
}

function walk(folder: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) found.push(...walk(path));
    else found.push(path);
  }
  return found;
}

function posix(path: string): string {
  return relative(root, path).split(sep).join("/");
}

function lineCount(path: string): number {
  let lines = 0;
  for (const byte of readFileSync(path)) if (byte === 0x0a) lines += 1;
  return lines;
}

function sourceFiles(): string[] {
  return [...walk(join(root, "src")), ...walk(join(root, "functions"))]
    .filter((path) => path.endsWith(".ts"))
    .map(posix)
    .sort();
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(join(root, file), "utf8"), ts.ScriptTarget.Latest, true);
}

/** Resolves a relative specifier the way NodeNext does for our sources: `./x.js` is `./x.ts`. */
function resolveSpecifier(from: string, specifier: string, known: Set<string>): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const target = posix(resolve(root, dirname(from), specifier));
  for (const candidate of [target.replace(/\.js$/, ".ts"), target, `${target}.ts`, `${target}/index.ts`]) {
    if (known.has(candidate)) return candidate;
  }
  return undefined;
}

function importsOf(file: string, source: ts.SourceFile, known: Set<string>): ImportEdge[] {
  const edges: ImportEdge[] = [];
  const add = (specifier: ts.Expression | undefined, typeOnly: boolean, dynamic: boolean): void => {
    if (specifier === undefined || !ts.isStringLiteralLike(specifier)) return;
    const to = resolveSpecifier(file, specifier.text, known);
    if (to !== undefined) edges.push({ from: file, to, typeOnly, dynamic });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      const everyNameTypeOnly =
        clause !== undefined &&
        clause.name === undefined &&
        named !== undefined &&
        ts.isNamedImports(named) &&
        named.elements.length > 0 &&
        named.elements.every((element) => element.isTypeOnly);
      add(node.moduleSpecifier, clause !== undefined && (clause.phaseModifier === ts.SyntaxKind.TypeKeyword || everyNameTypeOnly), false);
    } else if (ts.isExportDeclaration(node)) {
      const named = node.exportClause;
      const everyNameTypeOnly =
        named !== undefined &&
        ts.isNamedExports(named) &&
        named.elements.length > 0 &&
        named.elements.every((element) => element.isTypeOnly);
      add(node.moduleSpecifier, node.isTypeOnly || everyNameTypeOnly, false);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node.arguments[0], false, true);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, true, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/** Tarjan's strongly connected components; only groups of two or more modules (or a self-import). */
function stronglyConnected(nodes: string[], next: Map<string, string[]>): string[][] {
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const connect = (node: string): void => {
    order.set(node, index);
    low.set(node, index);
    index += 1;
    stack.push(node);
    onStack.add(node);
    for (const target of next.get(node) ?? []) {
      if (!order.has(target)) {
        connect(target);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(target) ?? 0));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node) ?? 0, order.get(target) ?? 0));
      }
    }
    if (low.get(node) === order.get(node)) {
      const group: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1 || (next.get(node) ?? []).includes(node)) groups.push(group.sort());
    }
  };
  for (const node of nodes) if (!order.has(node)) connect(node);
  return groups.sort((a, b) => (a[0] ?? "").localeCompare(b[0] ?? ""));
}

/** Every elementary circle inside one group, each starting at its alphabetically first module. */
function circlesIn(group: string[], next: Map<string, string[]>): string[][] {
  const members = new Set(group);
  const circles: string[][] = [];
  for (const start of group) {
    const path = [start];
    const onPath = new Set(path);
    const extend = (node: string): void => {
      for (const target of next.get(node) ?? []) {
        if (circles.length >= circleListLimit || !members.has(target) || target < start) continue;
        if (target === start) circles.push([...path, start]);
        else if (!onPath.has(target)) {
          path.push(target);
          onPath.add(target);
          extend(target);
          path.pop();
          onPath.delete(target);
        }
      }
    };
    extend(start);
  }
  return circles;
}

function graphOf(files: string[], edges: ImportEdge[]): Map<string, string[]> {
  const next = new Map<string, string[]>(files.map((file) => [file, []]));
  for (const edge of edges) {
    const targets = next.get(edge.from);
    if (targets !== undefined && !targets.includes(edge.to)) targets.push(edge.to);
  }
  return next;
}

/** The unit an import crosses into: `src/<folder>` for files in a folder, null at src/'s root and in functions/. */
function folderOf(file: string): string | null {
  if (file === "src/cli.ts") return "src/cli";
  const parts = file.split("/");
  return parts[0] === "src" && parts.length > 2 ? `src/${parts[1] ?? ""}` : null;
}

function callsWithTypeArguments(source: ts.SourceFile): number {
  let count = 0;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.typeArguments !== undefined) count += 1;
    ts.forEachChild(node, visit);
  };
  visit(source);
  return count;
}

function castsIn(source: ts.SourceFile): { line: number; text: string }[] {
  const casts: { line: number; text: string }[] = [];
  const visit = (node: ts.Node): void => {
    const asserted = ts.isAsExpression(node) || ts.isTypeAssertionExpression(node) ? node.type : undefined;
    const isConst = asserted !== undefined && ts.isTypeReferenceNode(asserted) && asserted.typeName.getText(source) === "const";
    if (asserted !== undefined && !isConst) {
      casts.push({
        line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1,
        text: node.getText(source).replace(/\s+/g, " ").slice(0, 120),
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return casts;
}

function sqlLiteralsIn(file: string, source: ts.SourceFile): { file: string; line: number; text: string }[] {
  const found: { file: string; line: number; text: string }[] = [];
  const visit = (node: ts.Node): void => {
    const text =
      ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)
        ? node.text
        : ts.isTemplateExpression(node)
          ? node.head.text
          : undefined;
    if (text !== undefined && sqlKeyword.test(text)) {
      found.push({
        file,
        line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1,
        text: text.trim().replace(/\s+/g, " ").slice(0, 80),
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const knipIssue = z.object({
  file: z.string(),
  exports: z.array(z.object({ name: z.string() })).default([]),
  types: z.array(z.object({ name: z.string() })).default([]),
});
const knipReport = z.object({ issues: z.array(knipIssue) });

function unusedExports(): { exports: number; types: number; list: string[] } {
  let output: string;
  try {
    output = execFileSync(
      join(root, "node_modules", ".bin", "knip"),
      ["--include", "exports,types", "--reporter", "json", "--no-progress"],
      { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
    );
  } catch (error) {
    // knip exits 1 when it finds something; its report is still on stdout.
    const stdout: unknown = error instanceof Error ? Reflect.get(error, "stdout") : undefined;
    if (typeof stdout !== "string" || stdout === "")
      throw new Error("knip failed without a report; run `npx knip` to see why", { cause: error });
    output = stdout;
  }
  const report = knipReport.parse(JSON.parse(output));
  const list = report.issues.flatMap((issue) => [
    ...issue.exports.map((entry) => `${issue.file}: ${entry.name}`),
    ...issue.types.map((entry) => `${issue.file}: type ${entry.name}`),
  ]);
  return {
    exports: report.issues.reduce((sum, issue) => sum + issue.exports.length, 0),
    types: report.issues.reduce((sum, issue) => sum + issue.types.length, 0),
    list: list.sort(),
  };
}

function figures(withKnip: boolean): Record<string, unknown> {
  const files = sourceFiles();
  const known = new Set(files);
  const parsed = new Map(files.map((file) => [file, parse(file)]));
  const edges = files.flatMap((file) => importsOf(file, parsed.get(file) ?? parse(file), known));

  const pipelineFiles = walk(join(root, "src", "pipeline"));
  const runtimeGraph = graphOf(
    files,
    edges.filter((edge) => !edge.typeOnly && !edge.dynamic),
  );
  const runtimeGroups = stronglyConnected(files, runtimeGraph);
  const allGraph = graphOf(
    files,
    edges.filter((edge) => !edge.dynamic),
  );
  const allGroups = stronglyConnected(files, allGraph);
  const circles = runtimeGroups.flatMap((group) => circlesIn(group, runtimeGraph));

  const orchestrator = parsed.get("src/pipeline/orchestrator.ts");
  const casts = orchestrator === undefined ? [] : castsIn(orchestrator);
  const sql = files.flatMap((file) => sqlLiteralsIn(file, parsed.get(file) ?? parse(file)));

  const deep = edges.filter((edge) => {
    const target = folderOf(edge.to);
    return target !== null && folderOf(edge.from) !== target && edge.to !== `${target}/index.ts`;
  });
  const deepPairs = [...new Set(deep.map((edge) => `${edge.from} -> ${edge.to}`))].sort();
  const deepByFolder: Record<string, number> = {};
  for (const edge of deep) {
    const key = `${folderOf(edge.from) ?? edge.from.split("/")[0] ?? ""} -> ${folderOf(edge.to) ?? ""}`;
    deepByFolder[key] = (deepByFolder[key] ?? 0) + 1;
  }

  return {
    commit: execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).trim(),
    pipeline: { files: pipelineFiles.length, lines: pipelineFiles.reduce((sum, path) => sum + lineCount(path), 0) },
    importCircles: {
      groups: runtimeGroups.length,
      members: runtimeGroups,
      circles: circles.map((circle) => circle.join(" -> ")),
      withTypeImports: {
        groups: allGroups.length,
        members: allGroups,
        circles: allGroups.flatMap((group) => circlesIn(group, allGraph)).map((circle) => circle.join(" -> ")),
      },
    },
    orchestratorCasts: { count: casts.length, typeArguments: orchestrator === undefined ? 0 : callsWithTypeArguments(orchestrator), casts },
    inlineSql: { count: sql.length, byFile: countBy(sql.map((entry) => entry.file)), statements: sql },
    deepImports: { count: deep.length, modulePairs: deepPairs.length, byFolder: deepByFolder, list: deepPairs },
    ...(withKnip ? { unusedExports: unusedExports() } : {}),
  };
}

function countBy(keys: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}

const options = new Set(process.argv.slice(2));
const result = figures(!options.has("--no-knip"));
process.stdout.write(`${JSON.stringify(result, null, options.has("--pretty") ? 2 : undefined)}\n`);
