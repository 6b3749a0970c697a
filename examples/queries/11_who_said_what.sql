-- Who is quoted most, and saying what: gazetteer actors by canonical name, others as attributed.
select coalesce(speaker_name, attribution, '(unattributed)') as speaker, count(*) as quotes, any_value(quote) as example
from marts.quotes
group by all
order by quotes desc
limit 20;
