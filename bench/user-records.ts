// Users-report records shaped and sized like GitHub's official example (reference §2.3), with
// every breakdown, and varied enough that PostgreSQL cannot compress the work away.
export function benchUserRecord(index: number, day: string): Record<string, unknown> {
  const n = (base: number) => (index * 7 + base) % 97;
  const counters = (base: number) => ({
    code_acceptance_activity_count: n(base),
    code_generation_activity_count: n(base + 1),
    loc_added_sum: n(base + 2) * 3,
    loc_deleted_sum: n(base + 3),
    loc_suggested_to_add_sum: n(base + 4) * 4,
    loc_suggested_to_delete_sum: n(base + 5),
  });
  const sampledAt = `${day}T0${index % 10}:00:02.000Z`;
  return {
    ...counters(0),
    day,
    enterprise_id: "1",
    totals_by_cli: {
      last_known_cli_version: { cli_version: "1.0.8", sampled_at: sampledAt },
      prompt_count: n(11),
      request_count: n(12),
      session_count: n(13),
      token_usage: { avg_tokens_per_request: 4400.0, output_tokens_sum: n(14) * 100, prompt_tokens_sum: n(15) * 90 },
    },
    totals_by_feature: [{ ...counters(1), feature: "code_completion", user_initiated_interaction_count: 0 }],
    totals_by_ide: [
      {
        ...counters(2),
        ide: index % 3 === 0 ? "jetbrains" : "vscode",
        last_known_ide_version: { ide_version: `1.${80 + (index % 20)}.0`, sampled_at: sampledAt },
        last_known_plugin_version: { plugin: "copilot", plugin_version: `1.${300 + (index % 50)}.0`, sampled_at: sampledAt },
        user_initiated_interaction_count: n(16),
      },
    ],
    totals_by_language_feature: [
      { ...counters(3), feature: "code_completion", language: ["typescript", "python", "go", "java"][index % 4] },
    ],
    totals_by_language_model: [],
    totals_by_model_feature: [],
    used_agent: index % 5 === 0,
    used_chat: index % 2 === 0,
    used_cli: index % 7 === 0,
    user_id: 1_000_000 + index,
    user_login: `user-${index.toString(36)}`,
    user_initiated_interaction_count: n(17),
    ai_credits_used: n(18) / 4,
    ai_adoption_phase: { phase: "adopting", phase_number: 2, version: 1 },
    etl_id: "green",
    day_partition: day,
    entity_id_partition: 1,
  };
}
