{{ config(**day_incremental_config()) }}

-- Attention per actor and day. Incremental by day: a build recomputes only the days whose articles, actors or feeds
-- changed since the last one (macros/touched_days.sql), so a micro-batch costs its days.
{{ entity_mentions_daily('actor', 'stg_raw__actors', 'actor_id', ['actor_name', 'actor_type', 'theatre']) }}
