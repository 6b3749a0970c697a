{#-
  Incremental by UTC day, exact under late articles, revisions that move an article to another day, replays and
  dimension changes. `int_days_fingerprinted` holds one fingerprint per day of everything the daily models read
  (each article's id, last write, story, date flag, feed and its publisher; the actor and topic tables). Each model built
  with these macros keeps, beside itself (`<schema>.<model>__days`, schema `intermediate`), the fingerprints it was
  last built against; a build recomputes the days whose fingerprint differs, appeared or vanished:

    pre-hook   delete the model's rows of those days            (touched_days_delete)
    the model  select only those days                           (touched_days)
    post-hook  store the fingerprints it was built against      (touched_days_record)

  all in the model's one transaction, so a failed build leaves both the rows and the record as they were. A first
  build, a full refresh or a missing record recomputes every day.
-#}

{% macro touched_days_record_relation() -%}
    {{ api.Relation.create(database=this.database, schema='intermediate', identifier=this.identifier ~ '__days') }}
{%- endmacro %}

{#- The days to (re)compute, as a query with one column `day`. -#}
{% macro touched_days() -%}
    {%- set record = adapter.get_relation(database=this.database, schema='intermediate', identifier=this.identifier ~ '__days')
        if this is not none and is_incremental() else none -%}
    {%- if record is not none -%}
        (
            select current_days.day
            from {{ ref('int_days_fingerprinted') }} as current_days
            left join {{ record }} as built
                on current_days.day = built.day
            where built.fingerprint is distinct from current_days.fingerprint
            union
            select built.day
            from {{ record }} as built
            where not exists (select 1 from {{ ref('int_days_fingerprinted') }} as current_days where current_days.day = built.day)
        )
    {%- else -%}
        (select day from {{ ref('int_days_fingerprinted') }})
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook: remove the rows of the days about to be recomputed (a day may now have none). -#}
{% macro touched_days_delete() -%}
    {%- set record = adapter.get_relation(database=this.database, schema='intermediate', identifier=this.identifier ~ '__days')
        if this is not none and is_incremental() else none -%}
    {%- if record is not none -%}
        delete from {{ this }} where day in (select day from {{ touched_days() }})
    {%- elif is_incremental() -%}
        delete from {{ this }}
    {%- else -%}
        drop table if exists {{ touched_days_record_relation() }}
    {%- endif -%}
{%- endmacro %}

{#- Post-hook: the fingerprints this build of the model reflects, and when each day was last recomputed. -#}
{% macro touched_days_record() -%}
    {%- set record = touched_days_record_relation() -%}
    create schema if not exists intermediate;
    create table if not exists {{ record }} (day date, fingerprint ubigint, rebuilt_at timestamptz);
    create or replace temp table touched_days_next as
    select
        current_days.day,
        current_days.fingerprint,
        case
            when built.fingerprint is not distinct from current_days.fingerprint then built.rebuilt_at
            else current_timestamp
        end as rebuilt_at
    from {{ ref('int_days_fingerprinted') }} as current_days
    left join {{ record }} as built on current_days.day = built.day;
    create or replace table {{ record }} as select * from touched_days_next;
    drop table touched_days_next
{%- endmacro %}

{#-
  A data test configured with `where: __touched_days__` checks only the days the model's last build recomputed (all
  of them after a first build or a full refresh): a micro-batch's tests cost its days, not the history. Rows of other
  days were checked by the build that wrote them.
-#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- if where and '__touched_days__' in where -%}
        {%- set record = api.Relation.create(database=relation.database, schema='intermediate',
                                             identifier=relation.identifier ~ '__days') -%}
        {%- set where = where | replace('__touched_days__',
            'day in (select day from ' ~ record ~ ' where rebuilt_at = (select max(rebuilt_at) from ' ~ record ~ '))') -%}
    {%- endif -%}
    {%- if where -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

{#- The config shared by the day-incremental models. -#}
{% macro day_incremental_config() -%}
    {{ return({
        'materialized': 'incremental',
        'incremental_strategy': 'append',
        'on_schema_change': 'append_new_columns',
        'pre_hook': "{{ touched_days_delete() }}",
        'post_hook': "{{ touched_days_record() }}",
    }) }}
{%- endmacro %}
