import { copyRows, inTransaction, type CopyValue, type Pool } from "../db/index.js";
import { seatColumns } from "./seat-rows.js";

/**
 * Replaces an organization's seat snapshot of one day in one transaction: a re-run the same day
 * gives the same snapshot, and a listing cut halfway leaves the previous one. Returns the seats.
 */
export async function replaceSeatSnapshot(
  pool: Pool,
  key: { enterprise: string; organization: string; day: string },
  rows: AsyncIterable<CopyValue[]>,
): Promise<number> {
  return inTransaction(pool, async (client) => {
    await client.query("delete from copilot_seats where enterprise = $1 and organization = $2 and snapshot_day = $3", [key.enterprise, key.organization, key.day]);
    let seats = 0;
    await copyRows(client, "copilot_seats", ["enterprise", "organization", "snapshot_day", ...seatColumns], (async function* () {
      for await (const row of rows) {
        seats++;
        yield [key.enterprise, key.organization, key.day, ...row];
      }
    })());
    return seats;
  });
}
