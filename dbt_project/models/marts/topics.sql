with

topics as (
    select * from {{ ref('stg_raw__topics') }}
),

mentions as (
    select * from {{ ref('int_mentions_joined_to_articles') }}
    where mention_kind = 'topic'
),

totals as (
    select
        entity_id as topic_id,
        count(*) as mentions_total,
        count(distinct article_id) as articles_total
    from mentions
    group by entity_id
),

final as (
    select
        topics.topic_id,
        topics.topic_name,
        topics.topic_description,
        coalesce(totals.articles_total, 0) as articles_total,
        coalesce(totals.mentions_total, 0) as mentions_total
    from topics
    left join totals on topics.topic_id = totals.topic_id
)

select * from final
