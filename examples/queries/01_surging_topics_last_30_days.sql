-- Topics that surged in the last 30 days of data, strongest first (marts.surges holds the last 7 days only).
select
    entity_name as topic,
    count(*) as surge_days,
    min(day) as first_day,
    max(day) as last_day,
    round(max(z_score), 1) as peak_z
from marts.attention_trends_daily
where entity_kind = 'topic' and is_surge
    and day > (select max(day) from marts.attention_trends_daily) - interval 30 day
group by entity_name
order by peak_z desc;
