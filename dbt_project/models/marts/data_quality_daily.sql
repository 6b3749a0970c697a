-- The quality gates' history per UTC day and suite: runs, failures, rows checked and rejected,
-- and what is still waiting in quarantine.
with

runs as (
    select * from {{ ref('stg_raw__validation_runs') }}
),

quarantine as (
    select * from {{ ref('stg_raw__quarantine') }}
),

by_suite as (
    select
        run_day as day,
        suite,
        count(*) as runs,
        count(*) filter (where not success) as failed_runs,
        sum(evaluated) as rows_evaluated,
        sum(unexpected) as rows_unexpected
    from runs
    group by run_day, suite
),

quarantined as (
    select
        quarantined_day as day,
        count(*) as rows_quarantined,
        count(*) filter (where resolved_at is null) as rows_unresolved
    from quarantine
    group by quarantined_day
),

final as (
    select
        by_suite.day,
        by_suite.suite,
        by_suite.runs,
        by_suite.failed_runs,
        by_suite.rows_evaluated,
        by_suite.rows_unexpected,
        by_suite.rows_unexpected / nullif(by_suite.rows_evaluated, 0) as unexpected_share,
        coalesce(quarantined.rows_quarantined, 0) as rows_quarantined_that_day,
        coalesce(quarantined.rows_unresolved, 0) as rows_unresolved_that_day
    from by_suite
    left join quarantined on by_suite.day = quarantined.day
)

select * from final
