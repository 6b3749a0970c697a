-- One row per mention, with the day, source and story of its article. is_dated is false when the
-- day is only the fetch day (the feed gave no date, or one in the future): daily rollups leave
-- those out, or an archive replayed today would look like a surge today.
with

mentions as (
    select * from {{ ref('stg_raw__mentions') }}
),

articles as (
    select * from {{ ref('stg_raw__articles') }}
),

feeds as (
    select * from {{ ref('stg_raw__feeds') }}
),

joined as (
    select
        mentions.article_id,
        mentions.mention_kind,
        mentions.entity_id,
        mentions.mention_field,
        articles.published_day as day,
        coalesce(articles.date_flag not in ('missing', 'future_clamped'), true) as is_dated,
        articles.story_id,
        articles.feed_id,
        coalesce(feeds.publisher, articles.feed_id) as publisher
    from mentions
    inner join articles on mentions.article_id = articles.article_id
    left join feeds on articles.feed_id = feeds.feed_id
)

select * from joined
