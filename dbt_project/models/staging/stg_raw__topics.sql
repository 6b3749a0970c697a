with

source as (
    select * from {{ source('raw', 'topics') }}
),

renamed as (
    select
        topic_id,
        name as topic_name,
        description as topic_description
    from source
)

select * from renamed
