import type { Pool } from "../../db/index.js";
import { listCopilotSeats, type GitHubClient } from "../../github/index.js";
import { replaceSeatSnapshot, seatRows } from "../../ingest/index.js";
import { summarize } from "../error-summary.js";
import { seatSnapshotInput, type SeatSnapshotResult } from "../units.js";

export interface SeatDependencies {
  pool: Pool;
  github: (enterprise: string) => GitHubClient;
  /** Stop listing before GitHub's remaining rate limit falls under this share of the limit. */
  rateLimitFloorPercent: number;
}

/** Snapshots an organization's Copilot seats for the run day; returns a result, never throws. */
export function snapshotSeats(deps: SeatDependencies) {
  return async (input: unknown): Promise<SeatSnapshotResult> => {
    try {
      const { enterprise, organization, day } = seatSnapshotInput.parse(input);
      const seats = listCopilotSeats(deps.github(enterprise), organization, deps.rateLimitFloorPercent);
      return { ok: true, seats: await replaceSeatSnapshot(deps.pool, { enterprise, organization, day }, seatRows(seats, organization)) };
    } catch (error) {
      return { ok: false, error: summarize(error) };
    }
  };
}
