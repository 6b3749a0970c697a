with

source as (
    select * from {{ source('raw', 'quotes') }}
),

renamed as (
    select
        article_id,
        start_offset,
        quote,
        speaker,
        speaker_actor_id
    from source
)

select * from renamed
