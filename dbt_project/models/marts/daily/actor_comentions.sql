-- Pairs of actors named in the same article, per day; each pair once (a < b).
with

article_actors as (
    select * from {{ ref('int_article_actors_deduplicated') }}
),

actors as (
    select * from {{ ref('stg_raw__actors') }}
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
        pairs.articles
    from pairs
    inner join actors as actor_a on pairs.actor_a_id = actor_a.actor_id
    inner join actors as actor_b on pairs.actor_b_id = actor_b.actor_id
)

select * from final
