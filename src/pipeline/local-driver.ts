import type { OrchestrationContext, RetryPolicy, Task } from "./orchestration-context.js";
import type { Activity } from "./activities/entry.js";

type LocalTask = ({ kind: "activity"; name: string; input: unknown; retry?: RetryPolicy } | { kind: "all"; tasks: LocalTask[] }) & {
  /** Set when the task first runs: a task yielded again (a member of a failed Task.all) is not run twice. */
  running?: Promise<unknown>;
};

export interface LocalDriverOptions {
  activities: Record<string, Activity>;
  /** Activities running at once, as the Functions host's maxConcurrentActivityFunctions. */
  concurrency: number;
  /** The clock the orchestrator sees, read each time it resumes (Durable's: when the history it replays reached). */
  now?: () => Date;
  onStatus?: (status: unknown) => void;
  /** Shrinks the retry policy's waits (tests). */
  retryDelayScale?: number;
  /**
   * Once aborted (Ctrl-C), activities not yet started are refused with the signal's reason, except
   * those named in `runAfterAbort` (the run's record); the ones in flight finish first.
   */
  signal?: AbortSignal;
  runAfterAbort?: readonly string[];
}

/**
 * Runs an orchestrator generator in-process with Durable Functions' semantics, so the CLI and the
 * tests drive the production code path: inputs and outputs cross a JSON round trip, Task.all
 * fails fast on the first failure and refuses an empty list, retries follow the policy, and the
 * orchestrator's clock is the time its last awaited task finished, as Durable's is the time of the
 * history event it replays up to.
 */
export async function runLocally<T>(
  orchestrator: (context: OrchestrationContext) => Generator<Task, T, unknown>,
  input: unknown,
  options: LocalDriverOptions,
): Promise<T> {
  const now = options.now ?? (() => new Date());
  let current = now();
  const limiter = createLimiter(options.concurrency);
  const refused = (name: string) => options.signal?.aborted === true && options.runAfterAbort?.includes(name) !== true;
  const context: OrchestrationContext = {
    df: {
      getInput: () => roundTrip(input),
      get currentUtcDateTime() {
        return current;
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

  const run = (task: LocalTask): Promise<unknown> =>
    (task.running ??= task.kind === "all" ? Promise.all(task.tasks.map(run)) : attempt(task));
  const attempt = async (task: LocalTask & { kind: "activity" }): Promise<unknown> => {
    const activity = options.activities[task.name];
    if (activity === undefined) throw new Error(`No activity named "${task.name}" is registered.`);
    const attempts = task.retry?.maxNumberOfAttempts ?? 1;
    let delay = (task.retry?.firstRetryIntervalInMilliseconds ?? 0) * (options.retryDelayScale ?? 1);
    for (let tried = 1; ; tried++) {
      try {
        return roundTrip(
          await limiter(() => {
            if (refused(task.name)) throw options.signal?.reason;
            return activity(roundTrip(task.input));
          }),
        );
      } catch (error) {
        if (tried >= attempts || refused(task.name)) throw error;
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
    // A stopped batch fails at its first refused unit: the generator goes on once the units in flight are done.
    if (options.signal?.aborted === true) await limiter.idle();
    current = now();
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
  const idle: Array<() => void> = [];
  const run = async <T>(work: () => Promise<T>): Promise<T> => {
    if (running >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await work();
    } finally {
      running--;
      waiting.shift()?.();
      if (running === 0 && waiting.length === 0) for (const resolve of idle.splice(0)) resolve();
    }
  };
  /** Resolves when nothing runs or waits. */
  run.idle = () => (running === 0 && waiting.length === 0 ? Promise.resolve() : new Promise<void>((resolve) => idle.push(resolve)));
  return run;
}
