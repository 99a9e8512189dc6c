import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
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

/** A connection cut in the middle of the body surfaces as a ReportDownloadError naming the file. */
async function* cutsReported(body: AsyncIterable<Uint8Array>, file: string): AsyncGenerator<Buffer> {
  let received = 0;
  try {
    for await (const chunk of body) {
      received += chunk.length;
      yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    }
  } catch (error) {
    throw new ReportDownloadError(file, 200, `the connection was cut after ${received} bytes`, { cause: error });
  }
}

export interface DownloadOptions {
  attempts?: number;
  backoffMs?: number;
}

/**
 * Opens one signed report link as a byte stream. The GitHub token is never sent: the link carries
 * its own signature and the download host is not GitHub's API. 5xx and network errors before the
 * body starts are retried; a cut in the middle of the body surfaces as a stream error.
 */
export async function openReportFile(url: string, options: DownloadOptions = {}): Promise<Readable> {
  const attempts = options.attempts ?? 3;
  const backoffMs = options.backoffMs ?? 1000;
  const file = withoutQuery(url);
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(url, { redirect: "follow" });
    } catch (error) {
      if (attempt >= attempts) throw new ReportDownloadError(file, undefined, `network error after ${attempt} attempts`, { cause: error });
      await sleep(backoffMs * attempt ** 2);
      continue;
    }
    if (response.ok) {
      if (response.body === null) return Readable.from([]);
      return Readable.from(cutsReported(response.body as WebReadableStream<Uint8Array>, file), { objectMode: false });
    }
    await response.body?.cancel();
    if (response.status === 403 || response.status === 404) {
      throw new SignedLinkExpiredError(file, response.status, `the download host answered ${response.status} (the signed link expired or was revoked)`);
    }
    if (response.status >= 500 && attempt < attempts) {
      await sleep(backoffMs * attempt ** 2);
      continue;
    }
    throw new ReportDownloadError(file, response.status, `the download host answered ${response.status}`);
  }
}
