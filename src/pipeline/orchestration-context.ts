// The part of the durable-functions v3 orchestration context the orchestrator uses. The Azure
// adapter passes Durable's own context (with the retry policy turned into df.RetryOptions); the
// local driver implements the same semantics in-process.

/** An opaque scheduled task: only ever yielded back to the engine. */
export interface Task {
  readonly isCompleted?: boolean;
}

export interface RetryPolicy {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient: number;
}

export interface OrchestrationContext {
  df: {
    getInput(): unknown;
    readonly currentUtcDateTime: Date;
    callActivity(name: string, input?: unknown): Task;
    callActivityWithRetry(name: string, retry: RetryPolicy, input?: unknown): Task;
    /**
     * Fails as soon as one task has failed (after its retries) while the others may still run;
     * throws on an empty list. A task of the list may be yielded again on its own, which waits
     * for it without scheduling it twice.
     */
    Task: { all(tasks: Task[]): Task };
    setCustomStatus(status: unknown): void;
  };
}
