with

source as (
    select * from {{ source('raw', 'articles') }}
),

renamed as (
    select
        article_id,
        feed_id,
        url,
        guid,
        title,
        published_at,
        cast(timezone('UTC', published_at) as date) as published_day,
        date_flag,
        language,
        author,
        content_hash,
        story_key,
        coalesce(story_id, article_id) as story_id,
        coalesce(revision, 1) as revision,
        language_detected,
        entry_key,
        first_seen_at,
        last_seen_at,
        coalesce(updated_at, last_seen_at) as updated_at,
        extractor_version
    from source
)

select * from renamed
