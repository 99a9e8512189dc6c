import { z } from "zod";

// Schemas of the report records (reference/github-api.md §2.2–2.4). Every field is optional: GitHub
// omits fields when there is no activity, and adds new ones often, which loose objects pass through.
const count = z.number().nullish();
const text = z.string().nullish();
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "day must be YYYY-MM-DD");

const counters = {
  user_initiated_interaction_count: count,
  code_generation_activity_count: count,
  code_acceptance_activity_count: count,
  loc_suggested_to_add_sum: count,
  loc_suggested_to_delete_sum: count,
  loc_added_sum: count,
  loc_deleted_sum: count,
};

const chatModes = {
  chat_panel_agent_mode: count,
  chat_panel_ask_mode: count,
  chat_panel_custom_mode: count,
  chat_panel_edit_mode: count,
  chat_panel_plan_mode: count,
  chat_panel_unknown_mode: count,
};

const sampledVersion = z.looseObject({ sampled_at: text });

export const breakdownArrays = {
  totals_by_ide: z.array(
    z.looseObject({
      ide: text,
      ...counters,
      last_known_ide_version: sampledVersion.extend({ ide_version: text }).nullish(),
      last_known_plugin_version: sampledVersion.extend({ plugin: text, plugin_version: text }).nullish(),
    }),
  ).nullish(),
  totals_by_feature: z.array(z.looseObject({ feature: text, ...counters })).nullish(),
  totals_by_language_feature: z.array(z.looseObject({ language: text, feature: text, ...counters })).nullish(),
  totals_by_language_model: z.array(z.looseObject({ language: text, model: text, ...counters })).nullish(),
  totals_by_model_feature: z.array(z.looseObject({ model: text, feature: text, ...counters })).nullish(),
};

const cliTotals = z
  .looseObject({
    session_count: count,
    request_count: count,
    prompt_count: count,
    token_usage: z.looseObject({ output_tokens_sum: count, prompt_tokens_sum: count, avg_tokens_per_request: count }).nullish(),
    last_known_cli_version: sampledVersion.extend({ cli_version: text }).nullish(),
  })
  .nullish();

export const aggregateRecord = z.looseObject({
  day,
  enterprise_id: z.union([z.string(), z.number()]).nullish(),
  organization_id: z.union([z.string(), z.number()]).nullish(),
  daily_active_users: count,
  weekly_active_users: count,
  monthly_active_users: count,
  monthly_active_chat_users: count,
  monthly_active_agent_users: count,
  daily_active_cli_users: count,
  daily_active_copilot_code_review_users: count,
  weekly_active_copilot_code_review_users: count,
  monthly_active_copilot_code_review_users: count,
  daily_passive_copilot_code_review_users: count,
  weekly_passive_copilot_code_review_users: count,
  monthly_passive_copilot_code_review_users: count,
  daily_active_copilot_cloud_agent_users: count,
  weekly_active_copilot_cloud_agent_users: count,
  monthly_active_copilot_cloud_agent_users: count,
  ...counters,
  ...chatModes,
  ...breakdownArrays,
  totals_by_cli: cliTotals,
  pull_requests: z
    .looseObject({
      total_created: count,
      total_reviewed: count,
      total_merged: count,
      median_minutes_to_merge: count,
      total_suggestions: count,
      total_applied_suggestions: count,
      total_created_by_copilot: count,
      total_reviewed_by_copilot: count,
      total_merged_created_by_copilot: count,
      total_merged_reviewed_by_copilot: count,
      median_minutes_to_merge_copilot_authored: count,
      median_minutes_to_merge_copilot_reviewed: count,
      total_copilot_suggestions: count,
      total_copilot_applied_suggestions: count,
    })
    .nullish(),
});
export type AggregateRecord = z.infer<typeof aggregateRecord>;

// The users report is the volume path (100,000s of lines a day): the schema names only the fields
// read, down to the breakdowns, and strips the rest instead of copying it; the raw lines live in
// the Blob archive.
const userIdeTotals = z.array(
  z.object({
    ide: text,
    code_generation_activity_count: count,
    user_initiated_interaction_count: count,
    last_known_ide_version: z.object({ ide_version: text, sampled_at: text }).nullish(),
    last_known_plugin_version: z.object({ plugin: text, plugin_version: text, sampled_at: text }).nullish(),
  }),
).nullish();
const userCliTotals = z
  .object({
    session_count: count,
    request_count: count,
    prompt_count: count,
    token_usage: z.object({ output_tokens_sum: count, prompt_tokens_sum: count }).nullish(),
    last_known_cli_version: z.object({ cli_version: text, sampled_at: text }).nullish(),
  })
  .nullish();

export const userRecord = z.object({
  day,
  user_id: z.number().int(),
  user_login: z.string(),
  ...counters,
  ...chatModes,
  totals_by_ide: userIdeTotals,
  totals_by_cli: userCliTotals,
  used_agent: z.boolean().nullish(),
  used_chat: z.boolean().nullish(),
  used_cli: z.boolean().nullish(),
  used_copilot_code_review_active: z.boolean().nullish(),
  used_copilot_code_review_passive: z.boolean().nullish(),
  // GitHub renamed "coding agent" to "cloud agent" in 2026; files carry either name.
  used_copilot_cloud_agent: z.boolean().nullish(),
  used_copilot_coding_agent: z.boolean().nullish(),
  ai_credits_used: count,
  ai_adoption_phase: z.object({ phase: z.union([z.string(), z.number()]).nullish(), phase_number: count }).nullish(),
});
export type UserRecord = z.infer<typeof userRecord>;

/** A user-teams-1-day line: one (user, team) membership on a day. */
export const teamMembershipRecord = z.object({
  day,
  user_id: z.number().int(),
  user_login: z.string(),
  team_id: z.number().int(),
  slug: z.string(),
});
export type TeamMembershipRecord = z.infer<typeof teamMembershipRecord>;

const pullRequestCounters = aggregateRecord.shape.pull_requests;

/**
 * A repos-1-day line. Its schema is not in the official docs (reference §1.3): the repository is
 * read from whichever name field is present, every other field is optional, and the raw record is
 * kept so fields confirmed later can be extracted without downloading again.
 */
export const repositoryRecord = z
  .looseObject({
    day,
    repository: text,
    repo_name: text,
    full_name: text,
    name: text,
    repository_id: z.number().int().nullish(),
    repo_id: z.number().int().nullish(),
    repo_visibility: text,
    pull_requests: pullRequestCounters,
  })
  .refine((record) => (record.repository ?? record.repo_name ?? record.full_name ?? record.name) != null, {
    message: "names no repository (expected repository, repo_name, full_name or name)",
  });
export type RepositoryRecord = z.infer<typeof repositoryRecord>;
