import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Dataset } from "../../src/publish/datasets.js";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { wholeRows } from "../../src/publish/copy-text-decoding.js";
import { cellCast, csvEncoder } from "../../src/publish/csv-format.js";
import { writeDatasetFile } from "../../src/publish/write-dataset.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

// Every value a spreadsheet or a naive CSV writer gets wrong, as PostgreSQL returns it.
const tricky = [
  { text: "a;b", amount: "-1.5", count: "-42", day: "2026-01-31", at: "2026-11-25 06:00:00+00", flag: true, login: "mona" },
  {
    text: 'say "hi"',
    amount: "0.25",
    count: "0",
    day: "2026-02-01",
    at: "2026-11-25 06:00:00.123456+00",
    flag: false,
    login: "=cmd|' /C calc'!A0",
  },
  { text: "line1\nline2", amount: "1234567.891", count: "9007199254740991", day: "2026-12-31", at: null, flag: null, login: "hubot" },
  { text: 'line1\r\nline2;"x"', amount: null, count: null, day: null, at: "2026-01-01 00:00:00+00", flag: true, login: null },
  { text: "=SUM(A1:A2)", amount: "-0.0001", count: "7", day: "2026-03-01", at: null, flag: false, login: "octocat" },
  { text: "-5", amount: "3", count: "-1", day: "2026-03-02", at: null, flag: true, login: "ada" },
  { text: "@mention", amount: "2.5", count: "1", day: "2026-03-03", at: null, flag: true, login: "linus" },
  { text: "+1 555", amount: "1e-07", count: "2", day: "2026-03-04", at: null, flag: true, login: "grace" },
  { text: "Zoë Ünïcödé 日本語 🚀", amount: "10", count: "3", day: "2026-03-05", at: null, flag: true, login: "ken" },
  { text: "tab\there and back\\slash", amount: "NaN", count: "4", day: "2026-03-06", at: null, flag: true, login: "alan" },
  { text: "\\N", amount: "5", count: "5", day: "2026-03-07", at: null, flag: true, login: "edsger" },
  { text: '＝HYPERLINK("x")', amount: "6", count: "6", day: "2026-03-08", at: null, flag: true, login: "frances" },
  { text: "", amount: "7", count: "7", day: "2026-03-09", at: null, flag: true, login: "john" },
  { text: null, amount: "8", count: "8", day: "2026-03-10", at: null, flag: true, login: "barbara" },
  { text: "carriage\rreturn", amount: "9", count: "9", day: "2026-03-11", at: null, flag: false, login: "-dash" },
];

const dataset: Dataset = {
  name: "tricky",
  // Values arrive as parameters-free literals through a JSON document, so the test needs no escaping of its own.
  sql: `select n, text, amount::float8, exact, count::bigint, day::date, at::timestamptz, flag, n + 1000, login
        from jsonb_to_recordset($1::jsonb) as t(n int, text text, amount text, exact numeric, count text, day text, at text, flag boolean, login text)
        order by n`,
  partition: "none",
  columns: [
    { name: "n", type: "integer" },
    { name: "text", type: "text" },
    { name: "amount", type: "decimal" },
    { name: "exact", type: "decimal" },
    { name: "count", type: "integer" },
    { name: "day", type: "date" },
    { name: "at", type: "timestamp" },
    { name: "flag", type: "boolean" },
    { name: "user", type: "user" },
  ],
};

const parameters = [
  JSON.stringify(
    tricky.map((row, n) => ({
      ...row,
      n,
      exact: row.amount === null || row.amount === "NaN" || row.amount.includes("e") ? null : row.amount,
    })),
  ),
];

/** What each value must read back as: formula-looking text gets a leading apostrophe, numbers stay numbers. */
function expected(separator: "." | ","): string[][] {
  const decimal = (value: string | null) => (value === null ? "" : separator === "," ? value.replace(".", ",") : value);
  const neutralised = (value: string | null) => (value === null ? "" : /^[=+\-@＝]/.test(value) ? `'${value}` : value);
  return tricky.map((row, n) => [
    String(n),
    neutralised(row.text),
    decimal(row.amount === "1e-07" ? "0.0000001" : row.amount === "NaN" ? null : row.amount),
    decimal(row.amount === null || row.amount === "NaN" || row.amount.includes("e") ? null : row.amount),
    row.count ?? "",
    row.day ?? "",
    row.at === null ? "" : `${row.at.slice(0, 10)}T${row.at.slice(11, -3)}Z`,
    row.flag === null ? "" : String(row.flag),
    neutralised(row.login),
  ]);
}

