//! Planning: for each of a problem's checks, fill the placeholders, decide
//! whether each command may run, and build what the executor runs.
//!
//! A command runs unattended only when its verdict is `read` both as the
//! guide wrote it and with this incident's values filled in. A check runs only
//! when every one of its commands may run. SQL blocks need a database; they
//! run through `psql` inside `BEGIN READ ONLY` with a statement timeout, and
//! every command gets `PGOPTIONS` that makes PostgreSQL sessions read-only.

use std::time::Duration;

use medic_exec::Job;
use medic_guide::{Check, Problem};
use medic_shell::{Lang, Rendered, Safety, Verdict, classify, render};
use serde::Serialize;

use crate::vars::Vars;

/// What planning needs besides the problem and the values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanOptions {
    /// Connection string SQL blocks run against (`postgres://…`), if any.
    pub database: Option<String>,
    /// Whether libpq's environment (`PGHOST`, `PGDATABASE`, `PGSERVICE`)
    /// names a server, so SQL can run without `database`.
    pub pg_environment: bool,
    /// `statement_timeout` for SQL; also bounds `psql` in shell commands.
    pub statement_timeout: Duration,
    /// `PGOPTIONS` already in the environment, kept in front of medic's.
    pub pg_options: Option<String>,
}

/// What will happen to one command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum StepPlan {
    /// It runs.
    Run,
    /// It may change something, or medic cannot show it does not.
    Refused {
        /// Why, in words.
        reason: String,
    },
    /// A placeholder has no value.
    NeedsValues {
        /// The placeholders, as written (`<pod-name>`).
        placeholders: Vec<String>,
        /// How to give them.
        hint: String,
    },
    /// It cannot run here.
    Skipped {
        /// Why.
        reason: String,
    },
}

/// One command of a check, planned.
#[derive(Debug, Clone)]
pub struct PlannedStep {
    /// The command as the guide writes it.
    pub template: String,
    /// Shell or SQL.
    pub lang: Lang,
    /// Its first line in the guide.
    pub line: usize,
    /// With values filled in.
    pub rendered: Rendered,
    /// The verdict that decided: of the rendered command when every value is
    /// known, else of the template.
    pub verdict: Verdict,
    /// What will happen.
    pub plan: StepPlan,
    /// Whether a person allowed this step although it was refused.
    pub consented: bool,
}

/// One check of a problem, planned.
#[derive(Debug, Clone)]
pub struct PlannedCheck {
    /// Position among the problem's checks, from 1.
    pub index: usize,
    /// What the guide says the step does.
    pub description: String,
    /// Its line in the guide.
    pub line: usize,
    /// Its commands, in order.
    pub steps: Vec<PlannedStep>,
    /// Languages of its code blocks that are not commands medic runs (`python`, `yaml`).
    pub other_blocks: Vec<String>,
}

impl PlannedCheck {
    /// Whether every command may run.
    #[must_use]
    pub fn runnable(&self) -> bool {
        !self.steps.is_empty() && self.steps.iter().all(|s| s.plan == StepPlan::Run)
    }
}

/// Plans every check of a problem.
#[must_use]
pub fn plan(problem: &Problem, vars: &Vars, options: &PlanOptions) -> Vec<PlannedCheck> {
    problem
        .checks
        .iter()
        .enumerate()
        .map(|(i, check)| plan_check(i + 1, check, vars, options))
        .collect()
}

fn plan_check(index: usize, check: &Check, vars: &Vars, options: &PlanOptions) -> PlannedCheck {
    let steps = check
        .commands
        .iter()
        .map(|command| {
            let template_verdict = command
                .verdict
                .clone()
                .unwrap_or_else(|| classify(&command.text, command.lang));
            plan_step(
                &command.text,
                command.lang,
                command.span.line,
                template_verdict,
                vars,
                options,
            )
        })
        .collect();
    let mut other_blocks: Vec<String> = Vec::new();
    for snippet in &check.snippets {
        let lang = if snippet.lang.is_empty() {
            "untagged".to_owned()
        } else {
            snippet.lang.clone()
        };
        if !other_blocks.contains(&lang) {
            other_blocks.push(lang);
        }
    }
    PlannedCheck {
        index,
        description: check.description.clone(),
        line: check.span.line,
        steps,
        other_blocks,
    }
}

