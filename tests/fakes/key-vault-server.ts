// An Azure Key Vault fake for the secret reads the collector makes, on 127.0.0.1, speaking Key Vault's
// REST wire format: `GET {vault}/secrets/{name}?api-version=...`, a 401 challenge
// (`WWW-Authenticate: Bearer authorization=..., resource=...`) to every request without a token, the
// SecretBundle JSON, and Key Vault's error JSON for 403 and 404.
//
// The SDK insists on https and checks that the challenge's resource (https://vault.azure.net) is a
// suffix of the vault's host name. So the vault keeps a real-looking name (`{name}.vault.azure.net`),
// the fake is reached as the HTTPS proxy (HTTPS_PROXY, which the Azure SDK's pipeline honours), and the
// tunnel it accepts ends in TLS with a certificate made for the test (openssl) that the client trusts
// through NODE_EXTRA_CA_CERTS. The same server is an App Service managed-identity endpoint
// (IDENTITY_ENDPOINT, IDENTITY_HEADER): DefaultAzureCredential gets its token there, offline.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

interface KeyVaultRequestRecord {
  /** "token" for the managed-identity endpoint, else the secret's name. */
  secret: string;
  status: number;
}

export interface KeyVaultServer {
  /** KEY_VAULT_URL: https://{vaultName}.vault.azure.net, reached through the proxy. */
  readonly vaultUrl: string;
  /** The environment of a collector that reaches this vault: KEY_VAULT_URL, the proxy, the certificate, the managed identity. */
  readonly clientEnv: Record<string, string>;
  readonly requests: KeyVaultRequestRecord[];
  close(): Promise<void>;
}

const resource = "https://vault.azure.net";
const tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";

/**
 * `secrets` are the vault's secrets by name. A name in `forbidden` answers 403 as a vault does when the
 * identity lacks the role Key Vault Secrets User.
 */
export async function startFakeKeyVault(options: {
  vaultName: string;
  secrets: Record<string, string>;
  forbidden?: readonly string[];
}): Promise<KeyVaultServer> {
  const vaultHost = `${options.vaultName}.vault.azure.net`;
  const identityHeader = randomBytes(8).toString("hex");
  const accessToken = randomBytes(16).toString("hex");
  const requests: KeyVaultRequestRecord[] = [];

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    // Through a proxy the request line holds the absolute URL; the identity endpoint is asked directly.
    const url = new URL(request.url ?? "/", `http://${request.headers.host ?? "127.0.0.1"}`);
    if (url.pathname === "/msi/token") {
      token(request, url, response);
      return;
    }
    if (url.hostname !== vaultHost) {
      json(response, 502, { error: { code: "BadGateway", message: `No such host ${url.hostname}` } });
      return;
    }
    const name = /^\/secrets\/([^/]+)\/?$/.exec(url.pathname)?.[1];
    const record = (status: number) => requests.push({ secret: name ?? url.pathname, status });
    if (request.headers.authorization !== `Bearer ${accessToken}`) {
      record(401);
      response.setHeader("WWW-Authenticate", `Bearer authorization="https://login.windows.net/${tenant}", resource="${resource}"`);
      json(response, 401, { error: { code: "Unauthorized", message: "AKV10000: Request is missing a Bearer or PoP token." } });
      return;
    }
    if (request.method !== "GET" || name === undefined || url.searchParams.get("api-version") === null) {
      record(400);
      json(response, 400, { error: { code: "BadParameter", message: "The request URI is invalid." } });
      return;
    }
    if (options.forbidden?.includes(name) === true) {
      record(403);
      json(response, 403, {
        error: {
          code: "Forbidden",
          message: `Caller is not authorized to perform action on resource. Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'`,
          innererror: { code: "ForbiddenByRbac" },
        },
      });
      return;
    }
    const value = options.secrets[name];
    if (value === undefined) {
      record(404);
      json(response, 404, {
        error: { code: "SecretNotFound", message: `A secret with (name/id) ${name} was not found in this key vault.` },
      });
      return;
    }
    record(200);
    const now = Math.floor(Date.now() / 1000);
    json(response, 200, {
      value,
      id: `https://${vaultHost}/secrets/${name}/0123456789abcdef0123456789abcdef`,
      attributes: { enabled: true, created: now, updated: now, recoveryLevel: "Recoverable+Purgeable", recoverableDays: 90 },
      tags: {},
    });
  };

  // App Service's managed-identity protocol (api-version 2019-08-01).
  function token(request: IncomingMessage, url: URL, response: ServerResponse): void {
    if (request.headers["x-identity-header"] !== identityHeader || url.searchParams.get("resource") !== resource) {
      requests.push({ secret: "token", status: 400 });
      json(response, 400, { statusCode: 400, message: "Unexpected identity header or resource." });
      return;
    }
    requests.push({ secret: "token", status: 200 });
    const expiresOn = Math.floor(Date.now() / 1000) + 3600;
    json(response, 200, {
      access_token: accessToken,
      expires_on: String(expiresOn),
      expires_in: "3600",
      resource,
      token_type: "Bearer",
      client_id: "00000000-0000-0000-0000-000000000001",
    });
  }

  const folder = await mkdtemp(path.join(tmpdir(), "fake-key-vault-"));
  const certificate = path.join(folder, "vault.crt");
  const key = path.join(folder, "vault.key");
  await promisify(execFile)("openssl", [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-days",
    "2",
    "-keyout",
    key,
    "-out",
    certificate,
    "-subj",
    `/CN=${vaultHost}`,
    "-addext",
    `subjectAltName=DNS:${vaultHost}`,
  ]);
  const vault = createTlsServer({ key: await readFile(key), cert: await readFile(certificate) }, handle);
  const server = createServer(handle);
  // HTTPS through a proxy: CONNECT host:443, then TLS inside the tunnel.
  server.on("connect", (request: IncomingMessage, socket) => {
    if (request.url !== `${vaultHost}:443`) return void socket.end("HTTP/1.1 502 Bad Gateway\r\n\r\n");
    socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    vault.emit("connection", socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    vaultUrl: `https://${vaultHost}`,
    clientEnv: {
      KEY_VAULT_URL: `https://${vaultHost}`,
      HTTPS_PROXY: `http://127.0.0.1:${port}`,
      NO_PROXY: "127.0.0.1",
      NODE_EXTRA_CA_CERTS: certificate,
      IDENTITY_ENDPOINT: `http://127.0.0.1:${port}/msi/token`,
      IDENTITY_HEADER: identityHeader,
    },
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(folder, { recursive: true, force: true });
    },
  };
}

function json(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text) }).end(text);
}
