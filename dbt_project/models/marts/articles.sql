with

articles as (
    select * from {{ ref('stg_raw__articles') }}
),

feeds as (
    select * from {{ ref('stg_raw__feeds') }}
),

sightings as (
    select
        article_id,
        count(*) as sightings
    from {{ ref('stg_raw__sightings') }}
    group by article_id
),

final as (
    select
        articles.article_id,
        articles.story_id,
        articles.url,
        articles.title,
        articles.published_at,
        articles.published_day as day,
        articles.date_flag,
        articles.feed_id,
        coalesce(feeds.publisher, articles.feed_id) as publisher,
        coalesce(articles.language, feeds.catalog_language) as language,
        articles.language_detected,
        articles.author,
        articles.revision,
        coalesce(sightings.sightings, 1) as sightings,
        articles.first_seen_at,
        articles.last_seen_at
    from articles
    left join feeds on articles.feed_id = feeds.feed_id
    left join sightings on articles.article_id = sightings.article_id
)

select * from final
