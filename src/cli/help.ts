// The help texts: kept free of imports so that `--help` and a usage error answer before any SDK loads.

const overview = `Usage: metrics-collector <command> [options]

Commands:
  run [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--enterprise SLUG]   collect, publish, record (default for npm start)
  check                                                          validate settings, tokens, database and targets; collects nothing
  migrate                                                        apply database migrations and exit
  publish                                                        write the CSV datasets only
  forget-user LOGIN [--dry-run] [--force]                        erase a person (data-protection request) and republish
  status [--json]                                                last runs, gaps and failed units, data age
  reingest --from YYYY-MM-DD --to YYYY-MM-DD [--enterprise SLUG]  rebuild the usage tables from the raw archive, no GitHub calls

Run "metrics-collector <command> --help" for a command's options.
Settings come from the environment and .env (see README.md). Exit codes: 0 ok, 1 a unit or
publishing failed, 2 bad usage or configuration, 130/143 interrupted (Ctrl-C / SIGTERM).`;

const commands: Record<string, string> = {
  run: `Usage: metrics-collector run [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--enterprise SLUG]

Collects the Copilot reports, seats, repository activity and premium usage of every configured
enterprise (or the built-in sandbox when ENTERPRISES is not set), computes the DORA and velocity
metrics, publishes the CSV datasets and records the run.

Options:
  --from YYYY-MM-DD     first report day to collect (default: what the checkpoints still miss)
  --to YYYY-MM-DD       last report day to collect (default: yesterday)
  --enterprise SLUG     only this configured enterprise
  -h, --help            this text

Ctrl-C (or SIGTERM) stops taking units, lets the ones in flight finish, records the run as
interrupted and exits 130 (143); the next run resumes where it stopped.
Exit codes: 0 ok, 1 a unit or publishing failed, 2 bad usage or configuration (no enterprise could start).`,
  check: `Usage: metrics-collector check

Validates everything a run needs without collecting anything: the settings, each enterprise's token
and its scopes, GitHub's reachability and the endpoints the token may call, PostgreSQL, the publish
target (SharePoint drive or output folder), Key Vault and the raw archive when they are configured.
Prints one line per check, "ok" or what to fix.
Exit codes: 0 every check passed, 2 something must be fixed.`,
  migrate: `Usage: metrics-collector migrate

Applies the database migrations and exits.
Exit codes: 0 ok, 1 failed, 2 bad configuration.`,
  publish: `Usage: metrics-collector publish

Writes every CSV dataset from the database to the publish target, without collecting.
Exit codes: 0 ok, 1 a dataset failed, 2 bad configuration.`,
  "forget-user": `Usage: metrics-collector forget-user LOGIN [--dry-run] [--force]

Erases a person's rows and pseudonymises their history (data-protection request), deletes archived
snapshots of datasets that name people, and republishes those datasets. A login that matches
nothing changes nothing and exits 1.

Options:
  --dry-run             list what would be erased, change nothing
  --force               republish even when the login matches nothing
  -h, --help            this text
Exit codes: 0 ok, 1 no row names the login or publishing failed, 2 bad usage or configuration.`,
  status: `Usage: metrics-collector status [--json]

Shows the last runs, then per scope and report the newest day collected, its age, gaps and failed units.

Options:
  --json                one JSON document for scripts: {"today", "runs", "series", "failedUnits"}
  -h, --help            this text
Exit codes: 0 ok, 1 the database could not be read, 2 bad usage or configuration.`,
  reingest: `Usage: metrics-collector reingest --from YYYY-MM-DD --to YYYY-MM-DD [--enterprise SLUG]

Rebuilds the Copilot usage tables for those days from the raw archive (ARCHIVE_ACCOUNT_URL),
without calling GitHub.
Exit codes: 0 ok, 1 a report failed, 2 bad usage or configuration.`,
};

export const commandNames = Object.keys(commands);

/** The usage of `command`, or the overview of all commands. */
export function usageOf(command?: string): string {
  return (command === undefined ? undefined : commands[command]) ?? overview;
}
