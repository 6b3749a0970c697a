-- Which actors each topic is about, over the last N days of data (var topic_actor_window_days, default 30).
with

mentions as (
    select * from {{ ref('int_mentions_joined_to_articles') }}
    where is_dated
),

latest as (
    select max(day) as last_day from mentions
),

windowed as (
    select mentions.*
    from mentions
    cross join latest
    where mentions.day > latest.last_day - to_days({{ var('topic_actor_window_days', 30) }})
),

article_topics as (
    select distinct
        article_id,
        entity_id as topic_id
    from windowed
    where mention_kind = 'topic' and is_dated
),

article_actors as (
    select distinct
        article_id,
        entity_id as actor_id
    from windowed
    where mention_kind = 'actor'
),

topic_totals as (
    select
        topic_id,
        count(*) as topic_articles
    from article_topics
    group by topic_id
),

final as (
    select
        article_topics.topic_id,
        article_actors.actor_id,
        count(*) as articles,
        count(*) / any_value(topic_totals.topic_articles) as share_of_topic,
        any_value(latest.last_day) as window_end
    from article_topics
    inner join article_actors on article_topics.article_id = article_actors.article_id
    inner join topic_totals on article_topics.topic_id = topic_totals.topic_id
    cross join latest
    group by article_topics.topic_id, article_actors.actor_id
)

select * from final
