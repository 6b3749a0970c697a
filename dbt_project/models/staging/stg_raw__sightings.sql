with

source as (
    select * from {{ source('raw', 'sightings') }}
),

renamed as (
    select
        article_id,
        feed_id,
        first_seen_at,
        last_seen_at,
        times_seen
    from source
)

select * from renamed
