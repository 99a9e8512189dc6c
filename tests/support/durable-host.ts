// The host side of a Durable Functions orchestration in a Node worker, as far as the orchestrator
// can tell: each episode, the orchestration handler that durable-functions registers is called with
// the whole history in the host's wire format (PascalCase HistoryEvent JSON, ReplaySchema V3), and
// the actions it returns are replayed the way the Durable extension's OutOfProcOrchestrationShim
// does (Azure/azure-functions-durable-extension, Listener/OutOfProcOrchestrationShim.cs): one action
// after the other, each awaited to its end, a WhenAll like .NET's Task.WhenAll (it waits for every
// member), a retried call like DurableTask.Core's RetryInterceptor (a timer after every failed
// attempt, the last one included). Every task and timer takes the next EventId in the order the
// replay reaches it, and an event recorded under an id that the replay now gives to something else
// fails the instance as non-deterministic, as DurableTask.Core does.
import { InvocationContext } from "@azure/functions";
import { vi } from "vitest";

const eventType = {
  ExecutionStarted: 0,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
} as const;

/** ReplaySchema.V3 of durable-functions: the version that the extension's V3 replay reads. */
const replaySchemaV3 = 2;

interface HistoryEvent {
  EventType: number;
  EventId: number;
  IsPlayed: boolean;
  Timestamp: string;
  Name?: string;
  Input?: string;
  Result?: string;
  Reason?: string;
  Details?: string;
  TaskScheduledId?: number;
  TimerId?: number;
  FireAt?: string;
}

interface WireAction {
  actionType: number;
  functionName?: string;
  input?: unknown;
  retryOptions?: { firstRetryIntervalInMilliseconds: number; maxNumberOfAttempts: number; backoffCoefficient?: number };
  compoundActions?: WireAction[];
}

interface WireState {
  isDone: boolean;
  actions: WireAction[][];
  output?: unknown;
  error?: string;
  customStatus?: unknown;
}

export type OrchestrationHandler = (trigger: unknown, context: InvocationContext) => Promise<unknown>;

/** One attempt of an activity: what it returns or throws, and how long it takes. */
export type Attempt = { ok: true; result: unknown; seconds?: number } | { ok: false; message: string; seconds?: number };
/** How the activities behave: `attempt` counts the calls of this name with this input, from 1. */
export type Activities = (name: string, input: unknown, attempt: number) => Attempt;

interface Execution {
  name: string;
  input: unknown;
  attempt: number;
  eventId: number;
  outcome: "completed" | "failed";
}

export interface HostRun {
  runtimeStatus: "Completed" | "Failed" | "Running";
  /** Why the instance failed (the orchestrator's error, or the extension's non-determinism error). */
  failure?: string;
  output?: unknown;
  customStatus?: unknown;
  history: HistoryEvent[];
  episodes: number;
  /** Every activity execution, in the order they were dispatched. */
  executions: Execution[];
  /** The actions the orchestrator returned in its last episode, flattened. */
  actions: Array<{ functionName: string; input: unknown; retryOptions: unknown }>;
}

type Settle = { ok: true; value: unknown } | { ok: false; error: Error };

/** The extension's side of one episode: the replay of the orchestrator's actions against the history. */
class ExtensionReplay {
  private nextId = 0;
  readonly scheduled = new Map<number, { kind: "task"; name: string; input: unknown } | { kind: "timer"; fireAt: Date }>();
  private readonly waiting = new Map<number, (settle: Settle) => void>();
  now: Date;

  constructor(startedAt: Date) {
    this.now = startedAt;
  }

  scheduleTask(name: string, input: unknown): Promise<unknown> {
    const id = this.nextId++;
    this.scheduled.set(id, { kind: "task", name, input });
    return this.wait(id);
  }

  createTimer(fireAt: Date): Promise<unknown> {
    const id = this.nextId++;
    this.scheduled.set(id, { kind: "timer", fireAt });
    return this.wait(id);
  }

  settle(id: number, settle: Settle): void {
    this.waiting.get(id)?.(settle);
    this.waiting.delete(id);
  }

  private wait(id: number): Promise<unknown> {
    return new Promise((resolve, reject) => this.waiting.set(id, (settle) => (settle.ok ? resolve(settle.value) : reject(settle.error))));
  }
}

function invoke(replay: ExtensionReplay, action: WireAction): Promise<unknown> {
  switch (action.actionType) {
    case 0:
      return replay.scheduleTask(action.functionName!, action.input);
    case 1:
      return callWithRetry(replay, action);
    case 12: {
      // .NET's Task.WhenAll: every member runs to its end before the batch is over.
      const members = action.compoundActions!.map((member) => invoke(replay, member));
      return Promise.allSettled(members).then((settled) => {
        const failed = settled.find((member) => member.status === "rejected");
        if (failed !== undefined) throw failed.reason;
        return settled.map((member) => (member.status === "fulfilled" ? member.value : undefined));
      });
    }
    default:
      throw new Error(`The host model replays activities and Task.all only, not action type ${action.actionType}.`);
  }
}

