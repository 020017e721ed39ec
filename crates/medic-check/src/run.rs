//! Running planned checks: the runnable ones go to the executor, in parallel;
//! every output is redacted before it is kept; each check gets its status.

use std::time::{Duration, SystemTime};

use medic_exec::{Executor, Outcome, Output, Transcript};
use medic_guide::{Guide, Problem};
use medic_redact::Redactor;
use sha2::{Digest, Sha256};

use crate::plan::{PlanOptions, PlannedCheck, PlannedStep, StepPlan, job};
use crate::report::{
    CauseReport, CheckReport, CheckStatus, Evidence, FixReport, ProblemRef, Report, RunReport,
    StepReport, Summary,
};
use crate::vars::{Var, Vars};

/// Runs checks and builds reports.
#[derive(Debug, Clone)]
pub struct Runner {
    executor: Executor,
    redactor: Redactor,
    options: PlanOptions,
}

impl Runner {
    /// A runner.
    #[must_use]
    pub fn new(executor: Executor, redactor: Redactor, options: PlanOptions) -> Self {
        Self {
            executor,
            redactor,
            options,
        }
    }

    /// Planning options.
    #[must_use]
    pub fn options(&self) -> &PlanOptions {
        &self.options
    }

    /// The redactor every output goes through.
    #[must_use]
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// Plans a problem's checks with these values.
    #[must_use]
    pub fn plan(&self, problem: &Problem, vars: &Vars) -> Vec<PlannedCheck> {
        crate::plan::plan(problem, vars, &self.options)
    }

    /// Runs the runnable checks (in parallel) and reports on all of them.
    pub async fn run(&self, checks: Vec<PlannedCheck>) -> Vec<CheckReport> {
        let runnable: Vec<usize> = checks
            .iter()
            .enumerate()
            .filter(|(_, c)| c.runnable())
            .map(|(i, _)| i)
            .collect();
        let groups = runnable
            .iter()
            .filter_map(|&i| checks.get(i))
            .map(|c| c.steps.iter().map(|s| job(s, &self.options)).collect())
            .collect();
        let mut transcripts = self.executor.run_groups(groups).await.into_iter();
        let mut reports = Vec::with_capacity(checks.len());
        for (i, check) in checks.into_iter().enumerate() {
            let runs = if runnable.contains(&i) {
                transcripts.next().unwrap_or_default()
            } else {
                Vec::new()
            };
            reports.push(self.report_check(check, runs));
        }
        reports
    }

    /// A report on one check from its plan and its transcripts.
    fn report_check(&self, check: PlannedCheck, runs: Vec<Transcript>) -> CheckReport {
        let status = if check.steps.is_empty() && !check.other_blocks.is_empty() {
            CheckStatus::Skipped {
                reason: format!(
                    "a {} block: medic runs only shell and SQL; read the step in the guide",
                    check
                        .other_blocks
                        .iter()
                        .map(|l| format!("`{l}`"))
                        .collect::<Vec<_>>()
                        .join(" and a ")
                ),
            }
        } else if check.steps.is_empty() {
            CheckStatus::Skipped {
                reason: "no command to run; read the step in the guide".to_owned(),
            }
        } else if runs.is_empty() {
            planned_status(&check.steps)
        } else {
            run_status(&runs)
        };
        let mut runs = runs.into_iter();
        let steps = check
            .steps
            .into_iter()
            .map(|step| {
                let run = if step.plan == StepPlan::Run {
                    runs.next().map(|t| self.run_report(t))
                } else {
                    None
                };
                self.step_report(step, run)
            })
            .collect();
        CheckReport {
            index: check.index,
            description: self.redactor.redact_str(&check.description).into_owned(),
            line: check.line,
            status,
            steps,
        }
    }

    fn step_report(&self, step: PlannedStep, run: Option<RunReport>) -> StepReport {
        StepReport {
            command: step.template,
            rendered: self
                .redactor
                .redact_str(&step.rendered.display)
                .into_owned(),
            lang: match step.lang {
                medic_shell::Lang::Bash => "bash".to_owned(),
                medic_shell::Lang::Sql => "sql".to_owned(),
            },
            line: step.line,
            verdict: step.verdict.safety.as_str().to_owned(),
            reasons: step.verdict.reasons,
            long_running: step.verdict.long_running,
            consented: step.consented,
            run,
        }
    }

    fn run_report(&self, t: Transcript) -> RunReport {
        let stdout = self.redact_output(&t.stdout);
        let stderr = self.redact_output(&t.stderr);
        let mut hasher = Sha256::new();
        hasher.update(stdout.as_bytes());
        hasher.update([0u8]);
        hasher.update(stderr.as_bytes());
        let digest = format!("{:x}", hasher.finalize());
        RunReport {
            outcome: outcome_word(&t.outcome).to_owned(),
            started_at: timestamp(t.started_at),
            duration_ms: u64::try_from(t.duration.as_millis()).unwrap_or(u64::MAX),
            exit_code: t.exit_code,
            stdout,
            stderr,
            stdout_bytes: t.stdout.total,
            stderr_bytes: t.stderr.total,
            truncated: t.stdout.truncated || t.stderr.truncated,
            digest: format!("sha256:{digest}"),
        }
    }

