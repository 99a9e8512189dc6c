import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { TokenCredential } from "@azure/identity";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PublishError } from "../../src/publish/publish-error.js";
import { createSharePointSink, type SharePointSinkOptions } from "../../src/publish/sharepoint-sink.js";
import { startGraphServer, type GraphServer } from "../fakes/graph-server.js";

const KiB = 1024;
// 1.5 MiB: four 320 KiB fragments and a last one of 256 KiB.
const LARGE = 1536 * KiB;
const LARGE_FRAGMENTS = [
  "bytes 0-327679/1572864",
  "bytes 327680-655359/1572864",
  "bytes 655360-983039/1572864",
  "bytes 983040-1310719/1572864",
  "bytes 1310720-1572863/1572864",
];

let graph: GraphServer;
let dir: string;
let sleeps: number[];
let scopes: string[];

beforeEach(async () => {
  graph = await startGraphServer({ pageSize: 2 });
  dir = await mkdtemp(join(tmpdir(), "sharepoint-sink-"));
  sleeps = [];
  scopes = [];
});

afterEach(async () => {
  await graph.close();
  await rm(dir, { recursive: true, force: true });
});

function sink(overrides: Partial<SharePointSinkOptions> = {}) {
  const credential: TokenCredential = {
    getToken: async (scope) => {
      scopes.push(...[scope].flat());
      return { token: "test-token", expiresOnTimestamp: Date.now() + 3600e3 };
    },
  };
  return createSharePointSink({
    graphApiUrl: graph.url,
    driveId: graph.driveId,
    folder: "Copilot Metrics",
    // Files above 400 KiB take an upload session, in 320 KiB fragments.
    simpleUploadMaxBytes: 400 * KiB,
    credential,
    retry: {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    },
    ...overrides,
  });
}

/** A local file of `size` bytes in a pattern that shows misplaced ranges. */
async function localFile(name: string, size: number, seed = 7): Promise<{ path: string; bytes: Buffer }> {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i += 1) bytes[i] = (i * 31 + seed) % 251;
  const path = join(dir, name);
  await writeFile(path, bytes);
  return { path, bytes };
}

