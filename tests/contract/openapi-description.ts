import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";

// GitHub's OpenAPI descriptions as shipped in @octokit/openapi: ghec.json is the authority (the
// collector talks to GitHub Enterprise Cloud); api.github.com.json only for the paths ghec.json
// lacks (the organization billing-usage paths, a disagreement between the two descriptions).

const require = createRequire(import.meta.url);
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function load(file: string): JsonObject {
  const parsed: unknown = JSON.parse(readFileSync(require.resolve(`@octokit/openapi/generated/${file}`), "utf8"));
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error(`${file} is not an OpenAPI description.`);
  return parsed as JsonObject;
}

export type DescriptionName = "ghec.json" | "api.github.com.json";

export interface Operation {
  description: DescriptionName;
  /** `GET /path/{template}` as in the description. */
  route: string;
  /** The documented response status codes. */
  statuses: string[];
}

/**
 * What GitHub's REST breaking-changes changelog says version 2026-03-10 removed from the answers
 * of a route, where the OpenAPI description (23.0.2) still lists the field, in places as required.
 * The changelog wins: the field is dropped from the schema's `required` lists of that route, and
 * an answer must not carry it (github/docs data/reusables/rest-api/breaking-changes-changelog.md).
 */
export interface ChangelogRemoval {
  entry: string;
  field: string;
  routes: string[];
}

export class OpenApiDescriptions {
  private readonly documents: Array<{ name: DescriptionName; document: JsonObject }>;
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly removals: readonly ChangelogRemoval[]) {
    this.documents = (["ghec.json", "api.github.com.json"] as const).map((name) => ({ name, document: load(name) }));
  }

  /** The operation a request path answers to: the template with the most literal segments wins. */
  find(method: string, pathname: string): Operation | undefined {
    const segments = pathname.split("/");
    for (const { name, document } of this.documents) {
      let best: { template: string; literals: number } | undefined;
      for (const template of Object.keys(object(document["paths"]))) {
        const parts = template.split("/");
        if (parts.length !== segments.length) continue;
        let literals = 0;
        const matches = parts.every((part, index) => {
          if (/^\{[^}]+\}$/.test(part)) return segments[index] !== "";
          literals++;
          return part === decodeURIComponent(segments[index]!);
        });
        const operation = object(document["paths"])[template];
        if (
          matches &&
          isObject(operation) &&
          isObject(operation[method.toLowerCase()]) &&
          (best === undefined || literals > best.literals)
        ) {
          best = { template, literals };
        }
      }
      if (best !== undefined) {
        const operation = object(object(object(document["paths"])[best.template])[method.toLowerCase()]);
        return {
          description: name,
          route: `${method.toUpperCase()} ${best.template}`,
          statuses: Object.keys(object(operation["responses"])),
        };
      }
    }
    return undefined;
  }

  /** The query parameters the description lists for a route (path-level ones included). */
  queryParameters(operation: Operation): string[] {
    const document = this.documents.find((candidate) => candidate.name === operation.description)!.document;
    const [method, template] = operation.route.split(" ") as [string, string];
    const pathItem = object(object(document["paths"])[template]);
    const listed = [pathItem["parameters"], object(pathItem[method.toLowerCase()])["parameters"]].flatMap((list) =>
      Array.isArray(list) ? list : [],
    );
    const names: string[] = [];
    for (const entry of listed) {
      const reference = isObject(entry) ? entry["$ref"] : undefined;
      const parameter =
        typeof reference === "string"
          ? object(object(object(document["components"])["parameters"])[reference.split("/").at(-1)!])
          : object(entry);
      if (parameter["in"] === "query" && typeof parameter["name"] === "string") names.push(parameter["name"]);
    }
    return names;
  }

  /** The problems of an answer against its route's documented response schema (with the changelog's removals); empty when it conforms. */
  problems(operation: Operation, status: number, body: unknown): string[] {
    if (!operation.statuses.includes(String(status)))
      return [`status ${status} is not documented (documented: ${operation.statuses.join(", ")})`];
    if (status < 200 || status >= 300 || status === 204) return [];
    const validate = this.validator(operation, String(status));
    const problems = validate === undefined || validate(body) ? [] : (validate.errors ?? []).slice(0, 5).map(describe);
    for (const removal of this.removals) {
      if (removal.routes.includes(operation.route) && carries(body, removal.field)) {
        problems.push(`carries "${removal.field}", which API version 2026-03-10 removed ("${removal.entry}")`);
      }
    }
    return problems;
  }

  private validator(operation: Operation, status: string): ValidateFunction | undefined {
    const key = `${operation.route} ${status}`;
    const known = this.validators.get(key);
    if (known !== undefined) return known;
    const document = this.documents.find((candidate) => candidate.name === operation.description)!.document;
    const [method, template] = operation.route.split(" ") as [string, string];
    const response = resolve(
      document,
      object(object(object(object(document["paths"])[template])[method.toLowerCase()])["responses"])[status] ?? null,
    );
    const schema = object(object(object(response)["content"])["application/json"])["schema"];
    if (schema === undefined || schema === null) return undefined;
    const fields = this.removals.filter((removal) => removal.routes.includes(operation.route)).map((removal) => removal.field);
    const validate = this.ajv.compile(inline(document, schema, [], new Set(fields)) as object);
    this.validators.set(key, validate);
    return validate;
  }
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function object(value: Json | undefined): JsonObject {
  return isObject(value) ? value : {};
}

