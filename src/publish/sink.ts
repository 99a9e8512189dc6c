// Where finished CSV files go. Files are written to a local temporary file first (streamed from
// PostgreSQL), then handed to a sink, which must make the file appear at its final path in one
// step: Power BI must never read half a file.
export interface PublishSink {
  /** A short description for logs and the run summary, e.g. "folder ./out". */
  readonly description: string;
  /** Places the finished local file at `relativePath` (forward slashes), replacing any file there. */
  put(relativePath: string, localFile: string): Promise<void>;
  /** Removes the file at `relativePath`; a missing file is not an error. */
  remove(relativePath: string): Promise<void>;
  /** Relative paths of the files under `prefix` (a folder, forward slashes, "" for the root). */
  list(prefix: string): Promise<string[]>;
}
