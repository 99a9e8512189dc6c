import type { ReportKind } from "../github/index.js";
import { addDays } from "../days.js";
import type { ReportAnswer } from "./github-server.js";
import { repositoryLines, teamLines } from "./sandbox-adoption.js";

/** Two synthetic enterprises; one person belongs to two organizations, as happens in real tenants. */
export const sandboxEnterprises = [
  { slug: "octo-sandbox", orgs: ["octo-web", "octo-data"] },
  { slug: "acme-sandbox", orgs: ["acme-platform"] },
] as const;

export const members: Record<string, string[]> = {
  "octo-web": ["mona", "hubot", "octocat", "ada", "linus", "grace", "ken", "margaret"],
  "octo-data": ["ada", "alan", "barbara", "edsger", "frances", "john"],
  "acme-platform": ["wile", "road", "bugs", "daffy", "porky", "elmer", "tweety"],
};

/** The repositories of each sandbox organization, by name. */
export const repositoryNames: Record<string, string[]> = {
  "octo-web": ["web-app", "design-system"],
  "octo-data": ["pipelines"],
  "acme-platform": ["rockets", "anvils"],
};

const ides = ["vscode", "jetbrains"] as const;
const languages = ["typescript", "python", "go"] as const;
const models = ["gpt-4.1", "claude-sonnet-4"] as const;

/** Deterministic pseudo-random number in [0, 1) from a text seed (FNV-1a, then xorshift). */
export function chance(seed: string): number {
  let hash = 2166136261;
  for (let i = 0; i < seed.length; i++) hash = Math.imul(hash ^ seed.charCodeAt(i), 16777619);
  hash ^= hash << 13;
  hash ^= hash >>> 17;
  hash ^= hash << 5;
  return (hash >>> 0) / 4294967296;
}

export function userId(login: string): number {
  return 1000 + Math.floor(chance(`id:${login}`) * 900000);
}

export function isActive(login: string, day: string): boolean {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  const rate = weekday === 0 || weekday === 6 ? 0.15 : 0.75;
  return chance(`active:${login}:${day}`) < rate;
}

interface Activity {
  interactions: number;
  generations: number;
  acceptances: number;
  suggestedAdd: number;
  added: number;
  deleted: number;
  ide: (typeof ides)[number];
  language: (typeof languages)[number];
  model: (typeof models)[number];
  usedChat: boolean;
  usedAgent: boolean;
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
    language: languages[Math.floor(chance(`lang:${login}`) * languages.length)]!,
    model: models[Math.floor(r("model") * models.length)]!,
    usedChat: interactions > 0,
    usedAgent: interactions > 6,
  };
}

const counters = (a: Pick<Activity, "generations" | "acceptances" | "suggestedAdd" | "added" | "deleted">) => ({
  code_acceptance_activity_count: a.acceptances,
  code_generation_activity_count: a.generations,
  loc_added_sum: a.added,
  loc_deleted_sum: a.deleted,
  loc_suggested_to_add_sum: a.suggestedAdd,
  loc_suggested_to_delete_sum: 0,
});

function userRecord(login: string, day: string, owner: { enterprise_id?: string; organization_id?: string }) {
  const a = activity(login, day);
  const sampledAt = `${day}T09:00:00.000Z`;
  return {
    ...counters(a),
    day,
    ...owner,
    totals_by_feature: [{ ...counters(a), feature: "code_completion", user_initiated_interaction_count: 0 }],
    totals_by_ide: [{
      ...counters(a),
      ide: a.ide,
      last_known_ide_version: { ide_version: a.ide === "vscode" ? "1.104.0" : "2025.2", sampled_at: sampledAt },
      last_known_plugin_version: { plugin: "copilot", plugin_version: "1.372.0", sampled_at: sampledAt },
      user_initiated_interaction_count: a.interactions,
    }],
    totals_by_language_feature: [{ ...counters(a), feature: "code_completion", language: a.language }],
    totals_by_language_model: a.usedChat ? [{ ...counters({ generations: 0, acceptances: 0, suggestedAdd: 0, added: 0, deleted: 0 }), language: a.language, model: a.model }] : [],
    totals_by_model_feature: a.usedChat ? [{ ...counters({ generations: 0, acceptances: 0, suggestedAdd: 0, added: 0, deleted: 0 }), feature: "chat_panel_ask_mode", model: a.model, user_initiated_interaction_count: a.interactions }] : [],
    chat_panel_ask_mode: a.interactions,
    used_agent: a.usedAgent,
    used_chat: a.usedChat,
    used_cli: false,
    user_id: userId(login),
    user_login: login,
    user_initiated_interaction_count: a.interactions,
    ai_credits_used: Math.round(a.interactions * 0.75 * 100) / 100,
  };
}

type UserLine = ReturnType<typeof userRecord>;

function activeUsers(logins: readonly string[], day: string): string[] {
  return logins.filter((login) => isActive(login, day));
}

function activeWithin(logins: readonly string[], day: string, days: number): number {
  return logins.filter((login) => Array.from({ length: days }, (_, i) => addDays(day, -i)).some((d) => isActive(login, d))).length;
}

function sumBy<T>(items: T[], pick: (item: T) => number): number {
  return items.reduce((total, item) => total + pick(item), 0);
}

