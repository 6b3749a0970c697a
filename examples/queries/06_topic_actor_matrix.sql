-- Who the nuclear-weapons coverage is about, over the last 30 days.
select actor_id, articles, round(share_of_topic, 2) as share_of_topic
from marts.topic_actor_matrix
where topic_id = 'nuclear_weapons'
order by articles desc
limit 10;
