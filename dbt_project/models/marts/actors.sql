with

actors as (
    select * from {{ ref('stg_raw__actors') }}
),

-- The totals add up the daily rollup (an article has one day) and the undated articles it leaves out.
daily as (
    select
        actor_id,
        day,
        articles,
        mentions
    from {{ ref('actor_mentions_daily') }}
    union all
    select
        entity_id as actor_id,
        day,
        1 as articles,
        mentions
    from {{ ref('int_article_mentions') }}
    where mention_kind = 'actor' and not is_dated
),

totals as (
    select
        actor_id,
        cast(sum(mentions) as bigint) as mentions_total,
        cast(sum(articles) as bigint) as articles_total,
        min(day) as first_day,
        max(day) as last_day
    from daily
    group by actor_id
),

final as (
    select
        actors.actor_id,
        actors.actor_name,
        actors.actor_type,
        actors.country,
        actors.theatre,
        actors.role,
        coalesce(totals.articles_total, 0) as articles_total,
        coalesce(totals.mentions_total, 0) as mentions_total,
        totals.first_day,
        totals.last_day
    from actors
    left join totals on actors.actor_id = totals.actor_id
)

select * from final
