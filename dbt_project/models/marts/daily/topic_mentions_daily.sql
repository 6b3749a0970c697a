{{
    config(
        materialized='incremental',
        unique_key='day',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

-- Attention per topic and day; incremental by the days touched since the last build.
with

mentions as (
    select * from {{ ref('int_mentions_joined_to_articles') }}
    where mention_kind = 'topic' and is_dated
),

articles as (
    select * from {{ ref('stg_raw__articles') }}
),

day_totals as (
    select * from {{ ref('int_articles_counted_daily') }}
),

topics as (
    select * from {{ ref('stg_raw__topics') }}
),

touched_days as (
    select distinct published_day as day
    from articles
    {% if is_incremental() %}
        where updated_at > (select coalesce(max(built_at), '1900-01-01'::timestamptz) from {{ this }})
    {% endif %}
),

daily as (
    select
        mentions.day,
        mentions.entity_id as topic_id,
        count(distinct mentions.article_id) as articles,
        count(distinct mentions.story_id) as stories,
        count(*) as mentions,
        count(distinct mentions.publisher) as sources
    from mentions
    inner join touched_days on mentions.day = touched_days.day
    group by mentions.day, mentions.entity_id
),

final as (
    select
        daily.day,
        daily.topic_id,
        topics.topic_name,
        daily.articles,
        daily.stories,
        daily.mentions,
        daily.sources,
        daily.articles / day_totals.articles_all as share_of_articles,
        daily.stories / day_totals.stories_all as share_of_stories,
        current_timestamp as built_at
    from daily
    inner join topics on daily.topic_id = topics.topic_id
    inner join day_totals on daily.day = day_totals.day
)

select * from final
