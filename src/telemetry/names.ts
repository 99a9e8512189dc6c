// The names of the custom events, metrics and dimensions this product emits. They live in
// telemetry-names.json because the alert rules in infra/ read the same file (Bicep's
// loadJsonContent): an event renamed here is renamed in every alert query by the next deployment.
import names from "./telemetry-names.json" with { type: "json" };

export const telemetryEvents = names.events;
export const telemetryMetrics = names.metrics;
