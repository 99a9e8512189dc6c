import { addDays } from "../days.js";
import { json, type ExtraRoute } from "./github-server.js";
import { listPage } from "./repository-routes.js";
import { simpleUser } from "./rest-objects.js";
import { chance, isActive, members, repositoryId, repositoryNames, sandboxEnterprises, userId } from "./sandbox-tenants.js";

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
      .flatMap((team) =>
        team.members.map((login) =>
          JSON.stringify({
            user_id: userId(login),
            user_login: login,
            day,
            ...ownerIds,
            team_id: team.id,
            slug: team.slug,
            ...housekeeping(day, ownerIds),
          }),
        ),
      ),
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
      return [
        JSON.stringify({
          day,
          ...ownerIds,
          repo_id: repositoryId(org, name),
          repo_owner_name: org,
          repo_name: name,
          repo_visibility: name === "design-system" ? "internal" : "private",
          pull_requests: {
            total_created: created,
            total_reviewed: created,
            total_merged: merged,
            total_suggestions: created * 2,
            total_applied_suggestions: created,
            total_created_by_copilot: Math.floor(created / 2),
            total_reviewed_by_copilot: created - 1,
            total_merged_created_by_copilot: Math.floor(merged / 2),
            total_merged_reviewed_by_copilot: merged,
            total_copilot_suggestions: created,
            total_copilot_applied_suggestions: Math.floor(created / 2),
            ...(merged > 0
              ? {
                  median_minutes_to_merge: 60 + Math.floor(chance(`merge:${repository}:${day}`) * 600),
                  median_minutes_to_merge_copilot_reviewed: 45 + Math.floor(chance(`merge-reviewed:${repository}:${day}`) * 300),
                }
              : {}),
            ...(merged > 1 ? { median_minutes_to_merge_copilot_authored: 30 } : {}),
          },
          ...housekeeping(day, ownerIds),
        }),
      ];
    }),
  );
  return lines.map((line) => `${line}\n`).join("");
}

const seatsPerPage = 4;

/**
 * Seats granted through an enterprise team: in the enterprise's listing only. "mona" also holds an
 * organization seat, so the enterprise's listing names her twice (once per grant).
 */
const enterpriseTeamSeats: Record<string, { team: { id: number; slug: string }; members: string[] }> = {
  "octo-sandbox": { team: { id: 901, slug: "ent-contractors" }, members: ["contractor-cat", "mona"] },
};

/**
 * GET /orgs/{org}/copilot/billing/seats and GET /enterprises/{enterprise}/copilot/billing/seats,
 * paginated with `link` headers as GitHub does. The enterprise lists one seat per organization or
 * enterprise team granting it, with the granting `organization` (null for an enterprise team).
 */
export function sandboxSeatRoute(today: string): ExtraRoute {
  return (request, response, url) => {
    const org = /^\/orgs\/([^/]+)\/copilot\/billing\/seats$/.exec(url.pathname)?.[1];
    const enterprise = /^\/enterprises\/([^/]+)\/copilot\/billing\/seats$/.exec(url.pathname)?.[1];
    let listing: SeatListing | undefined;
    if (org !== undefined) listing = organizationSeats(decodeURIComponent(org), today);
    else if (enterprise !== undefined) listing = enterpriseSeats(decodeURIComponent(enterprise), today);
    else return false;
    if (listing === undefined) return (json(response, 404, { message: "Not Found" }), true);
    const people = listing.people;
    const page = listPage(
      { items: listing.seats, perPageDefault: seatsPerPage, wrap: (items) => ({ total_seats: people, seats: items }) },
      url,
      request,
    );
    json(response, 200, page.body, page.link === undefined ? {} : { link: page.link });
    return true;
  };
}

/** The seats of one listing, and how many people hold them. */
interface SeatListing {
  seats: unknown[];
  people: number;
}

/** An organization's seats; undefined: no such organization. */
function organizationSeats(name: string, today: string): SeatListing | undefined {
  const seated = members[name];
  if (seated === undefined) return undefined;
  const holders = [...seated, ...(idleSeats[name] ?? [])];
  return { seats: holders.map((login) => seat(name, login, today, { organization: null, team: null })), people: holders.length };
}

/** An enterprise's seats, one per granting organization or enterprise team; undefined: no such enterprise. */
function enterpriseSeats(slug: string, today: string): SeatListing | undefined {
  const owner = sandboxEnterprises.find((candidate) => candidate.slug === slug);
  if (owner === undefined) return undefined;
  const fromOrganizations = owner.orgs.flatMap((name) =>
    [...(members[name] ?? []), ...(idleSeats[name] ?? [])].map((login) => seat(name, login, today, { organization: name, team: null })),
  );
  const granted = enterpriseTeamSeats[slug];
  const fromTeams =
    granted === undefined
      ? []
      : granted.members.map((login) => seat(owner.orgs[0], login, today, { organization: null, team: granted.team }));
  const people = new Set([
    ...owner.orgs.flatMap((name) => [...(members[name] ?? []), ...(idleSeats[name] ?? [])]),
    ...(granted?.members ?? []),
  ]).size;
  return { seats: [...fromOrganizations, ...fromTeams], people };
}

/** An organization as GitHub's `organization-simple` schema has it. */
function simpleOrganization(login: string) {
  const api = `https://api.github.com/orgs/${login}`;
  return {
    login,
    id: userId(login),
    node_id: `O_sandbox${userId(login)}`,
    url: api,
    repos_url: `${api}/repos`,
    events_url: `${api}/events`,
    hooks_url: `${api}/hooks`,
    issues_url: `${api}/issues`,
    members_url: `${api}/members{/member}`,
    public_members_url: `${api}/public_members{/member}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${userId(login)}?v=4`,
    description: null,
  };
}

function seat(
  org: string,
  login: string,
  today: string,
  grant: { organization: string | null; team: { id: number; slug: string } | null },
) {
  let lastActive: string | undefined;
  for (let back = 1; back <= 60 && lastActive === undefined && (members[org] ?? []).includes(login); back++) {
    if (isActive(login, addDays(today, -back))) lastActive = addDays(today, -back);
  }
  const team = grant.team;
  return {
    created_at: "2025-09-01T10:00:00Z",
    updated_at: "2025-09-01T10:00:00Z",
    pending_cancellation_date: null,
    last_activity_at: lastActive === undefined ? null : `${lastActive}T15:30:00Z`,
    last_activity_editor: lastActive === undefined ? null : "vscode/1.104.0/copilot/1.372.0",
    last_authenticated_at: lastActive === undefined ? null : `${lastActive}T08:05:00Z`,
    plan_type: "business",
    assignee: simpleUser(login, userId(login)),
    ...(grant.organization === null ? {} : { organization: simpleOrganization(grant.organization) }),
    assigning_team:
      team === null
        ? null
        : {
            id: team.id,
            url: `https://api.github.com/enterprises/teams/${team.id}`,
            members_url: `https://api.github.com/enterprises/teams/${team.id}/members`,
            name: team.slug,
            html_url: `https://github.com/enterprises/teams/${team.slug}`,
            slug: team.slug,
            created_at: "2025-09-01T10:00:00Z",
            updated_at: "2025-09-01T10:00:00Z",
            group_id: null,
          },
  };
}
