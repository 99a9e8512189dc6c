import { z } from "zod";
import { day, outcome } from "./units.js";

// The small JSON of the repository, premium-usage and metrics activities (it crosses the
// orchestrator boundary, so the activity side parses it again).

/** Repositories per syncRepositories activity: an incremental shard takes seconds, a first sync minutes. */
const repositoriesPerShard = 25;

export const organizationInput = z.object({ runId: z.string().optional(), enterprise: z.string(), organization: z.string() });
export type OrganizationInput = z.infer<typeof organizationInput>;

/** Shard `shard` of `shards` of an organization: the repositories whose id % shards = shard. */
export const repositoryShard = organizationInput.extend({ shard: z.number().int().min(0), shards: z.number().int().min(1) });
export type RepositoryShard = z.infer<typeof repositoryShard>;

export const premiumUsageInput = z.object({
  runId: z.string().optional(),
  enterprise: z.string(),
  organizations: z.array(z.string()),
  today: day,
});
export type PremiumUsageInput = z.infer<typeof premiumUsageInput>;

export const computeMetricsInput = z.object({
  runId: z.string().optional(),
  enterprises: z.array(z.string()),
  today: day,
  /** The earliest Copilot day this run collected: velocity's Copilot columns of its week onwards are recomputed. */
  copilotFrom: day.optional(),
  /** Recompute every week, not only those the changes reach. */
  full: z.boolean().optional(),
});
export type ComputeMetricsInput = z.infer<typeof computeMetricsInput>;

/** What a repository-listing unit returns: how many shards the organization's repositories make. */
export const repositoryListResult = outcome({
  status: z.enum(["ok", "pending"]),
  records: z.number(),
  repositories: z.number(),
  shards: z.number().int(),
});
export type RepositoryListResult = z.infer<typeof repositoryListResult>;

/**
 * What the shard, premium-usage and metrics units return. `pending`: the rate budget or the time ran
 * out and the rest is carried to the next run; `unavailable`: GitHub has no such data for the scope.
 */
export const collectionResult = outcome({
  status: z.enum(["ok", "pending", "unavailable"]),
  records: z.number(),
  warning: z.string().optional(),
});
export type CollectionResult = z.infer<typeof collectionResult>;

export function repositoriesLabel(org: { enterprise: string; organization: string }): string {
  return `${org.enterprise}/${org.organization} repositories`;
}

export function premiumUsageLabel(enterprise: string): string {
  return `${enterprise} premium request usage`;
}

export const computeMetricsLabel = "compute DORA and velocity metrics";

export function shardLabel(shard: RepositoryShard): string {
  return `${shard.enterprise}/${shard.organization} repositories ${shard.shard + 1}/${shard.shards}`;
}

export function shardCount(repositories: number): number {
  return Math.ceil(repositories / repositoriesPerShard);
}
