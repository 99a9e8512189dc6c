// A small evaluator of ARM template expressions ("[if(parameters('vnetEnabled'), ...)]"), enough to
// read what the compiled template deploys for given parameter values: conditions, property values,
// variables and module parameters. What only Azure knows at deployment time (reference(),
// resourceId(), uniqueString() and the like) evaluates to a readable placeholder string, so a
// test can still see which resource a value points at.
import { at, parseTemplate, type ArmTemplate } from "../support/bicep.js";

export type Scope = {
  parameters: Record<string, unknown>;
  template: ArmTemplate;
  copyIndex?: number;
  /** Indexes of named property copy loops (copyIndex('dimensions')). */
  namedCopyIndex?: Record<string, number>;
};

type Token = { kind: "ident" | "string" | "number" | "punct"; text: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i] ?? "";
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let text = "";
      i++;
      for (;;) {
        if (i >= source.length) throw new Error(`Unterminated string in ${source}`);
        if (source[i] === "'" && source[i + 1] === "'") {
          text += "'";
          i += 2;
        } else if (source[i] === "'") {
          i++;
          break;
        } else {
          text += source.charAt(i);
          i++;
        }
      }
      tokens.push({ kind: "string", text });
    } else if (/[0-9-]/.test(c)) {
      const match = /^-?[0-9.]+/.exec(source.slice(i))?.[0] ?? c;
      tokens.push({ kind: "number", text: match });
      i += match.length;
    } else if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i))?.[0] ?? c;
      tokens.push({ kind: "ident", text: match });
      i += match.length;
    } else {
      tokens.push({ kind: "punct", text: c });
      i++;
    }
  }
  return tokens;
}

type Node =
  | { type: "literal"; value: unknown }
  | { type: "call"; name: string; args: Node[] }
  | { type: "property"; target: Node; name: string }
  | { type: "index"; target: Node; index: Node };

function parse(source: string): Node {
  const tokens = tokenize(source);
  let position = 0;
  const peek = () => tokens[position];
  const take = (text?: string): Token => {
    const token = tokens[position++];
    if (token === undefined || (text !== undefined && token.text !== text))
      throw new Error(`Expected ${text ?? "a token"} at ${position} in ${source}`);
    return token;
  };
  const primary = (): Node => {
    const token = take();
    let node: Node;
    if (token.kind === "string") node = { type: "literal", value: token.text };
    else if (token.kind === "number") node = { type: "literal", value: Number(token.text) };
    else if (token.kind === "ident") {
      take("(");
      const args: Node[] = [];
      while (peek()?.text !== ")") {
        args.push(primary());
        if (peek()?.text === ",") take(",");
      }
      take(")");
      node = { type: "call", name: token.text, args };
    } else throw new Error(`Unexpected ${token.text} in ${source}`);
    for (;;) {
      if (peek()?.text === ".") {
        take(".");
        node = { type: "property", target: node, name: take().text };
      } else if (peek()?.text === "[") {
        take("[");
        const index = primary();
        take("]");
        node = { type: "index", target: node, index };
      } else return node;
    }
  };
  const node = primary();
  if (position !== tokens.length) throw new Error(`Trailing tokens in ${source}`);
  return node;
}

const isExpression = (value: string) => value.startsWith("[") && value.endsWith("]") && !value.startsWith("[[");

/** Evaluates every expression string inside `value` (objects and arrays are walked). */
export function evaluate(value: unknown, scope: Scope): unknown {
  if (typeof value === "string") return isExpression(value) ? run(parse(value.slice(1, -1)), scope) : value;
  if (Array.isArray(value)) return value.map((item) => evaluate(item, scope));
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value)
      .filter(([key]) => key !== "copy")
      .map(([key, item]) => [evaluate(key, scope), evaluate(item, scope)]);
    // A property loop: "copy": [{ name, count, input }] makes the property `name` an array.
    const loops: unknown = Reflect.get(value, "copy");
    if (Array.isArray(loops)) {
      for (const loop of loops) {
        const name = String(at(loop, "name"));
        const count = Number(evaluate(at(loop, "count"), scope));
        entries.push([
          name,
          Array.from({ length: count }, (_, i) =>
            evaluate(at(loop, "input"), { ...scope, namedCopyIndex: { ...scope.namedCopyIndex, [name]: i } }),
          ),
        ]);
      }
    }
    return Object.fromEntries(entries);
  }
  return value;
}

