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

fetches as (
    select * from {{ ref('stg_raw__fetches') }}
),

article_totals as (
    select
        feed_id,
        count(*) as articles_total,
        count(*) filter (where first_seen_at >= now() - interval 7 day) / 7.0 as articles_per_day_7d,
        max(first_seen_at) as last_new_article_at
    from articles
    group by feed_id
),

fetch_totals as (
    select
        feed_id,
        count(*) as fetches_total,
        avg(case when outcome in ('not_modified', 'unchanged') then 1.0 else 0.0 end) as share_not_modified,
        avg(case when outcome = 'error' then 1.0 else 0.0 end) as share_failed,
        median(duration_ms) as median_duration_ms
    from fetches
    group by feed_id
),

final as (
    select
        feeds.feed_id,
        feeds.publisher,
        coalesce(feed_state.current_url, feeds.catalog_url) as url,
        feed_state.redirected_from,
        coalesce(feed_state.status, 'new') as status,
        feed_state.last_fetch_at,
        feed_state.last_success_at,
        feed_state.last_status_code,
        coalesce(feed_state.consecutive_failures, 0) as consecutive_failures,
        coalesce(feed_state.failure_score, 0) as failure_score,
        feed_state.last_error_class,
        feed_state.last_error,
        feed_state.poll_interval_s,
        feed_state.next_poll_at,
        coalesce(fetch_totals.fetches_total, 0) as fetches_total,
        fetch_totals.share_not_modified,
        fetch_totals.share_failed,
        fetch_totals.median_duration_ms,
        coalesce(article_totals.articles_total, 0) as articles_total,
        coalesce(article_totals.articles_per_day_7d, 0) as articles_per_day_7d,
        article_totals.last_new_article_at,
        feed_state.last_new_entry_at
    from feeds
    left join feed_state on feeds.feed_id = feed_state.feed_id
    left join article_totals on feeds.feed_id = article_totals.feed_id
    left join fetch_totals on feeds.feed_id = fetch_totals.feed_id
)

select * from final
