import type pg from "pg";

/**
 * Runs `work` on one connection inside a transaction: committed when it returns, rolled back when it
 * throws. A connection that failed is closed rather than returned to the pool: after a COPY cut
 * short it may still be mid-protocol.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let failed = false;
  try {
    await client.query("begin");
    const result = await work(client);
    await client.query("commit");
    return result;
  } catch (error) {
    failed = true;
    await client.query("rollback").catch(() => undefined);
    throw error;
  } finally {
    client.release(failed);
  }
}
