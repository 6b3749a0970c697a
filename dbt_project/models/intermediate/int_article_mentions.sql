{{ config(**day_incremental_config()) }}

-- One row per article and actor or topic it names, with how often, the article's day, story and publisher: the
-- compact base of every mention rollup. is_dated is false when the day is only the fetch day (the feed gave no date,
-- or one in the future): daily rollups leave those out, or an archive replayed today would look like a surge today.
-- Incremental by day (macros/touched_days.sql): a micro-batch rewrites the days its articles touch.
with

days as (
    select * from {{ touched_days() }}
),

articles as (
    select * from {{ ref('stg_raw__articles') }}
    where published_day in (select days.day from days)
),

mentions as (
    select * from {{ ref('stg_raw__mentions') }}
),

feeds as (
    select * from {{ ref('stg_raw__feeds') }}
),

joined as (
    select
        articles.published_day as day,
        mentions.article_id,
        mentions.mention_kind,
        mentions.entity_id,
        count(*) as mentions,
        any_value(coalesce(articles.date_flag not in ('missing', 'future_clamped'), true)) as is_dated,
        any_value(articles.story_id) as story_id,
        any_value(articles.feed_id) as feed_id,
        any_value(coalesce(feeds.publisher, articles.feed_id)) as publisher
    from mentions
    inner join articles on mentions.article_id = articles.article_id
    left join feeds on articles.feed_id = feeds.feed_id
    group by articles.published_day, mentions.article_id, mentions.mention_kind, mentions.entity_id
)

select * from joined
order by day, article_id
