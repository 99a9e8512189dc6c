import { randomBytes } from "node:crypto";
import { once } from "node:events";
import type { ArchiveUpload, ReportArchive } from "./report-archive.js";
import { reportFilePath, type ReportFileSet } from "./report-path.js";

/**
 * Blob metadata of every archived file: the ingest attempt it belongs to and how many files that
 * attempt has. An attempt cut halfway leaves a folder mixing two attempts; `reingest` uses only an
 * attempt whose files are all there.
 */
export const attemptKey = "attempt";
export const fileCountKey = "files";

/**
 * The archive side of one ingest attempt of a report: `tee` passes a downloaded file through to
 * the parser while storing the same bytes, so one download feeds both.
 */
export function archiveReportFiles(archive: ReportArchive, set: ReportFileSet, fileCount: number) {
  // Sorts by time, so the newest attempt of a folder is the last one.
  const attempt = `${new Date().toISOString()}~${randomBytes(4).toString("hex")}`;
  return {
    tee: (fileIndex: number, bytes: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> =>
      teeToArchive(bytes, archive.open(reportFilePath(set, fileIndex), { [attemptKey]: attempt, [fileCountKey]: String(fileCount) })),
  };
}

/**
 * Yields each chunk of `source` after writing it to the upload. The parser pulls, so a slow parser
 * slows the download; a write that fills the upload's buffer waits for it to drain, so a slow
 * upload slows it too. The last chunk is followed by the upload's completion: a file counts as
 * read only once it is stored. If the reader stops early or the download fails, the upload is
 * abandoned and no blob is written.
 */
export async function* teeToArchive(source: AsyncIterable<Buffer | string>, upload: ArchiveUpload): AsyncGenerator<Buffer> {
  let stored = false;
  try {
    for await (const chunk of source) {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
      // `once` rejects when the upload fails and destroys the stream, so this never waits forever.
      if (!upload.stream.write(bytes)) await once(upload.stream, "drain");
      yield bytes;
    }
    upload.stream.end();
    await upload.done;
    stored = true;
  } finally {
    if (!stored) upload.stream.destroy(new Error("the report file was not read to its end"));
  }
}
