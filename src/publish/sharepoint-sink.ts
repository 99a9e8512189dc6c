import { openAsBlob } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import type { TokenCredential } from "@azure/identity";
import { z } from "zod";
import {
  createGraphTransport,
  driveItemSchema,
  isGraphCredentialFailure,
  isTransientStatus,
  readGraphError,
  type RetryPolicy,
} from "./graph-client.js";
import { FRAGMENT_UNIT_BYTES, uploadInSession } from "./graph-upload-session.js";
import { PublishError, type PublishOperation } from "./publish-error.js";
import type { PublishSink } from "./sink.js";

export interface SharePointSinkOptions {
  /** GRAPH_API_URL, e.g. https://graph.microsoft.com/v1.0; the token is asked for its origin + "/.default". */
  graphApiUrl: string;
  driveId: string;
  /** SHAREPOINT_FOLDER inside the drive, "" for the library's root. */
  folder: string;
  /** Larger files go through an upload session, in fragments of at most this size (at least 320 KiB). */
  simpleUploadMaxBytes: number;
  credential: TokenCredential;
  retry?: {
    /** Attempts per request, and faults without progress per upload session; 5 by default. */
    maxAttempts?: number;
    /** Backoff when Graph sends no Retry-After, doubling per attempt; 1000 by default. */
    baseDelayMs?: number;
    /** For tests: how waiting is done. */
    sleep?: (ms: number) => Promise<void>;
  };
}

// Microsoft suggests 5-10 MiB session fragments; 10 MiB is 32 units of 320 KiB.
const MAX_FRAGMENT_UNITS = 32;
const REPLACE = { "@microsoft.graph.conflictBehavior": "replace" };
const childrenPageSchema = z.object({
  value: z.array(driveItemSchema.pick({ name: true, file: true, folder: true })),
  "@odata.nextLink": z.string().optional(),
});

