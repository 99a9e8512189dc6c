-- Repository activity (what DORA and velocity need), premium request usage, and the weekly metrics.
-- GitHub's own ids key the repository tables: a repository id survives renames and transfers.
-- People appear only where a metric needs them (authors, reviewers), by GitHub user id and login.
-- `synced_at` is when a row last changed here: the metrics recompute the weeks those changes reach.

-- The repositories of each configured organization.
create table repositories (
  enterprise      text not null,
  repository_id   bigint not null,
  organization    text not null,
  name            text not null,
  default_branch  text,
  archived        boolean not null default false,
  fork            boolean not null default false,
  visibility      text,
  created_at      timestamptz,
  pushed_at       timestamptz,
  status          text not null default 'active',  -- active | archived (not synced) | not_found | empty
  listed_at       timestamptz not null,            -- last seen in the organization's repository list
  synced_at       timestamptz not null default now(),
  primary key (enterprise, repository_id)
);
create index repositories_by_name on repositories (enterprise, organization, name);
create index repositories_synced on repositories (enterprise, synced_at);

-- Pull requests of every state; merged ones carry their size and first commit (one extra call each).
create table pull_requests (
  enterprise      text not null,
  repository_id   bigint not null,
  number          integer not null,
  pull_request_id bigint not null,
  author_id       bigint,                          -- null for a deleted account
  author_login    text,
  title           text not null,
  head_ref        text,
  base_ref        text,
  draft           boolean not null default false,
  state           text not null,                   -- open | closed
  created_at      timestamptz not null,
  updated_at      timestamptz not null,
  closed_at       timestamptz,
  merged_at       timestamptz,
  merge_commit_sha text,                           -- only for merged pull requests
  additions       integer,
  deletions       integer,
  first_commit_at timestamptz,                     -- authored time of the first commit (merged only)
  synced_at       timestamptz not null default now(),
  primary key (enterprise, repository_id, number)
);
create index pull_requests_created on pull_requests (enterprise, created_at);
create index pull_requests_merged on pull_requests (enterprise, merged_at) where merged_at is not null;
create index pull_requests_merge_sha on pull_requests (enterprise, repository_id, merge_commit_sha) where merge_commit_sha is not null;
create index pull_requests_synced on pull_requests (enterprise, synced_at);
create index pull_requests_merged_by_repository on pull_requests (enterprise, repository_id, merged_at) where merged_at is not null;
-- A revert without GitHub's revert branch names the pull request it undoes by title.
create index pull_requests_title on pull_requests (enterprise, repository_id, title);

create table pull_request_reviews (
  enterprise      text not null,
  repository_id   bigint not null,
  pull_number     integer not null,
  review_id       bigint not null,
  reviewer_id     bigint,
  reviewer_login  text,
  state           text not null,                   -- APPROVED | CHANGES_REQUESTED | COMMENTED | DISMISSED | PENDING
  submitted_at    timestamptz,
  synced_at       timestamptz not null default now(),
  primary key (enterprise, repository_id, pull_number, review_id)
);
create index pull_request_reviews_submitted on pull_request_reviews (enterprise, submitted_at);
create index pull_request_reviews_synced on pull_request_reviews (enterprise, synced_at);

-- Commits of each repository's default branch.
create table commits (
  enterprise      text not null,
  repository_id   bigint not null,
  sha             text not null,
  author_id       bigint,                          -- null when the author's email maps to no account
  author_login    text,
  authored_at     timestamptz not null,
  committed_at    timestamptz not null,
  synced_at       timestamptz not null default now(),
  primary key (enterprise, repository_id, sha)
);
create index commits_authored on commits (enterprise, authored_at);
create index commits_committed on commits (enterprise, repository_id, committed_at);
create index commits_synced on commits (enterprise, synced_at);

-- Deployments with their final state derived from the statuses ('inactive' ignored: GitHub sets it
-- on the previous deployment when a newer one goes live) and the result of the compare that lists
-- the commits each successful deployment shipped.
create table deployments (
  enterprise      text not null,
  repository_id   bigint not null,
  deployment_id   bigint not null,
  sha             text not null,
  ref             text,
  task            text,
  environment     text not null,
  created_at      timestamptz not null,
  updated_at      timestamptz not null,
  final_state     text,                            -- latest non-inactive status: success | failure | error | pending | …
  final_state_at  timestamptz,                     -- when that status was set: the deployment time when success
  statuses_checked_at timestamptz,                 -- statuses are read for DORA environments only
  previous_deployment_id bigint,                   -- the previous successful deployment the compare started from
  commits_status  text,                            -- null (not yet listed) | compared | first | base_missing | head_missing
  synced_at       timestamptz not null default now(),
  primary key (enterprise, repository_id, deployment_id)
);
create index deployments_final on deployments (enterprise, final_state_at);
create index deployments_by_repository on deployments (enterprise, repository_id, final_state_at);
create index deployments_synced on deployments (enterprise, synced_at);

