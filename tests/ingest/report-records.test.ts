import { describe, expect, it } from "vitest";
import { MalformedReportError, readReportRecordBatches, type ReportRecord } from "../../src/ingest/index.js";
import { maxRecordBytes } from "../../src/ingest/report-records.js";

async function records(chunks: Array<string | Buffer>): Promise<ReportRecord[]> {
  const found: ReportRecord[] = [];
  const source = (async function* () {
    yield* chunks;
  })();
  for await (const batch of readReportRecordBatches(source, "https://files.example/report.ndjson", (record) => record))
    found.push(...batch);
  return found;
}

/** Reads every batch to the end, for the tests of a failure: how many records the batches held. */
async function readAll(batches: AsyncIterable<readonly unknown[]>): Promise<number> {
  let count = 0;
  for await (const batch of batches) count += batch.length;
  return count;
}

/** Splits a text into chunks of `size` bytes, cutting lines and multi-byte characters anywhere. */
function chunked(text: string, size: number): Buffer[] {
  const bytes = Buffer.from(text, "utf8");
  const chunks: Buffer[] = [];
  for (let start = 0; start < bytes.length; start += size) chunks.push(bytes.subarray(start, start + size));
  return chunks;
}

describe("reading report files of every shape", () => {
  it("reads NDJSON line by line, with CRLF line ends, blank lines and no final newline", async () => {
    const text = '{"user_id":1,"day":"2026-11-01"}\r\n\r\n{"user_id":2,"day":"2026-11-01"}\n{"user_id":3,"day":"2026-11-01"}';
    expect(await records([text])).toEqual([
      { value: { user_id: 1, day: "2026-11-01" }, line: 1 },
      { value: { user_id: 2, day: "2026-11-01" }, line: 3 },
      { value: { user_id: 3, day: "2026-11-01" }, line: 4 },
    ]);
  });

  it("reads NDJSON split into chunks that cut lines and multi-byte characters", async () => {
    const lines = Array.from({ length: 40 }, (_, i) => JSON.stringify({ user_id: i, user_login: `jörg-名前-${i}`, day: "2026-11-01" }));
    const found = await records(chunked(lines.join("\n") + "\n", 7));
    expect(found.map((record) => record.value)).toEqual(lines.map((line): unknown => JSON.parse(line)));
    expect(found.at(-1)?.line).toBe(40);
  });

  it("reads chunks larger than its 64 KiB slices, whatever character a slice boundary cuts, as bytes or as text", async () => {
    // 3,000 lines of about 120 bytes with two- and three-byte characters: 360 KB, one chunk.
    const lines = Array.from({ length: 3000 }, (_, i) =>
      JSON.stringify({ user_id: i, user_login: `jörg-名前-${"ü".repeat(i % 40)}`, day: "2026-11-01" }),
    );
    const text = lines.join("\n") + "\n";
    const expected = lines.map((line): unknown => JSON.parse(line));
    const fromBytes = await records([Buffer.from(text, "utf8")]);
    expect(fromBytes.map((record) => record.value)).toEqual(expected);
    expect(fromBytes.at(-1)?.line).toBe(3000);
    expect((await records([text])).map((record) => record.value)).toEqual(expected);
  });

  it("reads one pretty-printed object spread over many lines", async () => {
    const record = { day: "2026-11-01", daily_active_users: 3, totals_by_ide: [{ ide: "vscode", loc_added_sum: 4 }] };
    expect(await records(chunked(JSON.stringify(record, null, 2), 5))).toEqual([{ value: record, line: 1 }]);
  });

  it("unwraps the 28-day day_totals wrapper, pretty-printed or on one line, each day with the wrapper's own fields", async () => {
    const own = { report_start_day: "2026-10-01", report_end_day: "2026-10-28", created_at: "2026-10-30T04:12:00Z" };
    const wrapper = { ...own, day_totals: [{ day: "2026-10-01" }, { day: "2026-10-02" }] };
    const expected = [
      { value: { day: "2026-10-01" }, line: 1, wrapper: own },
      { value: { day: "2026-10-02" }, line: 1, wrapper: own },
    ];
    expect(await records([JSON.stringify(wrapper, null, 2)])).toEqual(expected);
    expect(await records([JSON.stringify(wrapper) + "\n"])).toEqual(expected);
  });

  it("reads a JSON array of records element by element", async () => {
    const text = JSON.stringify(
      [
        { user_id: 1, day: "2026-11-01" },
        { user_id: 2, day: "2026-11-01" },
      ],
      null,
      2,
    );
    expect(await records(chunked(text, 3))).toEqual([
      { value: { user_id: 1, day: "2026-11-01" }, line: 1 },
      { value: { user_id: 2, day: "2026-11-01" }, line: 2 },
    ]);
  });

  it("reads nothing from an empty or blank file", async () => {
    expect(await records([])).toEqual([]);
    expect(await records(["\n \n"])).toEqual([]);
  });

  it("fails on a malformed line with the file and the line number", async () => {
    const text = '{"user_id":1,"day":"2026-11-01"}\n{"user_id":2,"day":"2026-11-01"}\n{"user_id":3,"day":\n{"user_id":4}\n';
    const error = await records([text]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MalformedReportError);
    expect(error).toMatchObject({ file: "https://files.example/report.ndjson", line: 3 });
    expect((error as Error).message).toContain("Report file https://files.example/report.ndjson is malformed at line 3");
  });

  it("fails on a truncated pretty-printed object instead of returning part of it", async () => {
    const error = await records(['{\n  "day": "2026-11-01",\n  "daily_active_users": ']).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MalformedReportError);
  });
});

