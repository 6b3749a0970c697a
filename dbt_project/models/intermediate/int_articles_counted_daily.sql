-- All dated articles per UTC day: the denominator of every share.
with

articles as (
    select * from {{ ref('stg_raw__articles') }}
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
