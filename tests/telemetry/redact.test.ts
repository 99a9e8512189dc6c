import { describe, expect, it } from "vitest";
import { redact, registerSecret } from "../../src/telemetry/index.js";

describe("redact", () => {
  it("strips the query string from a URL and keeps its path", () => {
    expect(redact("GET https://copilotreports.blob.core.windows.net/r/day.ndjson?sv=2024&sig=abc%2Bdef failed")).toBe(
      "GET https://copilotreports.blob.core.windows.net/r/day.ndjson failed",
    );
  });

  it("strips a fragment from a URL", () => {
    expect(redact("see https://host/path#access_token=xyz")).toBe("see https://host/path");
  });

  it("leaves a URL without a query string unchanged", () => {
    expect(redact("https://api.github.com/enterprises/contoso/copilot/metrics")).toBe(
      "https://api.github.com/enterprises/contoso/copilot/metrics",
    );
  });

  it("masks every kind of GitHub token", () => {
    const tokens = [
      "ghp_" + "a".repeat(36),
      "gho_" + "B1".repeat(18),
      "ghs_" + "c".repeat(36),
      "ghu_" + "d".repeat(36),
      "github_pat_11ABCDEFG0" + "e".repeat(60),
    ];
    expect(tokens.map((token) => redact(`token ${token} rejected`))).toEqual([
      "token *** rejected",
      "token *** rejected",
      "token *** rejected",
      "token *** rejected",
      "token *** rejected",
    ]);
  });

  it("masks a bearer token", () => {
    expect(redact("Authorization: Bearer eyJ0eXAiOiJKV1Qi.eyJhdWQiOi.sig-_x== sent")).toBe("Authorization: Bearer *** sent");
  });

  it("masks a storage account key in a connection string", () => {
    expect(redact("DefaultEndpointsProtocol=https;AccountName=raw;AccountKey=Zm9v+YmFy/ZA==;EndpointSuffix=core.windows.net")).toBe(
      "DefaultEndpointsProtocol=https;AccountName=raw;AccountKey=***;EndpointSuffix=core.windows.net",
    );
  });

  it("masks a SAS signature outside a URL", () => {
    expect(redact("sv=2024-05-04&sig=abc%2Bdef&se=2026")).toBe("sv=2024-05-04&sig=***&se=2026");
  });

  it("masks the password in a connection URL", () => {
    expect(redact("connect postgres://metrics:s3cret@db.internal:5432/metrics failed")).toBe(
      "connect postgres://***@db.internal:5432/metrics failed",
    );
  });

  it("masks a registered secret wherever it appears", () => {
    registerSecret("kv-value-7f3a9c1e");
    expect(redact("hash key kv-value-7f3a9c1e, again kv-value-7f3a9c1e")).toBe("hash key ***, again ***");
  });

  it("ignores an empty registered secret", () => {
    registerSecret("");
    expect(redact("nothing to hide")).toBe("nothing to hide");
  });
});
