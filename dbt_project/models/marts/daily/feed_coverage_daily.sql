-- Articles per feed per day, with days of no data told apart from days of no news:
-- articles; no_news (fetched fine, nothing published); no_data (polled that period, but no
-- successful fetch that day); not_polled (before the feed's first fetch: its backlog only).
with

feed_articles as (
    select * from {{ ref('int_feed_articles_daily') }}
),

fetches as (
    select * from {{ ref('stg_raw__fetches') }}
),

feeds as (
    select * from {{ ref('stg_raw__feeds') }}
),

spine as (
    select * from {{ ref('int_days_spanned') }}
),

published as (
    select
        feed_id,
        day,
        articles
    from feed_articles
),

fetched as (
    select
        feed_id,
        cast(timezone('UTC', requested_at) as date) as day,
        count(*) filter (where outcome <> 'error') as successful_fetches,
        count(*) filter (where outcome = 'error') as failed_fetches
    from fetches
    group by feed_id, cast(timezone('UTC', requested_at) as date)
),

first_fetch as (
    select
        feed_id,
        min(day) as day
    from fetched
    group by feed_id
),

final as (
    select
        spine.day,
        feeds.feed_id,
        feeds.publisher,
        coalesce(published.articles, 0) as articles,
        coalesce(fetched.successful_fetches, 0) as successful_fetches,
        coalesce(fetched.failed_fetches, 0) as failed_fetches,
        case
            when coalesce(published.articles, 0) > 0 then 'articles'
            when first_fetch.day is null or spine.day < first_fetch.day then 'not_polled'
            when coalesce(fetched.successful_fetches, 0) > 0 then 'no_news'
            else 'no_data'
        end as coverage
    from spine
    cross join feeds
    left join published on spine.day = published.day and feeds.feed_id = published.feed_id
    left join fetched on spine.day = fetched.day and feeds.feed_id = fetched.feed_id
    left join first_fetch on feeds.feed_id = first_fetch.feed_id
)

select * from final
