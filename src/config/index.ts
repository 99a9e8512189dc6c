import { config as loadDotEnv } from "dotenv";
import { parseSettings, type Settings } from "./settings.js";

export { parseSettings, type Settings, type EnterpriseConfig } from "./settings.js";
export { SettingsError } from "./settings-error.js";

/** Settings from the process environment, with `.env` in the working directory filled in underneath. */
export function loadSettings(): Settings {
  loadDotEnv({ quiet: true });
  return parseSettings(process.env);
}
