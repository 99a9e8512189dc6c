import type { RunSummary } from "../pipeline/index.js";
import type { CliIo } from "./io.js";

export function printSummary(summary: RunSummary, io: CliIo): void {
  const rows: Array<[string, string]> = [
    ["run", summary.runId],
    ["status", summary.status],
    ["units", `${summary.unitsTotal} (ok ${summary.unitsOk}, not yet available ${summary.unitsPending}, failed ${summary.unitsFailed})`],
    ["records", String(summary.records)],
    ...summary.publish.map((result): [string, string] => [
      `publish ${result.dataset}`,
      result.ok ? `${result.rows} rows in ${result.files} file(s)${result.skipped > 0 ? `, ${result.skipped} unchanged` : ""}` : `FAILED: ${result.error.message}`,
    ]),
    ...Object.entries(summary.freshness).map(([series, day]): [string, string] => [`newest ${series}`, day]),
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  io.out("");
  for (const [label, value] of rows) io.out(`${label.padEnd(width)}  ${value}`);
  for (const warning of summary.warnings) io.out(`WARNING ${warning}`);
  for (const failure of summary.failures) {
    io.out(`FAILED ${failure.unit}: ${failure.errorClass}: ${failure.message}`);
  }
}
