export { readReportRecordBatches, MalformedReportError, type ReportRecord } from "./report-records.js";
export { type ReportFile } from "./report-rows.js";
export { replaceReportDays, RepeatedUserError, type ReplacementTarget, type StageFile } from "./usage-store.js";
export { seatRows } from "./seat-rows.js";
export { replaceSeatSnapshot } from "./seat-store.js";
export { replacePremiumUsage, replaceUserPremiumUsage, billingDaysToCatchUp, billingLogins, unresolvedBillingLogins, type BillingUsageRead } from "./billing-store.js";
