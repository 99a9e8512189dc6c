// A small model of how Durable Functions runs an orchestrator: every time something completes,
// the orchestrator function runs again from the start and is fed the recorded results of what it
// scheduled before (replay), in the order it scheduled it; the first task without a result ends
// the episode, and its new actions are executed. Retries follow the action's RetryOptions.
// durable-functions v3 ships no test harness for this (reference/azure.md §1.10).
import { createRequire } from "node:module";
import { InvocationContext } from "@azure/functions";
import * as df from "durable-functions";

export type Orchestrator = (context: df.OrchestrationContext) => Generator<df.Task, unknown, unknown>;

/** One attempt of an activity: its result or the message it failed with. */
export type Attempt = { ok: true; result: unknown } | { ok: false; message: string };

/** The recorded history of one scheduled activity, in schedule order. */
export interface HistoryEntry {
  name: string;
  attempts: Attempt[];
}

export interface ScheduledActivity {
  name: string;
  input: unknown;
  /** The RetryOptions object the orchestrator passed, as Durable would serialise it. */
  retry: df.RetryOptions | undefined;
}

export type Outcome = { state: "waiting" } | { state: "completed"; output: unknown } | { state: "failed"; message: string };

export interface Episode {
  actions: ScheduledActivity[];
  /** Every setCustomStatus value of the episode, in order; Durable keeps the last one. */
  statuses: unknown[];
  outcome: Outcome;
}

class FakeTask implements df.Task {
  isCompleted = false;
  isFaulted = false;
  constructor(
    readonly kind: "activity" | "all",
    readonly id: number,
    readonly children: FakeTask[] = [],
  ) {}
}

type Resolution = { state: "pending" } | { state: "ok"; result: unknown } | { state: "failed"; message: string };

/** Runs the orchestrator once over `history`, as one Durable episode (replay, then new actions). */
export function replay(orchestrator: Orchestrator, input: unknown, history: readonly HistoryEntry[], startedAt: Date): Episode {
  const actions: ScheduledActivity[] = [];
  const statuses: unknown[] = [];
  let consumed = 0;

  const schedule = (name: string, activityInput: unknown, retry: df.RetryOptions | undefined): FakeTask => {
    const id = actions.length;
    const recorded = history[id];
    if (recorded !== undefined && recorded.name !== name) {
      // What Durable reports as "Non-Deterministic workflow detected".
      throw new Error(`Non-deterministic orchestrator: action ${id} was ${recorded.name} and is now ${name}.`);
    }
    actions.push({ name, input: JSON.parse(JSON.stringify(activityInput ?? null)), retry });
    return new FakeTask("activity", id);
  };

  const durable = {
    instanceId: "collect-2026-11-25",
    isReplaying: false,
    getInput: () => JSON.parse(JSON.stringify(input)),
    // Durable's clock is the time of the history event being replayed: the same on every replay.
    get currentUtcDateTime() {
      return new Date(startedAt.getTime() + consumed * 1000);
    },
    callActivity: (name: string, activityInput?: unknown) => schedule(name, activityInput, undefined),
    callActivityWithRetry: (name: string, retry: df.RetryOptions, activityInput?: unknown) => schedule(name, activityInput, retry),
    Task: {
      all: (tasks: df.Task[]) => {
        // durable-functions 3.5 CompoundTask refuses an empty list.
        if (tasks.length === 0) throw new Error("When constructing a CompoundTask, you must specify at least one Task.");
        return new FakeTask("all", -1, tasks.map(asFake));
      },
    },
    setCustomStatus: (status: unknown) => void statuses.push(JSON.parse(JSON.stringify(status))),
  };
  const context = Object.assign(new InvocationContext({ functionName: "collectOrchestrator" }), { df: durable });

  const resolveActivity = (task: FakeTask): Resolution => {
    const attempts = history[task.id]?.attempts ?? [];
    const allowed = actions[task.id]?.retry?.maxNumberOfAttempts ?? 1;
    const tried = attempts.slice(0, allowed);
    const success = tried.find((attempt) => attempt.ok);
    if (success?.ok === true) return { state: "ok", result: success.result };
    const last = tried.at(-1);
    if (tried.length >= allowed && last?.ok === false) return { state: "failed", message: last.message };
    return { state: "pending" };
  };
  const resolve = (task: FakeTask): Resolution => {
    if (task.kind === "activity") return resolveActivity(task);
    const children = task.children.map(resolve);
    // Task.all fails fast on the first failed child.
    const failed = children.find((child) => child.state === "failed");
    if (failed !== undefined) return failed;
    if (children.some((child) => child.state === "pending")) return { state: "pending" };
    return { state: "ok", result: children.map((child) => (child.state === "ok" ? child.result : undefined)) };
  };

  // The orchestrator is the context's only consumer, but TypeScript wants the full Durable type.
  const generator = orchestrator(context as unknown as df.OrchestrationContext);
  let step: IteratorResult<df.Task, unknown>;
  try {
    step = generator.next();
    while (!step.done) {
      const resolution = resolve(asFake(step.value));
      if (resolution.state === "pending") return { actions, statuses, outcome: { state: "waiting" } };
      consumed++;
      step = resolution.state === "ok" ? generator.next(resolution.result) : generator.throw(new Error(resolution.message));
    }
  } catch (error) {
    return { actions, statuses, outcome: { state: "failed", message: error instanceof Error ? error.message : String(error) } };
  }
  return { actions, statuses, outcome: { state: "completed", output: JSON.parse(JSON.stringify(step.value ?? null)) } };
}

