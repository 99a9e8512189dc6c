import type { ReportKind } from "../github/index.js";
import { addDays } from "../days.js";
import type { ReportAnswer } from "./github-server.js";
import { repositoryLines, teamLines } from "./sandbox-adoption.js";
import { chance, isActive, itemAt, members, pick, sandboxEnterprises, userId } from "./sandbox-tenants.js";

export { sandboxEnterprises } from "./sandbox-tenants.js";

const languages = ["typescript", "python", "go"] as const;
const models = ["gpt-4.1", "claude-sonnet-4"] as const;

interface Activity {
  interactions: number;
  generations: number;
  acceptances: number;
  suggestedAdd: number;
  added: number;
  deleted: number;
  ide: "vscode" | "jetbrains";
  language: (typeof languages)[number];
  model: (typeof models)[number];
  usedChat: boolean;
  usedAgent: boolean;
  usedCli: boolean;
  phaseNumber: number;
}

function activity(login: string, day: string): Activity {
  const r = (what: string) => chance(`${what}:${login}:${day}`);
  const generations = 5 + Math.floor(r("gen") * 40);
  const acceptances = Math.floor(generations * (0.2 + r("acc") * 0.5));
  const interactions = Math.floor(r("int") * 12);
  return {
    interactions,
    generations,
    acceptances,
    suggestedAdd: generations * 6,
    added: acceptances * 5,
    deleted: Math.floor(acceptances * r("del") * 2),
    ide: chance(`ide:${login}`) < 0.7 ? "vscode" : "jetbrains",
    language: pick(languages, `lang:${login}`),
    model: pick(models, `model:${login}:${day}`),
    usedChat: interactions > 0,
    usedAgent: interactions > 6,
    usedCli: chance(`cli:${login}`) < 0.3 && r("cli-day") < 0.6,
    phaseNumber: Math.min(3, Math.floor(interactions / 3)),
  };
}

type Counters = {
  code_acceptance_activity_count: number;
  code_generation_activity_count: number;
  loc_added_sum: number;
  loc_deleted_sum: number;
  loc_suggested_to_add_sum: number;
  loc_suggested_to_delete_sum: number;
};
type FeatureEntry = Counters & { feature: string; user_initiated_interaction_count: number };

const phases = ["No Cohort", "Phase 1", "Phase 2", "Phase 3"] as const;

/**
 * A user's day by `feature`, the way GitHub reports it: completions, the chat panel's modes (their
 * interactions, and the code they produced) and agent edits (lines written into files, no prompts).
 */
function featureEntries(a: Activity): FeatureEntry[] {
  const entry = (
    feature: string,
    interactions: number,
    generations: number,
    acceptances: number,
    added: number,
    deleted: number,
  ): FeatureEntry => ({
    code_acceptance_activity_count: acceptances,
    code_generation_activity_count: generations,
    feature,
    loc_added_sum: added,
    loc_deleted_sum: deleted,
    loc_suggested_to_add_sum: generations * 6,
    loc_suggested_to_delete_sum: 0,
    user_initiated_interaction_count: interactions,
  });
  const ask = Math.ceil(a.interactions / 2);
  const agent = a.usedAgent ? a.interactions - ask - 1 : 0;
  const edit = a.interactions - ask - agent;
  const entries = [entry("code_completion", 0, a.generations, a.acceptances, a.added, 0)];
  if (ask > 0) entries.push(entry("chat_panel_ask_mode", ask, ask, Math.floor(ask / 2), Math.floor(ask / 2) * 4, 0));
  if (edit > 0) entries.push(entry("chat_panel_edit_mode", edit, edit, edit, edit * 3, edit));
  if (agent > 0) {
    entries.push(entry("chat_panel_agent_mode", agent, agent * 2, agent, 0, 0));
    entries.push({ ...entry("agent_edit", 0, 0, 0, agent * 12, a.deleted), loc_suggested_to_add_sum: 0 });
  }
  return entries;
}

function sum<T>(items: readonly T[], pick: (item: T) => number): number {
  return items.reduce((total, item) => total + pick(item), 0);
}

function totals(entries: readonly FeatureEntry[]): Counters & { user_initiated_interaction_count: number } {
  return {
    code_acceptance_activity_count: sum(entries, (e) => e.code_acceptance_activity_count),
    code_generation_activity_count: sum(entries, (e) => e.code_generation_activity_count),
    loc_added_sum: sum(entries, (e) => e.loc_added_sum),
    loc_deleted_sum: sum(entries, (e) => e.loc_deleted_sum),
    loc_suggested_to_add_sum: sum(entries, (e) => e.loc_suggested_to_add_sum),
    loc_suggested_to_delete_sum: 0,
    user_initiated_interaction_count: sum(entries, (e) => e.user_initiated_interaction_count),
  };
}

