{{ config(**day_incremental_config()) }}

-- Attention per topic and day; incremental by day like actor_mentions_daily.
{{ entity_mentions_daily('topic', 'stg_raw__topics', 'topic_id', ['topic_name']) }}
