import type { z } from "zod";
import type { Failure } from "../units.js";
import type { PipelineDependencies } from "./dependencies.js";

/** An activity as the Functions host and the local driver call it: JSON in, JSON out. */
export type Activity = (input: unknown) => Promise<unknown>;

/** One activity's contract and its function. */
export interface ActivityEntry<I extends z.ZodType, O extends z.ZodType> {
  /** The name it is registered and called by; running instances replay against it, so it never changes. */
  readonly name: string;
  readonly input: I;
  readonly output: O;
  /** The unit name its failures are reported under, as progress and telemetry show them; none: not a unit of its own. */
  readonly label?: (input: z.output<I>) => string;
  /**
   * A unit's activity answers every fault with `{ ok: false, error }` (Task.all fails fast, and one
   * unit must not sink its siblings), invalid input too; a step of the run itself throws.
   */
  readonly unit: boolean;
  readonly create: (deps: PipelineDependencies) => (input: z.output<I>) => Promise<z.output<O>>;
}

/** An entry of the table, with its input checked: what crossed the orchestrator boundary is parsed once, here. */
export interface TableEntry<I extends z.ZodType, O extends z.ZodType> extends ActivityEntry<I, O> {
  /** The activity built from the dependencies, taking the JSON the orchestrator sent. */
  activity(deps: PipelineDependencies): Activity;
}

export function defineActivity<I extends z.ZodType, O extends z.ZodType>(entry: ActivityEntry<I, O>): TableEntry<I, O> {
  return {
    ...entry,
    activity: (deps) => {
      const run = entry.create(deps);
      return async (input) => {
        const parsed = entry.input.safeParse(input);
        if (parsed.success) return run(parsed.data);
        if (!entry.unit) throw parsed.error;
        const invalid: Failure = { ok: false, error: { errorClass: "InvalidUnit", message: parsed.error.message } };
        return invalid;
      };
    },
  };
}
