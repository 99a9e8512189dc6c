import { createHash } from "node:crypto";
import { ManagedIdentityCredential, type TokenCredential } from "@azure/identity";
import appInsights from "applicationinsights";
import type { TelemetryItem } from "./telemetry-item.js";

type Client = InstanceType<typeof appInsights.TelemetryClient>;

export type AppInsightsCall =
  | { track: "trackEvent"; telemetry: Parameters<Client["trackEvent"]>[0] }
  | { track: "trackMetric"; telemetry: Parameters<Client["trackMetric"]>[0] }
  | { track: "trackException"; telemetry: Parameters<Client["trackException"]>[0] };

/**
 * The W3C trace id used as `ai.operation.id` for an operation (a run's orchestration instance id).
 * App Insights wants 32 hex digits; any other id is hashed, so every activity of a run gets the same one.
 */
export function traceIdFor(operationId: string): string {
  const compact = operationId.replaceAll("-", "").toLowerCase();
  if (/^[0-9a-f]{32}$/.test(compact) && !/^0+$/.test(compact)) return compact;
  return createHash("sha256").update(operationId).digest("hex").slice(0, 32);
}

/**
 * Runs `fn` with `operationId` as the active trace. In v3 the `ai.operation.id` tag comes from the
 * OpenTelemetry span context a log record is emitted in (exporter `logToEnvelope`); setting
 * `client.context.tags` has no effect after the client is initialised.
 */
export function inOperation(operationId: string | undefined, fn: () => void): void {
  const traceId = operationId === undefined ? undefined : traceIdFor(operationId);
  // traceFlags 1 = sampled.
  const context = traceId === undefined ? null : appInsights.startOperation({ traceId, spanId: traceId.slice(0, 16), traceFlags: 1 });
  if (context === null) fn();
  else appInsights.wrapWithCorrelationContext(fn, context)();
}

/** Maps a redacted item to the TelemetryClient call that sends it. */
export function appInsightsCall(item: TelemetryItem): AppInsightsCall {
  // operationId is also a custom dimension, so KQL can filter on the readable id.
  const operation = item.operationId === undefined ? {} : { operationId: item.operationId };
  switch (item.type) {
    case "event":
      return {
        track: "trackEvent",
        telemetry: {
          name: item.name,
          properties: { ...item.properties, ...operation },
          ...(item.measurements === undefined ? {} : { measurements: item.measurements }),
        },
      };
    case "metric":
      return {
        track: "trackMetric",
        telemetry: { name: item.name, value: item.value, properties: { ...item.properties, ...operation } },
      };
    case "exception": {
      // A fresh Error carries only redacted text; the original may hold a URL or a token.
      const exception = new Error(item.message);
      exception.name = item.errorClass;
      exception.stack = item.stack ?? `${item.errorClass}: ${item.message}`;
      return {
        track: "trackException",
        telemetry: { exception, properties: { ...item.properties, errorClass: item.errorClass, ...operation } },
      };
    }
  }
}

/**
 * The credential the SDK signs its exports with, from the Functions host's own setting
 * APPLICATIONINSIGHTS_AUTHENTICATION_STRING (`Authorization=AAD;ClientId=<client id>`). With local
 * authentication disabled on the component, ingestion takes only Entra tokens of a principal holding
 * Monitoring Metrics Publisher, so a leaked connection string cannot forge a "succeeded" run.
 * No string (or an empty one) means the connection string alone, as locally.
 */
export function ingestionCredential(authenticationString: string | undefined): TokenCredential | undefined {
  if (authenticationString === undefined || authenticationString.trim() === "") return undefined;
  const fields = new Map(
    authenticationString
      .split(";")
      .filter((part) => part.trim() !== "")
      .map((part) => {
        const [key = "", ...value] = part.split("=");
        return [key.trim().toLowerCase(), value.join("=").trim()] as const;
      }),
  );
  if (fields.get("authorization")?.toLowerCase() !== "aad") {
    throw new Error(
      "Setting APPLICATIONINSIGHTS_AUTHENTICATION_STRING must say Authorization=AAD (example: Authorization=AAD;ClientId=00000000-0000-0000-0000-000000000000); " +
        "leave it unset to send with the connection string alone.",
    );
  }
  const clientId = fields.get("clientid");
  // No ClientId: the system-assigned identity, as the host reads the same string.
  return clientId === undefined || clientId === "" ? new ManagedIdentityCredential() : new ManagedIdentityCredential({ clientId });
}

// The v3 client installs process-wide OpenTelemetry providers, so one client per connection string.
const clients = new Map<string, Client>();

/** The settings applied to a client before it starts; exported for tests, which cannot see an export's token. */
export function configureClient(client: Client, credential: TokenCredential | undefined): void {
  // HTTP auto-collection would record every request URL as a dependency, and a signed download
  // link carries its credential in the query string. The Functions host records requests already.
  client.config.enableAutoCollectDependencies = false;
  client.config.enableAutoCollectRequests = false;
  client.config.enableAutoCollectConsole = false;
  // An uncaught-exception hook would change process behaviour; failures are reported explicitly.
  client.config.enableAutoCollectExceptions = false;
  client.config.enableSendLiveMetrics = false;
  // Read at initialize(): the exporter takes it as its credential and sends a bearer token.
  if (credential !== undefined) client.config.aadTokenCredential = credential;
}

function clientFor(connectionString: string, credential: TokenCredential | undefined): Client {
  const existing = clients.get(connectionString);
  if (existing !== undefined) return existing;
  const client = new appInsights.TelemetryClient(connectionString);
  configureClient(client, credential);
  client.initialize();
  clients.set(connectionString, client);
  return client;
}

export function appInsightsSink(connectionString: string, credential?: TokenCredential) {
  const client = clientFor(connectionString, credential);
  return {
    send(item: TelemetryItem): void {
      const call = appInsightsCall(item);
      inOperation(item.operationId, () => {
        if (call.track === "trackEvent") client.trackEvent(call.telemetry);
        else if (call.track === "trackMetric") client.trackMetric(call.telemetry);
        else client.trackException(call.telemetry);
      });
    },
    flush: (): Promise<void> => client.flush(),
  };
}
