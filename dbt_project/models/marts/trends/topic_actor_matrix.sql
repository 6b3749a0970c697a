-- Which actors each topic is about, over the last N days of data (var topic_actor_window_days, default 30).
-- Summed from the daily rollup int_topic_actor_daily (an article has one day, so daily counts add up).
with

daily as (
    select * from {{ ref('int_topic_actor_daily') }}
),

latest as (
    select max(day) as last_day
    from {{ ref('int_article_mentions') }}
    where is_dated
),

windowed as (
    select daily.*
    from daily
    cross join latest
    where daily.day > latest.last_day - to_days({{ var('topic_actor_window_days', 30) }})
),

topic_totals as (
    select
        topic_id,
        sum(articles) as topic_articles
    from windowed
    where actor_id is null
    group by topic_id
),

final as (
    select
        windowed.topic_id,
        windowed.actor_id,
        cast(sum(windowed.articles) as bigint) as articles,
        sum(windowed.articles) / any_value(topic_totals.topic_articles) as share_of_topic,
        any_value(latest.last_day) as window_end
    from windowed
    inner join topic_totals on windowed.topic_id = topic_totals.topic_id
    cross join latest
    where windowed.actor_id is not null
    group by windowed.topic_id, windowed.actor_id
)

select * from final