const placeholder = (name: string, args: unknown[]) =>
  `${name}(${args.map((arg) => (typeof arg === "string" ? arg : JSON.stringify(arg))).join(", ")})`;

function run(node: Node, scope: Scope): unknown {
  switch (node.type) {
    case "literal":
      return node.value;
    case "property": {
      const target = run(node.target, scope);
      return typeof target === "string" ? `${target}.${node.name}` : at(target, node.name);
    }
    case "index": {
      const target = run(node.target, scope);
      const index = run(node.index, scope);
      if (typeof index !== "string" && typeof index !== "number") throw new Error("Bad index");
      return typeof target === "string" ? `${target}[${index}]` : at(target, index);
    }
    case "call":
      return call(node, scope);
  }
}

function call(node: Extract<Node, { type: "call" }>, scope: Scope): unknown {
  // if() evaluates only the branch it takes, as ARM does.
  if (node.name === "if") {
    const [condition, whenTrue, whenFalse] = node.args;
    if (condition === undefined || whenTrue === undefined || whenFalse === undefined) throw new Error("if() needs three arguments");
    return run(condition, scope) === true ? run(whenTrue, scope) : run(whenFalse, scope);
  }
  const args = node.args.map((arg) => run(arg, scope));
  const [first, second] = args;
  switch (node.name) {
    case "parameters": {
      const name = String(first);
      if (name in scope.parameters) return scope.parameters[name];
      const declared = scope.template.parameters[name];
      if (declared === undefined || !("defaultValue" in declared)) throw new Error(`Parameter ${name} has no value`);
      return evaluate(declared.defaultValue, scope);
    }
    case "variables":
      return evaluate(scope.template.variables[String(first)], scope);
    case "copyIndex": {
      if (typeof first === "string") {
        const named = scope.namedCopyIndex?.[first];
        if (named === undefined) throw new Error(`copyIndex('${first}') outside that copy loop`);
        return named;
      }
      if (scope.copyIndex === undefined) throw new Error("copyIndex() outside a copy loop");
      return scope.copyIndex + (typeof first === "number" ? first : 0);
    }
    case "createArray":
      return args;
    case "createObject": {
      const entries: Array<[string, unknown]> = [];
      for (let i = 0; i < args.length; i += 2) entries.push([String(args[i]), args[i + 1]]);
      return Object.fromEntries(entries);
    }
    case "union":
      return args.every(Array.isArray) ? [...new Set(args.flat())] : Object.assign({}, ...args);
    case "concat":
      return args.every(Array.isArray) ? args.flat() : args.map(String).join("");
    case "format":
      return String(first).replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i) + 1]));
    case "empty":
      return (
        first === "" ||
        first === null ||
        (Array.isArray(first) && first.length === 0) ||
        (typeof first === "object" && Object.keys(first).length === 0)
      );
    case "equals":
      return JSON.stringify(first) === JSON.stringify(second);
    case "not":
      return first !== true;
    case "and":
      return args.every((arg) => arg === true);
    case "or":
      return args.some((arg) => arg === true);
    case "length":
      return Array.isArray(first) ? first.length : typeof first === "string" ? first.length : Object.keys(first ?? {}).length;
    case "string":
      return typeof first === "string" ? first : JSON.stringify(first);
    case "true":
      return true;
    case "false":
      return false;
    case "null":
      return null;
    case "take":
      return Array.isArray(first) || typeof first === "string" ? first.slice(0, Number(second)) : first;
    case "toLower":
      return String(first).toLowerCase();
    case "add":
      return Number(first) + Number(second);
    case "sub":
      return Number(first) - Number(second);
    case "mul":
      return Number(first) * Number(second);
    case "coalesce":
      return args.find((arg) => arg !== null && arg !== undefined) ?? null;
    default:
      // Known only in Azure: resourceId(), reference(), uniqueString(), tenant(), deployer(), …
      return placeholder(node.name, args);
  }
}

/** The scope of a module: its template, with the parameter values main passes it. */
export function moduleScope(deployment: unknown, outer: Scope): Scope {
  const template = parseTemplate(at(deployment, "properties", "template"));
  const given = at(deployment, "properties", "parameters");
  const parameters = Object.fromEntries(
    // An entry is { value } or, for a conditional value, an expression that makes one.
    Object.entries(typeof given === "object" && given !== null ? given : {}).map(([name, entry]) => [
      name,
      at(evaluate(entry, outer), "value"),
    ]),
  );
  return { template, parameters };
}
