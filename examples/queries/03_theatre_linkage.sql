-- "Not a one-front war": the share of articles linking Euro-Atlantic and Indo-Pacific actors, weekly.
select date_trunc('week', day) as week, sum(articles) as linking_articles, round(sum(articles) / sum(articles_all), 3) as index
from marts.theatre_linkage_daily
where theatre_a = 'euro_atlantic' and theatre_b = 'indo_pacific'
group by all
order by week;
