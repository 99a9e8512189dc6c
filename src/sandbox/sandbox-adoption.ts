import { addDays } from "../days.js";
import { json, type ExtraRoute } from "./github-server.js";
import { listPage } from "./repository-routes.js";
import { chance, isActive, members, repositoryId, repositoryNames, userId } from "./sandbox-data.js";

// Teams of the sandbox organizations. GitHub leaves teams with fewer than five seated users out
// of user-teams-1-day, so "tiny" and "toons" exist here but never appear in a report.
const teams: Record<string, Array<{ id: number; slug: string; members: string[] }>> = {
  "octo-web": [
    { id: 101, slug: "frontend", members: ["mona", "hubot", "octocat", "ada", "linus", "grace"] },
    { id: 102, slug: "platform", members: ["ada", "linus", "grace", "ken", "margaret"] },
    { id: 103, slug: "tiny", members: ["mona", "ken", "margaret"] },
  ],
  "octo-data": [{ id: 201, slug: "data-eng", members: ["ada", "alan", "barbara", "edsger", "frances"] }],
  "acme-platform": [
    { id: 301, slug: "road-runners", members: ["wile", "road", "bugs", "daffy", "porky"] },
    { id: 302, slug: "toons", members: ["tweety", "elmer", "bugs"] },
  ],
};

/** Seated people who never use Copilot: the usage reports never name them. */
const idleSeats: Record<string, string[]> = { "octo-web": ["dormant-dev"], "octo-data": [], "acme-platform": ["coyote-intern"] };

type ScopeIds = { enterprise_id?: string; organization_id?: string };

/** The housekeeping fields GitHub adds to every exported record. */
function housekeeping(day: string, ids: ScopeIds) {
  return { etl_id: "sandbox", day_partition: day, entity_id_partition: Number(ids.organization_id ?? ids.enterprise_id) };
}

/** user-teams-1-day lines of the given organizations on `day`, teams under five members left out. */
export function teamLines(orgs: readonly string[], day: string, ownerIds: ScopeIds): string {
  const lines = orgs.flatMap((org) =>
    (teams[org] ?? [])
      .filter((team) => team.members.length >= 5)
      .flatMap((team) => team.members.map((login) => JSON.stringify({ user_id: userId(login), user_login: login, day, ...ownerIds, team_id: team.id, slug: team.slug, ...housekeeping(day, ownerIds) }))),
  );
  return lines.map((line) => `${line}\n`).join("");
}

/**
 * repos-1-day lines: Copilot pull-request figures per repository with activity on `day`, keyed by
 * the repository's id, with its owner and name beside it.
 */
export function repositoryLines(orgs: readonly string[], day: string, ownerIds: ScopeIds): string {
  const lines = orgs.flatMap((org) =>
    (repositoryNames[org] ?? []).flatMap((name) => {
      const repository = `${org}/${name}`;
      const created = Math.floor(chance(`prs:${repository}:${day}`) * 6);
      if (created === 0) return [];
      const merged = Math.floor(created * 0.7);
      return [JSON.stringify({
        day, ...ownerIds,
        repo_id: repositoryId(org, name), repo_owner_name: org, repo_name: name,
        repo_visibility: name === "design-system" ? "internal" : "private",
        pull_requests: {
          total_created: created, total_reviewed: created, total_merged: merged,
          total_suggestions: created * 2, total_applied_suggestions: created,
          total_created_by_copilot: Math.floor(created / 2), total_reviewed_by_copilot: created - 1,
          total_merged_created_by_copilot: Math.floor(merged / 2), total_merged_reviewed_by_copilot: merged,
          total_copilot_suggestions: created, total_copilot_applied_suggestions: Math.floor(created / 2),
          ...(merged > 0
            ? {
                median_minutes_to_merge: 60 + Math.floor(chance(`merge:${repository}:${day}`) * 600),
                median_minutes_to_merge_copilot_reviewed: 45 + Math.floor(chance(`merge-reviewed:${repository}:${day}`) * 300),
              }
            : {}),
          ...(merged > 1 ? { median_minutes_to_merge_copilot_authored: 30 } : {}),
        },
        ...housekeeping(day, ownerIds),
      })];
    }),
  );
  return lines.map((line) => `${line}\n`).join("");
}

const seatsPerPage = 4;

/** GET /orgs/{org}/copilot/billing/seats, paginated with `link` headers as GitHub does. */
export function sandboxSeatRoute(today: string): ExtraRoute {
  return (request, response, url) => {
    const match = /^\/orgs\/([^/]+)\/copilot\/billing\/seats$/.exec(url.pathname);
    if (match === null) return false;
    const org = decodeURIComponent(match[1]!);
    if (members[org] === undefined) return json(response, 404, { message: "Not Found" }), true;
    const holders = [...(members[org] ?? []), ...(idleSeats[org] ?? [])];
    const seats = holders.map((login) => seat(org, login, today));
    const page = listPage({ items: seats, perPageDefault: seatsPerPage, wrap: (items) => ({ total_seats: holders.length, seats: items }) }, url, request);
    json(response, 200, page.body, page.link === undefined ? {} : { link: page.link });
    return true;
  };
}

function seat(org: string, login: string, today: string) {
  let lastActive: string | undefined;
  for (let back = 1; back <= 60 && lastActive === undefined && (members[org] ?? []).includes(login); back++) {
    if (isActive(login, addDays(today, -back))) lastActive = addDays(today, -back);
  }
  return {
    created_at: "2025-09-01T10:00:00Z",
    updated_at: "2025-09-01T10:00:00Z",
    pending_cancellation_date: null,
    last_activity_at: lastActive === undefined ? null : `${lastActive}T15:30:00Z`,
    last_activity_editor: lastActive === undefined ? null : "vscode/1.104.0/copilot/1.372.0",
    plan_type: "business",
    assignee: { login, id: userId(login), type: "User" },
    assigning_team: null,
  };
}
