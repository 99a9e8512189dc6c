import { MalformedReportError } from "../ingest/index.js";
import type { ErrorSummary } from "./units.js";

// Signed URLs appear in some library messages (fetch errors name the URL): drop every query string.
const queryString = /(https?:\/\/[^\s?#"']+)\?[^\s"']*/g;

/** The class and message of a failure, safe to store, log and return from an activity. */
export function summarize(error: unknown): ErrorSummary {
  if (error instanceof MalformedReportError) {
    return { errorClass: error.name, message: clean(error.message), file: error.file, line: error.line };
  }
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (cause: ${error.cause.message})` : "";
    return { errorClass: error.name, message: clean(`${error.message}${cause}`) };
  }
  return { errorClass: "Error", message: clean(String(error)) };
}

function clean(message: string): string {
  return message.replace(queryString, "$1").slice(0, 2000);
}
