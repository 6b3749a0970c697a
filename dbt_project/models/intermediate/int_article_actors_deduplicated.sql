-- One row per article and actor it names, however often: the unit of co-mention.
with

mentions as (
    select * from {{ ref('int_mentions_joined_to_articles') }}
),

deduplicated as (
    select distinct
        article_id,
        day,
        entity_id as actor_id
    from mentions
    where mention_kind = 'actor' and is_dated
)

select * from deduplicated
