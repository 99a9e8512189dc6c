import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openReportFile, ReportDownloadError, SignedLinkExpiredError } from "../../src/github/index.js";

// A download host on 127.0.0.1 answering as blob storage does: a redirect, a file, a refused
// signature, a 503 once, and a body cut short of its Content-Length.
const body = Buffer.from(Array.from({ length: 5000 }, (_, i) => `{"user_id":${i},"day":"2026-11-01"}\n`).join(""));
let unavailableOnce = true;
let server: Server;
let base: string;

async function readAll(url: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await openReportFile(url, { backoffMs: 1, idleTimeoutMs: 300 })) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe("downloading a signed report file", () => {
  beforeAll(async () => {
    server = createServer((request, response) => {
      const path = new URL(request.url ?? "/", "http://localhost").pathname;
      if (path === "/moved") {
        response.writeHead(302, { location: "/file?sig=abc" }).end();
      } else if (path === "/file") {
        response.writeHead(200, { "content-type": "application/x-ndjson", "content-length": String(body.length) }).end(body);
      } else if (path === "/expired") {
        response.writeHead(403).end("Signature expired");
      } else if (path === "/busy") {
        if (unavailableOnce) {
          unavailableOnce = false;
          response.writeHead(503).end();
        } else {
          response.writeHead(200, { "content-length": String(body.length) }).end(body);
        }
      } else if (path === "/hung") {
        // Sends part of the file, then nothing, with the connection open.
        response.writeHead(200, { "content-length": String(body.length) });
        response.write(body.subarray(0, 2000));
      } else if (path === "/cut") {
        response.writeHead(200, { "content-length": String(body.length) });
        // A FIN, not a reset: the bytes sent arrive before the close does.
        response.write(body.subarray(0, 1000), () => response.socket?.end());
      } else {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("follows a redirect and streams the whole file", async () => {
    expect((await readAll(`${base}/moved?sig=secret`)).equals(body)).toBe(true);
  });

  it("retries a 503 and then reads the file", async () => {
    expect((await readAll(`${base}/busy`)).equals(body)).toBe(true);
  });

  it("reports a refused signature as an expired link, without the signature in the message", async () => {
    const error = await readAll(`${base}/expired?sig=secret`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SignedLinkExpiredError);
    expect((error as Error).message).toBe(
      `Downloading report file ${base}/expired failed: the download host answered 403 (the signed link expired or was revoked).`,
    );
  });

  it("gives up on a host that stops sending mid-body, with the bytes received", async () => {
    const error = await readAll(`${base}/hung?sig=secret`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ReportDownloadError);
    expect((error as Error).message).toBe(`Downloading report file ${base}/hung failed: the host sent nothing for 0.3 s after 2000 bytes.`);
  });

  it("reports a connection cut mid-body with the bytes received", async () => {
    const error = await readAll(`${base}/cut?sig=secret`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ReportDownloadError);
    expect((error as Error).message).toBe(`Downloading report file ${base}/cut failed: the connection was cut after 1000 bytes.`);
  });
});
