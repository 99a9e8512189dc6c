import { copyRows, inTransaction, sqlFile, type CopyValue, type Pool } from "../db/index.js";
import { seatColumns } from "./seat-rows.js";

const deleteSnapshotSql = sqlFile(import.meta.url, "delete-seat-snapshot.sql");
const stagingSql = sqlFile(import.meta.url, "enterprise-seat-staging.sql");
const mergeEnterpriseSeatsSql = sqlFile(import.meta.url, "merge-enterprise-seats.sql");

/**
 * Replaces a seat snapshot of one day in one transaction: a re-run the same day gives the same
 * snapshot, and a listing cut halfway leaves the previous one. Returns the seats.
 *
 * An organization's listing has one seat per person. The enterprise's listing (organization '')
 * has one seat per organization or enterprise team granting it: it goes through a staging table
 * and keeps one row per person, so the enterprise's snapshot counts each seated person once.
 */
export async function replaceSeatSnapshot(
  pool: Pool,
  key: { enterprise: string; organization: string; day: string },
  rows: AsyncIterable<CopyValue[]>,
): Promise<number> {
  return inTransaction(pool, async (client) => {
    await client.query(deleteSnapshotSql, [key.enterprise, key.organization, key.day]);
    let seats = 0;
    const keyed = (async function* () {
      for await (const row of rows) {
        seats++;
        yield [key.enterprise, key.organization, key.day, ...row];
      }
    })();
    const columns = ["enterprise", "organization", "snapshot_day", ...seatColumns];
    if (key.organization !== "") {
      await copyRows(client, "copilot_seats", columns, keyed);
      return seats;
    }
    await client.query(stagingSql);
    await copyRows(client, "enterprise_seat_staging", columns, keyed);
    const merged = await client.query(mergeEnterpriseSeatsSql);
    return merged.rowCount ?? 0;
  });
}