/** Publishes into a SharePoint document library (a Graph drive) under `folder`. */
export function createSharePointSink(options: SharePointSinkOptions): PublishSink {
  const policy: RetryPolicy = {
    maxAttempts: options.retry?.maxAttempts ?? 5,
    baseDelayMs: options.retry?.baseDelayMs ?? 1000,
    sleep: options.retry?.sleep ?? ((ms) => sleep(ms)),
  };
  const transport = createGraphTransport({ graphApiUrl: options.graphApiUrl, credential: options.credential, policy });
  const drive = `/drives/${encodeURIComponent(options.driveId)}`;
  const folder = options.folder.split("/").filter((segment) => segment !== "");
  const fragmentUnits = Math.floor(options.simpleUploadMaxBytes / FRAGMENT_UNIT_BYTES);
  const fragmentBytes = FRAGMENT_UNIT_BYTES * Math.min(MAX_FRAGMENT_UNITS, Math.max(1, fragmentUnits));

  /** Graph's path addressing: `root:/a/b.csv` for the item, `root:/a/b.csv:/content` for an action on it. */
  function graphPath(segments: string[], action?: string): string {
    if (segments.length === 0) return `${drive}/root${action === undefined ? "" : `/${action}`}`;
    const item = `${drive}/root:/${segments.map(encodeURIComponent).join("/")}`;
    return action === undefined ? item : `${item}:/${action}`;
  }

  function segmentsOf(operation: PublishOperation, path: string): string[] {
    const segments = path.split("/").filter((segment) => segment !== "");
    if (segments.some((segment) => segment === "." || segment === "..")) {
      throw new PublishError(`Cannot ${doing(operation, path)}: paths are relative to the folder, without "." or "..".`, {
        operation,
        path,
      });
    }
    return [...folder, ...segments];
  }

  async function listInto(operation: PublishOperation, relative: string[], files: string[]): Promise<void> {
    const where = relative.join("/");
    let next: string | undefined = graphPath([...folder, ...relative], "children");
    for (let page = 1; next !== undefined; page += 1) {
      const path = next;
      const response = await request(operation, where, () => transport.send({ method: "GET", path }));
      // A folder that does not exist yet holds no files.
      if (response.status === 404 && page === 1) return discard(response);
      if (response.status !== 200) throw await httpFailure(operation, where, response);
      const children = await parse(response, childrenPageSchema, operation, where);
      for (const child of children.value) {
        if (child.folder !== undefined) await listInto(operation, [...relative, child.name], files);
        else if (child.file !== undefined) files.push([...relative, child.name].join("/"));
      }
      const link = children["@odata.nextLink"];
      next = link === undefined ? undefined : transport.pathOfLink(link);
      if (link !== undefined && next === undefined) {
        throw new PublishError(`Could not ${doing(operation, remote(where))}: Graph's next-page link is not under GRAPH_API_URL.`, {
          operation,
          path: where,
          status: response.status,
        });
      }
    }
  }

  function remote(path: string): string {
    return [...folder, path].filter((part) => part !== "").join("/");
  }

  async function request(operation: PublishOperation, path: string, send: () => Promise<Response>): Promise<Response> {
    try {
      return await send();
    } catch (error) {
      if (error instanceof PublishError) throw error;
      // The same one line for every file, so the summary shows it once; without `cause`, whose
      // message (the whole credential chain) the run's error summary would append.
      if (isGraphCredentialFailure(error))
        throw new PublishError(error instanceof Error ? error.message : String(error), { operation, path });
      const reason = error instanceof Error ? error.message : String(error);
      throw new PublishError(`Could not ${doing(operation, remote(path))}: the request got no HTTP answer (${reason}).`, {
        operation,
        path,
        cause: error,
      });
    }
  }

  async function httpFailure(operation: PublishOperation, path: string, response: Response): Promise<PublishError> {
    const { code, message } = await readGraphError(response);
    // Graph's messages can quote URLs; an upload URL's query string is a credential.
    const detail = [code, message?.replace(/https?:\/\/\S+/g, "<url>").replace(/\.$/, "")]
      .filter((part) => part !== undefined && part !== "")
      .join(": ");
    return new PublishError(
      `Could not ${doing(operation, remote(path))}: HTTP ${response.status}${detail === "" ? "" : ` ${detail}`}.${hint(response.status)}`,
      { operation, path, status: response.status, code },
    );
  }

  async function parse<T>(response: Response, schema: z.ZodType<T>, operation: PublishOperation, path: string): Promise<T> {
    const parsed = schema.safeParse(await response.json().catch(() => undefined));
    if (parsed.success) return parsed.data;
    throw new PublishError(
      `Could not ${doing(operation, remote(path))}: HTTP ${response.status} came with a body that is not the JSON Graph sends.`,
      { operation, path, status: response.status, cause: parsed.error },
    );
  }

  return {
    description: `SharePoint drive ${options.driveId} folder /${folder.join("/")}`,

    async put(relativePath, localFile) {
      const segments = segmentsOf("put", relativePath);
      // A file-backed Blob: fetch reads it from disk as it sends, slices read only their range.
      const file = await openAsBlob(localFile);
      const response = await request("put", relativePath, () =>
        file.size <= options.simpleUploadMaxBytes
          ? transport.send({ method: "PUT", path: graphPath(segments, "content"), query: REPLACE, body: file })
          : uploadInSession({
              transport,
              policy,
              path: relativePath,
              remotePath: remote(relativePath),
              sessionPath: graphPath(segments, "createUploadSession"),
              file,
              fragmentBytes,
            }),
      );
      if (response.status !== 200 && response.status !== 201) throw await httpFailure("put", relativePath, response);
      const item = await parse(response, driveItemSchema, "put", relativePath);
      if (item.size !== file.size) {
        throw new PublishError(
          `Uploaded "${remote(relativePath)}" to SharePoint but it holds ${item.size} bytes where the local file has ${file.size}; the next run uploads it again.`,
          { operation: "put", path: relativePath, status: response.status },
        );
      }
    },

    async remove(relativePath) {
      const path = graphPath(segmentsOf("remove", relativePath));
      const response = await request("remove", relativePath, () => transport.send({ method: "DELETE", path }));
      if (response.status === 204 || response.status === 200 || response.status === 404) return discard(response);
      throw await httpFailure("remove", relativePath, response);
    },

    async list(prefix) {
      const relative = segmentsOf("list", prefix).slice(folder.length);
      const files: string[] = [];
      await listInto("list", relative, files);
      return files.sort();
    },
  };
}

function doing(operation: PublishOperation, path: string): string {
  if (operation === "put") return `upload "${path}" to SharePoint`;
  if (operation === "remove") return `delete "${path}" from SharePoint`;
  return `list "${path}" in SharePoint`;
}

function hint(status: number): string {
  if (status === 401 || status === 403) {
    return " Check that the managed identity has the Graph role Sites.Selected and write access to the site of SHAREPOINT_DRIVE_ID.";
  }
  if (isTransientStatus(status)) return " Graph was still busy at the last attempt; the next run publishes again.";
  return "";
}

async function discard(response: Response): Promise<void> {
  await response.body?.cancel();
}
