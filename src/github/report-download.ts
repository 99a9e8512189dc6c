import http from "node:http";
import https from "node:https";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";

/** A signed URL without its query string: the signature is a credential and never goes in a message. */
export function withoutQuery(url: string): string {
  const cut = url.search(/[?#]/);
  return cut === -1 ? url : url.slice(0, cut);
}

export class ReportDownloadError extends Error {
  override readonly name: string = "ReportDownloadError";
  constructor(
    readonly file: string,
    readonly status: number | undefined,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`Downloading report file ${file} failed: ${problem}.`, options);
  }
}

/** The download host refused a signed link (403/404): it expired or was revoked; fresh links fix it. */
export class SignedLinkExpiredError extends ReportDownloadError {
  override readonly name = "SignedLinkExpiredError";
}

/** A connection cut (or given up) in the middle of the body surfaces as a ReportDownloadError naming the file. */
async function* cutsReported(body: AsyncIterable<Buffer>, file: string, idle: IdleWatch): AsyncGenerator<Buffer> {
  let received = 0;
  try {
    for await (const chunk of body) {
      received += chunk.length;
      yield chunk;
    }
  } catch (error) {
    const problem = idle.gaveUp
      ? `the host sent nothing for ${idle.timeoutMs / 1000} s after ${received} bytes`
      : `the connection was cut after ${received} bytes`;
    throw new ReportDownloadError(file, 200, problem, { cause: error });
  }
}

export interface DownloadOptions {
  attempts?: number;
  backoffMs?: number;
  /** A host that sends nothing for this long has hung: the download fails, and the unit retries with fresh links (default 2 minutes). */
  idleTimeoutMs?: number;
}

/**
 * Opens one signed report link as a byte stream. The GitHub token is never sent: the link carries
 * its own signature and the download host is not GitHub's API. 5xx and network errors before the
 * body starts are retried; a cut in the middle of the body surfaces as a stream error.
 *
 * Node's http client, not fetch: on a users report of 100,000s of lines, fetch's web streams cost
 * as much CPU as a third of the parsing, on the thread that parses.
 */
export async function openReportFile(url: string, options: DownloadOptions = {}): Promise<Readable> {
  const attempts = options.attempts ?? 3;
  const backoffMs = options.backoffMs ?? 1000;
  const file = withoutQuery(url);
  for (let attempt = 1; ; attempt++) {
    let response: http.IncomingMessage;
    const idle: IdleWatch = { timeoutMs: options.idleTimeoutMs ?? 120_000, gaveUp: false };
    try {
      response = await followed(url, idle);
    } catch (error) {
      if (attempt >= attempts) throw new ReportDownloadError(file, undefined, `network error after ${attempt} attempts`, { cause: error });
      await sleep(backoffMs * attempt ** 2);
      continue;
    }
    const status = response.statusCode ?? 0;
    if (status >= 200 && status < 300) return Readable.from(cutsReported(response, file, idle), { objectMode: false });
    response.resume();
    if (status === 403 || status === 404) {
      throw new SignedLinkExpiredError(file, status, `the download host answered ${status} (the signed link expired or was revoked)`);
    }
    if (status >= 500 && attempt < attempts) {
      await sleep(backoffMs * attempt ** 2);
      continue;
    }
    throw new ReportDownloadError(file, status, `the download host answered ${status}`);
  }
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

interface IdleWatch {
  timeoutMs: number;
  /** Set when the request was destroyed for sending nothing for timeoutMs. */
  gaveUp: boolean;
}

/** GET `url`, following up to 5 redirects, as fetch would; a request idle for too long is destroyed. */
async function followed(url: string, idle: IdleWatch): Promise<http.IncomingMessage> {
  let target = new URL(url);
  for (let redirects = 0; ; redirects++) {
    const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const request = (target.protocol === "https:" ? https : http).get(target, resolve);
      request.on("error", reject);
      request.setTimeout(idle.timeoutMs, () => {
        idle.gaveUp = true;
        request.destroy(new Error(`the host sent nothing for ${idle.timeoutMs / 1000} s`));
      });
    });
    const location = response.headers.location;
    if (!redirectStatuses.has(response.statusCode ?? 0) || location === undefined || redirects === 5) return response;
    response.resume();
    target = new URL(location, target);
  }
}