/** Bytes as length and SHA-256: vitest's deep equality walks a Buffer byte by byte, seconds per MiB. */
function digest(bytes: Buffer): string {
  return `${bytes.length} bytes sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

/** The fake drive's files as [path, digest] in insertion order. */
function remoteFiles(): Array<[string, string]> {
  return [...graph.files].map(([path, bytes]) => [path, digest(bytes)]);
}

/** The request log in one line per request. */
function log(): string[] {
  return graph.requests.map((request) => [request.method, request.kind, request.contentRange ?? request.path, request.status].join(" "));
}

async function rejection(promise: Promise<unknown>): Promise<PublishError> {
  const error: unknown = await promise.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  if (!(error instanceof PublishError)) throw new Error(`expected a PublishError, got ${String(error)}`);
  return error;
}

describe("SharePoint sink", () => {
  it("puts a small file with one PUT at its path under the folder, with the token and replace", async () => {
    const { path, bytes } = await localFile("metrics.csv", 1000);

    await sink().put("copilot_user_metrics/copilot_user_metrics_202501.csv", path);

    expect(remoteFiles()).toEqual([["Copilot Metrics/copilot_user_metrics/copilot_user_metrics_202501.csv", digest(bytes)]]);
    expect(graph.requests).toEqual([
      {
        method: "PUT",
        kind: "content",
        path: "Copilot Metrics/copilot_user_metrics/copilot_user_metrics_202501.csv",
        authorization: "Bearer test-token",
        contentRange: null,
        conflictBehavior: "replace",
        status: 201,
      },
    ]);
    expect(scopes).toEqual([`${new URL(graph.url).origin}/.default`]);
    expect(sink().description).toBe("SharePoint drive b!drive-1 folder /Copilot Metrics");
  });

  it("uploads a large file through a session in 320 KiB fragments without the token on the upload URL", async () => {
    const { path, bytes } = await localFile("big.csv", LARGE);

    await sink().put("big.csv", path);

    expect(remoteFiles()).toEqual([["Copilot Metrics/big.csv", digest(bytes)]]);
    expect(graph.requests[0]).toEqual({
      method: "POST",
      kind: "createUploadSession",
      path: "Copilot Metrics/big.csv",
      authorization: "Bearer test-token",
      contentRange: null,
      conflictBehavior: "replace",
      status: 200,
    });
    expect(graph.requests.slice(1)).toEqual(
      LARGE_FRAGMENTS.map((contentRange, index) => ({
        method: "PUT",
        kind: "uploadChunk",
        path: "Copilot Metrics/big.csv",
        authorization: null,
        contentRange,
        conflictBehavior: null,
        status: index === LARGE_FRAGMENTS.length - 1 ? 201 : 202,
      })),
    );
  });

  it("replaces existing files, by simple upload and by upload session", async () => {
    graph.files.set("Copilot Metrics/seats.csv", Buffer.from("old seats"));
    graph.files.set("Copilot Metrics/big.csv", Buffer.from("old big file"));
    const small = await localFile("seats.csv", 500);
    const large = await localFile("big.csv", LARGE);

    await sink().put("seats.csv", small.path);
    await sink().put("big.csv", large.path);

    expect(remoteFiles()).toEqual([
      ["Copilot Metrics/seats.csv", digest(small.bytes)],
      ["Copilot Metrics/big.csv", digest(large.bytes)],
    ]);
    expect(log()).toEqual([
      "PUT content Copilot Metrics/seats.csv 200",
      "POST createUploadSession Copilot Metrics/big.csv 200",
      ...LARGE_FRAGMENTS.map((range, index) => `PUT uploadChunk ${range} ${index === 4 ? 200 : 202}`),
    ]);
  });

  it("waits as long as Retry-After says when Graph throttles, then uploads", async () => {
    graph.fail("content", 429, { times: 2, retryAfterSeconds: 1 });
    const { path, bytes } = await localFile("metrics.csv", 1000);

    await sink().put("copilot_metrics.csv", path);

    expect(log()).toEqual([
      "PUT content Copilot Metrics/copilot_metrics.csv 429",
      "PUT content Copilot Metrics/copilot_metrics.csv 429",
      "PUT content Copilot Metrics/copilot_metrics.csv 201",
    ]);
    expect(sleeps).toEqual([1000, 1000]);
    expect(remoteFiles()).toEqual([["Copilot Metrics/copilot_metrics.csv", digest(bytes)]]);
  });

  it("really sleeps for Retry-After when no sleep is injected", async () => {
    graph.fail("content", 429, { times: 1, retryAfterSeconds: 1 });
    const { path } = await localFile("metrics.csv", 10);

    const started = performance.now();
    await sink({ retry: {} }).put("copilot_metrics.csv", path);

    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    expect(log()).toEqual(["PUT content Copilot Metrics/copilot_metrics.csv 429", "PUT content Copilot Metrics/copilot_metrics.csv 201"]);
  });

  it("backs off exponentially when a 504 comes without Retry-After", async () => {
    graph.fail("createUploadSession", 504, { times: 2 });
    const { path, bytes } = await localFile("big.csv", LARGE);

    await sink().put("big.csv", path);

    expect(log().slice(0, 4)).toEqual([
      "POST createUploadSession Copilot Metrics/big.csv 504",
      "POST createUploadSession Copilot Metrics/big.csv 504",
      "POST createUploadSession Copilot Metrics/big.csv 200",
      `PUT uploadChunk ${LARGE_FRAGMENTS[0]} 202`,
    ]);
    expect(sleeps).toEqual([1000, 2000]);
    expect(remoteFiles()).toEqual([["Copilot Metrics/big.csv", digest(bytes)]]);
  });

  it("retries a request whose connection dropped", async () => {
    graph.drop("content");
    const { path, bytes } = await localFile("metrics.csv", 1000);

    await sink().put("copilot_metrics.csv", path);

    expect(log()).toEqual(["PUT content Copilot Metrics/copilot_metrics.csv 0", "PUT content Copilot Metrics/copilot_metrics.csv 201"]);
    expect(sleeps).toEqual([1000]);
    expect(remoteFiles()).toEqual([["Copilot Metrics/copilot_metrics.csv", digest(bytes)]]);
  });

  it("resumes an upload session after a fragment's connection dropped", async () => {
    graph.drop("uploadChunk");
    const { path, bytes } = await localFile("big.csv", LARGE);

    await sink().put("big.csv", path);

    expect(log().slice(0, 4)).toEqual([
      "POST createUploadSession Copilot Metrics/big.csv 200",
      `PUT uploadChunk ${LARGE_FRAGMENTS[0]} 0`,
      "GET sessionStatus Copilot Metrics/big.csv 200",
      `PUT uploadChunk ${LARGE_FRAGMENTS[0]} 202`,
    ]);
    expect(sleeps).toEqual([1000]);
    expect(remoteFiles()).toEqual([["Copilot Metrics/big.csv", digest(bytes)]]);
  });

  it("resumes from nextExpectedRanges after a 503 in the middle of an upload session", async () => {
    graph.failChunk(3, 503, { retryAfterSeconds: 2 });
    const { path, bytes } = await localFile("big.csv", LARGE);

    await sink().put("big.csv", path);

    expect(log()).toEqual([
      "POST createUploadSession Copilot Metrics/big.csv 200",
      `PUT uploadChunk ${LARGE_FRAGMENTS[0]} 202`,
      `PUT uploadChunk ${LARGE_FRAGMENTS[1]} 202`,
      `PUT uploadChunk ${LARGE_FRAGMENTS[2]} 503`,
      "GET sessionStatus Copilot Metrics/big.csv 200",
      `PUT uploadChunk ${LARGE_FRAGMENTS[2]} 202`,
      `PUT uploadChunk ${LARGE_FRAGMENTS[3]} 202`,
      `PUT uploadChunk ${LARGE_FRAGMENTS[4]} 201`,
    ]);
    expect(sleeps).toEqual([2000]);
    expect(remoteFiles()).toEqual([["Copilot Metrics/big.csv", digest(bytes)]]);
  });

  it("starts a new upload session when the session has expired", async () => {
    graph.expireSessionAfterChunks(2);
    const { path, bytes } = await localFile("big.csv", LARGE);

    await sink().put("big.csv", path);

    expect(log()).toEqual([
      "POST createUploadSession Copilot Metrics/big.csv 200",
      `PUT uploadChunk ${LARGE_FRAGMENTS[0]} 202`,
      `PUT uploadChunk ${LARGE_FRAGMENTS[1]} 202`,
      `PUT uploadChunk ${LARGE_FRAGMENTS[2]} 404`,
      "POST createUploadSession Copilot Metrics/big.csv 200",
      ...LARGE_FRAGMENTS.map((range, index) => `PUT uploadChunk ${range} ${index === 4 ? 201 : 202}`),
    ]);
    expect(sleeps).toEqual([]);
    expect(remoteFiles()).toEqual([["Copilot Metrics/big.csv", digest(bytes)]]);
  });

  it("gives up after the bounded attempts, keeps the previous file and names file and status but no secret", async () => {
    graph.files.set("Copilot Metrics/big.csv", Buffer.from("previous version"));
    graph.fail("uploadChunk", 503, { times: 10 });
    const { path } = await localFile("big.csv", LARGE);

    const error = await rejection(sink({ retry: { maxAttempts: 3, sleep: async (ms) => void sleeps.push(ms) } }).put("big.csv", path));

    expect(error.message).toBe(
      'Could not upload "Copilot Metrics/big.csv" to SharePoint: HTTP 503 serviceNotAvailable: Injected fault.' +
        " Graph was still busy at the last attempt; the next run publishes again.",
    );
    expect({ name: error.name, operation: error.operation, path: error.path, status: error.status, code: error.code }).toEqual({
      name: "PublishError",
      operation: "put",
      path: "big.csv",
      status: 503,
      code: "serviceNotAvailable",
    });
    expect(`${error.message} ${error.stack ?? ""}`).not.toMatch(/tempauth|test-token|\?/);
    expect(log()).toEqual([
      "POST createUploadSession Copilot Metrics/big.csv 200",
      `PUT uploadChunk ${LARGE_FRAGMENTS[0]} 503`,
      "GET sessionStatus Copilot Metrics/big.csv 200",
      `PUT uploadChunk ${LARGE_FRAGMENTS[0]} 503`,
      "GET sessionStatus Copilot Metrics/big.csv 200",
      `PUT uploadChunk ${LARGE_FRAGMENTS[0]} 503`,
    ]);
    expect(sleeps).toEqual([1000, 2000]);
    expect(remoteFiles()).toEqual([["Copilot Metrics/big.csv", digest(Buffer.from("previous version"))]]);
  });

  it("reports a refused upload with the file, the status and Graph's error code", async () => {
    graph.fail("content", 403);
    const { path } = await localFile("metrics.csv", 10);

    const error = await rejection(sink().put("copilot_metrics.csv", path));

    expect(error.message).toBe(
      'Could not upload "Copilot Metrics/copilot_metrics.csv" to SharePoint: HTTP 403 accessDenied: Injected fault.' +
        " Check that the managed identity has the Graph role Sites.Selected and write access to the site of SHAREPOINT_DRIVE_ID.",
    );
    expect({ status: error.status, code: error.code }).toEqual({ status: 403, code: "accessDenied" });
    expect(log()).toEqual(["PUT content Copilot Metrics/copilot_metrics.csv 403"]);
  });

  it("detects a remote size that differs from the local file", async () => {
    graph.truncateNextCommit(3);
    const { path } = await localFile("big.csv", LARGE);

    const error = await rejection(sink().put("big.csv", path));

    expect(error.message).toBe(
      'Uploaded "Copilot Metrics/big.csv" to SharePoint but it holds 1572861 bytes where the local file has 1572864; the next run uploads it again.',
    );
    expect({ operation: error.operation, path: error.path, status: error.status }).toEqual({
      operation: "put",
      path: "big.csv",
      status: 201,
    });
  });

  it("refuses a path that climbs out of the folder", async () => {
    const { path } = await localFile("metrics.csv", 10);

    const error = await rejection(sink().put("../escape.csv", path));

    expect(error.message).toBe('Cannot upload "../escape.csv" to SharePoint: paths are relative to the folder, without "." or "..".');
    expect(graph.requests).toEqual([]);
  });

  it("sends the token on every Graph call and never to an upload URL", async () => {
    graph.failChunk(2, 503);
    const small = await localFile("metrics.csv", 10);
    const large = await localFile("big.csv", LARGE);
    const publish = sink();

    await publish.put("copilot_metrics.csv", small.path);
    await publish.put("big.csv", large.path);
    await publish.list("");
    await publish.remove("copilot_metrics.csv");

    expect(new Set(graph.requests.map((request) => `${request.kind} ${request.authorization}`))).toEqual(
      new Set([
        "content Bearer test-token",
        "createUploadSession Bearer test-token",
        "uploadChunk null",
        "sessionStatus null",
        "children Bearer test-token",
        "deleteItem Bearer test-token",
      ]),
    );
  });

  it("lists the files under a folder across pages and sub-folders", async () => {
    for (const file of [
      "Copilot Metrics/copilot_metrics.csv",
      "Copilot Metrics/seats.csv",
      "Copilot Metrics/copilot_user_metrics/copilot_user_metrics_202501.csv",
      "Copilot Metrics/copilot_user_metrics/copilot_user_metrics_202502.csv",
      "Copilot Metrics/copilot_user_metrics/copilot_user_metrics_202503.csv",
      "Copilot Metrics/archive/2025/copilot_metrics_20250101.csv",
      "Elsewhere/other.csv",
    ]) {
      graph.files.set(file, Buffer.from("x"));
    }

    expect(await sink().list("")).toEqual([
      "archive/2025/copilot_metrics_20250101.csv",
      "copilot_metrics.csv",
      "copilot_user_metrics/copilot_user_metrics_202501.csv",
      "copilot_user_metrics/copilot_user_metrics_202502.csv",
      "copilot_user_metrics/copilot_user_metrics_202503.csv",
      "seats.csv",
    ]);
    // Two children per page: the folder's second page comes from @odata.nextLink after its sub-folders.
    expect(log()).toEqual([
      "GET children Copilot Metrics 200",
      "GET children Copilot Metrics/archive 200",
      "GET children Copilot Metrics/archive/2025 200",
      "GET children Copilot Metrics 200",
      "GET children Copilot Metrics/copilot_user_metrics 200",
      "GET children Copilot Metrics/copilot_user_metrics 200",
    ]);
    expect(await sink().list("copilot_user_metrics")).toEqual([
      "copilot_user_metrics/copilot_user_metrics_202501.csv",
      "copilot_user_metrics/copilot_user_metrics_202502.csv",
      "copilot_user_metrics/copilot_user_metrics_202503.csv",
    ]);
  });

  it("lists nothing for a folder that does not exist", async () => {
    expect(await sink().list("copilot_breakdown")).toEqual([]);
    expect(log()).toEqual(["GET children Copilot Metrics/copilot_breakdown 404"]);
  });

  it("removes a file and takes a missing file as removed", async () => {
    graph.files.set("Copilot Metrics/seats.csv", Buffer.from("seats"));
    graph.files.set("Copilot Metrics/copilot_metrics.csv", Buffer.from("metrics"));
    const publish = sink();

    await publish.remove("seats.csv");
    await publish.remove("seats.csv");

    expect(remoteFiles()).toEqual([["Copilot Metrics/copilot_metrics.csv", digest(Buffer.from("metrics"))]]);
    expect(log()).toEqual(["DELETE deleteItem Copilot Metrics/seats.csv 204", "DELETE deleteItem Copilot Metrics/seats.csv 404"]);
  });
});
