with

source as (
    select * from {{ source('raw', 'validation_runs') }}
),

renamed as (
    select
        run_id,
        batch_id,
        suite,
        run_at,
        cast(timezone('UTC', run_at) as date) as run_day,
        success,
        evaluated,
        unexpected,
        detail
    from source
)

select * from renamed
