import type { GitHubClient } from "./client.js";
import { pageUrl, paginate } from "./paginate.js";
import { rateBudget } from "./rate-budget.js";

export class SeatListingError extends Error {
  override readonly name = "SeatListingError";
  constructor(
    readonly organization: string,
    readonly problem: string,
  ) {
    super(`GitHub's Copilot seat listing of ${organization} is not what the seats API returns: ${problem}.`);
  }
}

/**
 * Every Copilot seat of an organization (`GET /orgs/{org}/copilot/billing/seats`), page by page as
 * the `link` headers lead; the seats are yielded as GitHub sent them, unparsed.
 */
export async function* listCopilotSeats(client: GitHubClient, organization: string, floorPercent: number): AsyncGenerator<unknown> {
  const firstUrl = pageUrl(`/orgs/${encodeURIComponent(organization)}/copilot/billing/seats`, { per_page: 100 });
  for await (const page of paginate(client, firstUrl, { budget: rateBudget(client, floorPercent) })) {
    const data = page.data;
    if (typeof data !== "object" || data === null || !("seats" in data) || !Array.isArray(data.seats)) {
      throw new SeatListingError(organization, `page ${page.pageNumber} has no seats array`);
    }
    yield* data.seats as unknown[];
  }
}
