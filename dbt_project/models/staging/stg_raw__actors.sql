with

source as (
    select * from {{ source('raw', 'actors') }}
),

renamed as (
    select
        actor_id,
        name as actor_name,
        type as actor_type,
        country,
        theatre,
        role
    from source
)

select * from renamed
