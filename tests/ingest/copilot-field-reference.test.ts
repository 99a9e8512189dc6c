import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { reportKinds, type ReportKind } from "../../src/github/index.js";
import { sandboxEnterprises, sandboxReports } from "../../src/sandbox/sandbox-data.js";
import { ideEntry, userLine } from "../fixtures/copilot-files.js";
import {
  fieldPaths,
  fieldReference,
  housekeeping,
  recordKinds,
  type RecordKind,
  type RecordSpec,
} from "../fixtures/copilot-field-reference.js";
import { officialEnterpriseDay, officialUserDay } from "../fixtures/official-examples.js";

const today = "2026-11-25";
const day = "2026-11-20";

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * What is wrong with a record against a spec: fields the spec does not know (`extra`), and, when
 * `complete`, fields it requires that are missing (`missing`). Paths as in fieldPaths.
 */
function compare(
  record: Record<string, unknown>,
  spec: RecordSpec,
  complete: boolean,
  prefix = "",
  top = true,
): { extra: string[]; missing: string[] } {
  const extra: string[] = [];
  const missing: string[] = [];
  const known = top ? { ...spec, ...housekeeping } : spec;
  for (const [name, value] of Object.entries(record)) {
    const field = known[name];
    const path = `${prefix}${name}`;
    if (field === undefined) {
      extra.push(path);
      continue;
    }
    const nested: Array<[Record<string, unknown>, RecordSpec, string, boolean]> = [];
    if (field.fields !== undefined && isObject(value)) nested.push([value, field.fields, `${path}.`, false]);
    if (field.items !== undefined && Array.isArray(value)) {
      // The day_totals[] entries are aggregated records of their own.
      const isDay = top && name === "day_totals";
      for (const element of value) if (isObject(element)) nested.push([element, field.items, `${path}[].`, isDay]);
    }
    for (const [child, childSpec, childPrefix, childTop] of nested) {
      const found = compare(child, childSpec, complete, childTop ? "" : childPrefix, childTop);
      extra.push(...found.extra);
      missing.push(...found.missing);
    }
  }
  if (complete) for (const [name, field] of Object.entries(spec)) if (field.required && !(name in record)) missing.push(`${prefix}${name}`);
  return { extra: [...new Set(extra)].sort(), missing: [...new Set(missing)].sort() };
}

/** Every record the sandbox serves for one day, all report kinds and scopes, parsed. */
function sandboxRecords(): Array<{ kind: RecordKind; report: string; record: Record<string, unknown> }> {
  const answer = sandboxReports(today);
  const records: Array<{ kind: RecordKind; report: string; record: Record<string, unknown> }> = [];
  const enterprise = sandboxEnterprises[0];
  for (const kind of reportKinds) {
    const owner = kind.scope === "enterprise" ? enterprise.slug : enterprise.orgs[0];
    const served = answer({ kind, owner, day: kind.period === "1-day" ? day : undefined });
    if (served.kind !== "files") throw new Error(`the sandbox answered ${kind.report} of ${owner} with ${served.kind}`);
    for (const file of served.files) {
      if (typeof file !== "string") throw new Error("the sandbox serves its reports inline");
      const text = file.trim();
      const values: unknown[] =
        kind.period === "28-day" && kind.level === "aggregate"
          ? [JSON.parse(text)]
          : text
              .split("\n")
              .filter((line) => line !== "")
              .map((line): unknown => JSON.parse(line));
      for (const value of values) {
        if (!isObject(value)) throw new Error(`a ${kind.report} record is not an object`);
        records.push({ kind: recordKindOf(kind), report: `${kind.scope} ${kind.report}`, record: value });
      }
    }
  }
  return records;
}

function recordKindOf(kind: ReportKind): RecordKind {
  if (kind.level === "aggregate") return kind.period === "28-day" ? "aggregate28Day" : "aggregate";
  if (kind.level === "users") return "user";
  return kind.level === "teams" ? "userTeams" : "repository";
}