create table deployment_statuses (
  enterprise      text not null,
  repository_id   bigint not null,
  deployment_id   bigint not null,
  status_id       bigint not null,
  state           text not null,
  created_at      timestamptz not null,
  primary key (enterprise, repository_id, deployment_id, status_id)
);

-- The commits a successful deployment shipped: previous successful deployment's sha ... its own sha.
create table deployment_commits (
  enterprise      text not null,
  repository_id   bigint not null,
  deployment_id   bigint not null,
  sha             text not null,
  authored_at     timestamptz not null,
  committed_at    timestamptz not null,
  synced_at       timestamptz not null default now(),
  primary key (enterprise, repository_id, deployment_id, sha)
);
create index deployment_commits_sha on deployment_commits (enterprise, repository_id, sha);

create table workflow_runs (
  enterprise      text not null,
  repository_id   bigint not null,
  run_id          bigint not null,
  workflow_id     bigint not null,
  name            text,
  path            text,
  head_branch     text,
  head_sha        text not null,
  event           text not null,
  status          text,
  conclusion      text,
  run_attempt     integer,
  created_at      timestamptz not null,
  updated_at      timestamptz not null,
  run_started_at  timestamptz,
  synced_at       timestamptz not null default now(),
  primary key (enterprise, repository_id, run_id)
);
create index workflow_runs_by_repository on workflow_runs (enterprise, repository_id, created_at);
create index workflow_runs_synced on workflow_runs (enterprise, synced_at);

-- Issues carrying a label of INCIDENT_LABELS (pull requests excluded).
create table incidents (
  enterprise      text not null,
  repository_id   bigint not null,
  issue_number    integer not null,
  issue_id        bigint not null,
  title           text not null,
  labels          text[] not null,
  state           text not null,
  created_at      timestamptz not null,
  updated_at      timestamptz not null,
  closed_at       timestamptz,
  synced_at       timestamptz not null default now(),
  primary key (enterprise, repository_id, issue_number)
);
create index incidents_by_repository on incidents (enterprise, repository_id, created_at);
create index incidents_synced on incidents (enterprise, synced_at);

-- Per repository and resource: how far collection got. The watermark and ETag move only after the
-- rows they cover are committed, so an interrupted run resumes where the data ends.
create table repository_sync_state (
  enterprise      text not null,
  repository_id   bigint not null,
  resource        text not null,                   -- pull_requests | commits | deployments | workflow_runs | incidents
  organization    text not null,
  status          text not null,                   -- ok | not_found | empty | failed
  watermark       timestamptz,
  etag            text,
  etag_url        text,                            -- the first page's path and query the ETag belongs to
  attempts        integer not null default 0,
  last_error      text,
  last_run_id     text,
  finished_at     timestamptz not null,
  primary key (enterprise, repository_id, resource)
);

-- Copilot billing usage per day x product x model, re-read for the current and previous month
-- (GitHub revises it). organization '' is the enterprise's own figure; user_login '' is all users.
create table copilot_premium_usage (
  enterprise      text not null,
  organization    text not null default '',
  day             date not null,
  product         text not null,
  sku             text not null,
  model           text not null,
  user_login      text not null default '',
  unit_type       text not null,
  price_per_unit  numeric(14, 6) not null,
  gross_quantity  numeric(18, 4) not null,
  gross_amount    numeric(18, 4) not null,
  discount_quantity numeric(18, 4) not null,
  discount_amount numeric(18, 4) not null,
  net_quantity    numeric(18, 4) not null,
  net_amount      numeric(18, 4) not null,
  fetched_at      timestamptz not null,
  primary key (enterprise, organization, day, product, sku, model, user_login)
);

