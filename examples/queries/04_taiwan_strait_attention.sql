-- Taiwan Strait coverage per day against its baseline: the surge stands out.
select day, stories, round(rolling_mean_7d, 2) as mean_7d, round(baseline_mean_28d, 2) as baseline, round(z_score, 1) as z, is_surge
from marts.attention_trends_daily
where entity_kind = 'topic' and entity_id = 'taiwan_strait'
order by day;
