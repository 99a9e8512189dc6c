import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { RequestError } from "@octokit/request-error";
import { describe, expect, it } from "vitest";
import { endpointPermissions, explainForbidden, GitHubForbiddenError, permissionFor, permissionTable } from "../../src/github/index.js";

const require = createRequire(import.meta.url);

function forbidden(headers: Record<string, string> = {}): RequestError {
  return new RequestError("Resource not accessible by personal access token", 403, {
    request: { method: "GET", url: "https://api.github.com/orgs/contoso-web/copilot/billing/seats?per_page=100", headers: {} },
    response: { status: 403, url: "", headers, data: { message: "Resource not accessible by personal access token" } },
  });
}

describe("the token table", () => {
  it("is in the README row for row, under Tokens and permissions", async () => {
    const readme = await readFile(new URL("../../README.md", import.meta.url), "utf8");
    const section = readme.slice(readme.indexOf("## Tokens and permissions"));
    const rows = section.split("\n").filter((line) => line.startsWith("|"));
    expect(rows.slice(0, permissionTable().length)).toEqual(permissionTable());
  });

  it("names only routes GitHub's OpenAPI descriptions know (ghec.json, or api.github.com.json for the organization billing paths)", async () => {
    const known = new Map<string, Set<string>>();
    for (const file of ["ghec.json", "api.github.com.json"]) {
      const parsed: unknown = JSON.parse(await readFile(require.resolve(`@octokit/openapi/generated/${file}`), "utf8"));
      const paths =
        typeof parsed === "object" && parsed !== null && "paths" in parsed && typeof parsed.paths === "object" && parsed.paths !== null
          ? parsed.paths
          : {};
      known.set(
        file,
        new Set(
          Object.entries(paths).flatMap(([path, item]: [string, unknown]) =>
            Object.keys(typeof item === "object" && item !== null ? item : {}).map((method) => `${method.toUpperCase()} ${path}`),
          ),
        ),
      );
    }
    const inGhec = endpointPermissions.filter((row) => known.get("ghec.json")!.has(row.route)).map((row) => row.route);
    const onlyDotcom = endpointPermissions.filter((row) => !inGhec.includes(row.route)).map((row) => row.route);
    // ghec.json lacks the organization billing paths that api.github.com.json has: GitHub's two descriptions disagree.
    expect(onlyDotcom).toEqual([
      "GET /organizations/{org}/settings/billing/ai_credit/usage",
      "GET /organizations/{org}/settings/billing/premium_request/usage",
    ]);
    expect(onlyDotcom.filter((route) => !known.get("api.github.com.json")!.has(route))).toEqual([]);
  });

  it("finds the row of a request by method and path, whatever its query", () => {
    expect(permissionFor("get", "/enterprises/contoso/settings/billing/ai_credit/usage?year=2026&month=6&user=mona")?.route).toBe(
      "GET /enterprises/{enterprise}/settings/billing/ai_credit/usage",
    );
    expect(permissionFor("GET", "https://api.github.com/repos/o/r/compare/a1...b2?per_page=100")?.route).toBe(
      "GET /repos/{owner}/{repo}/compare/{basehead}",
    );
    expect(permissionFor("GET", "/repos/o/r/commits/abc")?.route).toBe("GET /repos/{owner}/{repo}/commits/{ref}");
    expect(permissionFor("POST", "/repos/o/r/pulls")).toBeUndefined();
  });

  it("turns a permission 403 into an error naming what the endpoint needs, without the query string, and leaves a rate-limit 403 alone", () => {
    const explained = explainForbidden(forbidden(), "GET", "/orgs/contoso-web/copilot/billing/seats?per_page=100", "contoso-web");
    expect(explained).toBeInstanceOf(GitHubForbiddenError);
    expect(explained instanceof Error ? explained.message : "").toBe(
      "GitHub refused GET /orgs/{org}/copilot/billing/seats for contoso-web (403): the token's user must be organization owner; classic PAT: " +
        "`manage_billing:copilot` or `read:org`; fine-grained PAT: “GitHub Copilot Business” organization permission (read); GitHub App token: " +
        "“GitHub Copilot Business” organization permission (read).",
    );
    const limited = forbidden({ "x-ratelimit-remaining": "0" });
    expect(explainForbidden(limited, "GET", "/orgs/contoso-web/copilot/billing/seats", "contoso-web")).toBe(limited);
  });
});
