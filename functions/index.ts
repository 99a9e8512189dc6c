// The Function App's entry point (package.json "main"): registers every function. Each file
// registers and delegates to src/; the logic and its tests live there.
import "./collect-orchestrator.js";
import "./activities.js";
import "./collect-timer.js";
import "./collect-start.js";
import "./collect-status.js";
import "./health.js";
