import type { ReportArchive } from "../../archive/index.js";
import type { Settings } from "../../config/index.js";
import type { Pool } from "../../db/index.js";
import type { DownloadOptions, GitHubClient } from "../../github/index.js";
import type { PublishSink } from "../../publish/index.js";
import type { SecretSource } from "../../secrets/index.js";
import type { Telemetry } from "../../telemetry/index.js";

export interface PipelineDependencies {
  pool: Pool;
  settings: Settings;
  github: (enterprise: string) => GitHubClient;
  sink: PublishSink;
  /** Where the secret user-hash-key is read (USER_IDENTITY=hashed): Key Vault with KEY_VAULT_URL, else the environment. */
  secrets: SecretSource;
  download?: DownloadOptions;
  /** Called with the record count of every ingested unit, for live progress. */
  onRecords?: (count: number) => void;
  /** Raw report archive (ARCHIVE_ACCOUNT_URL); none: files are not archived. */
  archive?: ReportArchive;
  /** Events and metrics of docs/operations.md (App Insights, or console lines); none: no telemetry. */
  telemetry?: Telemetry;
}
