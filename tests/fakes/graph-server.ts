// A Microsoft Graph fake for the drive endpoints the SharePoint sink uses, on 127.0.0.1, speaking
// Graph's wire format: path-addressed items (`/drives/{id}/root:/{path}:/content`), upload sessions
// with a pre-authenticated upload URL, `nextExpectedRanges`, `@odata.nextLink` paging and Graph's error
// JSON. Files live in memory; every request is recorded; faults can be injected.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { buffer } from "node:stream/consumers";
import { z } from "zod";

type GraphRequestKind =
  "content" | "createUploadSession" | "uploadChunk" | "sessionStatus" | "deleteSession" | "children" | "item" | "deleteItem" | "unknown";

interface GraphRequestRecord {
  method: string;
  kind: GraphRequestKind;
  /** The drive path the request is about ("" for the root); for session requests, the session's file. */
  path: string;
  /** The Authorization header as received, null when absent. */
  authorization: string | null;
  contentRange: string | null;
  /** `@microsoft.graph.conflictBehavior` from the query string or the upload session's body. */
  conflictBehavior: string | null;
  status: number;
}

export interface GraphServer {
  /** GRAPH_API_URL for the sink: http://127.0.0.1:PORT/v1.0 */
  readonly url: string;
  readonly driveId: string;
  /** The drive's files by path ("Reports/a.csv"); folders are implied by the paths. */
  readonly files: Map<string, Buffer>;
  readonly requests: GraphRequestRecord[];
  /** The next `times` requests of `kind` answer `status` (with Retry-After when given). */
  fail(kind: GraphRequestKind, status: number, options?: { times?: number; retryAfterSeconds?: number }): void;
  /** The next `times` requests of `kind` lose their connection without an answer (logged with status 0). */
  drop(kind: GraphRequestKind, times?: number): void;
  /** The `chunk`-th fragment request (1-based, retries counted) of the next upload session answers `status`. */
  failChunk(chunk: number, status: number, options?: { retryAfterSeconds?: number }): void;
  /** The next upload session is gone (404 on its URL) once it has accepted `chunks` fragments. */
  expireSessionAfterChunks(chunks: number): void;
  /** The next committed file keeps `bytes` fewer bytes than it received. */
  truncateNextCommit(bytes: number): void;
  close(): Promise<void>;
}

interface Session {
  path: string;
  tempauth: string;
  total: number | undefined;
  parts: Buffer[];
  received: number;
  requests: number;
  accepted: number;
  failChunk: { chunk: number; status: number; retryAfterSeconds: number | undefined } | undefined;
  expireAfter: number | undefined;
  expired: boolean;
}

type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

const FRAGMENT_UNIT = 320 * 1024;
/** The status logged for a request whose connection was dropped. */
const DROP = 0;
const ERROR_CODES: Record<number, string> = {
  400: "invalidRequest",
  401: "InvalidAuthenticationToken",
  403: "accessDenied",
  404: "itemNotFound",
  409: "nameAlreadyExists",
  416: "invalidRange",
  429: "activityLimitReached",
  503: "serviceNotAvailable",
  504: "gatewayTimeout",
};
const sessionRequestSchema = z.object({
  item: z.object({ "@microsoft.graph.conflictBehavior": z.enum(["fail", "replace", "rename"]).optional() }).optional(),
});