/** DurableTask.Core's RetryInterceptor: attempt, and after each failure (the last one too) a timer. */
async function callWithRetry(replay: ExtensionReplay, action: WireAction): Promise<unknown> {
  const retry = action.retryOptions!;
  let lastError: unknown;
  for (let attempt = 0; attempt < retry.maxNumberOfAttempts; attempt++) {
    try {
      return await replay.scheduleTask(action.functionName!, action.input);
    } catch (error) {
      lastError = error;
    }
    const delay = retry.firstRetryIntervalInMilliseconds * (retry.backoffCoefficient ?? 1) ** attempt;
    await replay.createTimer(new Date(replay.now.getTime() + delay));
  }
  throw lastError;
}

const settleMicrotasks = () => new Promise((resolve) => setImmediate(resolve));

interface PendingEvent {
  at: number;
  order: number;
  event: Omit<HistoryEvent, "Timestamp" | "IsPlayed">;
}

/**
 * Runs an orchestration to its end on the host model: episode after episode, the activities'
 * results and the retry timers arriving in time order (those due at the same moment together), until
 * the instance completes, fails, or waits for something that will never come (Running).
 */
export async function runOnHost(
  handler: OrchestrationHandler,
  options: { instanceId: string; input: unknown; activities: Activities; startedAt: Date },
): Promise<HostRun> {
  const history: HistoryEvent[] = [];
  const pending: PendingEvent[] = [];
  const executions: Execution[] = [];
  const attempts = new Map<string, number>();
  let order = 0;
  const at = (time: number) => new Date(time).toISOString();
  const append = (time: number, event: Omit<HistoryEvent, "Timestamp" | "IsPlayed">) =>
    history.push({ ...event, Timestamp: at(time), IsPlayed: false });

  let time = options.startedAt.getTime();
  let arrived: Array<Omit<HistoryEvent, "Timestamp" | "IsPlayed">> = [
    { EventType: eventType.ExecutionStarted, EventId: -1, Name: "orchestrator", Input: JSON.stringify(options.input) },
  ];
  for (let episode = 1; episode <= 2000; episode++) {
    for (const event of history) event.IsPlayed = true;
    append(time, { EventType: eventType.OrchestratorStarted, EventId: -1 });
    for (const event of arrived) append(time, event);

    const state = await callHandler(handler, options.instanceId, options.input, history, episode);
    const actions = state.actions.length === 0 ? [] : state.actions[0]!;

    // The extension replays the actions while it feeds the history to them, event by event.
    const replay = new ExtensionReplay(options.startedAt);
    // An object, not a `let`: the flag is set inside the closure, where narrowing cannot follow it.
    const replayed = { done: false };
    let nonDeterministic: string | undefined;
    void (async () => {
      for (const action of actions) {
        try {
          await invoke(replay, action);
        } catch {
          // The orchestrator handles task failures itself; the replay goes on (as the shim does).
        }
      }
      replayed.done = true;
    })();
    await settleMicrotasks();
    const recorded = new Set<number>();
    for (const event of history) {
      switch (event.EventType) {
        case eventType.OrchestratorStarted:
          replay.now = new Date(event.Timestamp);
          break;
        case eventType.TaskScheduled:
        case eventType.TimerCreated: {
          const scheduled = replay.scheduled.get(event.EventId);
          const expected = event.EventType === eventType.TaskScheduled ? `task ${event.Name}` : "timer";
          const now = scheduled === undefined ? "nothing" : scheduled.kind === "task" ? `task ${scheduled.name}` : "timer";
          if (now !== expected)
            nonDeterministic ??= `Non-deterministic workflow detected: event ${event.EventId} was a ${expected} and the replay now has ${now} there.`;
          recorded.add(event.EventId);
          break;
        }
        case eventType.TaskCompleted:
          replay.settle(event.TaskScheduledId!, { ok: true, value: JSON.parse(event.Result ?? "null") });
          break;
        case eventType.TaskFailed:
          replay.settle(event.TaskScheduledId!, { ok: false, error: new Error(event.Reason) });
          break;
        case eventType.TimerFired:
          replay.settle(event.TimerId!, { ok: true, value: undefined });
          break;
      }
      await settleMicrotasks();
    }
    const flattened = actions.flatMap(flatten);
    const finish = (runtimeStatus: HostRun["runtimeStatus"], extra: Partial<HostRun> = {}): HostRun => ({
      runtimeStatus,
      customStatus: state.customStatus,
      history,
      episodes: episode,
      executions,
      actions: flattened,
      ...extra,
    });
    if (nonDeterministic !== undefined) return finish("Failed", { failure: nonDeterministic });
    if (replayed.done && state.error !== undefined) return finish("Failed", { failure: state.error });
    if (replayed.done && state.isDone) return finish("Completed", { output: state.output });

    // What the replay scheduled beyond the history goes out now: activities run, timers start.
    for (const [id, scheduled] of replay.scheduled) {
      if (recorded.has(id)) continue;
      if (scheduled.kind === "timer") {
        append(time, { EventType: eventType.TimerCreated, EventId: id, FireAt: scheduled.fireAt.toISOString() });
        pending.push({
          at: scheduled.fireAt.getTime(),
          order: order++,
          event: { EventType: eventType.TimerFired, EventId: -1, TimerId: id, FireAt: scheduled.fireAt.toISOString() },
        });
        continue;
      }
      append(time, { EventType: eventType.TaskScheduled, EventId: id, Name: scheduled.name });
      const key = `${scheduled.name} ${JSON.stringify(scheduled.input)}`;
      const attempt = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, attempt);
      const input: unknown = scheduled.input === undefined ? undefined : JSON.parse(JSON.stringify(scheduled.input));
      const result = options.activities(scheduled.name, input, attempt);
      executions.push({ name: scheduled.name, input, attempt, eventId: id, outcome: result.ok ? "completed" : "failed" });
      pending.push({
        at: time + (result.seconds ?? 1) * 1000,
        order: order++,
        event: result.ok
          ? { EventType: eventType.TaskCompleted, EventId: -1, TaskScheduledId: id, Result: JSON.stringify(result.result ?? null) }
          : {
              EventType: eventType.TaskFailed,
              EventId: -1,
              TaskScheduledId: id,
              Reason: result.message,
              Details: `${result.message}\n    at activity ${scheduled.name}`,
            },
      });
    }
    append(time, { EventType: eventType.OrchestratorCompleted, EventId: -1 });

    if (pending.length === 0) return finish("Running");
    pending.sort((a, b) => a.at - b.at || a.order - b.order);
    time = pending[0]!.at;
    arrived = [];
    while (pending.length > 0 && pending[0]!.at === time) arrived.push(pending.shift()!.event);
  }
  throw new Error("The orchestration ran 2000 episodes without ending.");
}

