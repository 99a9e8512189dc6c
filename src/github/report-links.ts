import { RequestError } from "@octokit/request-error";
import { z } from "zod";
import { daySchema } from "../days.js";
import type { GitHubClient } from "./client.js";
import type { ReportKind } from "./copilot-reports.js";

const oneDayEnvelope = z.object({ download_links: z.array(z.url()), report_day: daySchema });
const periodEnvelope = z.object({ download_links: z.array(z.url()), report_start_day: daySchema, report_end_day: daySchema });

export type ReportLinks = { available: true; links: string[]; firstDay: string; lastDay: string } | { available: false; status: number };

class ReportEnvelopeError extends Error {
  override readonly name = "ReportEnvelopeError";
  constructor(
    readonly report: string,
    readonly owner: string,
    readonly problem: string,
  ) {
    super(`GitHub's answer for the ${report} report of ${owner} is not a report envelope: ${problem}.`);
  }
}

/**
 * Asks GitHub for the signed download links of one report. 404, 204 and an empty body mean the
 * report is not generated yet (data lands up to two days late): not an error.
 */
export async function fetchReportLinks(client: GitHubClient, kind: ReportKind, owner: string, day?: string): Promise<ReportLinks> {
  let status: number;
  let data: unknown;
  try {
    const response = await client.octokit.request(`GET ${kind.path}`, {
      owner,
      ...(kind.period === "1-day" ? { day } : {}),
    });
    status = response.status;
    data = response.data;
  } catch (error) {
    if (error instanceof RequestError && error.status === 404) return { available: false, status: 404 };
    throw error;
  }
  // devlake saw 200 with "" or null before the first day of data (reference §1.4).
  if (status === 204 || data === "" || data === null || data === undefined) return { available: false, status };
  if (kind.period === "1-day") {
    const envelope = oneDayEnvelope.safeParse(data);
    if (!envelope.success) throw new ReportEnvelopeError(kind.report, owner, z.prettifyError(envelope.error));
    return { available: true, links: envelope.data.download_links, firstDay: envelope.data.report_day, lastDay: envelope.data.report_day };
  }
  const envelope = periodEnvelope.safeParse(data);
  if (!envelope.success) throw new ReportEnvelopeError(kind.report, owner, z.prettifyError(envelope.error));
  return {
    available: true,
    links: envelope.data.download_links,
    firstDay: envelope.data.report_start_day,
    lastDay: envelope.data.report_end_day,
  };
}