/** The report's scope ids: `enterprise_id` always, `organization_id` in organization reports. */
interface OwnerIds {
  enterprise_id: string;
  organization_id?: string;
}

/** The housekeeping fields GitHub adds to every exported record. */
function housekeeping(day: string, owner: OwnerIds) {
  return { etl_id: "sandbox", day_partition: day, entity_id_partition: Number(owner.organization_id ?? owner.enterprise_id) };
}

function userRecord(login: string, day: string, owner: OwnerIds) {
  const a = activity(login, day);
  const sampledAt = `${day}T09:00:00.000Z`;
  const features = featureEntries(a);
  const chat = features.filter((entry) => entry.feature.startsWith("chat_panel_"));
  const cliRequests = 2 + Math.floor(chance(`cli-req:${login}:${day}`) * 10);
  return {
    ...totals(features),
    day,
    ...owner,
    user_id: userId(login),
    user_login: login,
    totals_by_feature: features,
    totals_by_ide: [
      {
        ...totals(features),
        ide: a.ide,
        last_known_ide_version: { ide_version: a.ide === "vscode" ? "1.104.0" : "2025.2", sampled_at: sampledAt },
        last_known_plugin_version: { plugin: "copilot", plugin_version: "1.372.0", sampled_at: sampledAt },
      },
    ],
    // The language-and-feature breakdown has no interaction count (field reference).
    totals_by_language_feature: features.map(({ user_initiated_interaction_count: _prompts, ...entry }) => ({
      ...entry,
      language: a.language,
    })),
    totals_by_language_model: chat.length === 0 ? [] : [{ ...totals(chat), language: a.language, model: a.model }],
    totals_by_model_feature: chat.map((entry) => ({ ...entry, model: a.model })),
    ...(a.usedCli
      ? {
          totals_by_cli: {
            session_count: 1,
            request_count: cliRequests,
            prompt_count: Math.ceil(cliRequests / 2),
            token_usage: { output_tokens_sum: cliRequests * 400, prompt_tokens_sum: cliRequests * 1100, avg_tokens_per_request: 1500 },
            last_known_cli_version: { cli_version: "1.0.8", sampled_at: sampledAt },
          },
        }
      : {}),
    used_agent: a.usedAgent,
    used_chat: a.usedChat,
    used_cli: a.usedCli,
    used_copilot_coding_agent: false,
    used_copilot_cloud_agent: false,
    used_copilot_code_review_active: a.usedAgent,
    used_copilot_code_review_passive: !a.usedAgent,
    ai_adoption_phase: { phase_number: a.phaseNumber, phase: itemAt(phases, a.phaseNumber), version: "v1" },
    // Announced in GitHub's changelog of 2026-06-19 for the users reports.
    ai_credits_used: Math.round(a.interactions * 0.75 * 100) / 100,
    ...housekeeping(day, owner),
  };
}

type UserLine = ReturnType<typeof userRecord>;

function activeUsers(logins: readonly string[], day: string): string[] {
  return logins.filter((login) => isActive(login, day));
}

function activeWithin(logins: readonly string[], day: string, days: number, pick: (a: Activity) => boolean = () => true): number {
  return logins.filter((login) =>
    Array.from({ length: days }, (_, i) => addDays(day, -i)).some((d) => isActive(login, d) && pick(activity(login, d))),
  ).length;
}

/** A breakdown array: the users' entries grouped by `keys`, counters summed. */
function group(
  lines: UserLine[],
  pickEntries: (line: UserLine) => Array<Record<string, unknown>>,
  keys: string[],
): Array<Record<string, unknown>> {
  const groups = new Map<string, Record<string, unknown>>();
  for (const entry of lines.flatMap(pickEntries)) {
    const key = keys.map((k) => String(entry[k])).join("|");
    const total = groups.get(key) ?? Object.fromEntries(keys.map((k) => [k, entry[k]]));
    for (const [field, value] of Object.entries(entry)) {
      if (typeof value === "number") total[field] = (typeof total[field] === "number" ? total[field] : 0) + value;
    }
    groups.set(key, total);
  }
  // Versions are per user: aggregate rows leave them out.
  return [...groups.values()].map(({ last_known_ide_version: _v, last_known_plugin_version: _p, ...rest }) => rest);
}

