import type { EnterpriseConfig, Settings } from "../config/index.js";
import { dayOf } from "../days.js";
import { collectRunInput, newRunId, parseCollectRequest } from "./collect-request.js";

/** The name the orchestrator is registered under in the Function App. */
export const collectOrchestratorName = "collectOrchestrator";

export interface RunStatus {
  runtimeStatus: string;
  createdTime: Date;
  lastUpdatedTime: Date;
  customStatus?: unknown;
  output?: unknown;
}

/** The part of Durable Functions' client the triggers use; functions/ adapts df.DurableClient to it. */
export interface RunClient {
  /** undefined when no instance has this id. */
  getStatus(instanceId: string): Promise<RunStatus | undefined>;
  startNew(orchestrator: string, options: { instanceId: string; input: unknown }): Promise<string>;
  /** Durable's own management URLs of an instance (status, terminate, purge, …). */
  managementUrls(instanceId: string): Record<string, string>;
}

/** An HTTP answer in the shape of @azure/functions' HttpResponseInit. */
export interface HttpAnswer {
  status: number;
  jsonBody: unknown;
  headers?: Record<string, string>;
}

// A day's run is still going or already done: the timer leaves it alone. Failed, terminated and
// canceled runs may be started again under the same id (Durable replaces non-running instances).
const occupying = new Set(["Running", "Pending", "ContinuedAsNew", "Suspended", "Completed"]);

/**
 * The daily timer: starts today's run as `collect-YYYY-MM-DD`, one instance id per UTC day, so two
 * timer firings (a restart, a second instance) never overlap. Returns what it did, having logged why.
 */
export async function startDailyRun(
  client: RunClient,
  settings: Settings,
  enterprises: readonly EnterpriseConfig[],
  now: Date,
  log: (line: string) => void,
): Promise<{ instanceId: string; started: boolean }> {
  const instanceId = `collect-${dayOf(now)}`;
  const existing = await client.getStatus(instanceId);
  if (existing !== undefined && occupying.has(existing.runtimeStatus)) {
    log(`Run ${instanceId} is already ${existing.runtimeStatus.toLowerCase()}; not starting it again today.`);
    return { instanceId, started: false };
  }
  const input = collectRunInput(settings, enterprises, { runId: instanceId, trigger: "timer", request: {} });
  try {
    await client.startNew(collectOrchestratorName, { instanceId, input });
  } catch (error) {
    // Another worker's timer may have started it between our look and our start.
    const raced = await client.getStatus(instanceId);
    if (raced === undefined || !occupying.has(raced.runtimeStatus)) throw error;
    log(`Run ${instanceId} was started by another worker (${raced.runtimeStatus.toLowerCase()}); not starting it twice.`);
    return { instanceId, started: false };
  }
  log(
    existing === undefined
      ? `Started run ${instanceId}.`
      : `Started run ${instanceId} again after it ended ${existing.runtimeStatus.toLowerCase()}.`,
  );
  return { instanceId, started: true };
}

/**
 * POST /api/collect: a run or a backfill. 400 with the reason for a bad request; 202 with Durable's
 * status URLs and this API's progress URL otherwise.
 */
export async function startRequestedRun(
  client: RunClient,
  settings: Settings,
  enterprises: readonly EnterpriseConfig[],
  http: { body: string; url: string },
  now: Date,
): Promise<HttpAnswer> {
  const parsed = parseCollectRequest(http.body, { enterprises: enterprises.map((enterprise) => enterprise.slug), today: dayOf(now) });
  if (!parsed.ok) return { status: 400, jsonBody: { error: parsed.reason } };
  const instanceId = newRunId("http", now);
  const input = collectRunInput(settings, enterprises, { runId: instanceId, trigger: "http", request: parsed.request });
  await client.startNew(collectOrchestratorName, { instanceId, input });
  const progressUri = `${new URL(http.url).origin}/api/collect/${instanceId}`;
  return {
    status: 202,
    headers: { location: progressUri },
    jsonBody: { ...client.managementUrls(instanceId), progressUri, request: parsed.request },
  };
}

/** GET /api/collect/{instanceId}: the run's state and the progress the orchestrator reports. */
export async function describeRun(client: RunClient, instanceId: string): Promise<HttpAnswer> {
  const status = await client.getStatus(instanceId);
  if (status === undefined) return { status: 404, jsonBody: { error: `No run has the id "${instanceId}".` } };
  return {
    status: 200,
    jsonBody: {
      instanceId,
      runtimeStatus: status.runtimeStatus,
      createdTime: status.createdTime.toISOString(),
      lastUpdatedTime: status.lastUpdatedTime.toISOString(),
      // The orchestrator's RunProgress: step, units done/failed/total, records.
      progress: status.customStatus ?? null,
      ...(status.runtimeStatus === "Completed" ? { summary: status.output } : {}),
    },
  };
}
