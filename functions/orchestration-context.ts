import * as df from "durable-functions";
import type { OrchestrationContext, RetryPolicy, Task } from "../src/pipeline/index.js";

/** The orchestrator's retry policy as Durable's RetryOptions; the extension schedules the retries. */
function retryOptions(policy: RetryPolicy): df.RetryOptions {
  const options = new df.RetryOptions(policy.firstRetryIntervalInMilliseconds, policy.maxNumberOfAttempts);
  options.backoffCoefficient = policy.backoffCoefficient;
  return options;
}

/**
 * An orchestrator written against the pipeline's OrchestrationContext port, as a Durable
 * orchestration handler: Durable's context behind the port, and every task the orchestrator
 * yields handed back to Durable as the task Durable created.
 */
export function durableOrchestrator<T>(orchestrator: (context: OrchestrationContext) => Generator<Task, T, unknown>) {
  return function* (context: df.OrchestrationContext): Generator<df.Task, T, unknown> {
    const durable = context.df;
    const issued = new WeakMap<Task, df.Task>();
    const issue = (task: df.Task): Task => {
      issued.set(task, task);
      return task;
    };
    const durableTask = (task: Task): df.Task => {
      const created = issued.get(task);
      if (created === undefined) throw new Error("The orchestrator yielded a task that Durable Functions did not create.");
      return created;
    };
    const port: OrchestrationContext = {
      df: {
        getInput: () => durable.getInput<unknown>(),
        get currentUtcDateTime() {
          return durable.currentUtcDateTime;
        },
        callActivity: (name, input) => issue(durable.callActivity(name, input)),
        callActivityWithRetry: (name, retry, input) => issue(durable.callActivityWithRetry(name, retryOptions(retry), input)),
        Task: { all: (tasks) => issue(durable.Task.all(tasks.map(durableTask))) },
        setCustomStatus: (status) => durable.setCustomStatus(status),
      },
    };
    const inner = orchestrator(port);
    let step = inner.next();
    while (!step.done) {
      let result: unknown;
      try {
        result = yield durableTask(step.value);
      } catch (error) {
        // A failed task (after its retries) is thrown at the orchestrator's yield, as Durable does.
        step = inner.throw(error);
        continue;
      }
      step = inner.next(result);
    }
    return step.value;
  };
}
