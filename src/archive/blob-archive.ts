import { PassThrough } from "node:stream";
import type { TokenCredential } from "@azure/identity";
import { BlobServiceClient, StorageSharedKeyCredential, type ContainerClient } from "@azure/storage-blob";
import { ArchiveError, type ArchivedFile, type ArchiveUpload, type ReportArchive } from "./report-archive.js";

// Azurite's development account and its key are published constants, not secrets:
// https://learn.microsoft.com/azure/storage/common/storage-use-azurite#well-known-storage-account-and-key
const azuriteAccount = "devstoreaccount1";
const azuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

// uploadStream holds up to blockSize × concurrency bytes per file; four activities at once stay
// far below the smallest Flex instance's memory.
const blockSize = 4 * 1024 * 1024;
const uploadConcurrency = 2;

/**
 * The raw archive in a Blob container (ARCHIVE_ACCOUNT_URL, ARCHIVE_CONTAINER) through Microsoft
 * Entra ID: the managed identity in Azure (Storage Blob Data Contributor on the container), `az
 * login` locally. An account URL of Azurite (http://127.0.0.1:10000/devstoreaccount1) uses
 * Azurite's well-known key instead, as Azurite accepts no Entra token over plain HTTP.
 */
export function createBlobArchive(options: { accountUrl: string; container: string; credential: TokenCredential }): ReportArchive {
  const service = isAzurite(options.accountUrl)
    ? new BlobServiceClient(options.accountUrl, new StorageSharedKeyCredential(azuriteAccount, azuriteKey))
    : new BlobServiceClient(options.accountUrl, options.credential);
  const container = service.getContainerClient(options.container);
  const ready = containerReady(container);
  const description = `${options.accountUrl}/${options.container}`;

  return {
    description,

    open(path: string, metadata: Record<string, string>): ArchiveUpload {
      const stream = new PassThrough();
      // The writer abandons a file by destroying the stream with an error; the upload reports it.
      stream.on("error", () => undefined);
      const blob = container.getBlockBlobClient(path);
      const done = ready()
        .then(() => {
          // Abandoned while the container check was still under way: nothing to upload.
          if (stream.destroyed) throw stream.errored ?? new Error("the file was abandoned before its upload began");
          return blob.uploadStream(stream, blockSize, uploadConcurrency, {
            blobHTTPHeaders: { blobContentType: "application/x-ndjson" },
            metadata,
          });
        })
        .then(
          () => undefined,
          (error: unknown) => {
            const failure = new ArchiveError(`${description}/${path}`, reason(error), { cause: error });
            // Unblocks a writer waiting for 'drain' on a stream nobody reads any more.
            stream.destroy(failure);
            throw failure;
          },
        );
      // Handled here so that a failure before the reader awaits it is not an unhandled rejection.
      done.catch(() => undefined);
      return { stream, done };
    },

    async *list(prefix?: string): AsyncGenerator<ArchivedFile> {
      await ready();
      for await (const item of container.listBlobsFlat({ includeMetadata: true, ...(prefix === undefined ? {} : { prefix }) })) {
        yield { path: item.name, metadata: item.metadata ?? {} };
      }
    },

    async read(path: string): Promise<AsyncIterable<Buffer | string>> {
      const response = await container.getBlockBlobClient(path).download(0, undefined, { maxRetryRequests: 3 });
      if (response.readableStreamBody === undefined) throw new ArchiveError(`${description}/${path}`, "the download has no body");
      return response.readableStreamBody;
    },
  };
}

function isAzurite(accountUrl: string): boolean {
  const url = new URL(accountUrl);
  return ["127.0.0.1", "localhost"].includes(url.hostname) && url.pathname.split("/")[1] === azuriteAccount;
}

/**
 * Creates the container on first use if it is missing (Azurite, a new account). In Azure the
 * Bicep template creates it and the identity may only write inside it, so `exists` is all that runs.
 */
function containerReady(container: ContainerClient): () => Promise<void> {
  let pending: Promise<void> | undefined;
  return () => {
    pending ??= (async () => {
      if (!(await container.exists())) await container.createIfNotExists();
    })().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

function reason(error: unknown): string {
  if (error instanceof ArchiveError) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message.split("\n")[0] ?? ""}`;
  return String(error);
}
