{{ config(**day_incremental_config()) }}

-- All dated articles per UTC day: the denominator of every share. Incremental by day (macros/touched_days.sql).
with

days as (
    select * from {{ touched_days() }}
),

articles as (
    select * from {{ ref('stg_raw__articles') }}
    where published_day in (select days.day from days)
),

counted as (
    select
        published_day as day,
        count(*) as articles_all,
        count(distinct story_id) as stories_all
    from articles
    where coalesce(date_flag not in ('missing', 'future_clamped'), true)
    group by published_day
)

select * from counted
