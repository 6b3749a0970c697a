with

source as (
    select * from {{ source('raw', 'mentions') }}
),

renamed as (
    select
        article_id,
        kind as mention_kind,
        entity_id,
        field as mention_field,
        start_offset,
        end_offset,
        surface,
        extractor_version
    from source
)

select * from renamed
