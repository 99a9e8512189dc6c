import { app, HttpRequest, InvocationContext, type HttpFunctionOptions } from "@azure/functions";
import * as df from "durable-functions";
import { afterEach, describe, expect, it, vi } from "vitest";
import { parseSettings } from "../../src/config/index.js";
import { activityNames, createActivities } from "../../src/pipeline/index.js";
import { createFolderSink } from "../../src/publish/index.js";
import { createSecretSource } from "../../src/secrets/index.js";

// The environment of a configured Function App; the registrations read COLLECT_SCHEDULE from it.
const appSettings = {
  ENTERPRISES: '[{"slug":"contoso","orgs":["contoso-web"]}]',
  DATABASE_URL: "postgres://metrics@127.0.0.1:1/metrics",
};

type Registration = { kind: string; name: string; options: Record<string, unknown>; http?: HttpFunctionOptions };

/**
 * Imports functions/index.ts with the registration calls captured. Outside the Functions host,
 * @azure/functions is in "test mode" and drops registrations, so they are spied on instead.
 */
async function captureRegistrations(env: Record<string, string>): Promise<Registration[]> {
  vi.resetModules();
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  const registrations: Registration[] = [];
  const capture = (kind: string) => (name: string, options: unknown) => {
    registrations.push({ kind, name, options: { ...(options as Record<string, unknown>) } });
  };
  vi.spyOn(app, "timer").mockImplementation(capture("timer"));
  vi.spyOn(app, "http").mockImplementation((name, options) => {
    registrations.push({ kind: "http", name, options: { ...options }, http: options });
  });
  vi.spyOn(df.app, "orchestration").mockImplementation((name, options) => {
    capture("orchestration")(name, typeof options === "function" ? { handler: options } : options);
    return () => {
      throw new Error("not used");
    };
  });
  vi.spyOn(df.app, "activity").mockImplementation((name, options) => {
    capture("activity")(name, options);
    return () => {
      throw new Error("not used");
    };
  });
  await import("../../functions/index.js");
  return registrations;
}

function summary(registration: Registration) {
  const { handler, extraInputs, ...rest } = registration.options;
  return {
    kind: registration.kind,
    name: registration.name,
    ...rest,
    handler: typeof handler,
    ...(extraInputs === undefined ? {} : { extraInputs: (extraInputs as Array<{ type: string }>).map((input) => input.type) }),
  };
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe("functions/index.ts, the Function App's entry point", () => {
  it("registers the timer, the four HTTP functions, the orchestration and every activity", async () => {
    const registrations = await captureRegistrations(appSettings);
    expect(registrations.filter((r) => r.kind !== "activity").map(summary)).toEqual([
      { kind: "orchestration", name: "collectOrchestrator", handler: "function" },
      { kind: "timer", name: "collectTimer", schedule: "0 0 6 * * *", handler: "function", extraInputs: ["durableClient"] },
      {
        kind: "http",
        name: "collectStart",
        route: "collect",
        methods: ["POST"],
        authLevel: "function",
        handler: "function",
        extraInputs: ["durableClient"],
      },
      {
        kind: "http",
        name: "collectStatus",
        route: "collect/{instanceId}",
        methods: ["GET"],
        authLevel: "function",
        handler: "function",
        extraInputs: ["durableClient"],
      },
      { kind: "http", name: "health", route: "health", methods: ["GET"], authLevel: "function", handler: "function" },
      { kind: "http", name: "live", route: "live", methods: ["GET"], authLevel: "anonymous", handler: "function" },
    ]);
    expect(registrations.filter((r) => r.kind === "activity").map(summary)).toEqual(
      Object.values(activityNames).map((name) => ({ kind: "activity", name, handler: "function" })),
    );
  });

  it("registers an activity for every activity the pipeline builds, and no other", async () => {
    const registrations = await captureRegistrations(appSettings);
    const settings = parseSettings({});
    const built = createActivities({
      pool: undefined as never,
      settings,
      github: () => {
        throw new Error("not used");
      },
      sink: createFolderSink("./out"),
      secrets: createSecretSource({ env: {} }),
    });
    expect(
      registrations
        .filter((r) => r.kind === "activity")
        .map((r) => r.name)
        .sort(),
    ).toEqual(Object.keys(built).sort());
  });

  it("leaves only the liveness probe open without a function key, and it answers ok and nothing more", async () => {
    const registrations = await captureRegistrations(appSettings);
    const http = registrations.filter((r) => r.kind === "http");
    expect(http.filter((r) => r.options["authLevel"] !== "function").map((r) => r.name)).toEqual(["live"]);
    const live = http.find((r) => r.name === "live")?.http;
    if (live === undefined) throw new Error("live is not registered");
    const request = new HttpRequest({ method: "GET", url: "http://localhost:7071/api/live" });
    expect(await live.handler(request, new InvocationContext())).toEqual({
      status: 200,
      body: "ok",
      headers: { "content-type": "text/plain", "cache-control": "no-store" },
    });
  });

  it("takes the timer's schedule from COLLECT_SCHEDULE", async () => {
    const registrations = await captureRegistrations({ ...appSettings, COLLECT_SCHEDULE: "0 30 4 * * 1-5" });
    expect(registrations.find((r) => r.name === "collectTimer")?.options["schedule"]).toBe("0 30 4 * * 1-5");
  });

  it("stops start-up with the setting's name when a setting is bad or missing", async () => {
    await expect(captureRegistrations({ ...appSettings, COLLECT_SCHEDULE: "daily at six" })).rejects.toThrow(
      "Setting COLLECT_SCHEDULE must be an NCRONTAB expression with six fields (seconds first)",
    );
    await expect(captureRegistrations({ DATABASE_URL: appSettings.DATABASE_URL, ENTERPRISES: "" })).rejects.toThrow(
      "Setting ENTERPRISES is required in the Function App",
    );
    await expect(captureRegistrations({ ENTERPRISES: appSettings.ENTERPRISES, DATABASE_URL: "", PGHOST: "" })).rejects.toThrow(
      "Setting DATABASE_URL or PGHOST is required in the Function App",
    );
  });
});