describe("hostile report files", () => {
  async function failure(chunks: Array<string | Buffer>): Promise<unknown> {
    return records(chunks).catch((caught: unknown) => caught);
  }

  it("reads a line of several MB that arrives in many small chunks as one record", async () => {
    const days = Array.from({ length: 2000 }, (_, i) => ({ day: "2026-11-01", padding: `${i}-${"é".repeat(1000)}` }));
    const text = '{"user_id":1,"day":"2026-11-01"}\n' + JSON.stringify({ day_totals: days }) + '\n{"user_id":2,"day":"2026-11-01"}\n';
    const found = await records(chunked(text, 1000));
    expect(found).toHaveLength(2002);
    // A 28-day wrapper's records carry its own fields (none here besides day_totals).
    expect(found[1]).toEqual({ value: days[0], line: 2, wrapper: {} });
    expect(found[2000]).toEqual({ value: days[1999], line: 2, wrapper: {} });
    expect(found[2001]).toEqual({ value: { user_id: 2, day: "2026-11-01" }, line: 3 });
  });

  it("refuses a line longer than the cap, naming the file and the line, before holding all of it", async () => {
    let served = 0;
    const source = (async function* () {
      yield '{"user_id":1,"day":"2026-11-01"}\n{"user_id":2,"day":"';
      // An endless line: the reader must stop at the cap, not wait for the end.
      for (;;) {
        served += 1024 * 1024;
        yield Buffer.alloc(1024 * 1024, 0x61);
      }
    })();
    const error = await readAll(readReportRecordBatches(source, "https://files.example/report.ndjson", (record) => record)).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(MalformedReportError);
    expect(error).toMatchObject({ file: "https://files.example/report.ndjson", line: 2 });
    expect((error as Error).message).toBe(
      "Report file https://files.example/report.ndjson is malformed at line 2: a line longer than 64 MiB, more than any report record needs.",
    );
    expect(served).toBe(maxRecordBytes);
  });

  it("refuses bytes that are not UTF-8 with the file and line instead of replacing them", async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"user_login":"jörg","day":"2026-11-01"}\n{"user_login":"ok","day":"2026-11-01"}\n{"user_login":"bad'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('(utf8","day":"2026-11-01"}\n{"user_login":"after","day":"2026-11-01"}\n'),
    ]);
    for (const chunks of [[bytes], chunked(bytes.toString("latin1"), 3).map((chunk) => Buffer.from(chunk.toString(), "latin1"))]) {
      const error = await failure(chunks);
      expect(error).toBeInstanceOf(MalformedReportError);
      expect(error).toMatchObject({ file: "https://files.example/report.ndjson", line: 3 });
      expect((error as Error).message).toContain("bytes that are not UTF-8");
    }
  });

  it("refuses a UTF-8 sequence cut short by the end of its line", async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"user_login":"a","day":"2026-11-01"}\n{"x":"'),
      Buffer.from([0xe5, 0x90]),
      Buffer.from('"}\n'),
    ]);
    expect(await failure([bytes])).toMatchObject({ line: 2 });
  });

  it("names the file and line of a record nested 10,000 levels deep instead of overflowing the stack", async () => {
    const deepObject = '{"a":'.repeat(10_000) + "1" + "}".repeat(10_000);
    const deepArray = "[".repeat(10_000) + "]".repeat(10_000);
    const first = '{"user_id":1,"day":"2026-11-01"}\n';
    // Parsing copes with the depth; storing the record (its raw JSON) is where the stack runs out.
    const source = (async function* () {
      yield first + deepObject + "\n";
    })();
    const stored = await readAll(
      readReportRecordBatches(source, "https://files.example/report.ndjson", ({ value }) => JSON.stringify(value)),
    ).catch((caught: unknown) => caught);
    expect(stored).toBeInstanceOf(MalformedReportError);
    expect(stored).toMatchObject({ file: "https://files.example/report.ndjson", line: 2 });
    expect((stored as Error).message).toBe(
      "Report file https://files.example/report.ndjson is malformed at line 2: a record nested too deeply to read (no report record nests more than a few levels).",
    );
    // An array stands for its records, and unwrapping 10,000 levels of them overflows too.
    expect(await failure([first + deepArray + "\n"])).toMatchObject({ file: "https://files.example/report.ndjson", line: 2 });
  });
});
