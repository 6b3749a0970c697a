-- Most-covered actors in the last 7 days of data, in stories (syndicated copies count once).
select actor_name, actor_type, sum(stories) as stories, sum(articles) as articles, max(sources) as max_sources_a_day
from marts.actor_mentions_daily
where day > (select max(day) from marts.actor_mentions_daily) - interval 7 day
group by all
order by stories desc
limit 10;
