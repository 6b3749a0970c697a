-- Every UTC day from the first to the last dated article: zero is news too.
with

bounds as (
    select
        min(published_day) as first_day,
        max(published_day) as last_day
    from {{ ref('stg_raw__articles') }}
    where coalesce(date_flag not in ('missing', 'future_clamped'), true)
),

spine as (
    select cast(unnest(generate_series(first_day, last_day, interval 1 day)) as date) as day
    from bounds
    where first_day is not null
)

select * from spine
