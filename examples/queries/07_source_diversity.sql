-- Topics carried by few outlets (concentrated coverage) vs many.
select topic_id, publishers, articles, round(top_publisher_share, 2) as top_share, round(herfindahl_index, 2) as hhi
from marts.topic_source_diversity
order by hhi desc;
