-- Copilot billing moved from premium requests to AI credits on 2026-06-01: each row says which
-- unit its quantities count ('requests' before the switch, 'ai_credits' from it), as read from the
-- endpoint that answered, not from GitHub's free-text unitType. Rows with a user_login are one
-- person's usage for the whole month starting at `day` (period 'month'); the all-users rows are
-- per day. Never add the two kinds up: the all-users row already holds every person's usage.
alter table copilot_premium_usage
  add column unit text not null default 'requests' check (unit in ('requests', 'ai_credits')),
  add column period text not null default 'day' check (period in ('day', 'month'));

-- The enterprise's seat listing (GET /enterprises/{e}/copilot/billing/seats) has one seat per
-- organization or enterprise team granting it; seats granted through an enterprise team only are
-- kept with organization '' and the team's slug. last_authenticated_at is in both listings.
alter table copilot_seats add column last_authenticated_at timestamptz;
