import { describe, expect, it } from "vitest";
import { userRecord } from "../../src/ingest/copilot-records.js";
import { schemaCheck } from "../../src/ingest/schema-check.js";
import { benchUserRecord } from "../../bench/user-records.js";
import { officialUserDay } from "../fixtures/official-examples.js";

const isUserRecord = schemaCheck(userRecord);

/** The official example with one field at `path` replaced (or removed, for undefined). */
function withField(path: string[], value: unknown): Record<string, unknown> {
  const record = structuredClone(officialUserDay) as Record<string, unknown>;
  let target: Record<string, unknown> = record;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
  const last = path.at(-1)!;
  if (value === undefined) Reflect.deleteProperty(target, last);
  else target[last] = value;
  return record;
}

const accepted: Array<[string, unknown]> = [
  ["the official example", officialUserDay],
  ["a benchmark record with every breakdown", benchUserRecord(7, "2026-11-20")],
  ["only the required fields", { day: "2026-11-20", user_id: 1, user_login: "a" }],
  ["null counters", withField(["loc_added_sum"], null)],
  ["zero counters", withField(["loc_added_sum"], 0)],
  ["fractional counters", withField(["ai_credits_used"], 4.5)],
  ["a null IDE list", withField(["totals_by_ide"], null)],
  ["an IDE without versions", withField(["totals_by_ide"], [{ ide: "vscode" }])],
  ["a null CLI block", withField(["totals_by_cli"], null)],
  ["a null token usage", withField(["totals_by_cli", "token_usage"], null)],
  ["a null feature list", withField(["totals_by_feature"], null)],
  ["null counters in the feature breakdown", withField(["totals_by_feature"], [{ feature: "chat_panel_ask_mode", loc_added_sum: null }])],
  ["a null IDE version", withField(["totals_by_ide"], [{ ide: "vscode", last_known_ide_version: null }])],
  ["a numeric adoption phase", withField(["ai_adoption_phase"], { phase: 2, phase_number: 2 })],
  ["fields GitHub added later", withField(["brand_new_block"], { nested: [1, "two"] })],
  ["the coding agent's old name", withField(["used_copilot_coding_agent"], true)],
];

const refused: Array<[string, unknown]> = [
  ["a line that is not an object", [officialUserDay]],
  ["null", null],
  ["a missing day", withField(["day"], undefined)],
  ["a day that is not a date", withField(["day"], "2026-11-2")],
  ["a day with a time", withField(["day"], "2026-11-20T00:00:00Z")],
  ["a missing user id", withField(["user_id"], undefined)],
  ["a user id as text", withField(["user_id"], "1")],
  ["a fractional user id", withField(["user_id"], 1.5)],
  ["a user id beyond the safe integers", withField(["user_id"], 2 ** 53)],
  ["a null login", withField(["user_login"], null)],
  ["a counter as text", withField(["code_generation_activity_count"], "3")],
  ["a flag as a number", withField(["used_chat"], 1)],
  ["an IDE list that is an object", withField(["totals_by_ide"], { ide: "vscode" })],
  ["an IDE entry with a numeric name", withField(["totals_by_ide"], [{ ide: 7 }])],
  ["an IDE version that is text", withField(["totals_by_ide"], [{ ide: "vscode", last_known_ide_version: "1.85" }])],
  ["a feature list that is text", withField(["totals_by_feature"], "chat")],
  ["a token usage that is a number", withField(["totals_by_cli", "token_usage"], 5000)],
  ["a counter as a boolean", withField(["loc_added_sum"], true)],
  ["an IDE version without its type", withField(["totals_by_ide"], [{ ide: "vscode", last_known_ide_version: { ide_version: 185 } }])],
  ["a CLI token count as text", withField(["totals_by_cli", "token_usage", "output_tokens_sum"], "5000")],
  ["an adoption phase that is a boolean", withField(["ai_adoption_phase"], { phase: true })],
  // GitHub defines these as counts, sums and averages: a negative one would lower a published total.
  ["a negative counter", withField(["code_generation_activity_count"], -5)],
  ["a fractional count", withField(["code_generation_activity_count"], 1.5)],
  [
    "a negative counter in the feature breakdown",
    withField(["totals_by_feature"], [{ feature: "chat_panel_ask_mode", loc_added_sum: -5 }]),
  ],
  [
    "a negative counter in the language breakdown",
    withField(["totals_by_language_feature"], [{ feature: "code_completion", language: "go", code_acceptance_activity_count: -1 }]),
  ],
  ["a negative counter of an IDE", withField(["totals_by_ide"], [{ ide: "vscode", loc_deleted_sum: -2 }])],
  ["a negative CLI token count", withField(["totals_by_cli", "token_usage", "output_tokens_sum"], -5000)],
  ["a negative average of tokens", withField(["totals_by_cli", "token_usage", "avg_tokens_per_request"], -1.5)],
  ["negative AI credits", withField(["ai_credits_used"], -0.5)],
];

describe("the users report's compiled check", () => {
  it.each(accepted)("accepts %s, as zod does", (_name, record) => {
    expect(userRecord.safeParse(record).success).toBe(true);
    expect(isUserRecord(record)).toBe(true);
  });

  it.each(refused)("refuses %s, as zod does", (_name, record) => {
    expect(userRecord.safeParse(record).success).toBe(false);
    expect(isUserRecord(record)).toBe(false);
  });
});
