// Long-line benchmark (issue 15: a long line cost quadratic time, 13.5 s for one 20 MB line). One
// report file holding a single line of 5, 10, 20 and 50 MB (a 28-day wrapper whose days are written
// on one line) is read from disk through the report reader; the baseline is the same records
// written one per line, read in the same run. Linear means the seconds per MB stay flat as the
// line grows, and stay near the baseline's.
import { createReadStream } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { readReportRecordBatches } from "../src/ingest/index.js";
import type { BenchOptions } from "./run.js";
import { benchUserRecord } from "./user-records.js";

interface SizeResult {
  mb: number;
  records: number;
  seconds_median: number;
  seconds_min: number;
  seconds_max: number;
  seconds_per_mb: number;
  baseline_seconds_per_mb: number;
  ratio_to_baseline: number;
}

const runs = 5;

export default async function longLine(options: BenchOptions): Promise<void> {
  const sizes = options.full ? [5, 10, 20, 50, 60] : [5, 10, 20, 50];
  const work = await mkdtemp(path.join(tmpdir(), "bench-long-line-"));
  try {
    const results: SizeResult[] = [];
    for (const mb of sizes) {
      const records = recordsFor(mb);
      const oneLine = path.join(work, `one-line-${mb}.json`);
      const perLine = path.join(work, `per-line-${mb}.ndjson`);
      await writeFile(
        oneLine,
        JSON.stringify({ report_start_day: "2026-10-24", report_end_day: "2026-11-20", day_totals: records }) + "\n",
      );
      await writeFile(perLine, records.map((record) => JSON.stringify(record)).join("\n") + "\n");
      const long: number[] = [];
      const baseline: number[] = [];
      // Alternated, so that both see the same machine load.
      for (let run = 0; run < runs; run++) {
        long.push(await timeRead(oneLine, records.length));
        baseline.push(await timeRead(perLine, records.length));
      }
      const seconds = median(long);
      const result: SizeResult = {
        mb,
        records: records.length,
        seconds_median: round(seconds),
        seconds_min: round(Math.min(...long)),
        seconds_max: round(Math.max(...long)),
        seconds_per_mb: round(seconds / mb),
        baseline_seconds_per_mb: round(median(baseline) / mb),
        ratio_to_baseline: round(seconds / median(baseline)),
      };
      results.push(result);
      console.log(
        `${mb} MB on one line: ${result.seconds_median} s median of ${runs} (${result.seconds_min}..${result.seconds_max}), ` +
          `${result.seconds_per_mb} s/MB; one record per line: ${result.baseline_seconds_per_mb} s/MB; ratio ${result.ratio_to_baseline}`,
      );
    }
    const perMb = results.map((result) => result.seconds_per_mb);
    // Quadratic time shows as seconds per MB growing with the size: 10x from 5 to 50 MB.
    const growth = round(perMb.at(-1)! / perMb[0]!);
    console.log(`seconds per MB at ${sizes.at(-1)} MB / at ${sizes[0]} MB: ${growth}`);
    console.log(JSON.stringify({ bench: "long_line", runs, sizes: results, per_mb_growth: growth }));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Users-report records, about 2.3 KB each, enough of them for `mb` megabytes. */
function recordsFor(mb: number): Array<Record<string, unknown>> {
  const sample = JSON.stringify(benchUserRecord(0, "2026-11-20")).length + 1;
  return Array.from({ length: Math.round((mb * 1024 * 1024) / sample) }, (_, index) => benchUserRecord(index, "2026-11-20"));
}

async function timeRead(file: string, expected: number): Promise<number> {
  const started = process.hrtime.bigint();
  let records = 0;
  // 64 KiB chunks, as a download arrives.
  const bytes = createReadStream(file, { highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>;
  for await (const batch of readReportRecordBatches(bytes, file, () => 1)) records += batch.length;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (records !== expected) throw new Error(`Read ${records} records from ${file}, expected ${expected}.`);
  return seconds;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
