import type { telemetryEvents, telemetryMetrics } from "./names.js";
import { redact } from "./redact.js";

export type TelemetryEventName = (typeof telemetryEvents)[keyof typeof telemetryEvents];
export type TelemetryMetricName = (typeof telemetryMetrics)[keyof typeof telemetryMetrics];

export type ExceptionProperties = { unit?: string; errorClass?: string; operationId?: string };

/** One telemetry call, redacted: the console line, and the input to the App Insights mapping. */
export type TelemetryItem =
  | {
      type: "event";
      name: TelemetryEventName;
      operationId?: string;
      properties: Record<string, string | number | boolean>;
      measurements?: Record<string, number>;
    }
  | {
      type: "metric";
      name: TelemetryMetricName;
      value: number;
      operationId?: string;
      properties?: Record<string, string>;
    }
  | {
      type: "exception";
      errorClass: string;
      message: string;
      operationId?: string;
      properties: { unit?: string };
      /** Sent to App Insights, left out of console lines. */
      stack?: string;
    };

type Properties = Record<string, string | number | boolean>;

function redactProperties(values: Properties): Properties {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, typeof value === "string" ? redact(value) : value]));
}

function redactStrings(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, redact(value)]));
}

export function eventItem(
  name: TelemetryEventName,
  properties: Record<string, string | number | boolean>,
  measurements: Record<string, number> | undefined,
  operationId: string | undefined,
): TelemetryItem {
  return {
    type: "event",
    name,
    ...(operationId === undefined ? {} : { operationId }),
    properties: redactProperties(properties),
    ...(measurements === undefined ? {} : { measurements }),
  };
}

export function metricItem(
  name: TelemetryMetricName,
  value: number,
  properties: Record<string, string> | undefined,
  operationId: string | undefined,
): TelemetryItem {
  return {
    type: "metric",
    name,
    value,
    ...(operationId === undefined ? {} : { operationId }),
    ...(properties === undefined ? {} : { properties: redactStrings(properties) }),
  };
}

export function exceptionItem(error: unknown, properties: ExceptionProperties, operationId: string | undefined): TelemetryItem {
  const isError = error instanceof Error;
  const operation = properties.operationId ?? operationId;
  return {
    type: "exception",
    errorClass: properties.errorClass ?? (isError ? error.name : typeof error),
    message: redact(isError ? error.message : String(error)),
    ...(operation === undefined ? {} : { operationId: operation }),
    properties: properties.unit === undefined ? {} : { unit: redact(properties.unit) },
    // The first line of a stack repeats the message, so it is redacted too.
    ...(isError && error.stack !== undefined ? { stack: redact(error.stack) } : {}),
  };
}
