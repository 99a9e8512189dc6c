import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  AggregateAuthenticationError,
  AuthenticationError,
  AzureCliCredential,
  ChainedTokenCredential,
  CredentialUnavailableError,
  EnvironmentCredential,
  type TokenCredential,
} from "@azure/identity";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { datasets } from "../../src/publish/index.js";
import { describeCredentialFailure } from "../../src/publish/graph-client.js";
import { PublishError } from "../../src/publish/publish-error.js";
import { createSharePointSink } from "../../src/publish/sharepoint-sink.js";
import { startGraphServer, type GraphServer } from "../fakes/graph-server.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { runCli } from "../support/run-cli.js";

const noIdentity =
  "No Azure identity is available to get a Microsoft Graph token for SharePoint. On a workstation, run `az login` as someone " +
  "with write access to the site; in Azure, the Function App's managed identity signs in (for a user-assigned identity, set " +
  "AZURE_CLIENT_ID to its client id).";
// Nothing in the environment or a profile that an Azure credential could sign in with.
const withoutAzureIdentity = [
  "AZURE_CLIENT_ID",
  "AZURE_TENANT_ID",
  "AZURE_CLIENT_SECRET",
  "AZURE_CLIENT_CERTIFICATE_PATH",
  "AZURE_USERNAME",
  "AZURE_FEDERATED_TOKEN_FILE",
  "IDENTITY_ENDPOINT",
  "MSI_ENDPOINT",
];

describe("publishing to SharePoint without an Azure identity", () => {
  let graph: GraphServer;
  let database: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    graph = await startGraphServer({});
    database = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), "graph-credential-"));
    for (const name of withoutAzureIdentity) vi.stubEnv(name, undefined);
    // An empty Azure CLI and azd profile: signed in nowhere, whoever runs the tests.
    vi.stubEnv("AZURE_CONFIG_DIR", dir);
    vi.stubEnv("AZD_CONFIG_DIR", dir);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await graph.close();
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it("fails every file with one line that names the fix, asking the credential chain once", async () => {
    let asked = 0;
    // The chain DefaultAzureCredential starts with, none of which can sign in here.
    const chain = new ChainedTokenCredential(new EnvironmentCredential(), new AzureCliCredential());
    const credential: TokenCredential = {
      getToken: (scopes, options) => {
        asked += 1;
        return chain.getToken(scopes, options);
      },
    };
    const sink = createSharePointSink({
      graphApiUrl: graph.url,
      driveId: graph.driveId,
      folder: "Metrics",
      simpleUploadMaxBytes: 4 * 1024 * 1024,
      credential,
    });
    const file = path.join(dir, "a.csv");
    await writeFile(file, "a\r\n");

    const outcomes = await Promise.allSettled([sink.put("a.csv", file), sink.put("b/c.csv", file), sink.list("b"), sink.remove("a.csv")]);

    expect(
      outcomes.map((outcome) =>
        outcome.status === "rejected" && outcome.reason instanceof PublishError ? outcome.reason.message : outcome.status,
      ),
    ).toEqual([noIdentity, noIdentity, noIdentity, noIdentity]);
    expect(asked).toBe(1);
    expect(graph.requests).toEqual([]);
  });

  it("prints the cause once for the whole run, not the credential chain per dataset", async () => {
    vi.stubEnv("DATABASE_URL", database.url);
    vi.stubEnv("SHAREPOINT_DRIVE_ID", graph.driveId);
    vi.stubEnv("SHAREPOINT_SITE_ID", "contoso.sharepoint.com,site,web");
    vi.stubEnv("GRAPH_API_URL", graph.url);

    const result = await runCli(["publish"]);

    expect(result.code).toBe(1);
    const lines = [...result.out, ...result.err];
    expect(lines.filter((line) => line.includes("az login"))).toEqual([
      expect.stringMatching(new RegExp(`^publish \\(${datasets.length} datasets\\) +FAILED: No Azure identity is available`)),
    ]);
    expect(lines.filter((line) => /CredentialUnavailableError|ChainedTokenCredential|aka\.ms/.test(line))).toEqual([]);
    expect(lines.length).toBeLessThanOrEqual(10);
    expect(graph.requests).toEqual([]);
  });
});

describe("describeCredentialFailure", () => {
  it("quotes the first line of Azure's refusal, without URLs, when an identity was found but refused", () => {
    const refused = new AuthenticationError(400, {
      error: "invalid_client",
      error_description:
        "AADSTS700016: Application with identifier 'x' was not found. See https://login.microsoftonline.com/error?code=700016\nTrace ID: 1",
    });
    const error = describeCredentialFailure(
      new AggregateAuthenticationError([new CredentialUnavailableError("EnvironmentCredential is unavailable."), refused]),
    );
    expect(error.message).toMatch(
      /^Azure gave no Microsoft Graph token for SharePoint \(.*AADSTS700016: Application with identifier 'x' was not found\. See <url>\)\. Run `az login` again, or check that AZURE_CLIENT_ID is the managed identity's client id\.$/,
    );
  });
});