/// Plans one command.
#[must_use]
pub fn plan_step(
    template: &str,
    lang: Lang,
    line: usize,
    template_verdict: Verdict,
    vars: &Vars,
    options: &PlanOptions,
) -> PlannedStep {
    let lookup = |name: &str| vars.get(name).map(|v| v.value.clone());
    let rendered = render(template, lang, &lookup);
    let mut step = PlannedStep {
        template: template.to_owned(),
        lang,
        line,
        rendered,
        verdict: template_verdict,
        plan: StepPlan::Run,
        consented: false,
    };
    if step.verdict.safety != Safety::Read {
        step.plan = StepPlan::Refused {
            reason: refusal(&step.verdict),
        };
        return step;
    }
    if !step.rendered.is_complete() {
        let placeholders: Vec<String> = step
            .rendered
            .missing
            .iter()
            .map(|p| p.raw.clone())
            .collect();
        let flags: Vec<String> = step
            .rendered
            .missing
            .iter()
            .map(|p| format!("--var {}=…", p.name))
            .collect();
        let envs: Vec<String> = step
            .rendered
            .missing
            .iter()
            .map(|p| format!("MEDIC_VAR_{}", p.name.replace('-', "_").to_uppercase()))
            .collect();
        step.plan = StepPlan::NeedsValues {
            placeholders,
            hint: format!(
                "pass {}, add {} to `[vars]` in medic.toml, or set {}",
                flags.join(" "),
                if flags.len() == 1 { "it" } else { "them" },
                envs.join(" ")
            ),
        };
        return step;
    }
    if !step.rendered.filled.is_empty() {
        let verdict = classify(&step.rendered.display, lang);
        if verdict.safety != Safety::Read {
            step.plan = StepPlan::Refused {
                reason: format!("with the values filled in, {}", refusal(&verdict)),
            };
            step.verdict = verdict;
            return step;
        }
        step.verdict = verdict;
    }
    if lang == Lang::Sql && options.database.is_none() && !options.pg_environment {
        step.plan = StepPlan::Skipped {
            reason: "no database to run SQL against: pass --db postgres://…, add \
                     `[databases] default = \"postgres://…\"` to medic.toml, or set PGHOST"
                .to_owned(),
        };
    }
    step
}

/// Why a verdict stops a command, in words.
fn refusal(verdict: &Verdict) -> String {
    let what = match verdict.safety {
        Safety::Write => "it changes state",
        Safety::Unknown => "medic cannot show it is read-only",
        Safety::Read => "it reads",
    };
    if verdict.reasons.is_empty() {
        what.to_owned()
    } else {
        format!("{what}: {}", verdict.reasons.join("; "))
    }
}

/// What the executor runs for a step.
#[must_use]
pub fn job(step: &PlannedStep, options: &PlanOptions) -> Job {
    let timeout_ms = options.statement_timeout.as_millis().max(1);
    let mut pg_options = options.pg_options.clone().unwrap_or_default();
    if !pg_options.is_empty() {
        pg_options.push(' ');
    }
    pg_options.push_str(&format!(
        "-c default_transaction_read_only=on -c statement_timeout={timeout_ms}"
    ));
    // PGAPPNAME names medic's own sessions in pg_stat_activity, so a DBA tells them apart
    // from the clients being diagnosed.
    let pg_env = vec![
        ("PGOPTIONS".to_owned(), pg_options),
        ("PGAPPNAME".to_owned(), "medic".to_owned()),
    ];
    let long_running = step.verdict.long_running;
    match step.lang {
        Lang::Bash => Job::shell(&step.rendered.script, &step.rendered.display)
            .with_env(step.rendered.env.clone())
            .with_env(pg_env)
            .long_running(long_running),
        Lang::Sql => {
            let mut args: Vec<String> = [
                "--no-psqlrc",
                "--quiet",
                "--set",
                "ON_ERROR_STOP=1",
                "--pset",
                "pager=off",
            ]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
            if let Some(db) = &options.database {
                args.push("--dbname".to_owned());
                args.push(db.clone());
            }
            let statements = [
                "BEGIN READ ONLY".to_owned(),
                format!("SET LOCAL statement_timeout = {timeout_ms}"),
                step.rendered.script.clone(),
                "ROLLBACK".to_owned(),
            ];
            for s in statements {
                args.push("--command".to_owned());
                args.push(s);
            }
            Job::program("psql", args, &step.rendered.display)
                .with_env(pg_env)
                .long_running(long_running)
        }
    }
}
