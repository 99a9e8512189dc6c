import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { Transform } from "node:stream";
import { finished, pipeline } from "node:stream/promises";
import type { WrittenFile } from "./write-dataset.js";

/**
 * The dated copy of a monthly-partitioned dataset, built from its finished partitions as they are
 * written: the preamble (BOM and header) once, then each partition's records. No second query, no
 * second pass.
 */
export class SnapshotFile {
  private readonly out: WriteStream;
  private readonly hash = createHash("sha256");
  private bytes = 0;
  private rowsTotal = 0;
  private closing: Promise<WrittenFile> | undefined;

  constructor(
    readonly path: string,
    private readonly preamble: Buffer,
  ) {
    this.out = createWriteStream(path);
    // Failures surface at the next append or at close; without a listener they would crash the process.
    this.out.on("error", () => undefined);
    this.count(preamble);
    this.out.write(preamble);
  }

  /** Appends the records of a CSV file that starts with the same preamble. */
  async append(file: string, rows: number): Promise<void> {
    const tap = new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        this.count(chunk);
        done(null, chunk);
      },
    });
    await pipeline(createReadStream(file, { start: this.preamble.length }), tap, this.out, { end: false });
    this.rowsTotal += rows;
  }

  close(): Promise<WrittenFile> {
    this.closing ??= (async () => {
      this.out.end();
      await finished(this.out);
      return { rows: this.rowsTotal, bytes: this.bytes, sha256: this.hash.digest("hex") };
    })();
    return this.closing;
  }

  private count(chunk: Buffer): void {
    this.bytes += chunk.length;
    this.hash.update(chunk);
  }
}
