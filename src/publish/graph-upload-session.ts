import { z } from "zod";
import { isNetworkFailure, isTransientStatus, retryDelayMs, withRetries, type GraphTransport, type RetryPolicy } from "./graph-client.js";
import { PublishError } from "./publish-error.js";

// Graph takes session fragments in multiples of 320 KiB, each under 60 MiB:
// https://learn.microsoft.com/graph/api/driveitem-createuploadsession#upload-bytes-to-the-upload-session
export const FRAGMENT_UNIT_BYTES = 320 * 1024;

const sessionSchema = z.object({ uploadUrl: z.url() });
// "nextExpectedRanges": ["26214400-"] or ["26214400-52428799"]
const rangesSchema = z.object({ nextExpectedRanges: z.array(z.string().regex(/^\d+-\d*$/)) });

export interface SessionUpload {
  transport: GraphTransport;
  policy: RetryPolicy;
  /** The file as the caller named it, for PublishError.path. */
  path: string;
  /** Where it goes in the library (folder included), for messages. */
  remotePath: string;
  /** `/drives/{id}/root:/{path}:/createUploadSession`, segments encoded. */
  sessionPath: string;
  file: Blob;
  fragmentBytes: number;
}

type FragmentOutcome =
  | { kind: "committed" | "rejected"; response: Response }
  | { kind: "accepted"; next: number | undefined }
  | { kind: "expired" | "interrupted"; response: Response }
  | { kind: "lost"; error: unknown };

/**
 * Uploads `file` through an upload session and returns the response to its last fragment (200/201 with
 * the driveItem: Graph commits the file at its final path only when the last byte arrives), or the
 * response that made it give up.
 *
 * The SDK's LargeFileUploadTask throws on a 503 mid-session or an expired session; here a lost fragment
 * is followed by asking the session for `nextExpectedRanges` and resuming there, and a session that is
 * gone (404) is replaced by a new one. Faults without progress, and sessions, are bounded by `maxAttempts`.
 */
export async function uploadInSession(upload: SessionUpload): Promise<Response> {
  const { file, policy } = upload;
  let uploadUrl = await openSession(upload);
  let sessions = 1;
  let offset = 0;
  let faults = 0;
  for (;;) {
    if (typeof uploadUrl !== "string") return uploadUrl;
    const end = Math.min(offset + upload.fragmentBytes, file.size);
    const outcome = await sendFragment(uploadUrl, file, offset, end);
    if (outcome.kind === "committed" || outcome.kind === "rejected") return outcome.response;
    if (outcome.kind === "accepted" && outcome.next !== undefined && outcome.next > offset) {
      offset = outcome.next;
      faults = 0;
      continue;
    }
    faults += 1;
    if (faults >= policy.maxAttempts) {
      if (outcome.kind === "accepted") throw stuck(upload, 202, "kept accepting fragments without moving on");
      if (outcome.kind === "lost") throw outcome.error;
      return outcome.response;
    }
    if (outcome.kind === "expired" || outcome.kind === "interrupted") await outcome.response.body?.cancel();
    if (outcome.kind === "interrupted") await policy.sleep(retryDelayMs(policy, faults, outcome.response));
    if (outcome.kind === "lost") await policy.sleep(retryDelayMs(policy, faults));
    const resume = outcome.kind === "expired" ? "restart" : await resumeOffset(uploadUrl, upload);
    if (typeof resume !== "string" && typeof resume !== "number") return resume;
    if (resume === "restart") {
      sessions += 1;
      if (sessions > policy.maxAttempts) throw stuck(upload, 404, `expired ${policy.maxAttempts} times`);
      uploadUrl = await openSession(upload);
      offset = 0;
    } else {
      offset = resume;
    }
  }
}

/** The new session's upload URL, or Graph's failing response. */
async function openSession(upload: SessionUpload): Promise<string | Response> {
  const response = await upload.transport.send({
    method: "POST",
    path: upload.sessionPath,
    body: { item: { "@microsoft.graph.conflictBehavior": "replace" } },
  });
  if (response.status !== 200) return response;
  return (await parse(response, sessionSchema, upload)).uploadUrl;
}

// The upload URL is pre-authenticated (its query string carries a `tempauth` credential) and lives on
// SharePoint's host, not Graph's: it must not get the bearer token (Graph may answer 401), and the Graph
// client only takes absolute https:// URLs. So plain fetch, and the URL never goes into a message.
async function sendFragment(uploadUrl: string, file: Blob, start: number, end: number): Promise<FragmentOutcome> {
  let response: Response;
  try {
    response = await fetch(uploadUrl, {
      method: "PUT",
      headers: { "Content-Range": `bytes ${start}-${end - 1}/${file.size}` },
      body: file.slice(start, end),
    });
  } catch (error) {
    if (!isNetworkFailure(error)) throw error;
    return { kind: "lost", error };
  }
  if (response.status === 200 || response.status === 201) return { kind: "committed", response };
  if (response.status === 202) {
    const ranges = rangesSchema.safeParse(await response.json().catch(() => undefined));
    return { kind: "accepted", next: ranges.success ? firstExpected(ranges.data.nextExpectedRanges) : undefined };
  }
  // 416: the session holds other bytes than we thought (a fragment landed though its answer was lost).
  if (response.status === 404) return { kind: "expired", response };
  if (response.status === 416 || isTransientStatus(response.status)) return { kind: "interrupted", response };
  return { kind: "rejected", response };
}

/** Where the session wants the next byte, "restart" when it is gone, or its failing response. */
async function resumeOffset(uploadUrl: string, upload: SessionUpload): Promise<number | "restart" | Response> {
  const response = await withRetries(upload.policy, () => fetch(uploadUrl));
  if (response.status === 404) {
    await response.body?.cancel();
    return "restart";
  }
  if (response.status !== 200) return response;
  return firstExpected((await parse(response, rangesSchema, upload)).nextExpectedRanges) ?? "restart";
}

function firstExpected(ranges: string[]): number | undefined {
  const first = ranges[0];
  return first === undefined ? undefined : Number(first.slice(0, first.indexOf("-")));
}

async function parse<T>(response: Response, schema: z.ZodType<T>, upload: SessionUpload): Promise<T> {
  const parsed = schema.safeParse(await response.json().catch(() => undefined));
  if (parsed.success) return parsed.data;
  throw new PublishError(
    `Could not upload "${upload.remotePath}" to SharePoint: the upload session answered HTTP ${response.status} with a body that is not Graph's upload session JSON.`,
    { operation: "put", path: upload.path, status: response.status, cause: parsed.error },
  );
}

function stuck(upload: SessionUpload, status: number, reason: string): PublishError {
  return new PublishError(`Could not upload "${upload.remotePath}" to SharePoint: the upload session ${reason}.`, {
    operation: "put",
    path: upload.path,
    status,
  });
}
