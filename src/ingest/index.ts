export { readReportRecords, MalformedReportError, type ReportRecord } from "./report-records.js";
export { aggregateRows, userRows, teamRows, repositoryRows, rowsFor, type RowContext } from "./report-rows.js";
export { replaceReportDays, RepeatedUserError, type ReplacementTarget, type StageRows } from "./usage-store.js";
export { seatRows, MalformedSeatError } from "./seat-rows.js";
export { replaceSeatSnapshot } from "./seat-store.js";
