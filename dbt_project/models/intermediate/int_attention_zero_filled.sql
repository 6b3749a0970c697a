-- Actor and topic attention on every day of the spine, zero where nothing was written:
-- rolling means and baselines must see the quiet days.
with

actor_daily as (
    select * from {{ ref('actor_mentions_daily') }}
),

topic_daily as (
    select * from {{ ref('topic_mentions_daily') }}
),

spine as (
    select * from {{ ref('int_days_spanned') }}
),

attention as (
    select
        'actor' as entity_kind,
        actor_id as entity_id,
        actor_name as entity_name,
        day,
        articles,
        stories,
        share_of_articles
    from actor_daily
    union all
    select
        'topic' as entity_kind,
        topic_id as entity_id,
        topic_name as entity_name,
        day,
        articles,
        stories,
        share_of_articles
    from topic_daily
),

entities as (
    select
        entity_kind,
        entity_id,
        any_value(entity_name) as entity_name,
        min(day) as first_day
    from attention
    group by entity_kind, entity_id
),

filled as (
    select
        entities.entity_kind,
        entities.entity_id,
        entities.entity_name,
        spine.day,
        coalesce(attention.articles, 0) as articles,
        coalesce(attention.stories, 0) as stories,
        coalesce(attention.share_of_articles, 0) as share_of_articles
    from entities
    cross join spine
    left join attention
        on
            entities.entity_kind = attention.entity_kind
            and entities.entity_id = attention.entity_id
            and spine.day = attention.day
)

select * from filled
