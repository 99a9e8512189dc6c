export { replacePremiumUsage, replaceUserPremiumUsage, billingLogins, unresolvedBillingLogins, type BillingUsageRead } from "./premium-usage-store.js";
export { computeWeeklyMetrics, metricDefinitions, type MetricDefinitions, type ComputeRequest, type ComputeResult } from "./compute-metrics.js";
