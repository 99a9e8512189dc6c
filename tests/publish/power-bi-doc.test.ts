import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ColumnType } from "../../src/publish/csv-format.js";
import { collectionRuns, copilotBreakdown, copilotMetrics, copilotUserMetrics, datasets } from "../../src/publish/datasets.js";
import { doraMetrics, velocityMetrics } from "../../src/publish/metrics-datasets.js";
import { sandboxEnterprises, sandboxReports } from "../../src/sandbox/sandbox-data.js";
import { sandboxRepositoryRoutes } from "../../src/sandbox/sandbox-repositories.js";
import { fakeToken, startGitHubServer, type GitHubServer } from "../fakes/github-server.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { runCollection } from "../support/run-collection.js";
import { listFiles, readCsv } from "./seed.js";

const guide = new URL("../../docs/power-bi.md", import.meta.url);
const powerQueryType: Record<ColumnType, string> = {
  text: "type text",
  integer: "Int64.Type",
  decimal: "type number",
  date: "type date",
  timestamp: "type datetimezone",
  boolean: "type logical",
  user: "type text",
};

/** Power BI's names of the types, as the guide's column table gives them. */
const powerBiType: Record<ColumnType, string> = {
  text: "text",
  integer: "whole number",
  decimal: "decimal number",
  date: "date",
  timestamp: "date/time/timezone",
  boolean: "true/false",
  user: "text",
};

/** The rows of the first markdown table after `heading`, as cells with their backticks kept. */
function tableAfter(markdown: string, heading: string): string[][] {
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start < 0) return [];
  const lines = markdown.slice(start + heading.length + 2).split("\n");
  const first = lines.findIndex((line) => line.startsWith("|"));
  const table: string[] = [];
  for (const line of lines.slice(first)) {
    if (!line.startsWith("|")) break;
    table.push(line);
  }
  return table.slice(2).map((line) =>
    line
      .slice(1, -1)
      .split("|")
      .map((cell) => cell.trim()),
  );
}

/** A key cell as the rollup table names it: `""`, `0`, an id, or a name. */
function keyKind(column: string, value: string): string {
  if (value === "") return '`""`';
  if (value === "0") return "`0`";
  return column === "repository_id" && /^[1-9]\d*$/.test(value) ? "id" : "name";
}

interface DocumentedDataset {
  keys: string[];
  columns: Array<[string, string]>;
}

/** Each "### `dataset`" section of the guide: its "Keys:" and the column list of its powerquery block. */
function documented(markdown: string): Map<string, DocumentedDataset> {
  const sections = new Map<string, DocumentedDataset>();
  for (const match of markdown.matchAll(/^### `(\w+)`\n([\s\S]*?)```powerquery\n([\s\S]*?)```/gm)) {
    const [, name, prose, block] = match;
    const keyLine = /Keys: ([^.]*)\./.exec(prose!.replace(/\n/g, " "))?.[1] ?? "";
    sections.set(name!, {
      keys: [...keyLine.matchAll(/`(\w+)`/g)].map((key) => key[1]!),
      columns: [...block!.matchAll(/\{"(\w+)", ([\w. ]+)\}/g)].map((pair): [string, string] => [pair[1]!, pair[2]!]),
    });
  }
  return sections;
}

describe("docs/power-bi.md", () => {
  let database: TestDatabase;
  let github: GitHubServer;
  let out: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    // With the sandbox's repositories, so the DORA and velocity files have rollup rows to check.
    github = await startGitHubServer({
      reports: sandboxReports("2026-11-03"),
      token: fakeToken,
      routes: sandboxRepositoryRoutes("2026-11-03"),
    });
    const enterprises = sandboxEnterprises.map((enterprise) => ({ slug: enterprise.slug, orgs: [...enterprise.orgs] }));
    ({ outputDir: out } = await runCollection({
      pool: database.pool,
      githubUrl: github.url,
      enterprises,
      from: "2026-10-31",
      to: "2026-11-01",
      now: new Date("2026-11-03T06:00:00Z"),
    }));
  });
  afterAll(async () => {
    await github.close();
    await database.drop();
    await rm(out, { recursive: true, force: true });
  });

  it("gives every published dataset's columns in the files' order with the declared types, and keys among them", async () => {
    const sections = documented(await readFile(guide, "utf8"));
    const files = await listFiles(out);
    expect([...sections.keys()].sort()).toEqual(datasets.map((dataset) => dataset.name).sort());
    for (const dataset of datasets) {
      const file = files.find((name) => name === `${dataset.name}.csv` || name.startsWith(`${dataset.name}/`));
      expect({ dataset: dataset.name, published: file !== undefined }).toEqual({ dataset: dataset.name, published: true });
      const header = (await readCsv(path.join(out, file!)))[0];
      const section = sections.get(dataset.name)!;
      expect({ dataset: dataset.name, columns: section.columns }).toEqual({
        dataset: dataset.name,
        columns: dataset.columns.map((column) => [column.name, powerQueryType[column.type]]),
      });
      expect({ dataset: dataset.name, header }).toEqual({ dataset: dataset.name, header: section.columns.map(([name]) => name) });
      expect({ dataset: dataset.name, unknownKeys: section.keys.filter((key) => !header!.includes(key)) }).toEqual({
        dataset: dataset.name,
        unknownKeys: [],
      });
    }
    for (const dataset of [copilotMetrics, copilotBreakdown, copilotUserMetrics, doraMetrics, velocityMetrics, collectionRuns]) {
      expect({ dataset: dataset.name, keys: sections.get(dataset.name)!.keys }).toEqual({ dataset: dataset.name, keys: dataset.grain });
    }
  });

  it("says what every column of every dataset is, with the type the files are read with", async () => {
    const table = tableAfter(await readFile(guide, "utf8"), "## Columns");
    const declared = new Map<string, ColumnType>();
    for (const dataset of datasets) for (const column of dataset.columns) declared.set(column.name, column.type);
    const documentedNames = table.map(([name]) => name!.replace(/^`|`$/g, ""));
    expect(documentedNames).toEqual([...new Set(documentedNames)]);
    expect([...documentedNames].sort()).toEqual([...declared.keys()].sort());
    for (const [name, type, meaning] of table) {
      const column = name!.replace(/^`|`$/g, "");
      expect({ column, type, described: meaning !== "" }).toEqual({ column, type: powerBiType[declared.get(column)!], described: true });
    }
  });

  it("gives the key values of the rollup rows exactly as the files have them", async () => {
    const table = tableAfter(await readFile(guide, "utf8"), "## Rollup rows");
    const header = ["organization", "repository", "repository_id", "developer"];
    for (const dataset of [doraMetrics, velocityMetrics]) {
      const keys = header.filter((column) => dataset.columns.some((candidate) => candidate.name === column));
      const documented = table
        .filter(([name]) => name === `\`${dataset.name}\``)
        .map((row) => keys.map((column) => row[2 + header.indexOf(column)]!).join(" | "))
        .sort();
      const [columns, ...rows] = await readCsv(path.join(out, `${dataset.name}.csv`));
      const found = new Set(rows.map((row) => keys.map((column) => keyKind(column, row[columns!.indexOf(column)]!)).join(" | ")));
      expect({ dataset: dataset.name, rows: [...found].sort() }).toEqual({ dataset: dataset.name, rows: documented });
    }
  });
});
