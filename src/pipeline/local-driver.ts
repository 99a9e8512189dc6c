import type { OrchestrationContext, RetryPolicy, Task } from "./orchestration-context.js";
import type { Activity } from "./activities/index.js";

type LocalTask =
  | { kind: "activity"; name: string; input: unknown; retry?: RetryPolicy }
  | { kind: "all"; tasks: LocalTask[] };

export interface LocalDriverOptions {
  activities: Record<string, Activity>;
  /** Activities running at once, as the Functions host's maxConcurrentActivityFunctions. */
  concurrency: number;
  now?: () => Date;
  onStatus?: (status: unknown) => void;
  /** Shrinks the retry policy's waits (tests). */
  retryDelayScale?: number;
}

/**
 * Runs an orchestrator generator in-process with Durable Functions' semantics, so the CLI and the
 * tests drive the production code path: inputs and outputs cross a JSON round trip, Task.all
 * fails fast on the first failure and refuses an empty list, retries follow the policy.
 */
export async function runLocally<T>(
  orchestrator: (context: OrchestrationContext) => Generator<Task, T, unknown>,
  input: unknown,
  options: LocalDriverOptions,
): Promise<T> {
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const limiter = createLimiter(options.concurrency);
  const context: OrchestrationContext = {
    df: {
      getInput: () => roundTrip(input),
      get currentUtcDateTime() {
        return startedAt;
      },
      callActivity: (name, activityInput) => asTask({ kind: "activity", name, input: activityInput }),
      callActivityWithRetry: (name, retry, activityInput) => asTask({ kind: "activity", name, input: activityInput, retry }),
      Task: {
        all: (tasks) => {
          if (tasks.length === 0) throw new Error("Task.all was given an empty list (Durable Functions refuses it too).");
          return asTask({ kind: "all", tasks: tasks.map(fromTask) });
        },
      },
      setCustomStatus: (status) => options.onStatus?.(roundTrip(status)),
    },
  };

  const run = async (task: LocalTask): Promise<unknown> => {
    if (task.kind === "all") return Promise.all(task.tasks.map(run));
    const activity = options.activities[task.name];
    if (activity === undefined) throw new Error(`No activity named "${task.name}" is registered.`);
    const attempts = task.retry?.maxNumberOfAttempts ?? 1;
    let delay = (task.retry?.firstRetryIntervalInMilliseconds ?? 0) * (options.retryDelayScale ?? 1);
    for (let attempt = 1; ; attempt++) {
      try {
        return roundTrip(await limiter(() => activity(roundTrip(task.input))));
      } catch (error) {
        if (attempt >= attempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay *= task.retry?.backoffCoefficient ?? 1;
      }
    }
  };

  const generator = orchestrator(context);
  let step = generator.next();
  while (!step.done) {
    let result: unknown;
    let failure: { error: unknown } | undefined;
    try {
      result = await run(fromTask(step.value));
    } catch (error) {
      failure = { error };
    }
    step = failure === undefined ? generator.next(result) : generator.throw(failure.error);
  }
  return step.value;
}

function asTask(task: LocalTask): Task {
  return task as Task;
}

function fromTask(task: Task): LocalTask {
  return task as LocalTask;
}

function roundTrip(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

function createLimiter(concurrency: number) {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (running >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await work();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
