import { sqlFile, type Pool } from "../db/index.js";
import type { PublishSink } from "./sink.js";

const sql = {
  entries: sqlFile(import.meta.url, "manifest-entries.sql"),
  record: sqlFile(import.meta.url, "record-manifest-entry.sql"),
  drop: sqlFile(import.meta.url, "drop-manifest-entry.sql"),
};

export type ManifestKind = "file" | "partition" | "snapshot";

interface ManifestEntry {
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
      const result = await pool.query<ManifestEntry>(sql.entries, [sink, dataset, kind]);
      return new Map(result.rows.map((row) => [row.path, row]));
    },
    async record(entry, runId) {
      await pool.query(sql.record, [sink, entry.path, entry.dataset, entry.kind, entry.sha256, entry.rows, entry.bytes, runId]);
    },
    async drop(path) {
      await pool.query(sql.drop, [sink, path]);
    },
  };
}

/** Deletes a published file: from the sink first, so a failed removal keeps its entry and is retried. */
export async function unpublish(sink: PublishSink, manifest: PublishManifest, path: string): Promise<void> {
  await sink.remove(path);
  await manifest.drop(path);
}
