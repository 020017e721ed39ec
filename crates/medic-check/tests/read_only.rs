//! Defence in depth against a real PostgreSQL: even a write that got past the verdict (forced
//! here) cannot change the database, because SQL runs inside `BEGIN READ ONLY` and every
//! command's sessions default to read-only through `PGOPTIONS`.

use std::time::Duration;

use medic_check::{CheckStatus, PlanOptions, PlannedCheck, Runner, StepPlan, Vars, plan_step};
use medic_exec::{EnvPolicy, Executor, Limits};
use medic_redact::Redactor;
use medic_shell::{Lang, classify};
use medic_testkit::Postgres;

/// A check of one command whose verdict is overridden to "run", as if it had been misjudged.
fn forced(command: &str, lang: Lang, options: &PlanOptions) -> PlannedCheck {
    let mut step = plan_step(
        command,
        lang,
        1,
        classify(command, lang),
        &Vars::new(),
        options,
    );
    assert!(
        matches!(step.plan, StepPlan::Refused { .. }),
        "{command} is refused"
    );
    step.plan = StepPlan::Run;
    PlannedCheck {
        index: 1,
        description: "forced".to_owned(),
        line: 1,
        steps: vec![step],
        other_blocks: Vec::new(),
    }
}

#[test]
fn writes_that_get_past_the_verdict_still_cannot_write() {
    let pg = Postgres::start().unwrap();
    let options = PlanOptions {
        database: Some(pg.url()),
        statement_timeout: Duration::from_secs(5),
        ..PlanOptions::default()
    };
    let vars = std::env::vars()
        .filter(|(k, _)| k == "PATH" || k == "HOME")
        .chain(pg.env());
    let executor = Executor::with_vars(Limits::default(), &EnvPolicy::default(), vars);
    let runner = Runner::new(executor, Redactor::new(&[]).unwrap(), options.clone());
    let checks = vec![
        forced("CREATE TABLE medic_sql (id int)", Lang::Sql, &options),
        forced(
            "psql -X -c 'CREATE TABLE medic_shell (id int)'",
            Lang::Bash,
            &options,
        ),
    ];
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let reports = rt.block_on(runner.run(checks));
    for report in &reports {
        assert!(
            matches!(report.status, CheckStatus::Failed { .. }),
            "{report:?}"
        );
        let stderr = &report.steps[0].run.as_ref().unwrap().stderr;
        assert!(
            stderr.contains("read-only transaction"),
            "{}: {stderr}",
            report.steps[0].rendered
        );
    }
    let tables = pg
        .psql("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'medic_%'")
        .unwrap();
    assert_eq!(tables.trim(), "0");
}

#[test]
fn a_slow_query_is_stopped_by_the_statement_timeout() {
    let pg = Postgres::start().unwrap();
    let options = PlanOptions {
        database: Some(pg.url()),
        statement_timeout: Duration::from_millis(300),
        ..PlanOptions::default()
    };
    let executor = Executor::new(Limits::default(), &EnvPolicy::default());
    let runner = Runner::new(executor, Redactor::new(&[]).unwrap(), options.clone());
    let step = plan_step(
        "SELECT pg_sleep(5)",
        Lang::Sql,
        1,
        classify("SELECT pg_sleep(5)", Lang::Sql),
        &Vars::new(),
        &options,
    );
    assert_eq!(step.plan, StepPlan::Run);
    let check = PlannedCheck {
        index: 1,
        description: "sleep".to_owned(),
        line: 1,
        steps: vec![step],
        other_blocks: Vec::new(),
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let reports = rt.block_on(runner.run(vec![check]));
    let run = reports[0].steps[0].run.as_ref().unwrap();
    assert!(
        run.stderr
            .contains("canceling statement due to statement timeout"),
        "{run:?}"
    );
    assert!(run.duration_ms < 4000, "{run:?}");
}