-- DORA 2023 performance levels: a metric's value falls in [lower_bound, upper_bound) (or up to and
-- including upper_bound when upper_inclusive); the best-ranked matching level wins. The one place
-- the thresholds are written (docs/metrics.md explains them).
create table dora_level_thresholds (
  metric          text not null,                   -- deployment_frequency | lead_time | change_failure_rate | recovery_time
  level           text not null,                   -- elite | high | medium | low
  rank            integer not null,                -- 1 = elite … 4 = low
  lower_bound     numeric not null,
  upper_bound     numeric,                         -- null: no upper bound
  upper_inclusive boolean not null default false,
  primary key (metric, level)
);
insert into dora_level_thresholds (metric, level, rank, lower_bound, upper_bound, upper_inclusive) values
  -- deployment days in the 28 days ending with the week: about 5 a week, 1 a week, 1 a month
  ('deployment_frequency', 'elite', 1, 20, null, false),
  ('deployment_frequency', 'high', 2, 4, 20, false),
  ('deployment_frequency', 'medium', 3, 1, 4, false),
  ('deployment_frequency', 'low', 4, 0, 1, false),
  -- median hours: under a day, a week, 30 days
  ('lead_time', 'elite', 1, 0, 24, false),
  ('lead_time', 'high', 2, 24, 168, false),
  ('lead_time', 'medium', 3, 168, 720, false),
  ('lead_time', 'low', 4, 720, null, false),
  -- share of deployments: at most 5 %, 10 %, 15 %
  ('change_failure_rate', 'elite', 1, 0, 0.05, true),
  ('change_failure_rate', 'high', 2, 0.05, 0.10, true),
  ('change_failure_rate', 'medium', 3, 0.10, 0.15, true),
  ('change_failure_rate', 'low', 4, 0.15, null, false),
  -- median hours: under an hour, a day, a week
  ('recovery_time', 'elite', 1, 0, 1, false),
  ('recovery_time', 'high', 2, 1, 24, false),
  ('recovery_time', 'medium', 3, 24, 168, false),
  ('recovery_time', 'low', 4, 168, null, false);

-- DORA per repository and week (Monday, UTC), with rollups: repository_id 0 and repository '' is an
-- organization's row, organization '' too the enterprise's.
create table dora_weekly (
  enterprise      text not null,
  organization    text not null,
  repository_id   bigint not null,
  repository      text not null,
  week            date not null,
  deployment_source text not null,                 -- deployment | workflow | pull_request | mixed
  deployments     integer not null,
  deployment_days integer not null,
  deployment_frequency_per_day numeric(10, 4) not null,
  deployment_days_28d integer not null,
  lead_time_changes integer not null,
  lead_time_median_hours numeric(14, 2),
  prs_deployed    integer not null,
  pr_lead_time_median_hours numeric(14, 2),
  coding_time_median_hours numeric(14, 2),
  pickup_time_median_hours numeric(14, 2),
  review_time_median_hours numeric(14, 2),
  deploy_time_median_hours numeric(14, 2),
  deployment_attempts integer not null,
  failed_deployments integer not null,
  change_failure_rate numeric(8, 4),
  incidents       integer not null,
  recovered_failures integer not null,
  unrecovered_failures integer not null,
  recovery_time_median_hours numeric(14, 2),
  rework_deployments integer not null,
  rework_rate     numeric(8, 4),
  deployment_frequency_level text,
  lead_time_level text,
  change_failure_rate_level text,
  recovery_time_level text,
  computed_at     timestamptz not null,
  primary key (enterprise, organization, repository_id, week)
);

-- Velocity per developer and week, with rollups: developer '' with a repository is the
-- repository's row, with repository_id 0 the organization's, with organization '' the enterprise's.
create table velocity_weekly (
  enterprise      text not null,
  organization    text not null,
  repository_id   bigint not null,
  repository      text not null,
  developer       text not null,                   -- the login; '' on rollup rows
  developer_id    bigint,
  week            date not null,
  developers      integer not null,
  prs_opened      integer not null,
  prs_merged      integer not null,
  commits         integer not null,
  reviews_given   integer not null,
  cycle_time_median_hours numeric(14, 2),
  coding_time_median_hours numeric(14, 2),
  pickup_time_median_hours numeric(14, 2),
  review_time_median_hours numeric(14, 2),
  first_review_median_hours numeric(14, 2),
  lines_added     bigint not null,
  lines_deleted   bigint not null,
  copilot_developers integer not null,
  copilot_active_days integer,
  copilot_code_generations bigint,
  copilot_code_acceptances bigint,
  computed_at     timestamptz not null,
  primary key (enterprise, organization, repository_id, developer, week)
);
create index velocity_weekly_week on velocity_weekly (enterprise, week);

