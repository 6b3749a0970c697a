-- Feeds that need an operator: failing, muted, or quiet.
select feed_id, status, consecutive_failures, failure_score, last_error_class, next_poll_at, articles_per_day_7d
from marts.feed_health
order by status = 'ok', consecutive_failures desc, feed_id;
