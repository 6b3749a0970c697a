{{ config(**day_incremental_config()) }}

-- Incremental by day of publication (macros/touched_days.sql): a micro-batch rewrites the days its articles touch.
with

days as (
    select * from {{ touched_days() }}
),

articles as (
    select * from {{ ref('stg_raw__articles') }}
    where published_day in (select days.day from days)
),

feeds as (
    select * from {{ ref('stg_raw__feeds') }}
),

sightings as (
    select
        article_id,
        count(*) as sightings
    from {{ ref('stg_raw__sightings') }}
    where article_id in (select articles.article_id from articles)
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