describe(`the Copilot report records against GitHub's field reference (read ${fieldReference.readOn})`, () => {
  it("has the sandbox serve every report kind and scope, each record with exactly the documented fields plus housekeeping", () => {
    const records = sandboxRecords();
    expect(new Set(records.map((served) => served.report)).size).toBe(reportKinds.length);
    const problems = records.flatMap(({ kind, report, record }) => {
      const found = compare(record, recordKinds[kind], true);
      return found.extra.length + found.missing.length === 0 ? [] : [{ report, ...found }];
    });
    expect(problems).toEqual([]);
  });

  it("has the sandbox serve the chat modes and agent edits as feature values, never as record fields", () => {
    const records = sandboxRecords().filter((served) => served.kind === "user" || served.kind === "aggregate");
    const features = new Set(
      records.flatMap(({ record }) =>
        (Array.isArray(record["totals_by_feature"]) ? record["totals_by_feature"] : []).map((entry: unknown) =>
          isObject(entry) ? entry["feature"] : undefined,
        ),
      ),
    );
    expect([...features].sort()).toEqual([
      "agent_edit",
      "chat_panel_agent_mode",
      "chat_panel_ask_mode",
      "chat_panel_edit_mode",
      "code_completion",
    ]);
    expect(
      records.filter(({ record }) => Object.keys(record).some((field) => field.startsWith("chat_panel_") || field === "agent_edit")),
    ).toEqual([]);
  });

  it("refuses a record with a field the reference does not know, and one without a required field", () => {
    const user = userLine("mona", 1, day, {
      used_copilot_coding_agent: false,
      used_copilot_cloud_agent: false,
      ai_adoption_phase: { phase: "No Cohort", phase_number: 0, version: "v1" },
    });
    delete user.totals_by_cli;
    expect(compare({ ...user, chat_panel_ask_mode: 3 }, recordKinds.user, true)).toEqual({ extra: ["chat_panel_ask_mode"], missing: [] });
    const withoutChat = { ...user };
    delete withoutChat.used_chat;
    expect(compare(withoutChat, recordKinds.user, true)).toEqual({ extra: [], missing: ["used_chat"] });
    expect(
      compare({ ...user, totals_by_ide: [{ ...ideEntry("1.0", "2026-11-20T00:00:00Z"), plugin_build: 7 }] }, recordKinds.user, true).extra,
    ).toEqual(["totals_by_ide[].plugin_build"]);
  });

  it("has the test fixtures that imitate reports use documented fields only", () => {
    // GitHub's example records predate fields the reference now requires (ai_adoption_phase, the
    // cloud-agent flags, the comment-type breakdown): they are checked for unknown fields only.
    const fixtures: Array<[string, Record<string, unknown>, RecordSpec]> = [
      ["officialEnterpriseDay", officialEnterpriseDay, recordKinds.aggregate],
      ["officialUserDay", officialUserDay, recordKinds.user],
      ["userLine", userLine("mona", 1, day, { totals_by_ide: [ideEntry("1.0", "2026-11-20T00:00:00Z")] }), recordKinds.user],
    ];
    expect(fixtures.map(([name, record, spec]) => [name, compare(record, spec, false).extra])).toEqual(
      fixtures.map(([name]) => [name, []]),
    );
  });

  it("has docs/copilot-fields.md say where every documented field lands, and name no other", async () => {
    const markdown = await readFile(new URL("../../docs/copilot-fields.md", import.meta.url), "utf8");
    const sections = new Map<string, string[]>();
    for (const match of markdown.matchAll(/^## .*?<!-- (\w+) -->\n([\s\S]*?)(?=^## |(?![\s\S]))/gm)) {
      const rows = [...match[2]!.matchAll(/^\| `([\w.[\]]+)` \| (.+?) \|$/gm)];
      // Every row says where the field lands or why it does not.
      expect(rows.filter((row) => row[2]!.trim() === "").map((row) => row[1])).toEqual([]);
      sections.set(
        match[1]!,
        rows.map((row) => row[1]!),
      );
    }
    const expected = new Map<string, string[]>([
      ...Object.entries(recordKinds).map(([kind, spec]): [string, string[]] => [kind, fieldPaths(spec)]),
      ["housekeeping", fieldPaths(housekeeping)],
    ]);
    expect(new Map([...sections].map(([kind, paths]) => [kind, [...paths].sort()]))).toEqual(
      new Map([...expected].map(([kind, paths]) => [kind, [...paths].sort()])),
    );
  });
});
