import { addDays } from "../days.js";
import { reportKinds } from "../github/index.js";
import type { RunSummary } from "../pipeline/index.js";

/** GitHub keeps one year of Copilot report history, as the planner assumes. */
const historyDays = 365;

/**
 * Why an explicit --from/--to range collects fewer Copilot report days than it names, or none: no
 * report exists before the first day GitHub's reports cover (per scope) or older than a year, and
 * days from today on do not exist yet. Undefined when the range is wholly collectable.
 */
export function copilotRangeNote(range: { from?: string; to?: string }, today: string): string | undefined {
  if (range.from === undefined && range.to === undefined) return undefined;
  const yesterday = addDays(today, -1);
  const yearAgo = addDays(today, -historyDays);
  const firstDays = (["enterprise", "organization"] as const).map((scope) => {
    const first = reportKinds
      .filter((kind) => kind.scope === scope && kind.period === "1-day")
      .map((kind) => kind.firstDay)
      .reduce(earlier);
    return { scope, first };
  });
  const earliest = later(firstDays.map((entry) => entry.first).reduce(earlier), yearAgo);
  const oldest = `the oldest day GitHub still has is ${earliest} (reports start on ${firstDays
    .map(({ scope, first }) => `${first} for ${scope === "enterprise" ? "enterprises" : "organizations"}`)
    .join(" and ")}, and GitHub keeps one year)`;
  const newest = `the newest day a report can exist for is yesterday, ${yesterday}, and reports land up to two days late`;
  const shown = `${range.from ?? earliest}..${range.to ?? yesterday}`;
  if (range.to !== undefined && range.to < earliest) return `No Copilot report exists for ${shown}: ${oldest}.`;
  if (range.from !== undefined && range.from > yesterday) return `No Copilot report exists for ${shown} yet: ${newest}.`;
  const clipped = [
    ...(range.from !== undefined && range.from < earliest ? [`none exists before ${earliest}: ${oldest}`] : []),
    ...(range.to !== undefined && range.to > yesterday ? [`none exists after ${yesterday} yet: ${newest}`] : []),
  ];
  if (clipped.length === 0) return undefined;
  const collectable = [range.from ?? earliest, range.to ?? yesterday].map(clamp(earliest, yesterday)).join("..");
  return `Copilot reports were asked for ${collectable} only, not all of ${shown}: ${clipped.join("; ")}.`;
}

function clamp(low: string, high: string): (day: string) => string {
  return (day) => earlier(later(day, low), high);
}

function earlier(a: string, b: string): string {
  return b < a ? b : a;
}

function later(a: string, b: string): string {
  return b > a ? b : a;
}

/** How the user runs a command here: through npm in a clone, else the installed bin. */
export function commandPrefix(env: NodeJS.ProcessEnv): string {
  return env["npm_lifecycle_event"] === undefined ? "metrics-collector" : "npm run cli --";
}

export interface NextStepsContext {
  summary: RunSummary;
  /** Ran against the built-in sandbox, not a configured enterprise. */
  sandbox: boolean;
  /** Where the files went: the sink's description. */
  publishedTo: string;
  /** How the user starts the command line here, e.g. "npm run cli --". */
  command: string;
}

/** What to do after a run: where the files are, how to read them, and how to go from the sandbox to GitHub. */
export function nextSteps(context: NextStepsContext): string[] {
  const { summary, command } = context;
  const lines: string[] = [];
  if (summary.status !== "succeeded") {
    lines.push(
      `- Fix what FAILED above; the next run (${command} run) retries those units, and "${command} status" shows what is missing.`,
    );
  }
  if (summary.publish.some((result) => result.ok)) {
    lines.push(
      `- The CSV files went to ${context.publishedTo}. To build a report on them, follow docs/power-bi.md (Power BI Desktop, Get data).`,
    );
  }
  if (context.sandbox) {
    lines.push(
      "- These numbers are the built-in sandbox's, not yours. To collect from GitHub, put in .env:",
      `    ENTERPRISES=[{"slug":"your-enterprise","orgs":["your-org"]}]`,
      "    GITHUB_TOKEN=<a token that can read the enterprise's Copilot metrics, see README.md>",
      `  then "${command} check" tests the settings and the token, and "${command} run" collects.`,
    );
  } else {
    lines.push(`- "${command} status" shows the last runs, gaps and the data's age.`);
  }
  return lines.length === 0 ? [] : ["", "Next steps:", ...lines];
}