export async function startGraphServer(options: { token?: string; driveId?: string; pageSize?: number } = {}): Promise<GraphServer> {
  const token = options.token ?? "test-token";
  const driveId = options.driveId ?? "b!drive-1";
  const pageSize = options.pageSize ?? 200;
  const files = new Map<string, Buffer>();
  const ids = new Map<string, string>();
  const sessions = new Map<string, Session>();
  const requests: GraphRequestRecord[] = [];
  const faults: Array<{ kind: GraphRequestKind; status: number; times: number; retryAfterSeconds: number | undefined }> = [];
  let nextSession: Pick<Session, "failChunk" | "expireAfter"> = { failChunk: undefined, expireAfter: undefined };
  let truncateBytes = 0;
  let origin = "";

  function error(status: number, message: string): Reply {
    return { status, body: { error: { code: ERROR_CODES[status] ?? "generalException", message } } };
  }

  function injected(kind: GraphRequestKind): Reply | undefined {
    const fault = faults.find((candidate) => candidate.kind === kind && candidate.times > 0);
    if (fault === undefined) return undefined;
    fault.times -= 1;
    if (fault.status === DROP) return { status: DROP };
    return withRetryAfter(error(fault.status, "Injected fault."), fault.retryAfterSeconds);
  }

  function driveItem(path: string): Record<string, unknown> {
    const id = ids.get(path) ?? `01FAKE${String(ids.size + 1).padStart(6, "0")}`;
    ids.set(path, id);
    const name = path.slice(path.lastIndexOf("/") + 1);
    const data = files.get(path);
    if (data !== undefined) return { id, name, size: data.length, file: { mimeType: "application/octet-stream" } };
    return { id, name, size: 0, folder: { childCount: childrenOf(path).length } };
  }

  function childrenOf(folder: string): string[] {
    const prefix = folder === "" ? "" : `${folder}/`;
    const names = new Set<string>();
    for (const path of files.keys()) {
      if (path.startsWith(prefix)) names.add(path.slice(prefix.length).split("/")[0] ?? "");
    }
    return [...names].sort().map((name) => `${prefix}${name}`);
  }

  function isFolder(path: string): boolean {
    return path === "" || childrenOf(path).length > 0;
  }

  function commit(path: string, data: Buffer): Reply {
    const existed = files.has(path);
    files.set(path, data.subarray(0, Math.max(0, data.length - truncateBytes)));
    truncateBytes = 0;
    return { status: existed ? 200 : 201, body: driveItem(path) };
  }

  function children(folder: string, query: URLSearchParams): Reply {
    if (!isFolder(folder)) return error(404, "The resource could not be found.");
    const skipToken = query.get("$skiptoken");
    const offset = skipToken === null ? 0 : Number(/^offset=(\d+)$/.exec(Buffer.from(skipToken, "base64").toString())?.[1]);
    if (Number.isNaN(offset)) return error(400, "Invalid $skiptoken.");
    const all = childrenOf(folder);
    const body: Record<string, unknown> = { value: all.slice(offset, offset + pageSize).map(driveItem) };
    if (offset + pageSize < all.length) {
      const where = folder === "" ? "root" : `root:/${folder.split("/").map(encodeURIComponent).join("/")}:`;
      const skip = encodeURIComponent(Buffer.from(`offset=${offset + pageSize}`).toString("base64"));
      body["@odata.nextLink"] = `${origin}/v1.0/drives/${encodeURIComponent(driveId)}/${where}/children?$skiptoken=${skip}`;
    }
    return { status: 200, body };
  }

  function createSession(path: string, conflictBehavior: string | null): Reply {
    if (conflictBehavior === "fail" && files.has(path)) return error(409, "The specified item name already exists.");
    const id = randomBytes(8).toString("hex");
    const tempauth = randomBytes(16).toString("hex");
    sessions.set(id, {
      path,
      tempauth,
      total: undefined,
      parts: [],
      received: 0,
      requests: 0,
      accepted: 0,
      expired: false,
      ...nextSession,
    });
    nextSession = { failChunk: undefined, expireAfter: undefined };
    const uploadUrl = `${origin}/upload/sessions/${id}?guid=${randomBytes(4).toString("hex")}&overwrite=True&rename=False&dc=0&tempauth=${tempauth}`;
    return {
      status: 200,
      body: { uploadUrl, expirationDateTime: new Date(Date.now() + 3600e3).toISOString(), nextExpectedRanges: ["0-"] },
    };
  }

  function uploadChunk(session: Session, id: string, range: string | null, data: Buffer): Reply {
    session.requests += 1;
    const fail = session.failChunk;
    if (fail !== undefined && fail.chunk === session.requests) {
      return withRetryAfter(error(fail.status, "Injected fault."), fail.retryAfterSeconds);
    }
    const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(range ?? "");
    if (match === null) return error(400, "Content-Range must be bytes START-END/TOTAL.");
    const [start, end, total] = [Number(match[1]), Number(match[2]), Number(match[3])];
    if (session.total !== undefined && total !== session.total) return error(400, "The total size changed.");
    if (end < start || end >= total) return error(400, "The range is outside the file.");
    if (start !== session.received) return error(416, `Expected the range to start at ${session.received}.`);
    if (data.length !== end - start + 1) return error(400, "The body length does not match Content-Range.");
    const last = end === total - 1;
    if (!last && data.length % FRAGMENT_UNIT !== 0) return error(400, "Fragments must be a multiple of 320 KiB.");
    if (data.length >= 60 * 1024 * 1024) return error(400, "Fragments must be smaller than 60 MiB.");
    session.total = total;
    session.parts.push(data);
    session.received += data.length;
    session.accepted += 1;
    if (last) {
      sessions.delete(id);
      return commit(session.path, Buffer.concat(session.parts));
    }
    if (session.accepted === session.expireAfter) session.expired = true;
    return {
      status: 202,
      body: { expirationDateTime: new Date(Date.now() + 3600e3).toISOString(), nextExpectedRanges: [`${session.received}-`] },
    };
  }

  function handleSession(req: IncomingMessage, url: URL, record: GraphRequestRecord, data: Buffer): Reply {
    const id = url.pathname.slice("/upload/sessions/".length);
    record.kind =
      req.method === "PUT" ? "uploadChunk" : req.method === "GET" ? "sessionStatus" : req.method === "DELETE" ? "deleteSession" : "unknown";
    const session = sessions.get(id);
    record.path = session?.path ?? "";
    if (session === undefined || session.expired) return error(404, "The upload session was not found.");
    // The upload URL is pre-authenticated; Graph may answer 401 to a request that also carries a token.
    if (url.searchParams.get("tempauth") !== session.tempauth || record.authorization !== null) {
      return error(401, "The upload URL takes no Authorization header.");
    }
    const fault = injected(record.kind);
    if (fault !== undefined) return fault;
    if (record.kind === "uploadChunk") return uploadChunk(session, id, record.contentRange, data);
    if (record.kind === "deleteSession") {
      sessions.delete(id);
      return { status: 204 };
    }
    if (record.kind === "sessionStatus") {
      const end = session.total === undefined ? "" : String(session.total - 1);
      return {
        status: 200,
        body: { expirationDateTime: new Date(Date.now() + 3600e3).toISOString(), nextExpectedRanges: [`${session.received}-${end}`] },
      };
    }
    return error(405, "Method not allowed.");
  }

  function handleDrive(req: IncomingMessage, url: URL, record: GraphRequestRecord, data: Buffer): Reply {
    const match = /^\/v1\.0\/drives\/([^/]+)\/root(?::\/([^:]+)(?::(?:\/(\w+))?)?|\/(children))?$/.exec(url.pathname);
    if (match === null) return error(400, "Unsupported Graph request.");
    const [, drive, encodedPath, pathAction, rootAction] = match;
    const path = (encodedPath ?? "").split("/").map(decodeURIComponent).join("/");
    const action = pathAction ?? rootAction;
    record.path = path;
    record.kind = kindOf(req.method ?? "", action);
    record.conflictBehavior = url.searchParams.get("@microsoft.graph.conflictBehavior");
    if (record.authorization !== `Bearer ${token}`) return error(401, "Access token is empty or invalid.");
    if (decodeURIComponent(drive ?? "") !== driveId) return error(404, "The drive could not be found.");
    const fault = injected(record.kind);
    if (fault !== undefined) return fault;
    switch (record.kind) {
      case "content":
        if (record.conflictBehavior === "fail" && files.has(path)) return error(409, "The specified item name already exists.");
        return commit(path, data);
      case "createUploadSession": {
        const body = sessionRequestSchema.safeParse(data.length === 0 ? {} : parseJson(data));
        if (!body.success) return error(400, "Invalid upload session request.");
        record.conflictBehavior ??= body.data.item?.["@microsoft.graph.conflictBehavior"] ?? null;
        return createSession(path, record.conflictBehavior);
      }
      case "children":
        return children(path, url.searchParams);
      case "item":
        return files.has(path) || isFolder(path) ? { status: 200, body: driveItem(path) } : error(404, "The resource could not be found.");
      case "deleteItem": {
        const doomed = [...files.keys()].filter((file) => file === path || file.startsWith(`${path}/`));
        for (const file of doomed) files.delete(file);
        return doomed.length > 0 ? { status: 204 } : error(404, "The resource could not be found.");
      }
      default:
        return error(400, "Unsupported Graph request.");
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const data = await buffer(req);
    const url = new URL(req.url ?? "/", origin);
    const record: GraphRequestRecord = {
      method: req.method ?? "",
      kind: "unknown",
      path: "",
      authorization: req.headers.authorization ?? null,
      contentRange: req.headers["content-range"] ?? null,
      conflictBehavior: null,
      status: 0,
    };
    const reply = url.pathname.startsWith("/upload/sessions/")
      ? handleSession(req, url, record, data)
      : handleDrive(req, url, record, data);
    record.status = reply.status;
    requests.push(record);
    if (reply.status === DROP) {
      req.socket.destroy();
      return;
    }
    const body = reply.body === undefined ? undefined : JSON.stringify(reply.body);
    res.writeHead(reply.status, { ...(body === undefined ? {} : { "content-type": "application/json" }), ...reply.headers });
    res.end(body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((failure: unknown) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "generalException", message: String(failure) } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address: AddressInfo | string | null = server.address();
  if (address === null || typeof address === "string") throw new Error("The Graph fake has no TCP address");
  origin = `http://127.0.0.1:${address.port}`;

  return {
    url: `${origin}/v1.0`,
    driveId,
    files,
    requests,
    fail(kind, status, { times = 1, retryAfterSeconds } = {}) {
      faults.push({ kind, status, times, retryAfterSeconds });
    },
    drop(kind, times = 1) {
      faults.push({ kind, status: DROP, times, retryAfterSeconds: undefined });
    },
    failChunk(chunk, status, { retryAfterSeconds } = {}) {
      nextSession.failChunk = { chunk, status, retryAfterSeconds };
    },
    expireSessionAfterChunks(chunks) {
      nextSession.expireAfter = chunks;
    },
    truncateNextCommit(bytes) {
      truncateBytes = bytes;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((failure) => (failure ? reject(failure) : resolve())));
    },
  };
}

function kindOf(method: string, action: string | undefined): GraphRequestKind {
  if (method === "PUT" && action === "content") return "content";
  if (method === "POST" && action === "createUploadSession") return "createUploadSession";
  if (method === "GET" && action === "children") return "children";
  if (method === "GET" && action === undefined) return "item";
  if (method === "DELETE" && action === undefined) return "deleteItem";
  return "unknown";
}

function withRetryAfter(reply: Reply, retryAfterSeconds: number | undefined): Reply {
  return retryAfterSeconds === undefined ? reply : { ...reply, headers: { "retry-after": String(retryAfterSeconds) } };
}

function parseJson(data: Buffer): unknown {
  try {
    return JSON.parse(data.toString("utf8"));
  } catch {
    return undefined;
  }
}
