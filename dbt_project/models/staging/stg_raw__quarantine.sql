with

source as (
    select * from {{ source('raw', 'quarantine') }}
),

renamed as (
    select
        quarantine_id,
        batch_id,
        quarantined_at,
        cast(timezone('UTC', quarantined_at) as date) as quarantined_day,
        stage,
        rule,
        feed_id,
        resolved_at
    from source
)

select * from renamed
