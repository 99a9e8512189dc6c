import type * as df from "durable-functions";
import type { RunClient } from "../src/app/index.js";

/**
 * Durable's client as the pipeline's RunClient. durable-functions v3 throws on an unknown
 * instance id (the extension answers 404) where the triggers want `undefined`.
 */
export function runClient(client: df.DurableClient): RunClient {
  return {
    getStatus: async (instanceId) => {
      try {
        return await client.getStatus(instanceId);
      } catch (error) {
        if (error instanceof Error && error.message.includes("HTTP 404")) return undefined;
        throw error;
      }
    },
    startNew: (orchestrator, options) => client.startNew(orchestrator, options),
    managementUrls: (instanceId) => {
      const payload = client.createHttpManagementPayload(instanceId);
      return {
        id: payload.id,
        statusQueryGetUri: payload.statusQueryGetUri,
        sendEventPostUri: payload.sendEventPostUri,
        terminatePostUri: payload.terminatePostUri,
        rewindPostUri: payload.rewindPostUri,
        purgeHistoryDeleteUri: payload.purgeHistoryDeleteUri,
        suspendPostUri: payload.suspendPostUri,
        resumePostUri: payload.resumePostUri,
      };
    },
  };
}