function aggregateRecord(logins: readonly string[], day: string, owner: OwnerIds) {
  const lines = activeUsers(logins, day).map((login) => userRecord(login, day, owner));
  const cliLines = lines.filter((line) => line.totals_by_cli !== undefined);
  const merged = Math.floor(lines.length / 3);
  const byPhase = new Map<number, { phase: string; phaseLines: UserLine[] }>();
  for (const line of lines) {
    const { phase_number: phaseNumber, phase } = line.ai_adoption_phase;
    byPhase.set(phaseNumber, { phase, phaseLines: [...(byPhase.get(phaseNumber)?.phaseLines ?? []), line] });
  }
  const average = (phaseLines: UserLine[], pick: (line: UserLine) => number) =>
    Math.round((sum(phaseLines, pick) / phaseLines.length) * 100) / 100;
  return {
    ...totals(lines.flatMap((line) => line.totals_by_feature)),
    day,
    ...owner,
    daily_active_users: lines.length,
    weekly_active_users: activeWithin(logins, day, 7),
    monthly_active_users: activeWithin(logins, day, 28),
    monthly_active_chat_users: activeWithin(logins, day, 28, (a) => a.usedChat),
    monthly_active_agent_users: activeWithin(logins, day, 28, (a) => a.usedAgent),
    daily_active_copilot_cloud_agent_users: 0,
    weekly_active_copilot_cloud_agent_users: 0,
    monthly_active_copilot_cloud_agent_users: 0,
    daily_active_copilot_code_review_users: lines.filter((line) => line.used_copilot_code_review_active).length,
    weekly_active_copilot_code_review_users: activeWithin(logins, day, 7, (a) => a.usedAgent),
    monthly_active_copilot_code_review_users: activeWithin(logins, day, 28, (a) => a.usedAgent),
    daily_passive_copilot_code_review_users: lines.filter((line) => line.used_copilot_code_review_passive).length,
    weekly_passive_copilot_code_review_users: activeWithin(logins, day, 7, (a) => !a.usedAgent),
    monthly_passive_copilot_code_review_users: activeWithin(logins, day, 28, (a) => !a.usedAgent),
    ...(cliLines.length > 0
      ? {
          daily_active_cli_users: cliLines.length,
          totals_by_cli: {
            session_count: sum(cliLines, (line) => line.totals_by_cli?.session_count ?? 0),
            request_count: sum(cliLines, (line) => line.totals_by_cli?.request_count ?? 0),
            prompt_count: sum(cliLines, (line) => line.totals_by_cli?.prompt_count ?? 0),
            token_usage: {
              output_tokens_sum: sum(cliLines, (line) => line.totals_by_cli?.token_usage.output_tokens_sum ?? 0),
              prompt_tokens_sum: sum(cliLines, (line) => line.totals_by_cli?.token_usage.prompt_tokens_sum ?? 0),
              avg_tokens_per_request: 1500,
            },
          },
        }
      : {}),
    totals_by_feature: group(lines, (l) => l.totals_by_feature, ["feature"]),
    totals_by_ide: group(lines, (l) => l.totals_by_ide, ["ide"]),
    totals_by_language_feature: group(lines, (l) => l.totals_by_language_feature, ["language", "feature"]),
    totals_by_language_model: group(lines, (l) => l.totals_by_language_model, ["language", "model"]),
    totals_by_model_feature: group(lines, (l) => l.totals_by_model_feature, ["model", "feature"]),
    totals_by_ai_adoption_phase: [...byPhase.entries()]
      .sort(([a], [b]) => a - b)
      .map(([phaseNumber, { phase, phaseLines }]) => ({
        phase,
        phase_number: phaseNumber,
        total_engaged_users: phaseLines.length,
        avg_user_initiated_interactions: average(phaseLines, (l) => l.user_initiated_interaction_count),
        avg_code_generation_activities: average(phaseLines, (l) => l.code_generation_activity_count),
        avg_code_acceptance_activities: average(phaseLines, (l) => l.code_acceptance_activity_count),
        avg_loc_added: average(phaseLines, (l) => l.loc_added_sum),
        avg_loc_deleted: average(phaseLines, (l) => l.loc_deleted_sum),
        avg_pull_requests_reviewed: 0.5,
        avg_pull_requests_created: 0.5,
        avg_pull_requests_merged: 0.25,
        avg_pull_requests_median_minutes_to_merge: 95.5,
      })),
    pull_requests: {
      total_created: Math.floor(lines.length / 2),
      total_reviewed: Math.floor(lines.length / 2),
      total_merged: merged,
      ...(merged > 0 ? { median_minutes_to_merge: 95.5, median_minutes_to_merge_copilot_reviewed: 80 } : {}),
      total_suggestions: lines.length,
      total_applied_suggestions: Math.floor(lines.length / 2),
      total_created_by_copilot: Math.floor(lines.length / 4),
      total_reviewed_by_copilot: Math.floor(lines.length / 3),
      total_merged_created_by_copilot: 0,
      total_merged_reviewed_by_copilot: Math.floor(merged / 2),
      total_copilot_suggestions: Math.floor(lines.length / 2),
      total_copilot_applied_suggestions: Math.floor(lines.length / 4),
      copilot_suggestions_by_comment_type:
        lines.length < 2
          ? []
          : [
              {
                comment_type: "bug_risk",
                total_copilot_suggestions: Math.floor(lines.length / 2) - 1,
                total_copilot_applied_suggestions: Math.floor(lines.length / 4),
              },
              { comment_type: "security", total_copilot_suggestions: 1, total_copilot_applied_suggestions: 0 },
            ],
    },
  };
}

