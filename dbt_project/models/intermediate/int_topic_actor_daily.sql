{{ config(**day_incremental_config()) }}

-- Per dated day and topic: the articles assigned the topic (actor_id null), and per actor the articles that carry
-- both. topic_actor_matrix sums its window from here. Incremental by day (macros/touched_days.sql).
with

days as (
    select * from {{ touched_days() }}
),

article_mentions as (
    select * from {{ ref('int_article_mentions') }}
    where is_dated and day in (select days.day from days)
),

article_topics as (
    select
        day,
        article_id,
        entity_id as topic_id
    from article_mentions
    where mention_kind = 'topic'
),

article_actors as (
    select
        article_id,
        entity_id as actor_id
    from article_mentions
    where mention_kind = 'actor'
),

topic_articles as (
    select
        day,
        topic_id,
        cast(null as varchar) as actor_id,
        count(*) as articles
    from article_topics
    group by day, topic_id
),

topic_actor_articles as (
    select
        article_topics.day,
        article_topics.topic_id,
        article_actors.actor_id,
        count(*) as articles
    from article_topics
    inner join article_actors on article_topics.article_id = article_actors.article_id
    group by article_topics.day, article_topics.topic_id, article_actors.actor_id
),

final as (
    select * from topic_articles
    union all
    select * from topic_actor_articles
)

select * from final
