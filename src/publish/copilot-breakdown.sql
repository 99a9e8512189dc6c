-- copilot_breakdown: enterprise x organization ('' for the enterprise level) x day x dimension x its
-- keys, one month per run ($1 the month's first day, $2 the next month's). Keys a dimension lacks are ''.
-- Day first: the index on day delivers the rows presorted.
select
  enterprise, organization, day, dimension, ide, feature, language, model,
  user_initiated_interaction_count, code_generation_activity_count, code_acceptance_activity_count,
  loc_suggested_to_add_sum, loc_suggested_to_delete_sum, loc_added_sum, loc_deleted_sum
from copilot_usage_breakdown
where day >= $1 and day < $2
order by day, enterprise, organization, dimension, ide, feature, language, model
