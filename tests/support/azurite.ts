import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const azuriteBlob = fileURLToPath(new URL("../../node_modules/.bin/azurite-blob", import.meta.url));

export interface Azurite {
  /** The development account's blob endpoint, e.g. http://127.0.0.1:41234/devstoreaccount1. */
  accountUrl: string;
  stop(): Promise<void>;
}

/**
 * Azurite's blob service on 127.0.0.1 with a port of its own and a throwaway folder, for one test
 * file. It prints the port it listens on, which is how we learn it.
 */
export async function startAzurite(): Promise<Azurite> {
  const location = await mkdtemp(path.join(tmpdir(), "metrics-azurite-"));
  const child = spawn(
    azuriteBlob,
    [
      "--blobHost",
      "127.0.0.1",
      "--blobPort",
      "0",
      "--location",
      location,
      "--skipApiVersionCheck",
      "--loose",
      "--disableTelemetry",
      "--silent",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  try {
    const port = await listeningPort(child);
    return {
      accountUrl: `http://127.0.0.1:${port}/devstoreaccount1`,
      stop: async () => {
        await stopProcess(child);
        await rm(location, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stopProcess(child);
    await rm(location, { recursive: true, force: true });
    throw error;
  }
}

function listeningPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`Azurite did not start within 30 seconds: ${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const match = /listens on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited with code ${code}: ${output}`));
    });
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  await exited;
}