async function callHandler(
  handler: OrchestrationHandler,
  instanceId: string,
  input: unknown,
  history: HistoryEvent[],
  episode: number,
): Promise<WireState> {
  const trigger: unknown = JSON.parse(
    JSON.stringify({
      history,
      input,
      instanceId,
      isReplaying: false,
      parentInstanceId: null,
      upperSchemaVersion: replaySchemaV3,
      upperSchemaVersionNew: replaySchemaV3,
      longRunningTimerIntervalDuration: "3.00:00:00",
      maximumShortTimerDuration: "6.00:00:00",
      defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
    }),
  );
  const context = new InvocationContext({ functionName: "orchestrator", invocationId: `episode-${episode}` });
  try {
    return JSON.parse(JSON.stringify(await handler(trigger, context))) as WireState;
  } catch (error) {
    // durable-functions reports a failed orchestrator as an error carrying the state (OrchestrationFailureError).
    const message = error instanceof Error ? error.message : String(error);
    const label = "$OutOfProcData$:";
    const index = message.indexOf(label);
    if (index < 0) throw error;
    return JSON.parse(message.slice(index + label.length)) as WireState;
  }
}

function flatten(action: WireAction): Array<{ functionName: string; input: unknown; retryOptions: unknown }> {
  if (action.compoundActions !== undefined) return action.compoundActions.flatMap(flatten);
  return [{ functionName: action.functionName!, input: action.input, retryOptions: action.retryOptions }];
}

/**
 * The handler durable-functions hands the Functions host for an orchestration: what `register`
 * passes to df.app.orchestration, wrapped by the library, captured instead of reaching the (absent) host.
 */
export async function registeredHandler(register: () => unknown): Promise<OrchestrationHandler> {
  const { app } = await import("@azure/functions");
  const captured: OrchestrationHandler[] = [];
  const generic = vi
    .spyOn(app, "generic")
    .mockImplementation((_name, options) => void captured.push(options.handler as OrchestrationHandler));
  try {
    await register();
  } finally {
    generic.mockRestore();
  }
  if (captured.length !== 1) throw new Error(`Expected one orchestration registration, got ${captured.length}.`);
  return captured[0]!;
}
