export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** The terminal that live progress is redrawn on; absent when output is not a terminal (CI, Azure). */
  terminal?: { write(text: string): unknown; columns?: number };
}

/**
 * Where the embedded PostgreSQL keeps its data when no DATABASE_URL is set. Without ENTERPRISES
 * every command works on the sandbox, whose cluster is its own: a real run must never find (and
 * publish) its synthetic rows.
 */
export function embeddedDataDir(settings: { ENTERPRISES?: unknown }): string {
  return settings.ENTERPRISES === undefined ? ".data/sandbox" : ".data/postgres";
}
