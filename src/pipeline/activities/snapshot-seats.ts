import type { Pool } from "../../db/index.js";
import { listCopilotSeats, listEnterpriseCopilotSeats, type GitHubClient } from "../../github/index.js";
import { replaceSeatSnapshot, seatRows } from "../../ingest/index.js";
import { summarize } from "../error-summary.js";
import type { SeatSnapshotInput, SeatSnapshotResult } from "../units.js";

export interface SeatDependencies {
  pool: Pool;
  github: (enterprise: string) => GitHubClient;
  /** Stop listing before GitHub's remaining rate limit falls under this share of the limit. */
  rateLimitFloorPercent: number;
}

/**
 * Snapshots the Copilot seats of an organization, or of the enterprise itself when `organization`
 * is '' (its listing adds the seats granted through enterprise teams), for the run day; returns a
 * result, never throws.
 */
export function snapshotSeats(deps: SeatDependencies) {
  return async ({ enterprise, organization, day }: SeatSnapshotInput): Promise<SeatSnapshotResult> => {
    try {
      const client = deps.github(enterprise);
      const seats =
        organization === ""
          ? listEnterpriseCopilotSeats(client, enterprise, deps.rateLimitFloorPercent)
          : listCopilotSeats(client, organization, deps.rateLimitFloorPercent);
      const rows = seatRows(seats, organization === "" ? enterprise : organization);
      return { ok: true, seats: await replaceSeatSnapshot(deps.pool, { enterprise, organization, day }, rows) };
    } catch (error) {
      return { ok: false, error: summarize(error) };
    }
  };
}
