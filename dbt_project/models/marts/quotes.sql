with

quotes as (
    select * from {{ ref('stg_raw__quotes') }}
),

articles as (
    select * from {{ ref('articles') }}
),

actors as (
    select * from {{ ref('stg_raw__actors') }}
),

final as (
    select
        quotes.article_id,
        quotes.start_offset,
        articles.day,
        articles.publisher,
        quotes.speaker_actor_id,
        actors.actor_name as speaker_name,
        quotes.speaker as attribution,
        quotes.quote
    from quotes
    inner join articles on quotes.article_id = articles.article_id
    left join actors on quotes.speaker_actor_id = actors.actor_id
)

select * from final
