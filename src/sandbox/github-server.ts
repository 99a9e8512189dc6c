import { createHmac, timingSafeEqual } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { reportKinds, type ReportKind } from "../github/index.js";

/** A report file: its text, or a file on disk served as a stream (benchmarks serve large files). */
type ReportFile = string | { path: string };

/** What the server answers for one report request. */
export type ReportAnswer =
  | { kind: "files"; files: ReportFile[]; firstDay?: string; lastDay?: string }
  | { kind: "status"; status: 404 | 204 }
  | { kind: "empty-body" };

type ReportSource = (request: { kind: ReportKind; owner: string; day: string | undefined }) => ReportAnswer;

/** A route beyond the Copilot reports (repositories, seats, billing…): return false to pass. */
export type ExtraRoute = (request: IncomingMessage, response: ServerResponse, url: URL) => boolean | Promise<boolean>;

interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  apiVersion: string | undefined;
}

/** A fault the next matching requests get instead of the normal answer. */
export interface Fault {
  target: "api" | "download";
  pathIncludes?: string;
  times: number;
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Sends this many bytes of the file, then destroys the connection. */
  cutAfterBytes?: number;
  /** Sends this many bytes of the file, then neither sends more nor closes (a hung download). */
  stallAfterBytes?: number;
}

export interface GitHubServerOptions {
  reports: ReportSource;
  /** The token API requests must carry; undefined accepts any token. */
  token?: string;
  rateLimit?: number;
  linkTtlSeconds?: number;
  routes?: ExtraRoute[];
}

export interface GitHubServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  inject(fault: Fault): void;
  close(): Promise<void>;
}

const signingKey = "sandbox-download-signing-key";

/**
 * A GitHub-compatible server on 127.0.0.1 for the Copilot usage-metrics report API: envelopes with
 * signed `download_links` that expire, downloads that refuse stale signatures, rate-limit headers,
 * and faults on demand. The CLI's sandbox and the tests' GitHub fake are this server.
 */