    fn redact_output(&self, output: &Output) -> String {
        let text = self
            .redactor
            .redact_str(&String::from_utf8_lossy(&output.bytes))
            .into_owned();
        // psql ends its tables with a blank line; keep one newline at most.
        match text.trim_end_matches('\n').len() {
            0 => String::new(),
            n => format!("{}\n", text.get(..n).unwrap_or_default()),
        }
    }

    /// A whole report: the problem, what it started from, the checks, and the
    /// guide's causes and fixes. Values and evidence are redacted.
    #[must_use]
    pub fn report(
        &self,
        guide: &Guide,
        problem: &Problem,
        evidence: Evidence,
        vars: &Vars,
        checks: Vec<CheckReport>,
    ) -> Report {
        let evidence = match evidence {
            Evidence::Text { text } => Evidence::Text {
                text: self.redactor.redact_str(&text).into_owned(),
            },
            Evidence::Alert {
                name,
                status,
                labels,
                annotations,
            } => Evidence::Alert {
                name,
                status,
                labels,
                annotations: annotations
                    .into_iter()
                    .map(|(k, v)| {
                        let v = self.redactor.redact_str(&v).into_owned();
                        (k, v)
                    })
                    .collect(),
            },
            Evidence::Finding {
                name,
                object,
                workload,
                summary,
                details,
                labels,
            } => Evidence::Finding {
                name,
                object,
                workload,
                summary: self.redactor.redact_str(&summary).into_owned(),
                details: details
                    .iter()
                    .map(|d| self.redactor.redact_str(d).into_owned())
                    .collect(),
                labels,
            },
            e @ Evidence::Problem { .. } => e,
        };
        let summary = Summary::of(&checks);
        Report {
            medic_version: env!("CARGO_PKG_VERSION").to_owned(),
            generated_at: timestamp(SystemTime::now()),
            evidence,
            problem: ProblemRef {
                id: problem.id.clone(),
                title: problem.title.clone(),
                guide: guide.path.clone(),
                guide_title: guide.title.clone(),
                line: problem.span.line,
                breadcrumb: problem.breadcrumb.clone(),
            },
            matched: None,
            runners_up: Vec::new(),
            vars: vars
                .all()
                .iter()
                .map(|v| Var {
                    value: self.redactor.redact_str(&v.value).into_owned(),
                    ..v.clone()
                })
                .collect(),
            checks,
            causes: problem
                .causes
                .iter()
                .map(|c| CauseReport {
                    text: c.text.clone(),
                    error: c.error.clone(),
                    solution: c.solution.clone(),
                    line: c.span.line,
                })
                .collect(),
            fixes: problem
                .fixes
                .iter()
                .map(|f| FixReport {
                    description: f.description.clone(),
                    line: f.span.line,
                    commands: f.commands.iter().map(|c| c.text.clone()).collect(),
                })
                .collect(),
            summary,
        }
    }
}

/// The status of a check that did not run, from its steps' plans: refused
/// first, then missing values, then skipped.
fn planned_status(steps: &[PlannedStep]) -> CheckStatus {
    for step in steps {
        if let StepPlan::Refused { reason } = &step.plan {
            return CheckStatus::Refused {
                reason: format!("`{}`: {reason}", first_line(&step.template)),
            };
        }
    }
    let mut placeholders: Vec<String> = Vec::new();
    let mut hints: Vec<String> = Vec::new();
    for step in steps {
        if let StepPlan::NeedsValues {
            placeholders: p,
            hint,
        } = &step.plan
        {
            for name in p {
                if !placeholders.contains(name) {
                    placeholders.push(name.clone());
                }
            }
            if !hints.contains(hint) {
                hints.push(hint.clone());
            }
        }
    }
    if !placeholders.is_empty() {
        return CheckStatus::NeedsValues {
            placeholders,
            hint: hints.join("; "),
        };
    }
    for step in steps {
        if let StepPlan::Skipped { reason } = &step.plan {
            return CheckStatus::Skipped {
                reason: reason.clone(),
            };
        }
    }
    CheckStatus::Skipped {
        reason: "not run".to_owned(),
    }
}

/// The status of a check from its runs: the first that did not succeed says.
fn run_status(runs: &[Transcript]) -> CheckStatus {
    for t in runs {
        match &t.outcome {
            Outcome::Ok | Outcome::Bounded => {}
            Outcome::Failed { exit_code, .. } => {
                return CheckStatus::Failed {
                    exit_code: *exit_code,
                };
            }
            Outcome::TimedOut => return CheckStatus::TimedOut,
            Outcome::NotInstalled { program } => {
                return CheckStatus::Skipped {
                    reason: format!("{program} not installed"),
                };
            }
            Outcome::NotStarted { reason } => {
                return CheckStatus::Skipped {
                    reason: reason.clone(),
                };
            }
        }
    }
    CheckStatus::Ok
}

fn outcome_word(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Ok => "ok",
        Outcome::Failed { .. } => "failed",
        Outcome::TimedOut => "timed_out",
        Outcome::Bounded => "bounded",
        Outcome::NotInstalled { .. } => "not_installed",
        Outcome::NotStarted { .. } => "not_started",
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

/// RFC 3339 with milliseconds, UTC.
#[must_use]
pub fn timestamp(at: SystemTime) -> String {
    humantime::format_rfc3339_millis(at).to_string()
}

/// Milliseconds of a duration, saturating.
#[must_use]
pub fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
