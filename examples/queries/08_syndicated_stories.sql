-- Wire stories carried by several outlets: one story, several articles.
select story_id, count(*) as articles, count(distinct publisher) as outlets, any_value(title) as title
from marts.articles
group by story_id
having count(distinct publisher) > 1
order by outlets desc;
