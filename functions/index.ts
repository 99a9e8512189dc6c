// The Function App's entry point (package.json "main"): registers every function. Each file
// registers and delegates to src/; the logic and its tests live there. The first import
// bounds the heap's growth for the whole worker process, before the others load.
import "../src/app/bound-heap-growth.js";
import "./collect-orchestrator.js";
import "./activities.js";
import "./collect-timer.js";
import "./collect-start.js";
import "./collect-status.js";
import "./health.js";
import "./live.js";
