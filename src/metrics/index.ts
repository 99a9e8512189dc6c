export {
  computeWeeklyMetrics,
  metricDefinitions,
  type MetricDefinitions,
  type ComputeRequest,
  type ComputeResult,
} from "./compute-metrics.js";
