{{ config(**day_incremental_config()) }}

-- Pairs of actors named in the same article, per day (actor_a_id < actor_b_id), with lift and
-- PMI so that frequent actors do not dominate: lift = P(a and b) / (P(a) P(b)) over that day's articles.
-- Incremental by day (macros/touched_days.sql): the pair self-join runs over the touched days only.
with

days as (
    select * from {{ touched_days() }}
),

article_actors as (
    select * from {{ ref('int_article_actors_deduplicated') }}
    where day in (select days.day from days)
),

day_totals as (
    select * from {{ ref('int_articles_counted_daily') }}
),

actors as (
    select * from {{ ref('stg_raw__actors') }}
),

actor_days as (
    select
        day,
        actor_id,
        count(*) as actor_articles
    from article_actors
    group by day, actor_id
),

pairs as (
    select
        a.day,
        a.actor_id as actor_a_id,
        b.actor_id as actor_b_id,
        count(*) as articles
    from article_actors as a
    inner join article_actors as b
        on a.article_id = b.article_id and a.actor_id < b.actor_id
    group by a.day, a.actor_id, b.actor_id
),

final as (
    select
        pairs.day,
        pairs.actor_a_id,
        actor_a.actor_name as actor_a_name,
        pairs.actor_b_id,
        actor_b.actor_name as actor_b_name,
        pairs.articles,
        days_a.actor_articles as actor_a_articles,
        days_b.actor_articles as actor_b_articles,
        pairs.articles * day_totals.articles_all / (days_a.actor_articles * days_b.actor_articles) as lift,
        ln(pairs.articles * day_totals.articles_all / (days_a.actor_articles * days_b.actor_articles)) as pmi
    from pairs
    inner join actors as actor_a on pairs.actor_a_id = actor_a.actor_id
    inner join actors as actor_b on pairs.actor_b_id = actor_b.actor_id
    inner join actor_days as days_a on pairs.day = days_a.day and pairs.actor_a_id = days_a.actor_id
    inner join actor_days as days_b on pairs.day = days_b.day and pairs.actor_b_id = days_b.actor_id
    inner join day_totals on pairs.day = day_totals.day
)

select * from final
