-- Names the press uses that the gazetteer lacks: the list to grow it from.
with

candidates as (
    select * from {{ ref('stg_raw__name_candidates') }}
),

articles as (
    select * from {{ ref('stg_raw__articles') }}
),

final as (
    select
        candidates.candidate_name,
        count(distinct candidates.article_id) as articles,
        sum(candidates.occurrences) as mentions,
        count(distinct articles.feed_id) as feeds,
        count(distinct articles.published_day) as days_seen,
        min(articles.published_day) as first_day,
        max(articles.published_day) as last_day
    from candidates
    inner join articles on candidates.article_id = articles.article_id
    group by candidates.candidate_name
)

select * from final