export type ActivityScript = (name: string, input: unknown, attempt: number) => Attempt;

/**
 * Runs an orchestration to its end the way the Durable engine does: replay, execute what the
 * episode left pending (one attempt per action per episode), record the results, replay again.
 * Returns every episode and the final history.
 */
export function runToCompletion(orchestrator: Orchestrator, input: unknown, activities: ActivityScript, startedAt: Date): { episodes: Episode[]; history: HistoryEntry[] } {
  const history: HistoryEntry[] = [];
  const episodes: Episode[] = [];
  for (let round = 0; round < 1000; round++) {
    const episode = replay(orchestrator, input, history, startedAt);
    episodes.push(episode);
    if (episode.outcome.state !== "waiting") return { episodes, history };
    episode.actions.forEach((action, id) => {
      const entry = history[id] ?? { name: action.name, attempts: [] };
      history[id] = entry;
      const allowed = action.retry?.maxNumberOfAttempts ?? 1;
      const done = entry.attempts.some((attempt) => attempt.ok) || entry.attempts.length >= allowed;
      if (!done) entry.attempts.push(activities(action.name, action.input, entry.attempts.length + 1));
    });
  }
  throw new Error("The orchestration did not finish within 1000 episodes.");
}

/** The waits Durable puts between an action's attempts: first interval × coefficient^(n-1). */
export function retryDelays(action: ScheduledActivity, failedAttempts: number): number[] {
  const retry = action.retry;
  if (retry === undefined) return [];
  const retries = Math.min(failedAttempts, retry.maxNumberOfAttempts - 1);
  return Array.from({ length: retries }, (_, n) => retry.firstRetryIntervalInMilliseconds * retry.backoffCoefficient ** n);
}

function asFake(task: df.Task): FakeTask {
  if (!(task instanceof FakeTask)) throw new Error("The orchestrator yielded a task the engine did not create.");
  return task;
}

// The real engine of durable-functions 3.5, reached through its internal modules: the package
// exports no replay entry point (reference/azure.md §1.6). Used to check the model above against it.
const internal = createRequire(import.meta.url);
const { DurableOrchestrationInput, DummyOrchestrationContext } = internal("durable-functions/lib/src/util/testingUtils.js");
const { HistoryEventOptions } = internal("durable-functions/lib/src/history/HistoryEventOptions.js");
const { OrchestratorStartedEvent } = internal("durable-functions/lib/src/history/OrchestratorStartedEvent.js");
const { ExecutionStartedEvent } = internal("durable-functions/lib/src/history/ExecutionStartedEvent.js");
const { TaskScheduledEvent } = internal("durable-functions/lib/src/history/TaskScheduledEvent.js");
const { TaskCompletedEvent } = internal("durable-functions/lib/src/history/TaskCompletedEvent.js");

/** What the engine answers the extension after an episode (OrchestratorState). */
export interface EngineState {
  isDone: boolean;
  actions: Array<Array<{ functionName: string; input: unknown; retryOptions?: unknown }>>;
  output: unknown;
  customStatus: unknown;
}

export type EngineHandler = (trigger: unknown, context: unknown) => Promise<EngineState>;

/**
 * Runs a registered orchestration handler (as durable-functions wraps it for the host) through
 * the real engine, feeding it a history the way the extension does, until it completes. Only
 * successful activities: the extension's retry timers are not modelled here.
 */
export async function runOnRealEngine(handler: EngineHandler, instanceId: string, input: unknown, activities: ActivityScript, startedAt: Date): Promise<EngineState[]> {
  let eventId = 0;
  const options = (at: Date) => new HistoryEventOptions(eventId++, at);
  const history: unknown[] = [new OrchestratorStartedEvent(options(startedAt)), new ExecutionStartedEvent({ ...options(startedAt), name: "collectOrchestrator", input: JSON.stringify(input) })];
  const states: EngineState[] = [];
  let completed = 0;
  for (let episode = 1; episode < 1000; episode++) {
    const state = await handler(new DurableOrchestrationInput(instanceId, history, input), new DummyOrchestrationContext("collectOrchestrator", `invocation-${episode}`, () => undefined));
    states.push(state);
    if (state.isDone) return states;
    const actions = state.actions.flat();
    const at = new Date(startedAt.getTime() + episode * 1000);
    history.push(new OrchestratorStartedEvent(options(at)));
    for (let task = completed; task < actions.length; task++) {
      const action = actions[task]!;
      const attempt = activities(action.functionName, JSON.parse(JSON.stringify(action.input ?? null)), 1);
      if (!attempt.ok) throw new Error(`runOnRealEngine models successful activities only; ${action.functionName} failed.`);
      history.push(new TaskScheduledEvent({ ...options(at), name: action.functionName }));
      history.push(new TaskCompletedEvent({ ...options(at), taskScheduledId: task, result: JSON.stringify(attempt.result) }));
    }
    completed = actions.length;
  }
  throw new Error("The orchestration did not finish within 1000 episodes.");
}