function resolve(document: JsonObject, value: Json): Json {
  if (!isObject(value) || typeof value["$ref"] !== "string") return value;
  let target: Json = document;
  for (const part of value["$ref"].replace(/^#\//, "").split("/"))
    target = object(target)[part.replace(/~1/g, "/").replace(/~0/g, "~")] ?? null;
  return resolve(document, target);
}

/**
 * The schema with every `$ref` replaced by its target (a reference back into itself becomes `{}`:
 * the descriptions are recursive, e.g. a team's parent team), and `removed` fields dropped from
 * every `required` list.
 */
function inline(document: JsonObject, value: Json, stack: string[], removed: Set<string>): Json {
  if (Array.isArray(value)) return value.map((item) => inline(document, item, stack, removed));
  if (!isObject(value)) return value;
  const ref = value["$ref"];
  if (typeof ref === "string") {
    if (stack.includes(ref)) return {};
    return inline(document, resolve(document, value), [...stack, ref], removed);
  }
  const copy: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === "nullable") continue;
    if (key === "required" && Array.isArray(item)) copy[key] = item.filter((field) => typeof field !== "string" || !removed.has(field));
    else if (key === "properties" && isObject(item))
      copy[key] = Object.fromEntries(Object.entries(item).map(([name, property]) => [name, inline(document, property, stack, removed)]));
    else copy[key] = inline(document, item, stack, removed);
  }
  return value["nullable"] === true ? nullable(copy) : copy;
}

/** OpenAPI 3.0's `nullable: true` in JSON Schema terms: null is allowed besides the schema. */
function nullable(schema: JsonObject): JsonObject {
  if (
    typeof schema["type"] === "string" &&
    schema["allOf"] === undefined &&
    schema["oneOf"] === undefined &&
    schema["anyOf"] === undefined
  ) {
    const { enum: values, ...rest } = schema;
    return { ...rest, type: [schema["type"], "null"], ...(Array.isArray(values) ? { enum: [...values, null] } : {}) };
  }
  return { anyOf: [schema, { type: "null" }] };
}

/** Whether the answer, or an item of it, has `field` at its top level (a list answers with its items). */
function carries(body: unknown, field: string): boolean {
  if (Array.isArray(body)) return body.some((item) => carries(item, field));
  return typeof body === "object" && body !== null && Object.prototype.hasOwnProperty.call(body, field);
}

function describe(error: ErrorObject): string {
  return `${error.instancePath || "/"} ${error.message ?? error.keyword}${error.keyword === "additionalProperties" ? ` (${String(error.params["additionalProperty"])})` : ""}`;
}
