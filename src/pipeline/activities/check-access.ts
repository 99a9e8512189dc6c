import { z } from "zod";
import type { Settings } from "../../config/index.js";
import { checkEnterpriseAccess, type AccessContext, type GitHubClient } from "../../github/index.js";
import { environmentVariablesFor } from "../../secrets/index.js";
import { outcome } from "../units.js";

export const accessInput = z.object({ enterprise: z.string() });
export const accessCheckResult = outcome({});
export type AccessCheckResult = z.infer<typeof accessCheckResult>;

/**
 * The run's first call per enterprise: a configuration fault (no token, 401, 403, no answer from
 * GITHUB_API_URL) leaves the enterprise out of the run with one message, instead of every unit
 * retrying for minutes and failing with the same error.
 */
export function checkAccess(deps: { settings: Settings; github: (enterprise: string) => GitHubClient }) {
  return async ({ enterprise }: z.infer<typeof accessInput>): Promise<AccessCheckResult> => {
    const result = await checkEnterpriseAccess(deps.github(enterprise), accessContext(deps.settings, enterprise));
    return result.ok ? { ok: true } : { ok: false, error: { errorClass: "ConfigurationError", message: result.message } };
  };
}

/** Names the settings a message about `enterprise`'s access should point to. */
export function accessContext(settings: Settings, enterprise: string): AccessContext {
  const secretName = settings.ENTERPRISES?.find((candidate) => candidate.slug === enterprise)?.tokenSecret ?? "github-token";
  const tokenSetting =
    settings.KEY_VAULT_URL === undefined
      ? environmentVariablesFor(secretName).join(" or ")
      : `the Key Vault secret "${secretName}" (KEY_VAULT_URL)`;
  return { enterprise, apiUrl: settings.GITHUB_API_URL, tokenSetting };
}
