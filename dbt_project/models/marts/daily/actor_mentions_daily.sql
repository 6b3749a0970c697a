with

mentions as (
    select * from {{ ref('int_mentions_joined_to_articles') }}
    where mention_kind = 'actor'
),

actors as (
    select * from {{ ref('stg_raw__actors') }}
),

daily as (
    select
        day,
        entity_id as actor_id,
        count(distinct article_id) as articles,
        count(distinct story_id) as stories,
        count(*) as mentions,
        count(distinct publisher) as sources
    from mentions
    group by day, entity_id
),

final as (
    select
        daily.day,
        daily.actor_id,
        actors.actor_name,
        actors.actor_type,
        actors.theatre,
        daily.articles,
        daily.stories,
        daily.mentions,
        daily.sources
    from daily
    inner join actors on daily.actor_id = actors.actor_id
)

select * from final
