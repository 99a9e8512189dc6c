import type { GitHubClient } from "./client.js";
import { pageUrl, paginate } from "./paginate.js";
import { rateBudget } from "./rate-budget.js";

class SeatListingError extends Error {
  override readonly name = "SeatListingError";
  constructor(
    readonly owner: string,
    readonly problem: string,
  ) {
    super(`GitHub's Copilot seat listing of ${owner} is not what the seats API returns: ${problem}.`);
  }
}

async function* listSeats(client: GitHubClient, path: string, owner: string, floorPercent: number): AsyncGenerator {
  const firstUrl = pageUrl(path, { per_page: 100 });
  // A 403 arrives already explained by the client (GitHubForbiddenError names the permission).
  for await (const page of paginate(client, firstUrl, { budget: rateBudget(client, floorPercent) })) {
    const data = page.data;
    if (typeof data !== "object" || data === null || !("seats" in data) || !Array.isArray(data.seats)) {
      throw new SeatListingError(owner, `page ${page.pageNumber} has no seats array`);
    }
    yield* data.seats as unknown[];
  }
}

/**
 * Every Copilot seat of an organization (`GET /orgs/{org}/copilot/billing/seats`), page by page as
 * the `link` headers lead; the seats are yielded as GitHub sent them, unparsed.
 */
export function listCopilotSeats(client: GitHubClient, organization: string, floorPercent: number): AsyncGenerator {
  return listSeats(client, `/orgs/${encodeURIComponent(organization)}/copilot/billing/seats`, organization, floorPercent);
}

/**
 * Every Copilot seat of an enterprise (`GET /enterprises/{enterprise}/copilot/billing/seats`): one
 * per organization or enterprise team granting a person a seat, so seats granted through enterprise
 * teams, which no organization's listing has, are here too.
 */
export function listEnterpriseCopilotSeats(client: GitHubClient, enterprise: string, floorPercent: number): AsyncGenerator {
  return listSeats(client, `/enterprises/${encodeURIComponent(enterprise)}/copilot/billing/seats`, enterprise, floorPercent);
}
