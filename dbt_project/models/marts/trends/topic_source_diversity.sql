-- How many publishers carry each topic, and how concentrated (top publisher's share, HHI),
-- over the last N days of data (var topic_actor_window_days, default 30).
with

mentions as (
    select * from {{ ref('int_article_mentions') }}
    where mention_kind = 'topic' and is_dated
),

latest as (
    select max(day) as last_day from mentions
),

by_publisher as (
    select
        mentions.entity_id as topic_id,
        mentions.publisher,
        count(distinct mentions.article_id) as articles
    from mentions
    where mentions.day > (select latest.last_day from latest) - to_days({{ var('topic_actor_window_days', 30) }})
    group by mentions.entity_id, mentions.publisher
),

shares as (
    select
        *,
        articles / sum(articles) over (partition by topic_id) as publisher_share
    from by_publisher
),

final as (
    select
        topic_id,
        count(*) as publishers,
        sum(articles) as articles,
        max(publisher_share) as top_publisher_share,
        sum(publisher_share * publisher_share) as herfindahl_index
    from shares
    group by topic_id
)

select * from final