-- Per enterprise: changes synced up to `computed_through` are in the weekly tables; `definitions`
-- fingerprints the settings the figures were computed with (a change recomputes everything).
create table metrics_state (
  enterprise      text primary key,
  computed_through timestamptz not null,
  definitions     text not null,
  computed_at     timestamptz not null
);

-- Definitions the DORA and velocity queries share, written once (docs/metrics.md describes them).
-- Simple SQL functions: PostgreSQL inlines them into the queries that call them.

-- The Monday (UTC) of the week a moment falls in.
create function metrics_week(moment timestamptz) returns date
language sql immutable parallel safe as $$
  select date_trunc('week', moment at time zone 'UTC')::date
$$;

-- A bot: a login with GitHub's [bot] suffix, or one of BOT_LOGINS (lower case).
create function metrics_is_bot(login text, bot_logins text[]) returns boolean
language sql immutable parallel safe as $$
  select login is not null and (lower(login) like '%[bot]' or lower(login) = any(bot_logins))
$$;

-- A revert: GitHub's revert branch (revert-<number>-<branch>) or a title matching REVERT_PATTERN.
create function metrics_is_revert(head_ref text, title text, revert_pattern text) returns boolean
language sql immutable parallel safe as $$
  select coalesce(head_ref ~ '^revert-[0-9]+-', false) or coalesce(title ~* revert_pattern, false)
$$;

-- A hotfix: HOTFIX_PATTERN on the branch or the title.
create function metrics_is_hotfix(head_ref text, title text, hotfix_pattern text) returns boolean
language sql immutable parallel safe as $$
  select coalesce(head_ref ~* hotfix_pattern, false) or coalesce(title ~* hotfix_pattern, false)
$$;

-- A review that counts as someone's review of a pull request by `author`: submitted, by someone
-- other than the author, not by a bot. The first review is the earliest of these.
create function metrics_is_review_by_other(reviewer_login text, state text, submitted_at timestamptz, author text, bot_logins text[])
returns boolean
language sql immutable parallel safe as $$
  select state <> 'PENDING' and submitted_at is not null and reviewer_login is distinct from author
    and not metrics_is_bot(reviewer_login, bot_logins)
$$;

-- A run of a deploy workflow: its name or its file's name (without folders and @ref) is one of
-- DORA_DEPLOY_WORKFLOWS (lower case).
create function metrics_is_deploy_workflow(name text, path text, deploy_workflows text[]) returns boolean
language sql immutable parallel safe as $$
  select coalesce(lower(name) = any(deploy_workflows), false)
    or coalesce(lower(regexp_replace(path, '^.*/|@.*$', '', 'g')) = any(deploy_workflows), false)
$$;

-- The pull request a revert undoes: the number in GitHub's revert branch, else the latest pull
-- request merged before the revert was opened whose title is the revert's title without the
-- REVERT_PATTERN match and its quotes ('Revert "Add x"' undoes 'Add x').
create function metrics_reverted_pull_request(
  p_enterprise text, p_repository_id bigint, p_head_ref text, p_title text, p_created_at timestamptz, revert_pattern text)
returns table (number integer)
language sql stable parallel safe as $$
  select coalesce(
    (regexp_match(p_head_ref, '^revert-([0-9]+)-'))[1]::integer,
    (select t.number from pull_requests t
     where t.enterprise = p_enterprise and t.repository_id = p_repository_id and t.merged_at < p_created_at
       and t.title = btrim(regexp_replace(p_title, revert_pattern, '', 'i'), '" ')
     order by t.merged_at desc
     limit 1))
  where metrics_is_revert(p_head_ref, p_title, revert_pattern)
$$;

-- A metric value's DORA level: the best-ranked level of dora_level_thresholds whose range holds it.
create function metrics_dora_level(p_metric text, p_value numeric) returns table (level text)
language sql stable parallel safe as $$
  select t.level from dora_level_thresholds t
  where t.metric = p_metric and p_value >= t.lower_bound
    and (t.upper_bound is null or p_value < t.upper_bound or (t.upper_inclusive and p_value = t.upper_bound))
  order by t.rank
  limit 1
$$;
