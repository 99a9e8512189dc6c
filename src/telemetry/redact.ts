// Secrets never appear in logs, telemetry or errors. Everything this product writes
// about itself goes through redact(): the telemetry here and the logger elsewhere.

const mask = "***";

// Values read from Key Vault or the environment. Module scope on purpose: a token must be masked
// by every logger and telemetry client in the process, not only by the one that read it.
const registeredSecrets = new Set<string>();

/** Masks `value` wherever it appears in later redact() output. */
export function registerSecret(value: string): void {
  // An empty string would match between every character.
  if (value !== "") registeredSecrets.add(value);
}

const patterns: ReadonlyArray<readonly [RegExp, string]> = [
  // GitHub token prefixes: https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/
  [/\bgh[pousr]_[A-Za-z0-9]{20,}/g, mask],
  [/\bgithub_pat_[A-Za-z0-9_]{20,}/g, mask],
  [/\bBearer\s+[A-Za-z0-9\-._~+/]+=*/gi, `Bearer ${mask}`],
  [/\bAccountKey=[^;\s"']+/gi, `AccountKey=${mask}`],
  [/\bsig=[^&\s"']+/gi, `sig=${mask}`],
  // user:password@ in any URL, including postgres:// connection strings.
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s"'@]+@/gi, `$1${mask}@`],
  // A signed download link is a credential in its query string; the path is enough to debug.
  [/\b(https?:\/\/[^\s"'<>?#]+)[?#][^\s"'<>]*/gi, "$1"],
];

/** Returns `text` without secrets: registered values, tokens, keys and URL query strings. */
export function redact(text: string): string {
  let result = text;
  // Longest first, so a secret containing another registered secret is masked whole.
  for (const secret of [...registeredSecrets].sort((a, b) => b.length - a.length)) {
    result = result.split(secret).join(mask);
  }
  for (const [pattern, replacement] of patterns) {
    result = result.replace(pattern, replacement);
  }
  return result;
}
