-- One row per mention, with the day, source and story of its article.
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
        articles.story_id,
        articles.feed_id,
        coalesce(feeds.publisher, articles.feed_id) as publisher
    from mentions
    inner join articles on mentions.article_id = articles.article_id
    left join feeds on articles.feed_id = feeds.feed_id
)

select * from joined
