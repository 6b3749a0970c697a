with

mentions as (
    select * from {{ ref('int_mentions_joined_to_articles') }}
    where mention_kind = 'topic'
),

topics as (
    select * from {{ ref('stg_raw__topics') }}
),

daily as (
    select
        day,
        entity_id as topic_id,
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
        daily.topic_id,
        topics.topic_name,
        daily.articles,
        daily.stories,
        daily.mentions,
        daily.sources
    from daily
    inner join topics on daily.topic_id = topics.topic_id
)

select * from final
