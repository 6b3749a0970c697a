with

source as (
    select * from {{ source('raw', 'feeds') }}
),

renamed as (
    select
        feed_id,
        url as catalog_url,
        publisher,
        language as catalog_language,
        tags,
        poll_minutes
    from source
)

select * from renamed
