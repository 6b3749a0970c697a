-- Per feed: days with articles, quiet days, and days we could not see.
select feed_id, coverage, count(*) as days
from marts.feed_coverage_daily
group by all
order by feed_id, coverage;
