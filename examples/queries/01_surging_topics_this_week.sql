-- Top surging topics in the last 7 days of data.
select entity_name as topic, surge_days, round(peak_z_score, 1) as peak_z, stories_on_surge_days
from marts.surges
where entity_kind = 'topic'
order by peak_z_score desc;
