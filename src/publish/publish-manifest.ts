import type { Pool } from "../db/index.js";
import type { PublishSink } from "./sink.js";

export type ManifestKind = "file" | "partition" | "snapshot";

export interface ManifestEntry {
  path: string;
  dataset: string;
  kind: ManifestKind;
  sha256: string;
  rows: number;
  bytes: number;
}

/**
 * The files published to one sink (table publish_manifest), keyed by the sink's description: the
 * same SharePoint folder or local folder always has the same one.
 */
export interface PublishManifest {
  entries(dataset: string, kind: ManifestKind): Promise<Map<string, ManifestEntry>>;
  record(entry: ManifestEntry, runId: string): Promise<void>;
  drop(path: string): Promise<void>;
}

export function publishManifest(pool: Pool, sink: string): PublishManifest {
  return {
    async entries(dataset, kind) {
      const result = await pool.query<ManifestEntry>(
        "select path, dataset, kind, sha256, rows, bytes from publish_manifest where sink = $1 and dataset = $2 and kind = $3",
        [sink, dataset, kind],
      );
      return new Map(result.rows.map((row) => [row.path, { ...row, rows: Number(row.rows), bytes: Number(row.bytes) }]));
    },
    async record(entry, runId) {
      await pool.query(
        `insert into publish_manifest (sink, path, dataset, kind, sha256, rows, bytes, published_at, run_id)
         values ($1, $2, $3, $4, $5, $6, $7, now(), $8)
         on conflict (sink, path) do update set dataset = excluded.dataset, kind = excluded.kind, sha256 = excluded.sha256,
           rows = excluded.rows, bytes = excluded.bytes, published_at = excluded.published_at, run_id = excluded.run_id`,
        [sink, entry.path, entry.dataset, entry.kind, entry.sha256, entry.rows, entry.bytes, runId],
      );
    },
    async drop(path) {
      await pool.query("delete from publish_manifest where sink = $1 and path = $2", [sink, path]);
    },
  };
}

/** Deletes a published file: from the sink first, so a failed removal keeps its entry and is retried. */
export async function unpublish(sink: PublishSink, manifest: PublishManifest, path: string): Promise<void> {
  await sink.remove(path);
  await manifest.drop(path);
}
