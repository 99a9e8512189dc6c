export { readReportRecords, MalformedReportError, type ReportRecord } from "./report-records.js";
export { aggregateRows, userRows, type RowContext } from "./report-rows.js";
export { replaceReportDays, RepeatedUserError, type ReplacementTarget, type StageRows } from "./usage-store.js";
