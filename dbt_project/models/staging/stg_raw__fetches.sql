with

source as (
    select * from {{ source('raw', 'fetches') }}
),

renamed as (
    select
        fetch_id,
        batch_id,
        feed_id,
        url,
        final_url,
        requested_at,
        outcome,
        status_code,
        bytes,
        duration_ms,
        error_class,
        failure_class,
        error,
        sent_validators
    from source
)

select * from renamed
