export type PublishOperation = "put" | "remove" | "list";

/**
 * A file could not be published. The message names the file and the HTTP status; it never carries a
 * token, a header or an upload-session URL (whose query string is a credential).
 */
export class PublishError extends Error {
  override readonly name = "PublishError";
  readonly operation: PublishOperation;
  /** The file (or, for `list`, the folder) relative to the sink's folder. */
  readonly path: string;
  /** HTTP status of the failing response; undefined when no response arrived. */
  readonly status: number | undefined;
  /** Graph's error code (`accessDenied`, `itemNotFound`, ...) when the response had one. */
  readonly code: string | undefined;

  constructor(
    message: string,
    details: {
      operation: PublishOperation;
      path: string;
      status?: number | undefined;
      code?: string | undefined;
      cause?: unknown;
    },
  ) {
    super(message, { cause: details.cause });
    this.operation = details.operation;
    this.path = details.path;
    this.status = details.status;
    this.code = details.code;
  }
}
