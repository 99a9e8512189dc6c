export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Where the embedded PostgreSQL keeps its data when no DATABASE_URL is set. */
export const embeddedDataDir = ".data/postgres";