describe("the CSV format Power BI reads", () => {
  let database: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), "csv-format-"));
  });
  afterAll(async () => {
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  for (const separator of [".", ","] as const) {
    it(`round-trips tricky values through an independent parser with decimal separator "${separator}", with BOM and CRLF`, async () => {
      const file = path.join(dir, `tricky-${separator === "." ? "point" : "comma"}.csv`);
      const written = await writeDatasetFile(database.pool, dataset, parameters, file, {
        format: { decimalSeparator: separator },
        identity: { mode: "login" },
      });
      const bytes = await readFile(file);

      expect(written).toMatchObject({ rows: tricky.length, bytes: bytes.length });
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      // Strictly CRLF: a parser that only accepts \r\n as the record delimiter finds every record.
      const records = parse(bytes, { bom: true, delimiter: ";", record_delimiter: "\r\n", relax_column_count: false });
      expect(records[0]).toEqual(["n", "text", "amount", "exact", "count", "day", "at", "flag", "user"]);
      expect(records.slice(1)).toEqual(expected(separator));
      expect(bytes.subarray(-2).toString()).toBe("\r\n");
    });
  }

  it("writes the same bytes csv-stringify writes for the same cells", async () => {
    const file = path.join(dir, "tricky-reference.csv");
    await writeDatasetFile(database.pool, dataset, parameters, file, { format: { decimalSeparator: "," }, identity: { mode: "login" } });
    const reference = stringify(expected(","), {
      bom: true,
      delimiter: ";",
      record_delimiter: "\r\n",
      // csv-stringify leaves a lone LF or CR unquoted when the record delimiter is CRLF; spreadsheets do not.
      quoted_match: /[\r\n]/,
      header: true,
      columns: dataset.columns.map((column) => column.name),
    });
    expect((await readFile(file)).toString("utf8")).toBe(reference);
  });

  it("writes a header-only file for a query without rows", async () => {
    const file = path.join(dir, "empty.csv");
    const written = await writeDatasetFile(
      database.pool,
      { ...dataset, sql: `${dataset.sql.replace("order by n", "")} limit 0` },
      parameters,
      file,
      {
        format: { decimalSeparator: "." },
        identity: { mode: "login" },
      },
    );
    expect(written.rows).toBe(0);
    expect((await readFile(file)).toString("utf8")).toBe("\ufeffn;text;amount;exact;count;day;at;flag;user\r\n");
  });

  it("fails naming the dataset when its query returns fewer fields than its columns need", async () => {
    const file = path.join(dir, "short.csv");
    const short: Dataset = { ...dataset, sql: "select 1, 'a', 1.5, 2.5, 3, '2026-01-01'::date, now(), true, 7" };
    await expect(
      writeDatasetFile(database.pool, short, [], file, { format: { decimalSeparator: "." }, identity: { mode: "login" } }),
    ).rejects.toThrow("The query of dataset tricky returned 9 fields where its columns need 10 (a user column takes two: id, login).");
  });

  it("encodes the same bytes however the COPY output is cut into chunks, multi-byte characters included", async () => {
    const copyText = Buffer.from('1\tZoë;"x"\t\\N\tt\n2\tline\\nbreak 🚀\t-3.5\tf\n3\t=1+1\t1e-07\t\\N\n', "utf8");
    const columns = {
      name: "chunks",
      columns: [{ type: "integer" as const }, { type: "text" as const }, { type: "decimal" as const }, { type: "boolean" as const }],
    };
    const encodeAll = async (chunkSize: number) => {
      const encode = csvEncoder(columns, { decimalSeparator: "," }, { mode: "none" });
      const chunks = Array.from({ length: Math.ceil(copyText.length / chunkSize) }, (_, i) =>
        copyText.subarray(i * chunkSize, (i + 1) * chunkSize),
      );
      const encoded: Buffer[] = [];
      for await (const rows of Readable.from(chunks).pipe(wholeRows())) encoded.push(encode(rows as Buffer).csv);
      return Buffer.concat(encoded).toString("utf8");
    };
    const whole = await encodeAll(copyText.length);
    expect(whole).toBe('1;"Zoë;""x""";;true\r\n2;"line\nbreak 🚀";-3,5;false\r\n3;\'=1+1;0,0000001;\r\n');
    for (const size of [1, 2, 3, 5, 7]) expect(await encodeAll(size)).toBe(whole);
    await expect(buffer(Readable.from([Buffer.from("1\t2")]).pipe(wholeRows()))).rejects.toThrow(
      "The COPY output ended in the middle of a row.",
    );
  });

  it("writes decimals PostgreSQL prints in exponent notation positionally, and no number for NaN or infinity", () => {
    const decimal = cellCast("decimal", { decimalSeparator: "," });
    expect(["1e-07", "-2.5e-05", "1.5e+21", "NaN", "Infinity", "-Infinity", "-3.25"].map(decimal)).toEqual([
      "0,0000001",
      "-0,000025",
      "1500000000000000000000",
      "",
      "",
      "",
      "-3,25",
    ]);
  });
});
