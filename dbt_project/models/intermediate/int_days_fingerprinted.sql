{{ config(materialized='table') }}

-- One fingerprint per UTC day of publication (dated or not) of everything the day-incremental models read: each
-- article's id, last write (new, seen again, revised or replayed: its mentions change only then), story, date flag,
-- feed and the feed's publisher and language; and the actor and topic tables (a change there changes every day).
-- The feeds an article was seen in (articles.sightings) change only with a write of the article: a sighting is
-- recorded for the articles of a batch, and each of them gets a new updated_at. A day whose fingerprint moved
-- is recomputed; see macros/touched_days.sql.
with

articles as (
    select * from {{ ref('stg_raw__articles') }}
),

actors as (
    select * from {{ ref('stg_raw__actors') }}
),

topics as (
    select * from {{ ref('stg_raw__topics') }}
),

feeds as (
    select * from {{ ref('stg_raw__feeds') }}
),

dimensions as (
    select
        hash(
            (
                select coalesce(string_agg(concat_ws('|', actor_id, actor_name, actor_type, country, theatre, role), chr(10) order by actor_id), '')
                from actors
            ),
            (
                select coalesce(string_agg(concat_ws('|', topic_id, topic_name), chr(10) order by topic_id), '')
                from topics
            )
        ) as dimensions_fingerprint
),

per_day as (
    select
        articles.published_day as day,
        count(*) as articles,
        sum(
            hash(
                articles.article_id, articles.updated_at, articles.story_id, articles.feed_id,
                coalesce(articles.date_flag, ''), coalesce(feeds.publisher, ''), coalesce(feeds.catalog_language, '')
            )
        ) as articles_fingerprint
    from articles
    left join feeds on articles.feed_id = feeds.feed_id
    group by articles.published_day
),

final as (
    select
        per_day.day,
        per_day.articles,
        hash(per_day.articles, per_day.articles_fingerprint, dimensions.dimensions_fingerprint) as fingerprint
    from per_day
    cross join dimensions
)

select * from final
