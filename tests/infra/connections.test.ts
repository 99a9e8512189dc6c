// The PostgreSQL connection arithmetic of infra/README.md ("Connections"), from the numbers that
// decide it, so that a change to any of them that breaks it fails here: connections = busy
// instances × pool, where Durable's target-based scaling keeps the busy "durable" instances at
// (activities in flight) ÷ (activities per instance), rounded up.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { repoRoot } from "../support/bicep.js";

const read = (path: string) => readFileSync(join(repoRoot, path), "utf8");
const number = (path: string, pattern: RegExp) => {
  const found = pattern.exec(read(path))?.[1];
  if (found === undefined) throw new Error(`${path} no longer matches ${pattern}: update this test and infra/README.md together.`);
  return Number(found);
};

describe("PostgreSQL connections in Azure", () => {
  const hostJson = z
    .object({
      extensions: z.object({
        durableTask: z.object({ maxConcurrentActivityFunctions: z.number(), maxConcurrentOrchestratorFunctions: z.number() }),
      }),
    })
    .parse(JSON.parse(read("host.json")));
  const activitiesPerInstance = hostJson.extensions.durableTask.maxConcurrentActivityFunctions;
  const inFlight = number("src/pipeline/orchestrator.ts", /const batchSize = (\d+);/);
  const pool = number("src/db/pool.ts", /const maxConnections = (\d+);/);
  const userConnections = number("infra/main.bicep", /param postgresUserConnections int = (\d+)/);
  // The http group (health, status, collect) serves people and probes: one instance, one query at a time.
  const httpConnections = 2;

  it("stay under the server's user connections with one run's fan-out at its widest", () => {
    const busyInstances = Math.ceil(inFlight / activitiesPerInstance);
    const connections = busyInstances * pool + httpConnections;
    expect({ activitiesPerInstance, inFlight, busyInstances, pool, connections }).toEqual({
      activitiesPerInstance: 16,
      inFlight: 50,
      busyInstances: 4,
      pool: 8,
      connections: 34,
    });
    expect(connections).toBeLessThanOrEqual(userConnections);
  });

  it("are written down in infra/README.md with the same figures", () => {
    const readme = read("infra/README.md");
    expect(readme).toContain(
      `⌈${inFlight} ÷ ${activitiesPerInstance}⌉ = ${Math.ceil(inFlight / activitiesPerInstance)} instances × ${pool} connections`,
    );
  });
});
