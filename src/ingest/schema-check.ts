import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { z } from "zod";

// The schemas are zod's output, not hand-written: checking them against the JSON Schema meta-schema
// would only add a third to the compile time. Strict mode still refuses a keyword ajv does not know.
const ajv = new Ajv2020({ allowUnionTypes: true, validateSchema: false });

/**
 * A zod schema compiled to a JSON Schema validator: the same rules, checked without building the
 * parsed copy zod makes of every object. On a users report that copy is most of the validation's
 * cost (0.7 s of CPU per 100,000 users, against 0.02 s here). It only accepts or refuses; zod stays
 * the definition, and explains a refusal. Compiled on first use (about 50 ms), not when a process
 * that never ingests starts.
 */
export function schemaCheck<T>(schema: z.ZodType<T>): (value: unknown) => value is T {
  let compiled: ValidateFunction<T> | undefined;
  return (value): value is T => {
    // "input": what is accepted, and no closed objects: unknown fields pass, as GitHub adds them.
    compiled ??= ajv.compile<T>(withNullableTypes(z.toJSONSchema(schema, { io: "input" })));
    return compiled(value);
  };
}

/**
 * zod writes a nullish field with a bound (`z.number().int().min(0).nullish()`) as
 * `anyOf: [{type: "integer", minimum: 0, …}, {type: "null"}]`. Under draft 2020-12 ajv tries every
 * branch of an anyOf (it tracks evaluated properties) and builds an error object for each branch
 * that fails: the "must be null" of every counter that has a value. That made the check 60 times
 * slower (1.5 s of CPU per 100,000 users against 0.025 s). `{type: ["integer", "null"], minimum: 0}`
 * accepts exactly the same values, since a bound, a pattern or a property list applies only to values
 * of its own type, so the branch is folded into its type where it holds only such keywords.
 */
function withNullableTypes(schema: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, nullableAsType(value)]));
}

function nullableAsType(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullableAsType);
  if (!isObject(node)) return node;
  const folded = withNullableTypes(node);
  const branches = folded["anyOf"];
  if (Object.keys(folded).length !== 1 || !Array.isArray(branches) || branches.length !== 2) return folded;
  const nullAt = branches.findIndex((branch) => isObject(branch) && Object.keys(branch).length === 1 && branch["type"] === "null");
  const other: unknown = branches[1 - nullAt];
  if (
    nullAt === -1 ||
    !isObject(other) ||
    typeof other["type"] !== "string" ||
    !Object.keys(other).every((key) => ownTypeKeywords.has(key))
  )
    return folded;
  return { ...other, type: [other["type"], "null"] };
}

/** Keywords that constrain only values of the schema's own type and pass any other value. */
const ownTypeKeywords = new Set([
  "type",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "prefixItems",
  "minItems",
  "maxItems",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "pattern",
  "minLength",
  "maxLength",
  "format",
]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