function enterpriseOf(owner: string, scope: ReportKind["scope"]) {
  return sandboxEnterprises.find((enterprise) =>
    scope === "enterprise" ? enterprise.slug === owner : (enterprise.orgs as readonly string[]).includes(owner),
  );
}

/**
 * The sandbox's report answers for "today" (UTC): days up to two days ago are available, as with
 * GitHub's two-day latency; 28-day reports cover the 28 days ending two days ago.
 */
export function sandboxReports(today: string) {
  const lastDay = addDays(today, -2);
  return ({ kind, owner, day }: { kind: ReportKind; owner: string; day: string | undefined }): ReportAnswer => {
    const enterprise = enterpriseOf(owner, kind.scope);
    if (enterprise === undefined) return { kind: "status", status: 404 };
    const logins =
      kind.scope === "enterprise" ? [...new Set(enterprise.orgs.flatMap((org) => members[org] ?? []))].sort() : (members[owner] ?? []);
    const enterpriseId = String(userId(enterprise.slug));
    const ownerIds: OwnerIds =
      kind.scope === "enterprise"
        ? { enterprise_id: enterpriseId }
        : { enterprise_id: enterpriseId, organization_id: String(userId(owner)) };
    // user-teams lines name the scope they come from only (field reference, "User-teams fields").
    const teamOwner = kind.scope === "enterprise" ? { enterprise_id: enterpriseId } : { organization_id: String(userId(owner)) };
    const requested = kind.period === "1-day" ? [day ?? ""] : Array.from({ length: 28 }, (_, i) => addDays(lastDay, i - 27));
    const days = requested.filter((d) => d <= lastDay && d >= kind.firstDay && d >= addDays(today, -365));
    const firstDay = days[0];
    const finalDay = days.at(-1);
    if (firstDay === undefined || finalDay === undefined) return { kind: "status", status: 404 };
    if (kind.level === "teams")
      return { kind: "files", files: [teamLines(kind.scope === "enterprise" ? enterprise.orgs : [owner], firstDay, teamOwner)] };
    if (kind.level === "repos")
      return { kind: "files", files: [repositoryLines(kind.scope === "enterprise" ? enterprise.orgs : [owner], firstDay, ownerIds)] };
    if (kind.level === "users") {
      const window = kind.period === "28-day" ? { report_start_day: firstDay, report_end_day: lastDay } : {};
      const lines = days.flatMap((d) =>
        activeUsers(logins, d).map((login) => JSON.stringify({ ...userRecord(login, d, ownerIds), ...window })),
      );
      // Large reports come in several files: split users over two files as GitHub does.
      const half = Math.ceil(lines.length / 2);
      return {
        kind: "files",
        files: [lines.slice(0, half).join("\n") + "\n", lines.slice(half).join("\n") + "\n"],
        firstDay,
        lastDay: finalDay,
      };
    }
    if (kind.period === "1-day")
      return {
        kind: "files",
        files: [JSON.stringify({ ...aggregateRecord(logins, firstDay, ownerIds), ...housekeeping(firstDay, ownerIds) }) + "\n"],
      };
    const wrapper = {
      day_totals: days.map((d) => aggregateRecord(logins, d, ownerIds)),
      ...ownerIds,
      report_start_day: firstDay,
      report_end_day: lastDay,
      created_at: `${addDays(lastDay, 1)}T04:12:00Z`,
      ...housekeeping(lastDay, ownerIds),
    };
    return { kind: "files", files: [JSON.stringify(wrapper, null, 2)], firstDay, lastDay };
  };
}
