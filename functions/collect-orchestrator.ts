import * as df from "durable-functions";
import { collectOrchestratorName } from "../src/app/index.js";
import { collectOrchestrator } from "../src/pipeline/index.js";
import { durableOrchestrator } from "./orchestration-context.js";

df.app.orchestration(collectOrchestratorName, durableOrchestrator(collectOrchestrator));
