import { describe, expect, it } from "vitest";
import { parseSettings, SettingsError } from "../../src/config/index.js";

function failure(env: Record<string, string>): SettingsError {
  try {
    parseSettings(env);
  } catch (error) {
    if (error instanceof SettingsError) return error;
    throw error;
  }
  throw new Error("expected a SettingsError");
}

describe("settings", () => {
  it("parses a complete good configuration with its values typed", () => {
    const settings = parseSettings({
      ENTERPRISES: '[{"slug":"contoso","orgs":["contoso-web"],"tokenSecret":"github-token-contoso"}]',
      GITHUB_API_URL: "https://api.contoso.ghe.com/",
      BACKFILL_DAYS: "90",
      REPOLL_DAYS: "2",
      USER_IDENTITY: "hashed",
      USER_HASH_KEY: "0123456789abcdef0123",
      CSV_DECIMAL_SEPARATOR: ",",
      EXPORT_SNAPSHOTS: "true",
      INCIDENT_LABELS: "incident, outage",
    });
    expect(settings.ENTERPRISES).toEqual([{ slug: "contoso", orgs: ["contoso-web"], tokenSecret: "github-token-contoso" }]);
    expect(settings.GITHUB_API_URL).toBe("https://api.contoso.ghe.com");
    expect([settings.BACKFILL_DAYS, settings.REPOLL_DAYS]).toEqual([90, 2]);
    expect(settings.CSV_DECIMAL_SEPARATOR).toBe(",");
    expect(settings.EXPORT_SNAPSHOTS).toBe(true);
    expect(settings.INCIDENT_LABELS).toEqual(["incident", "outage"]);
  });

  it("applies the defaults of the README's settings table to an empty environment", () => {
    const settings = parseSettings({});
    expect(settings.ENTERPRISES).toBeUndefined();
    expect(settings.GITHUB_API_URL).toBe("https://api.github.com");
    expect(settings.OUTPUT_DIR).toBe("./out");
    expect(settings.COLLECT_SCHEDULE).toBe("0 0 6 * * *");
    expect([settings.BACKFILL_DAYS, settings.REPOLL_DAYS, settings.EXPORT_RETENTION_MONTHS]).toEqual([28, 3, 13]);
    expect(settings.USER_IDENTITY).toBe("login");
    expect(settings.DORA_ENVIRONMENTS).toEqual(["production"]);
  });

  it.each([
    [{ ENTERPRISES: "[{slug:contoso}]" }, "ENTERPRISES", "is not valid JSON"],
    [{ ENTERPRISES: "[]" }, "ENTERPRISES", "must list at least one enterprise"],
    [{ ENTERPRISES: '[{"orgs":["a"]}]' }, "ENTERPRISES", "(at 0.slug)"],
    [{ GITHUB_API_URL: "api.github.com" }, "GITHUB_API_URL", "Invalid URL"],
    [{ BACKFILL_DAYS: "400" }, "BACKFILL_DAYS", "<=365"],
    [{ BACKFILL_DAYS: "ten" }, "BACKFILL_DAYS", "must be a whole number"],
    [{ REPOLL_DAYS: "-1" }, "REPOLL_DAYS", "must be a whole number"],
    [{ USER_IDENTITY: "email" }, "USER_IDENTITY", '"login"|"id"|"hashed"|"none"'],
    [{ CSV_DECIMAL_SEPARATOR: ";" }, "CSV_DECIMAL_SEPARATOR", '"."|","'],
    [{ EXPORT_SNAPSHOTS: "maybe" }, "EXPORT_SNAPSHOTS", "Invalid option"],
    [{ COLLECT_SCHEDULE: "0 6 * * *" }, "COLLECT_SCHEDULE", "six fields"],
    [{ REVERT_PATTERN: "([" }, "REVERT_PATTERN", "not a valid regular expression"],
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL", "must start with postgres://"],
    [{ PG_AUTH: "entra" }, "PG_AUTH", "PGHOST or PGUSER is not set"],
    [{ USER_IDENTITY: "hashed" }, "USER_HASH_KEY", "required when USER_IDENTITY=hashed"],
    [{ ARCHIVE_CONTAINER: "Bad_Name" }, "ARCHIVE_CONTAINER", "valid Blob container name"],
    [{ ARCHIVE_CONTAINER: "raw-reports" }, "ARCHIVE_ACCOUNT_URL", "required when ARCHIVE_CONTAINER is set"],
  ])("rejects %j naming %s, the problem and a good example", (env, setting, problem) => {
    const error = failure(env);
    expect(error.setting).toBe(setting);
    expect(error.message).toContain(`Setting ${setting} `);
    expect(error.message).toContain(problem);
    expect(error.message).toMatch(/Example of a good value: \S+=/);
  });

  it("never echoes a secret setting's value in its message", () => {
    const error = failure({ USER_IDENTITY: "hashed", USER_HASH_KEY: "short-secret" });
    expect(error.setting).toBe("USER_HASH_KEY");
    expect(error.message).not.toContain("short-secret");
    const urlError = failure({ DATABASE_URL: "mysql://admin:hunter2@db" });
    expect(urlError.message).not.toContain("hunter2");
  });

  it("reads the deprecated PREMIUM_USAGE_ORGS as BILLING_USAGE_ORGS with one warning naming the new name", () => {
    const warnings: string[] = [];
    const settings = parseSettings({ PREMIUM_USAGE_ORGS: "contoso-web, contoso-data" }, (message) => warnings.push(message));
    expect(settings.BILLING_USAGE_ORGS).toEqual(["contoso-web", "contoso-data"]);
    expect(warnings).toEqual([
      "Setting PREMIUM_USAGE_ORGS is deprecated and will be removed: rename it to BILLING_USAGE_ORGS (same value).",
    ]);

    const quiet: string[] = [];
    expect(parseSettings({ BILLING_USAGE_ORGS: "contoso-web" }, (message) => quiet.push(message)).BILLING_USAGE_ORGS).toEqual([
      "contoso-web",
    ]);
    expect(parseSettings({}, (message) => quiet.push(message)).BILLING_USAGE_ORGS).toEqual([]);
    expect(quiet).toEqual([]);
  });

  it("rejects BILLING_USAGE_ORGS and its old name PREMIUM_USAGE_ORGS set together, naming both", () => {
    const error = failure({ BILLING_USAGE_ORGS: "contoso-web", PREMIUM_USAGE_ORGS: "contoso-web" });
    expect(error.setting).toBe("BILLING_USAGE_ORGS");
    expect(error.message).toBe(
      "Setting BILLING_USAGE_ORGS and PREMIUM_USAGE_ORGS are both set; PREMIUM_USAGE_ORGS is the old name of BILLING_USAGE_ORGS: keep " +
        "BILLING_USAGE_ORGS only. Example of a good value: BILLING_USAGE_ORGS=contoso-web,contoso-data",
    );
  });
});