export async function startGitHubServer(options: GitHubServerOptions): Promise<GitHubServer> {
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];
  const rateLimit = options.rateLimit ?? 5000;
  const resetAt = Math.floor(Date.now() / 1000) + 3600;
  let used = 0;
  let baseUrl = "";

  const takeFault = (target: Fault["target"], path: string): Fault | undefined => {
    const fault = faults.find(
      (candidate) =>
        candidate.target === target &&
        candidate.times > 0 &&
        (candidate.pathIncludes === undefined || path.includes(candidate.pathIncludes)),
    );
    if (fault === undefined) return undefined;
    fault.times--;
    return fault;
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", baseUrl);
    requests.push({
      method: request.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: request.headers.authorization,
      apiVersion: headerValue(request.headers["x-github-api-version"]),
    });
    void handle(request, response, url).catch((error: unknown) => {
      if (!response.headersSent) json(response, 500, { message: error instanceof Error ? error.message : "error" });
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    if (url.pathname.startsWith("/downloads/")) {
      await download(response, url);
      return;
    }
    const fault = takeFault("api", url.pathname);
    if (fault !== undefined) {
      json(response, fault.status ?? 500, fault.body ?? { message: "Injected fault" }, fault.headers);
      return;
    }
    if (options.token !== undefined && request.headers.authorization !== `token ${options.token}`) {
      json(response, 401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" });
      return;
    }
    used++;
    response.setHeader("x-ratelimit-limit", String(rateLimit));
    response.setHeader("x-ratelimit-remaining", String(Math.max(rateLimit - used, 0)));
    response.setHeader("x-ratelimit-used", String(used));
    response.setHeader("x-ratelimit-reset", String(resetAt));
    response.setHeader("x-ratelimit-resource", "core");
    for (const route of options.routes ?? []) {
      if (await route(request, response, url)) return;
    }
    const match = matchReport(url.pathname);
    if (match === undefined) {
      json(response, 404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
      return;
    }
    const day = url.searchParams.get("day") ?? undefined;
    if (match.kind.period === "1-day" && day === undefined) {
      json(response, 422, {
        message: 'Invalid request. "day" wasn\'t supplied.',
        documentation_url: "https://docs.github.com/rest",
      });
      return;
    }
    const answer = options.reports({ kind: match.kind, owner: match.owner, day });
    if (answer.kind === "status") {
      if (answer.status === 204) response.writeHead(204).end();
      else json(response, 404, { message: "Not Found" });
      return;
    }
    if (answer.kind === "empty-body") {
      json(response, 200, "");
      return;
    }
    const expires = Math.floor(Date.now() / 1000) + (options.linkTtlSeconds ?? 300);
    const links = answer.files.map((_content, index) => signedLink(match.kind, match.owner, day ?? "latest", index, expires));
    const envelope =
      match.kind.period === "1-day"
        ? { download_links: links, report_day: day }
        : { download_links: links, report_start_day: answer.firstDay, report_end_day: answer.lastDay };
    json(response, 200, envelope);
  }

  function signedLink(kind: ReportKind, owner: string, day: string, index: number, expires: number): string {
    const path = `/downloads/${kind.scope}/${owner}/${kind.report}/${day}/${index}.ndjson`;
    return `${baseUrl}${path}?se=${expires}&sig=${sign(path, expires)}`;
  }

  async function download(response: ServerResponse, url: URL): Promise<void> {
    const fault = takeFault("download", url.pathname);
    if (fault?.status !== undefined) {
      json(response, fault.status, fault.body ?? { error: "injected" }, fault.headers);
      return;
    }
    const expires = Number(url.searchParams.get("se"));
    const signature = url.searchParams.get("sig") ?? "";
    const expected = sign(url.pathname, expires);
    const valid = signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
    if (!valid || expires * 1000 < Date.now()) {
      // Blob storage answers an expired SAS with 403 AuthenticationFailed.
      response.writeHead(403, { "content-type": "application/xml" }).end("<Error><Code>AuthenticationFailed</Code></Error>");
      return;
    }
    const [, , scope, owner, report, day, file] = url.pathname.split("/");
    const kind = reportKinds.find((candidate) => candidate.scope === scope && candidate.report === report);
    const index = Number.parseInt(file ?? "", 10);
    const answer = kind && owner ? options.reports({ kind, owner, day: day === "latest" ? undefined : day }) : undefined;
    const content = answer?.kind === "files" ? answer.files[index] : undefined;
    if (content === undefined) {
      response.writeHead(404, { "content-type": "application/xml" }).end("<Error><Code>BlobNotFound</Code></Error>");
      return;
    }
    if (typeof content !== "string") {
      response.writeHead(200, { "content-type": "application/x-ndjson", "content-length": String((await stat(content.path)).size) });
      // Large reads: the file stands for a remote host, whose serving costs the measured machine nothing.
      await pipeline(createReadStream(content.path, { highWaterMark: 1024 * 1024 }), response);
      return;
    }
    const bytes = Buffer.from(content, "utf8");
    response.writeHead(200, { "content-type": "application/x-ndjson", "content-length": String(bytes.length) });
    if (fault?.cutAfterBytes !== undefined) {
      response.write(bytes.subarray(0, fault.cutAfterBytes), () => response.destroy());
      return;
    }
    if (fault?.stallAfterBytes !== undefined) {
      response.write(bytes.subarray(0, fault.stallAfterBytes));
      return;
    }
    response.end(bytes);
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: baseUrl,
    requests,
    inject: (fault) => void faults.push({ ...fault }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function matchReport(path: string): { kind: ReportKind; owner: string } | undefined {
  const [, scopes, owner, report] = /^\/(enterprises|orgs)\/([^/]+)\/copilot\/metrics\/reports\/(.+)$/.exec(path) ?? [];
  if (owner === undefined || report === undefined) return undefined;
  const scope = scopes === "enterprises" ? "enterprise" : "organization";
  const kind = reportKinds.find((candidate) => candidate.scope === scope && candidate.path.endsWith(`/${report}`));
  return kind === undefined ? undefined : { kind, owner: decodeURIComponent(owner) };
}

function sign(path: string, expires: number): string {
  return createHmac("sha256", signingKey).update(`${path}:${expires}`).digest("hex");
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Answers `body` as JSON, with its content-length. */
export function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
    ...headers,
  });
  response.end(text);
}
