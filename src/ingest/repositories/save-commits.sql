-- A page of default-branch commits; a commit never changes, so a known one is left alone.
insert into commits (enterprise, repository_id, sha, author_id, author_login, authored_at, committed_at)
select $1, $2, c.sha, c."authorId", c."authorLogin", c."authoredAt", c."committedAt"
from jsonb_to_recordset($3::jsonb) as c (sha text, "authorId" bigint, "authorLogin" text, "authoredAt" timestamptz, "committedAt" timestamptz)
on conflict (enterprise, repository_id, sha) do nothing
