import type { Writable } from "node:stream";

/** One file being stored: the bytes written to `stream` become the file; `done` settles once it is stored. */
export interface ArchiveUpload {
  stream: Writable;
  /** Rejects with an ArchiveError when the file could not be stored (the stream is destroyed then). */
  done: Promise<void>;
}

export interface ArchivedFile {
  path: string;
  metadata: Record<string, string>;
}

/** Where raw report files are kept (docs/architecture.md, storage contracts): written while a unit ingests, read by `reingest`. */
export interface ReportArchive {
  /** Where the archive is, for messages (never holds a credential). */
  readonly description: string;
  open(path: string, metadata: Record<string, string>): ArchiveUpload;
  list(prefix?: string): AsyncIterable<ArchivedFile>;
  read(path: string): Promise<AsyncIterable<Buffer | string>>;
}

export class ArchiveError extends Error {
  override readonly name = "ArchiveError";
  constructor(
    readonly path: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`Archiving report file ${path} failed: ${problem}.`, options);
  }
}
