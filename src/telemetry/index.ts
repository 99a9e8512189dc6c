import { appInsightsSink, ingestionCredential } from "./app-insights.js";
import {
  eventItem,
  exceptionItem,
  metricItem,
  type ExceptionProperties,
  type TelemetryEventName,
  type TelemetryItem,
  type TelemetryMetricName,
} from "./telemetry-item.js";

export { telemetryEvents, telemetryMetrics } from "./names.js";
export { redact, registerSecret } from "./redact.js";
export { rateLimitWindow } from "./rate-limit-window.js";

export interface Telemetry {
  event(name: TelemetryEventName, properties: Record<string, string | number | boolean>, measurements?: Record<string, number>): void;
  metric(name: TelemetryMetricName, value: number, properties?: Record<string, string>): void;
  exception(error: unknown, properties: ExceptionProperties): void;
  /** The same telemetry with every item tied to `operationId` (a run's orchestration instance id). */
  withOperation(operationId: string): Telemetry;
  flush(): Promise<void>;
}

type Sink = { send(item: TelemetryItem): void; flush(): Promise<void> };

function consoleSink(log: (line: string) => void): Sink {
  return {
    send(item) {
      // A stack is noise on a console; App Insights keeps it.
      const line = item.type === "exception" ? { ...item, stack: undefined } : item;
      log(JSON.stringify(line));
    },
    flush: async () => {},
  };
}

function telemetryOn(sink: Sink, operationId: string | undefined): Telemetry {
  return {
    event: (name, properties, measurements) => sink.send(eventItem(name, properties, measurements, operationId)),
    metric: (name, value, properties) => sink.send(metricItem(name, value, properties, operationId)),
    exception: (error, properties) => sink.send(exceptionItem(error, properties, operationId)),
    withOperation: (id) => telemetryOn(sink, id),
    flush: () => sink.flush(),
  };
}

/**
 * App Insights when a connection string is given (APPLICATIONINSIGHTS_CONNECTION_STRING), else one
 * JSON line per call. Every string property and exception message is redacted first. With an
 * authentication string (APPLICATIONINSIGHTS_AUTHENTICATION_STRING, as in Azure) the exports carry
 * the managed identity's Entra token, which a component with local authentication disabled requires.
 */
export function createTelemetry(options: {
  connectionString?: string | undefined;
  authenticationString?: string | undefined;
  log?: (line: string) => void;
}): Telemetry {
  // An empty setting means none, as an unset app setting often arrives as "".
  const sink =
    options.connectionString === undefined || options.connectionString === ""
      ? consoleSink(options.log ?? ((line) => console.log(line)))
      : appInsightsSink(options.connectionString, ingestionCredential(options.authenticationString));
  return telemetryOn(sink, undefined);
}
