-- pull_requests.copilot_suggestions_by_comment_type[] of one report unit's staged raw records
-- ($1 enterprise, $2 scope, $3 organization): counters summed per day and comment type.
insert into copilot_review_comment_types_daily (
  enterprise, scope, organization, day, comment_type, total_copilot_suggestions, total_copilot_applied_suggestions
)
select $1, $2, $3, s.day, c ->> 'comment_type',
       sum((c ->> 'total_copilot_suggestions')::bigint), sum((c ->> 'total_copilot_applied_suggestions')::bigint)
from stage_usage_daily s
cross join lateral jsonb_array_elements(
  case jsonb_typeof(s.raw -> 'pull_requests' -> 'copilot_suggestions_by_comment_type')
    when 'array' then s.raw -> 'pull_requests' -> 'copilot_suggestions_by_comment_type' else '[]'::jsonb end
) as c
where c ->> 'comment_type' is not null
group by s.day, c ->> 'comment_type'
