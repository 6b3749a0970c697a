{{ config(**day_incremental_config()) }}

-- Articles per feed and UTC day of publication, dated or not. Incremental by day (macros/touched_days.sql).
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
        feed_id,
        count(*) as articles
    from articles
    group by published_day, feed_id
)

select * from counted
