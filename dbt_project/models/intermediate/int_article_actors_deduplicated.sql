-- One row per dated article and actor it names, however often: the unit of co-mention.
with

article_mentions as (
    select * from {{ ref('int_article_mentions') }}
),

deduplicated as (
    select
        article_id,
        day,
        entity_id as actor_id
    from article_mentions
    where mention_kind = 'actor' and is_dated
)

select * from deduplicated
