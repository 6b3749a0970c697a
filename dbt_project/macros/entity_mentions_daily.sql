{#-
  Attention per entity (actor or topic) and UTC day: distinct articles, stories (syndication clusters) and
  publishers naming it, every mention, and the shares of that day's articles and stories. `kind` is the mention kind,
  `dimension` the staging model of the entity, `id_column` its key and `columns` the attributes carried along.
  Incremental by day (macros/touched_days.sql).
-#}
{% macro entity_mentions_daily(kind, dimension, id_column, columns) %}

with

days as (
    select * from {{ touched_days() }}
),

article_mentions as (
    select * from {{ ref('int_article_mentions') }}
    where mention_kind = '{{ kind }}' and is_dated and day in (select days.day from days)
),

day_totals as (
    select * from {{ ref('int_articles_counted_daily') }}
),

entities as (
    select * from {{ ref(dimension) }}
),

daily as (
    select
        day,
        entity_id as {{ id_column }},
        count(*) as articles,
        count(distinct story_id) as stories,
        cast(sum(mentions) as bigint) as mentions,
        count(distinct publisher) as sources
    from article_mentions
    group by day, entity_id
),

final as (
    select
        daily.day,
        daily.{{ id_column }},
        {%- for column in columns %}
        entities.{{ column }},
        {%- endfor %}
        daily.articles,
        daily.stories,
        daily.mentions,
        daily.sources,
        daily.articles / day_totals.articles_all as share_of_articles,
        daily.stories / day_totals.stories_all as share_of_stories,
        current_timestamp as built_at
    from daily
    inner join entities on daily.{{ id_column }} = entities.{{ id_column }}
    inner join day_totals on daily.day = day_totals.day
)

select * from final

{% endmacro %}
