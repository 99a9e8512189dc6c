import { dayOf } from "../days.js";

// Where each file goes in the library (docs/power-bi.md), relative to SHAREPOINT_FOLDER or OUTPUT_DIR.

/** A month as its first day, 'YYYY-MM-01'. */
export type Month = string;

/** The complete dataset at the fixed path Power BI binds to. */
export function datasetFilePath(dataset: string): string {
  return `${dataset}.csv`;
}

/** The folder Power BI combines for a partitioned dataset. */
export function partitionFolder(dataset: string): string {
  return dataset;
}

export function partitionPath(dataset: string, month: Month): string {
  return `${partitionFolder(dataset)}/${dataset}_${month.slice(0, 4)}${month.slice(5, 7)}.csv`;
}

/** The run day's copy of a dataset, kept when EXPORT_SNAPSHOTS=true. */
export function snapshotPath(dataset: string, day: string): string {
  return `archive/${day.slice(0, 4)}/${dataset}_${day.replaceAll("-", "")}.csv`;
}

/** The day a snapshot path was taken, or undefined when the path is not one of `dataset`'s snapshots. */
export function snapshotDay(dataset: string, path: string): string | undefined {
  const match = /^archive\/\d{4}\/(.+)_(\d{4})(\d{2})(\d{2})\.csv$/.exec(path);
  return match === null || match[1] !== dataset ? undefined : `${match[2]}-${match[3]}-${match[4]}`;
}

/** The first day kept: the first of the month `months - 1` months before the run day's month. */
export function retentionStart(day: string, months: number): string {
  const date = new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1 - (months - 1), 1));
  return dayOf(date);
}

/** Every month from the one holding `first` to the one holding `last`, oldest first. */
export function monthsBetween(first: string, last: string): Month[] {
  const months: Month[] = [];
  for (let month = `${first.slice(0, 7)}-01`; month <= last; month = nextMonth(month)) months.push(month);
  return months;
}

export function nextMonth(month: Month): Month {
  const date = new Date(`${month}T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() + 1, 1);
  return dayOf(date);
}
