with

feeds as (
    select * from {{ ref('stg_raw__feeds') }}
),

feed_state as (
    select * from {{ ref('stg_raw__feed_state') }}
),

articles as (
    select * from {{ ref('stg_raw__articles') }}
),

article_totals as (
    select
        feed_id,
        count(*) as articles_total,
        max(first_seen_at) as last_new_article_at
    from articles
    group by feed_id
),

final as (
    select
        feeds.feed_id,
        feeds.publisher,
        coalesce(feed_state.current_url, feeds.catalog_url) as url,
        feed_state.last_fetch_at,
        feed_state.last_success_at,
        feed_state.last_status_code,
        coalesce(feed_state.consecutive_failures, 0) as consecutive_failures,
        feed_state.last_error,
        coalesce(feed_state.status, 'new') as status,
        coalesce(article_totals.articles_total, 0) as articles_total,
        article_totals.last_new_article_at
    from feeds
    left join feed_state on feeds.feed_id = feed_state.feed_id
    left join article_totals on feeds.feed_id = article_totals.feed_id
)

select * from final
