/** A setting is missing, malformed or inconsistent with another one. The CLI exits with code 2. */
export class SettingsError extends Error {
  override readonly name = "SettingsError";

  constructor(
    readonly setting: string,
    readonly problem: string,
    readonly example: string,
  ) {
    super(`Setting ${setting} ${problem}. Example of a good value: ${setting}=${example}`);
  }
}
