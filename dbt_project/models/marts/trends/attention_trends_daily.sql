-- Smoothing and surges per actor and topic and day, counted in stories (syndicated copies of
-- one wire story count once). The baseline is the 28 days that end a week before the day, so a
-- surge does not raise its own bar; its spread is at least the Poisson one (sqrt of the mean),
-- so a quiet series does not cry surge at its first busy day. A day is a surge when both the
-- day (z_score) and the last 7 days (z_score_7d, against the standard error of a 7-day mean)
-- stand out and the day has enough stories: a one-day blip is not a surge.
-- Computed over the compact daily rollups, not over mentions, so rebuilding it stays cheap.
with

filled as (
    select * from {{ ref('int_attention_zero_filled') }}
),

windows as (
    select
        *,
        avg(stories) over last_7 as rolling_mean_7d,
        avg(stories) over baseline_28 as baseline_mean_28d,
        stddev_pop(stories) over baseline_28 as baseline_std_28d,
        count(*) over baseline_28 as baseline_days
    from filled
    window
        last_7 as (partition by entity_kind, entity_id order by day rows between 6 preceding and current row),
        baseline_28 as (partition by entity_kind, entity_id order by day rows between 34 preceding and 7 preceding)
),

spread as (
    select
        *,
        greatest(baseline_std_28d, sqrt(baseline_mean_28d), {{ var('surge_std_floor', 0.5) }}) as baseline_spread
    from windows
),

scored as (
    select
        *,
        case
            when baseline_days >= {{ var('surge_min_baseline_days', 14) }}
                then (stories - baseline_mean_28d) / baseline_spread
        end as z_score,
        case
            when baseline_days >= {{ var('surge_min_baseline_days', 14) }}
                then (rolling_mean_7d - baseline_mean_28d) / (baseline_spread / sqrt(7))
        end as z_score_7d
    from spread
),

final as (
    select
        day,
        entity_kind,
        entity_id,
        entity_name,
        articles,
        stories,
        share_of_articles,
        rolling_mean_7d,
        baseline_mean_28d,
        baseline_std_28d,
        z_score,
        z_score_7d,
        coalesce(
            z_score >= {{ var('surge_min_z', 3.0) }}
            and z_score_7d >= {{ var('surge_min_z', 3.0) }}
            and stories >= {{ var('surge_min_stories', 5) }},
            false
        ) as is_surge
    from scored
)

select * from final
