import { z } from "zod";
import type { CopyValue } from "../db/index.js";

// A seat of GET /orgs/{org}/copilot/billing/seats or /enterprises/{e}/copilot/billing/seats (the
// same seat object). The assignee is the user holding the seat; a seat whose assignee is not a user
// (older API shapes allowed teams) is not a person's seat. The assigning team is an organization
// team or an enterprise team; both have a slug.
const seat = z.object({
  created_at: z.string().nullish(),
  updated_at: z.string().nullish(),
  pending_cancellation_date: z.string().nullish(),
  last_activity_at: z.string().nullish(),
  last_activity_editor: z.string().nullish(),
  last_authenticated_at: z.string().nullish(),
  plan_type: z.string().nullish(),
  assignee: z.object({ login: z.string(), id: z.number().int() }).nullish(),
  assigning_team: z.object({ slug: z.string() }).nullish(),
});

export const seatColumns = [
  "user_id",
  "user_login",
  "plan_type",
  "assigning_team",
  "created_at",
  "updated_at",
  "pending_cancellation_date",
  "last_activity_at",
  "last_activity_editor",
  "last_authenticated_at",
] as const;

class MalformedSeatError extends Error {
  override readonly name = "MalformedSeatError";
  constructor(
    readonly owner: string,
    readonly position: number,
    readonly problem: string,
  ) {
    super(`Copilot seat ${position} of ${owner} is malformed: ${problem}.`);
  }
}

/** Seats as rows of copilot_seats (without the key columns the store adds); `owner` names the listing in errors. */
export async function* seatRows(seats: AsyncIterable<unknown>, owner: string): AsyncGenerator<CopyValue[]> {
  let position = 0;
  for await (const value of seats) {
    position++;
    const parsed = seat.safeParse(value);
    if (!parsed.success) throw new MalformedSeatError(owner, position, z.prettifyError(parsed.error).replace(/\n/g, " "));
    const { assignee, ...rest } = parsed.data;
    if (assignee === undefined || assignee === null) continue;
    yield [
      assignee.id,
      assignee.login,
      rest.plan_type ?? null,
      rest.assigning_team?.slug ?? null,
      rest.created_at ?? null,
      rest.updated_at ?? null,
      rest.pending_cancellation_date ?? null,
      rest.last_activity_at ?? null,
      rest.last_activity_editor ?? null,
      rest.last_authenticated_at ?? null,
    ];
  }
}
