with

source as (
    select * from {{ source('raw', 'feed_state') }}
),

renamed as (
    select
        feed_id,
        url as current_url,
        redirected_from,
        last_fetch_at,
        last_success_at,
        last_new_entry_at,
        last_status_code,
        consecutive_failures,
        failure_score,
        poll_interval_s,
        next_poll_at,
        last_error,
        last_error_class,
        status
    from source
)

select * from renamed
