with

source as (
    select * from {{ source('raw', 'feed_state') }}
),

renamed as (
    select
        feed_id,
        url as current_url,
        last_fetch_at,
        last_success_at,
        last_status_code,
        consecutive_failures,
        last_error,
        status
    from source
)

select * from renamed
