with

actors as (
    select * from {{ ref('stg_raw__actors') }}
),

mentions as (
    select * from {{ ref('int_mentions_joined_to_articles') }}
    where mention_kind = 'actor'
),

totals as (
    select
        entity_id as actor_id,
        count(*) as mentions_total,
        count(distinct article_id) as articles_total,
        min(day) as first_day,
        max(day) as last_day
    from mentions
    group by entity_id
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
