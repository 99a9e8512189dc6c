import { z } from "zod";
import { daySchema } from "../days.js";
import { SettingsError } from "./settings-error.js";

const enterpriseSchema = z.object({
  slug: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "slug must be the enterprise's URL slug"),
  orgs: z.array(z.string().min(1)).default([]),
  tokenSecret: z.string().min(1).optional(),
});
export type EnterpriseConfig = z.infer<typeof enterpriseSchema>;

const booleanSetting = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((value) => value === "true" || value === "1" || value === "yes");

const integerSetting = (min: number, max: number) =>
  z.string().regex(/^\d+$/, "must be a whole number").transform(Number).pipe(z.number().int().min(min).max(max));

const urlSetting = z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, ""));

const listSetting = z.string().transform((value) =>
  value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0),
);

/** Each setting: its schema, its default, and an example of a good value for the error message. */
const definitions = {
  ENTERPRISES: {
    schema: z
      .string()
      .transform((text, ctx) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          ctx.addIssue({ code: "custom", message: "is not valid JSON" });
          return z.NEVER;
        }
      })
      .pipe(z.array(enterpriseSchema).min(1, "must list at least one enterprise")),
    example: '[{"slug":"contoso","orgs":["contoso-web"],"tokenSecret":"github-token-contoso"}]',
  },
  GITHUB_API_URL: { schema: urlSetting, default: "https://api.github.com", example: "https://api.contoso.ghe.com" },
  GITHUB_API_VERSION: { schema: daySchema, default: "2026-03-10", example: "2026-03-10" },
  GITHUB_TOKEN: { schema: z.string().min(1), example: "a classic PAT with manage_billing:copilot" },
  KEY_VAULT_URL: { schema: urlSetting, example: "https://contoso-metrics.vault.azure.net" },
  DATABASE_URL: {
    schema: z.string().regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://"),
    example: "postgres://metrics:secret@localhost:5432/metrics",
  },
  PGHOST: { schema: z.string().min(1), example: "contoso-metrics.postgres.database.azure.com" },
  PGPORT: { schema: integerSetting(1, 65535), example: "5432" },
  PGDATABASE: { schema: z.string().min(1), example: "metrics" },
  PGUSER: { schema: z.string().min(1), example: "id-metrics-collector" },
  PG_AUTH: { schema: z.enum(["password", "entra"]), default: "password", example: "entra" },
  SHAREPOINT_SITE_ID: { schema: z.string().min(1), example: "contoso.sharepoint.com,1111…,2222…" },
  SHAREPOINT_DRIVE_ID: { schema: z.string().min(1), example: "b!AbCdEf…" },
  SHAREPOINT_FOLDER: { schema: z.string().transform((value) => value.replace(/^\/+|\/+$/g, "")), default: "", example: "Copilot Metrics" },
  SHAREPOINT_SIMPLE_UPLOAD_MAX_BYTES: { schema: integerSetting(1, 250 * 1024 * 1024), default: "4194304", example: "4194304" },
  GRAPH_API_URL: { schema: urlSetting, default: "https://graph.microsoft.com/v1.0", example: "https://graph.microsoft.com/v1.0" },
  OUTPUT_DIR: { schema: z.string().min(1), default: "./out", example: "./out" },
  ARCHIVE_ACCOUNT_URL: { schema: urlSetting, example: "https://contosometrics.blob.core.windows.net" },
  ARCHIVE_CONTAINER: {
    schema: z
      .string()
      .regex(/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/, "must be a valid Blob container name (3-63 lowercase letters, digits, dashes)"),
    default: "copilot-reports",
    example: "copilot-reports",
  },
  APPLICATIONINSIGHTS_CONNECTION_STRING: {
    schema: z.string().includes("InstrumentationKey=", { error: "must contain InstrumentationKey=" }),
    example: "InstrumentationKey=…;IngestionEndpoint=https://…",
  },
  COLLECT_SCHEDULE: {
    schema: z.string().regex(/^\S+( \S+){5}$/, "must be an NCRONTAB expression with six fields (seconds first)"),
    default: "0 0 6 * * *",
    example: "0 0 6 * * *",
  },
  BACKFILL_DAYS: { schema: integerSetting(1, 365), default: "28", example: "28" },
  REPOLL_DAYS: { schema: integerSetting(0, 28), default: "3", example: "3" },
  USER_IDENTITY: { schema: z.enum(["login", "id", "hashed", "none"]), default: "login", example: "hashed" },
  USER_HASH_KEY: { schema: z.string().min(16, "must be at least 16 characters"), example: "a random string of 32 characters or more" },
  DORA_ENVIRONMENTS: { schema: listSetting, default: "production", example: "production,prod" },
  DORA_DEPLOY_WORKFLOWS: { schema: listSetting, default: "", example: "deploy.yml,release.yml" },
  INCIDENT_LABELS: { schema: listSetting, default: "incident", example: "incident,outage" },
  REVERT_PATTERN: { schema: z.string().refine(isRegExp, "is not a valid regular expression"), default: '^Revert "', example: '^Revert "' },
  HOTFIX_PATTERN: { schema: z.string().refine(isRegExp, "is not a valid regular expression"), default: "^hotfix", example: "^hotfix" },
  BOT_LOGINS: { schema: listSetting, default: "", example: "renovate,release-robot" },
  DORA_FAILURE_SIGNALS: {
    schema: listSetting.pipe(
      z.array(z.enum(["deployment_status", "incident", "revert"], "must list deployment_status, incident or revert")),
    ),
    default: "deployment_status,incident,revert",
    example: "deployment_status,incident",
  },
  INCLUDE_ARCHIVED: { schema: booleanSetting, default: "false", example: "true" },
  REPOSITORY_BACKFILL_DAYS: { schema: integerSetting(1, 3650), default: "90", example: "180" },
  BILLING_USAGE_ORGS: { schema: listSetting, default: "", example: "contoso-web,contoso-data" },
  RATE_LIMIT_FLOOR_PERCENT: { schema: integerSetting(0, 90), default: "20", example: "20" },
  CSV_DECIMAL_SEPARATOR: { schema: z.enum([".", ","]), default: ".", example: "," },
  EXPORT_RETENTION_MONTHS: { schema: integerSetting(1, 120), default: "13", example: "13" },
  EXPORT_SNAPSHOTS: { schema: booleanSetting, default: "false", example: "true" },
  RUN_CONCURRENCY: { schema: integerSetting(1, 32), default: "4", example: "4" },
} as const;

function isRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

type Definitions = typeof definitions;
type SettingName = keyof Definitions;
type Parsed<N extends SettingName> = z.output<Definitions[N]["schema"]>;
export type Settings = {
  [N in SettingName]: Definitions[N] extends { default: string } ? Parsed<N> : Parsed<N> | undefined;
};

/** Settings whose value is a credential: never echoed in an error message. */
const secretSettings = new Set<SettingName>(["GITHUB_TOKEN", "DATABASE_URL", "USER_HASH_KEY", "APPLICATIONINSIGHTS_CONNECTION_STRING"]);

/**
 * Old names still read, each for its new name: the billing organizations' setting was named after
 * premium requests, which GitHub replaced with AI credits on 2026-06-01.
 */
const deprecatedNames: ReadonlyArray<{ old: string; current: SettingName }> = [
  { old: "PREMIUM_USAGE_ORGS", current: "BILLING_USAGE_ORGS" },
];

function deprecationWarning(message: string): void {
  process.emitWarning(message, "DeprecationWarning");
}

/**
 * Reads every setting of the README's settings table from `env`, applies defaults and validates.
 * Throws a SettingsError naming the first bad setting, what is wrong with it, and a good example.
 * A deprecated name is read for its new one with one warning through `warn`; both set is an error.
 */
export function parseSettings(env: Record<string, string | undefined>, warn: (message: string) => void = deprecationWarning): Settings {
  const renamed = new Map<string, string>();
  for (const { old, current } of deprecatedNames) {
    const oldValue = env[old]?.trim();
    if (oldValue === undefined || oldValue === "") continue;
    if ((env[current]?.trim() ?? "") !== "") {
      throw new SettingsError(
        current,
        `and ${old} are both set; ${old} is the old name of ${current}: keep ${current} only`,
        definitions[current].example,
      );
    }
    warn(`Setting ${old} is deprecated and will be removed: rename it to ${current} (same value).`);
    renamed.set(current, oldValue);
  }
  const result: Record<string, unknown> = {};
  for (const name of Object.keys(definitions) as SettingName[]) {
    const definition: { schema: z.ZodType; default?: string; example: string } = definitions[name];
    const raw = renamed.get(name) ?? env[name]?.trim();
    const value = raw === undefined || raw === "" ? definition.default : raw;
    if (value === undefined) {
      result[name] = undefined;
      continue;
    }
    const parsed = definition.schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? ` (at ${issue.path.join(".")})` : "";
      const shown = secretSettings.has(name) ? "" : ` (got ${JSON.stringify(truncate(value))})`;
      throw new SettingsError(name, `${issue?.message ?? "is invalid"}${where}${shown}`, definition.example);
    }
    result[name] = parsed.data;
  }
  const settings = result as Settings;
  checkCombinations(settings, env);
  return settings;
}

function checkCombinations(settings: Settings, env: Record<string, string | undefined>): void {
  if (settings.PG_AUTH === "entra" && (settings.PGHOST === undefined || settings.PGUSER === undefined)) {
    throw new SettingsError(
      "PG_AUTH",
      "is entra but PGHOST or PGUSER is not set",
      "PGHOST=contoso-metrics.postgres.database.azure.com PGUSER=id-metrics-collector",
    );
  }
  if (settings.USER_IDENTITY === "hashed" && settings.KEY_VAULT_URL === undefined && settings.USER_HASH_KEY === undefined) {
    throw new SettingsError(
      "USER_HASH_KEY",
      "is required when USER_IDENTITY=hashed and no KEY_VAULT_URL is set",
      "a random string of 32 characters or more",
    );
  }
  const hasSite = settings.SHAREPOINT_SITE_ID !== undefined || settings.SHAREPOINT_DRIVE_ID !== undefined;
  if (hasSite && settings.SHAREPOINT_DRIVE_ID === undefined) {
    throw new SettingsError("SHAREPOINT_DRIVE_ID", "is required when SHAREPOINT_SITE_ID is set", "b!AbCdEf…");
  }
  if (settings.ARCHIVE_ACCOUNT_URL === undefined && (env["ARCHIVE_CONTAINER"] ?? "").trim() !== "") {
    // A container without an account would silently archive nothing.
    throw new SettingsError(
      "ARCHIVE_ACCOUNT_URL",
      "is required when ARCHIVE_CONTAINER is set",
      "https://contosometrics.blob.core.windows.net",
    );
  }
}

function truncate(value: string): string {
  return value.length > 80 ? `${value.slice(0, 77)}...` : value;
}
