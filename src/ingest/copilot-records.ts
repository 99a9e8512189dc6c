import { z } from "zod";
import { daySchema } from "../days.js";

// Schemas of the report records, after GitHub's field reference (docs/copilot-fields.md lists every
// field and where it lands). Every field is optional: GitHub omits fields when there is no activity,
// and adds new ones often, which loose objects pass through. Counts and sums are whole numbers of
// zero or more, averages and medians numbers of zero or more: a negative one is refused like a wrong
// type, because summing it would silently lower a published total.
const count = z.number().int().min(0).nullish();
const amount = z.number().min(0).nullish();
const text = z.string().nullish();

const counters = {
  user_initiated_interaction_count: count,
  code_generation_activity_count: count,
  code_acceptance_activity_count: count,
  loc_suggested_to_add_sum: count,
  loc_suggested_to_delete_sum: count,
  loc_added_sum: count,
  loc_deleted_sum: count,
};

const sampledVersion = z.looseObject({ sampled_at: text });

const breakdownArrays = {
  totals_by_ide: z
    .array(
      z.looseObject({
        ide: text,
        ...counters,
        last_known_ide_version: sampledVersion.extend({ ide_version: text }).nullish(),
        last_known_plugin_version: sampledVersion.extend({ plugin: text, plugin_version: text }).nullish(),
      }),
    )
    .nullish(),
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
    token_usage: z.looseObject({ output_tokens_sum: count, prompt_tokens_sum: count, avg_tokens_per_request: amount }).nullish(),
    last_known_cli_version: sampledVersion.extend({ cli_version: text }).nullish(),
  })
  .nullish();

/** The pull-request counters shared by the aggregate and the repository records. */
const pullRequests = z.looseObject({
  total_created: count,
  total_reviewed: count,
  total_merged: count,
  median_minutes_to_merge: amount,
  total_suggestions: count,
  total_applied_suggestions: count,
  total_created_by_copilot: count,
  total_reviewed_by_copilot: count,
  total_merged_created_by_copilot: count,
  total_merged_reviewed_by_copilot: count,
  median_minutes_to_merge_copilot_authored: amount,
  median_minutes_to_merge_copilot_reviewed: amount,
  total_copilot_suggestions: count,
  total_copilot_applied_suggestions: count,
});

export const aggregateRecord = z.looseObject({
  day: daySchema,
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
  ...breakdownArrays,
  totals_by_cli: cliTotals,
  totals_by_ai_adoption_phase: z
    .array(
      z.looseObject({
        phase: text,
        phase_number: count,
        total_engaged_users: count,
        avg_user_initiated_interactions: amount,
        avg_code_generation_activities: amount,
        avg_code_acceptance_activities: amount,
        avg_loc_added: amount,
        avg_loc_deleted: amount,
        avg_pull_requests_reviewed: amount,
        avg_pull_requests_created: amount,
        avg_pull_requests_merged: amount,
        avg_pull_requests_median_minutes_to_merge: amount,
      }),
    )
    .nullish(),
  pull_requests: pullRequests
    .extend({
      copilot_suggestions_by_comment_type: z
        .array(z.looseObject({ comment_type: text, total_copilot_suggestions: count, total_copilot_applied_suggestions: count }))
        .nullish(),
    })
    .nullish(),
});
export type AggregateRecord = z.infer<typeof aggregateRecord>;

/** The 28-day report's own fields around its `day_totals[]` (the window is known from the API). */
export const reportWrapper = z.looseObject({ created_at: z.iso.datetime({ offset: true }).nullish() });

// The users report is the volume path (100,000s of lines a day): the schema names only the fields
// read, down to the breakdowns, and strips the rest instead of copying it; the raw lines live in
// the Blob archive.
const userIdeTotals = z
  .array(
    z.object({
      ide: text,
      ...counters,
      last_known_ide_version: z.object({ ide_version: text, sampled_at: text }).nullish(),
      last_known_plugin_version: z.object({ plugin: text, plugin_version: text, sampled_at: text }).nullish(),
    }),
  )
  .nullish();
const userCliTotals = z
  .object({
    session_count: count,
    request_count: count,
    prompt_count: count,
    token_usage: z.object({ output_tokens_sum: count, prompt_tokens_sum: count, avg_tokens_per_request: amount }).nullish(),
    last_known_cli_version: z.object({ cli_version: text, sampled_at: text }).nullish(),
  })
  .nullish();

export const userRecord = z.object({
  day: daySchema,
  user_id: z.number().int(),
  user_login: z.string(),
  ...counters,
  // Of the per-user breakdowns, the feature (chat modes, agent edits) and IDE ones are read; the
  // others are checked only, summed in the aggregate report and kept in the Blob archive.
  totals_by_feature: z.array(z.object({ feature: text, ...counters })).nullish(),
  totals_by_language_feature: breakdownArrays.totals_by_language_feature,
  totals_by_language_model: breakdownArrays.totals_by_language_model,
  totals_by_model_feature: breakdownArrays.totals_by_model_feature,
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
  ai_credits_used: amount,
  ai_adoption_phase: z
    .object({
      phase: z.union([z.string(), z.number()]).nullish(),
      phase_number: count,
      version: z.union([z.string(), z.number()]).nullish(),
    })
    .nullish(),
});
export type UserRecord = z.infer<typeof userRecord>;

/** A user-teams-1-day line: one (user, team) membership on a day. */
export const teamMembershipRecord = z.object({
  day: daySchema,
  user_id: z.number().int(),
  user_login: z.string(),
  team_id: z.number().int(),
  slug: z.string(),
});
export type TeamMembershipRecord = z.infer<typeof teamMembershipRecord>;

/**
 * A repos-1-day line. The field reference does not describe this report; its published example has
 * the repository's id, owner and name, its visibility and the pull-request counters (without the
 * comment-type breakdown, which GitHub says is not available per repository). The id is the key:
 * a name is only unique within its owner.
 */
export const repositoryRecord = z.looseObject({
  day: daySchema,
  repo_id: z.number().int().min(0),
  repo_owner_name: text,
  repo_name: text,
  repo_visibility: text,
  pull_requests: pullRequests.nullish(),
});
export type RepositoryRecord = z.infer<typeof repositoryRecord>;
