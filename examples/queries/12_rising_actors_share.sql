-- Actors whose share of the day's articles rose most, last 7 days against the 28 before.
with windows as (
    select
        actor_name,
        avg(share_of_articles) filter (where day > last_day - interval 7 day) as share_7d,
        avg(share_of_articles) filter (where day <= last_day - interval 7 day and day > last_day - interval 35 day) as share_28d
    from marts.actor_mentions_daily, (select max(day) as last_day from marts.actor_mentions_daily)
    group by actor_name
)
select actor_name, round(share_7d, 3) as share_7d, round(share_28d, 3) as share_28d
from windows
where share_28d is not null
order by share_7d - share_28d desc
limit 10;