/** A breakdown array: the users' entries grouped by `keys`, counters summed. */
function group(lines: UserLine[], pickEntries: (line: UserLine) => Array<Record<string, unknown>>, keys: string[]): Array<Record<string, unknown>> {
  const groups = new Map<string, Record<string, unknown>>();
  for (const entry of lines.flatMap(pickEntries)) {
    const key = keys.map((k) => String(entry[k])).join("|");
    const total = groups.get(key) ?? Object.fromEntries(keys.map((k) => [k, entry[k]]));
    for (const [field, value] of Object.entries(entry)) {
      if (typeof value === "number") total[field] = (typeof total[field] === "number" ? total[field] : 0) + value;
    }
    groups.set(key, total);
  }
  return [...groups.values()].map(({ last_known_ide_version: _v, last_known_plugin_version: _p, ...rest }) => rest);
}

function aggregateRecord(logins: readonly string[], day: string, owner: { enterprise_id?: string; organization_id?: string }) {
  const lines = activeUsers(logins, day).map((login) => userRecord(login, day, owner));
  const chatUsers = lines.filter((line) => line.used_chat).length;
  return {
    code_acceptance_activity_count: sumBy(lines, (l) => l.code_acceptance_activity_count),
    code_generation_activity_count: sumBy(lines, (l) => l.code_generation_activity_count),
    daily_active_users: lines.length,
    day,
    ...owner,
    loc_added_sum: sumBy(lines, (l) => l.loc_added_sum),
    loc_deleted_sum: sumBy(lines, (l) => l.loc_deleted_sum),
    loc_suggested_to_add_sum: sumBy(lines, (l) => l.loc_suggested_to_add_sum),
    loc_suggested_to_delete_sum: 0,
    monthly_active_agent_users: lines.filter((line) => line.used_agent).length,
    monthly_active_chat_users: chatUsers,
    monthly_active_users: activeWithin(logins, day, 28),
    chat_panel_ask_mode: sumBy(lines, (l) => l.chat_panel_ask_mode),
    pull_requests: {
      total_created: Math.floor(lines.length / 2),
      total_created_by_copilot: Math.floor(lines.length / 4),
      total_merged: Math.floor(lines.length / 3),
      total_reviewed: Math.floor(lines.length / 2),
      total_reviewed_by_copilot: Math.floor(lines.length / 3),
      ...(lines.length >= 3 ? { median_minutes_to_merge: 95.5 } : {}),
    },
    totals_by_feature: group(lines, (l) => l.totals_by_feature, ["feature"]),
    totals_by_ide: group(lines, (l) => l.totals_by_ide, ["ide"]),
    totals_by_language_feature: group(lines, (l) => l.totals_by_language_feature, ["language", "feature"]),
    totals_by_language_model: group(lines, (l) => l.totals_by_language_model, ["language", "model"]),
    totals_by_model_feature: group(lines, (l) => l.totals_by_model_feature, ["model", "feature"]),
    user_initiated_interaction_count: sumBy(lines, (l) => l.user_initiated_interaction_count),
    weekly_active_users: activeWithin(logins, day, 7),
  };
}

function enterpriseOf(owner: string, scope: ReportKind["scope"]) {
  return sandboxEnterprises.find((enterprise) => (scope === "enterprise" ? enterprise.slug === owner : (enterprise.orgs as readonly string[]).includes(owner)));
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
    const logins = kind.scope === "enterprise" ? [...new Set(enterprise.orgs.flatMap((org) => members[org] ?? []))].sort() : members[owner] ?? [];
    const ownerIds = kind.scope === "enterprise" ? { enterprise_id: String(userId(enterprise.slug)) } : { organization_id: String(userId(owner)) };
    const requested = kind.period === "1-day" ? [day ?? ""] : Array.from({ length: 28 }, (_, i) => addDays(lastDay, i - 27));
    const days = requested.filter((d) => d <= lastDay && d >= kind.firstDay && d >= addDays(today, -365));
    if (days.length === 0) return { kind: "status", status: 404 };
    if (kind.level === "teams") return { kind: "files", files: [teamLines(kind.scope === "enterprise" ? enterprise.orgs : [owner], days[0]!, ownerIds)] };
    if (kind.level === "repos") return { kind: "files", files: [repositoryLines(kind.scope === "enterprise" ? enterprise.orgs : [owner], days[0]!, ownerIds)] };
    if (kind.level === "users") {
      const lines = days.flatMap((d) => activeUsers(logins, d).map((login) => JSON.stringify(userRecord(login, d, ownerIds))));
      // Large reports come in several files: split users over two files as GitHub does.
      const half = Math.ceil(lines.length / 2);
      return { kind: "files", files: [lines.slice(0, half).join("\n") + "\n", lines.slice(half).join("\n") + "\n"], firstDay: days[0], lastDay: days.at(-1) };
    }
    if (kind.period === "1-day") return { kind: "files", files: [JSON.stringify(aggregateRecord(logins, days[0]!, ownerIds)) + "\n"] };
    const wrapper = { day_totals: days.map((d) => aggregateRecord(logins, d, ownerIds)), ...ownerIds, report_start_day: days[0], report_end_day: lastDay };
    return { kind: "files", files: [JSON.stringify(wrapper, null, 2)], firstDay: days[0], lastDay };
  };
}
