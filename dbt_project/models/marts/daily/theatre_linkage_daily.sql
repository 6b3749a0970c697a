{{ config(**day_incremental_config()) }}

-- Articles that link actors of two theatres, per day: the "not a one-front war" index.
-- Incremental by day (macros/touched_days.sql).
with

days as (
    select * from {{ touched_days() }}
),

article_actors as (
    select * from {{ ref('int_article_actors_deduplicated') }}
    where day in (select days.day from days)
),

actors as (
    select * from {{ ref('stg_raw__actors') }}
),

day_totals as (
    select * from {{ ref('int_articles_counted_daily') }}
),

article_theatres as (
    select distinct
        article_actors.article_id,
        article_actors.day,
        actors.theatre
    from article_actors
    inner join actors on article_actors.actor_id = actors.actor_id
    where actors.theatre is not null and actors.theatre <> 'global'
),

linked as (
    select
        a.day,
        a.theatre as theatre_a,
        b.theatre as theatre_b,
        count(*) as articles
    from article_theatres as a
    inner join article_theatres as b
        on a.article_id = b.article_id and a.theatre < b.theatre
    group by a.day, a.theatre, b.theatre
),

final as (
    select
        linked.day,
        linked.theatre_a,
        linked.theatre_b,
        linked.articles,
        day_totals.articles_all,
        linked.articles / day_totals.articles_all as linkage_index
    from linked
    inner join day_totals on linked.day = day_totals.day
)

select * from final
