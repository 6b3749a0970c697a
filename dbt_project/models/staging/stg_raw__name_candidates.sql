with

source as (
    select * from {{ source('raw', 'name_candidates') }}
),

renamed as (
    select
        article_id,
        name as candidate_name,
        occurrences
    from source
)

select * from renamed
