import type { RunSummary } from "../pipeline/index.js";

/** The table at the end of a run: outcome, counts that the progress lines add up to, failures, data age. */
export function printSummary(summary: RunSummary, io: { out: (line: string) => void }): void {
  const { out } = io;
  const published = summary.publish.filter((result) => result.ok);
  const rows: Array<[string, string]> = [
    ["run", summary.runId],
    ["status", summary.status],
    [
      "units",
      `${count(summary.unitsTotal)} (ok ${count(summary.unitsOk)}, not yet available ${count(summary.unitsPending)}, failed ${count(summary.unitsFailed)})`,
    ],
    ["records", count(summary.records)],
  ];
  if (published.length > 0) {
    const sum = (field: "rows" | "files" | "skipped") => published.reduce((total, result) => total + result[field], 0);
    const unchanged = sum("skipped");
    rows.push([
      "published",
      `${published.length} datasets, ${count(sum("rows"))} rows, ${count(sum("files"))} files written${unchanged > 0 ? `, ${count(unchanged)} unchanged` : ""}`,
    ]);
  }
  // One line per cause: a missing credential fails every dataset with the same message.
  const failedBy = new Map<string, string[]>();
  for (const result of summary.publish) {
    if (!result.ok) failedBy.set(result.error.message, [...(failedBy.get(result.error.message) ?? []), result.dataset]);
  }
  for (const [message, names] of failedBy) {
    rows.push([
      names.length === 1 ? `publish ${names[0]}` : `publish (${names.length} datasets)`,
      `FAILED: ${message}${names.length === 1 ? "" : ` (${names.join(", ")})`}`,
    ]);
  }
  rows.push(...freshnessRows(summary.freshness));
  const width = Math.max(...rows.map(([label]) => label.length));
  out("");
  for (const [label, value] of rows) out(`${label.padEnd(width)}  ${value}`);
  for (const warning of summary.warnings) out(`WARNING ${warning}`);
  for (const failure of summary.failures) out(`FAILED ${failure.unit}: ${failure.errorClass}: ${failure.message}`);
}

/** One line when every series is as new as the others (the usual case), else one per series. */
function freshnessRows(freshness: Record<string, string>): Array<[string, string]> {
  const days = new Set(Object.values(freshness));
  const [only] = days;
  if (days.size === 1 && only !== undefined) return [["newest day", `${only} (every Copilot report series)`]];
  return Object.entries(freshness).map(([series, day]): [string, string] => [`newest ${series}`, day]);
}

function count(value: number): string {
  return value.toLocaleString("en-US");
}
