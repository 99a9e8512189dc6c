-- Breakdown rows of one report unit, taken from the staged raw records ($1 enterprise, $2 scope,
-- $3 organization), so every breakdown comes from the same bytes as the totals. Rows with the same
-- keys (several files, or GitHub repeating a key) are summed.
with staged_arrays as (
  -- one row per staged record and breakdown array, non-arrays read as empty
  select s.day, a.dimension,
         case jsonb_typeof(s.raw -> a.field) when 'array' then s.raw -> a.field else '[]'::jsonb end as items
  from stage_usage_daily s
  cross join (values
    ('ide', 'totals_by_ide'), ('feature', 'totals_by_feature'), ('language_feature', 'totals_by_language_feature'),
    ('language_model', 'totals_by_language_model'), ('model_feature', 'totals_by_model_feature')
  ) as a (dimension, field)
),
breakdown_items as (
  -- one row per array element, with the keys its dimension has
  select day, dimension,
         case when dimension = 'ide' then coalesce(item ->> 'ide', '') else '' end as ide,
         case when dimension in ('feature', 'language_feature', 'model_feature') then coalesce(item ->> 'feature', '') else '' end as feature,
         case when dimension in ('language_feature', 'language_model') then coalesce(item ->> 'language', '') else '' end as language,
         case when dimension in ('language_model', 'model_feature') then coalesce(item ->> 'model', '') else '' end as model,
         item
  from staged_arrays, jsonb_array_elements(items) as item
)
insert into copilot_usage_breakdown (
  enterprise, scope, organization, day, dimension, ide, feature, language, model,
  user_initiated_interaction_count, code_generation_activity_count, code_acceptance_activity_count,
  loc_suggested_to_add_sum, loc_suggested_to_delete_sum, loc_added_sum, loc_deleted_sum
)
select $1, $2, $3, day, dimension, ide, feature, language, model,
       sum((item ->> 'user_initiated_interaction_count')::numeric)::bigint,
       sum((item ->> 'code_generation_activity_count')::numeric)::bigint,
       sum((item ->> 'code_acceptance_activity_count')::numeric)::bigint,
       sum((item ->> 'loc_suggested_to_add_sum')::numeric)::bigint,
       sum((item ->> 'loc_suggested_to_delete_sum')::numeric)::bigint,
       sum((item ->> 'loc_added_sum')::numeric)::bigint,
       sum((item ->> 'loc_deleted_sum')::numeric)::bigint
from breakdown_items
group by day, dimension, ide, feature, language, model
