-- Every UTC day from the first to the last dated article: zero is news too.
with

bounds as (
    select
        min(day) as first_day,
        max(day) as last_day
    from {{ ref('int_articles_counted_daily') }}
),

spine as (
    select cast(unnest(generate_series(first_day, last_day, interval 1 day)) as date) as day
    from bounds
    where first_day is not null
)

select * from spine
