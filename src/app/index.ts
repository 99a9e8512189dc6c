// What the Function App's adapters (functions/) and the command line (src/cli/) start from. The
// heap bound is not here: it is a side-effect module each entry point imports first, on its own,
// so that `--help` does not load the runtime's SDKs to get it.
export { collectRunInput, newRunId } from "./collect-request.js";
export { collectOrchestratorName, describeRun, startDailyRun, startRequestedRun, type RunClient } from "./collect-triggers.js";
export { functionWorker } from "./function-worker.js";
export { checkHealth, liveness } from "./health.js";
export { openRuntime, type Runtime } from "./runtime.js";
export { printStatus, readStatus } from "./status-report.js";
