with

topics as (
    select * from {{ ref('stg_raw__topics') }}
),

-- The totals add up the daily rollup (an article has one day) and the undated articles it leaves out.
daily as (
    select
        topic_id,
        articles,
        mentions
    from {{ ref('topic_mentions_daily') }}
    union all
    select
        entity_id as topic_id,
        1 as articles,
        mentions
    from {{ ref('int_article_mentions') }}
    where mention_kind = 'topic' and not is_dated
),

totals as (
    select
        topic_id,
        cast(sum(mentions) as bigint) as mentions_total,
        cast(sum(articles) as bigint) as articles_total
    from daily
    group by topic_id
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
