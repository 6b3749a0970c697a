-- Xi Jinping and Vladimir Putin named together, day by day, with lift.
select day, articles, round(lift, 2) as lift
from marts.actor_comentions
where actor_a_id = 'vladimir-putin' and actor_b_id = 'xi-jinping'
order by day;
