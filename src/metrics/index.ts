export { computeWeeklyMetrics, metricDefinitions } from "./compute-metrics.js";
