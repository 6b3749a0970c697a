-- What is surging now: surge days within the last 7 days of data, strongest first.
with

trends as (
    select * from {{ ref('attention_trends_daily') }}
),

latest as (
    select max(day) as last_day from trends
),

final as (
    select
        trends.entity_kind,
        trends.entity_id,
        trends.entity_name,
        count(*) as surge_days,
        min(trends.day) as first_surge_day,
        max(trends.day) as last_surge_day,
        max(trends.z_score) as peak_z_score,
        sum(trends.stories) as stories_on_surge_days,
        max(trends.baseline_mean_28d) as baseline_mean_28d
    from trends
    cross join latest
    where trends.is_surge and trends.day > latest.last_day - interval 7 day
    group by trends.entity_kind, trends.entity_id, trends.entity_name
)

select * from final
