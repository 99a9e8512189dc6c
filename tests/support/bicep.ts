// Runs the pinned Bicep compiler (scripts/bicep.mjs) and reads the ARM JSON it compiles, for the
// tests of infra/. The compiled template is our own build output, but it is still JSON from another
// process: it stays `unknown` until a schema or `at()` narrows it.
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { z } from "zod";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export type BicepLocation = { found: true; path: string } | { found: false; reason: string };

/**
 * Finds (and on first use installs) the Bicep compiler. `found: false` only when the machine has
 * neither `dotnet` nor `bicep`; a failed install throws, since a broken install must not look like
 * a machine without the tools.
 */
export function locateBicep(): BicepLocation {
  const result = spawnSync(process.execPath, ["scripts/bicep.mjs", "--print-path"], {
    cwd: repoRoot,
    encoding: "utf8",
    timeout: 10 * 60 * 1000,
  });
  if (result.status === 0) return { found: true, path: result.stdout.trim() };
  const message = result.stderr.trim();
  if (result.status === 3) return { found: false, reason: message };
  throw new Error(`scripts/bicep.mjs --print-path failed (${result.error?.message ?? `exit ${result.status}`}): ${message}`);
}

export type BicepRun = { status: number | null; stdout: string; stderr: string };

/**
 * Runs bicep without blocking, so that several compilations share the machine's cores; `env` adds
 * variables (a .bicepparam file reads them with readEnvironmentVariable).
 */
export function runBicepAsync(bicep: string, args: string[], env: Record<string, string> = {}): Promise<BicepRun> {
  return new Promise((done, fail) => {
    const child = spawn(bicep, args, { cwd: repoRoot, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", fail);
    child.on("close", (status) => done({ status, stdout, stderr }));
  });
}

/** Diagnostic lines as Bicep prints them: `file(line,col) : Warning rule-name: message`. */
export function diagnostics(output: string): string[] {
  return output.split(/\r?\n/).filter((line) => /\) : (Error|Warning|Info) /.test(line));
}

/** Follows a path of keys and indexes into parsed JSON; undefined where it leads nowhere. */
export function at(value: unknown, ...path: Array<string | number>): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = Reflect.get(current, key);
  }
  return current;
}

const armResource = z.looseObject({
  type: z.string(),
  name: z.string(),
  properties: z.unknown().optional(),
});
export type ArmResource = z.infer<typeof armResource>;

const armTemplate = z.looseObject({
  parameters: z.record(z.string(), z.looseObject({ type: z.string(), defaultValue: z.unknown().optional() })).default({}),
  variables: z.record(z.string(), z.unknown()).default({}),
  // languageVersion 2.0 (symbolic names) keys resources by name; 1.0 lists them.
  resources: z.union([z.array(armResource), z.record(z.string(), armResource)]),
  outputs: z.record(z.string(), z.unknown()).default({}),
});
export type ArmTemplate = z.infer<typeof armTemplate>;

export function parseTemplate(json: unknown): ArmTemplate {
  return armTemplate.parse(json);
}

/** A resource with the template it is declared in and the module (nested deployment) path to it. */
export type PlacedResource = { module: string; symbol: string; resource: ArmResource; template: ArmTemplate };

/** Every resource of the template and of the modules it deploys, depth first. */
export function allResources(template: ArmTemplate, module = ""): PlacedResource[] {
  const entries: Array<[string, ArmResource]> = Array.isArray(template.resources)
    ? template.resources.map((resource, index) => [String(index), resource])
    : Object.entries(template.resources);
  const placed: PlacedResource[] = [];
  for (const [symbol, resource] of entries) {
    placed.push({ module, symbol, resource, template });
    if (resource.type === "Microsoft.Resources/deployments") {
      const nested = at(resource, "properties", "template");
      if (nested !== undefined) placed.push(...allResources(parseTemplate(nested), module === "" ? symbol : `${module}/${symbol}`));
    }
  }
  return placed;
}

/** The module deployment with this symbolic name in a languageVersion 2.0 template. */
export function moduleNamed(template: ArmTemplate, symbol: string): { deployment: ArmResource; template: ArmTemplate } {
  const deployment = Array.isArray(template.resources) ? undefined : template.resources[symbol];
  if (deployment === undefined || deployment.type !== "Microsoft.Resources/deployments") {
    throw new Error(`main.bicep has no module named ${symbol}`);
  }
  return { deployment, template: parseTemplate(at(deployment, "properties", "template")) };
}
