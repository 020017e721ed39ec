//! What `check`, `diagnose` and `bundle` share: turning settings into a runner, collecting
//! placeholder values, asking consent for write steps, running, and printing reports.

use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use medic_check::{
    CheckReport, CheckStatus, Evidence, LabelMap, PlanOptions, PlannedCheck, Report, Runner,
    StepPlan, Vars,
};
use medic_exec::{EnvPolicy, Executor, Limits};
use medic_guide::{Guide, Problem};
use medic_redact::Redactor;
use medic_server::Checker;

use crate::cli::{ReportFormat, RunOptions};
use crate::settings::{self, Config};
use crate::term;

/// Everything needed to run checks, built from flags and medic.toml before any work.
pub(crate) struct Context {
    pub(crate) checker: Checker,
    pub(crate) runtime: tokio::runtime::Runtime,
    flags: Vec<(String, String)>,
    allow_write: bool,
}

impl Context {
    /// Validates the run settings: limits, environment allowlist, database, redaction rules,
    /// and that --allow-write has a terminal to ask on.
    pub(crate) fn new(config: &Config, options: &RunOptions) -> Result<Self> {
        Self::with_env(config, options, &[])
    }

    /// [`Context::new`], with variables set for every check on top of medic's own
    /// environment (still filtered by the allowlist).
    pub(crate) fn with_env(
        config: &Config,
        options: &RunOptions,
        extra_env: &[(String, String)],
    ) -> Result<Self> {
        if options.allow_write
            && !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal())
        {
            bail!(
                "--allow-write asks before each write step and needs an interactive terminal; \
                 medic never runs a write step unattended"
            );
        }
        let runner = runner(config, options, extra_env)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .context("cannot start the check runner")?;
        Ok(Self {
            checker: Checker {
                runner,
                labels: LabelMap::with(&config.labels),
                config_vars: config.vars.clone(),
            },
            runtime,
            flags: options.vars.clone(),
            allow_write: options.allow_write,
        })
    }

    /// Placeholder values: flags, then the alert's labels, then medic.toml, then MEDIC_VAR_*.
    pub(crate) fn vars(&self, labels: Option<&BTreeMap<String, String>>) -> Vars {
        self.checker.vars(&self.flags, labels)
    }

    /// Plans, asks consent for refused steps when --allow-write is given, runs, and reports.
    pub(crate) fn check(
        &self,
        guide: &Guide,
        problem: &Problem,
        evidence: Evidence,
        vars: &Vars,
    ) -> Result<Report> {
        let runner = &self.checker.runner;
        let mut plan = runner.plan(problem, vars);
        if self.allow_write {
            ask_consent(&mut plan)?;
        }
        let checks = self.runtime.block_on(runner.run(plan));
        Ok(runner.report(guide, problem, evidence, vars, checks))
    }

    /// Runs several problems' plans as one batch (the concurrency limit holds across all of
    /// them), asking consent first when --allow-write is given; the check reports come back
    /// per plan, in order.
    pub(crate) fn run_plans(&self, plans: Vec<Vec<PlannedCheck>>) -> Result<Vec<Vec<CheckReport>>> {
        let sizes: Vec<usize> = plans.iter().map(Vec::len).collect();
        let mut all: Vec<PlannedCheck> = plans.into_iter().flatten().collect();
        if self.allow_write {
            ask_consent(&mut all)?;
        }
        let mut reports = self
            .runtime
            .block_on(self.checker.runner.run(all))
            .into_iter();
        Ok(sizes
            .into_iter()
            .map(|n| reports.by_ref().take(n).collect())
            .collect())
    }
}

/// The check runner the settings describe: limits, environment allowlist, database,
/// redaction rules.
pub(crate) fn runner(
    config: &Config,
    options: &RunOptions,
    extra_env: &[(String, String)],
) -> Result<Runner> {
    let defaults = Limits::default();
    let exec = &config.exec;
    let timeout = match (options.timeout, &exec.timeout) {
        (Some(t), _) => t,
        (None, Some(s)) => settings::duration("exec.timeout", s)?,
        (None, None) => defaults.timeout,
    };
    let total = match (options.total_timeout, &exec.total_timeout) {
        (Some(t), _) => t,
        (None, Some(s)) => settings::duration("exec.total_timeout", s)?,
        (None, None) => defaults.total,
    };
    let concurrency = options
        .concurrency
        .or(exec.concurrency)
        .unwrap_or(defaults.concurrency);
    if concurrency == 0 {
        bail!("concurrency must be at least 1");
    }
    let limits = Limits {
        timeout,
        total,
        output_cap: exec.output_cap.unwrap_or(defaults.output_cap),
        concurrency,
    };
    let executor = Executor::with_vars(
        limits,
        &EnvPolicy::with_extra(&exec.env),
        environment(extra_env),
    );
    let redactor =
        Redactor::new(&config.redact.rules).context("invalid `[[redact.rules]]` in medic.toml")?;
    let database = match &options.db {
        Some(db) => Some(db.clone()),
        None => database(config)?,
    };
    let env = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
    let plan_options = PlanOptions {
        database,
        pg_environment: ["PGHOST", "PGDATABASE", "PGSERVICE", "PGPORT"]
            .iter()
            .any(|k| env(k)),
        statement_timeout: timeout,
        pg_options: std::env::var("PGOPTIONS").ok().filter(|s| !s.is_empty()),
    };
    Ok(Runner::new(executor, redactor, plan_options))
}

/// medic's own environment with `extra` set over it: what commands start from, before the
/// allowlist filters it.
pub(crate) fn environment(extra: &[(String, String)]) -> Vec<(String, String)> {
    std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .filter(|(k, _)| !extra.iter().any(|(e, _)| e == k))
        .chain(extra.iter().cloned())
        .collect()
}

/// `[databases]`: `default`, or the only entry.
fn database(config: &Config) -> Result<Option<String>> {
    if let Some(db) = config.databases.get("default") {
        return Ok(Some(db.clone()));
    }
    match config.databases.len() {
        0 => Ok(None),
        1 => Ok(config.databases.values().next().cloned()),
        _ => bail!(
            "`[databases]` in medic.toml names several databases ({}) but none is `default`: \
             name one `default` or pass --db URL",
            config
                .databases
                .keys()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Asks on the terminal, step by step, whether to run each refused step whose values are
/// all known. A check runs only when every refused step in it was allowed.
fn ask_consent(plan: &mut [PlannedCheck]) -> Result<()> {
    let stdin = std::io::stdin();
    let mut stderr = std::io::stderr();
    for check in plan.iter_mut() {
        let refused: Vec<usize> = check
            .steps
            .iter()
            .enumerate()
            .filter(|(_, s)| matches!(s.plan, StepPlan::Refused { .. }) && s.rendered.is_complete())
            .map(|(i, _)| i)
            .collect();
        for i in refused {
            let Some(step) = check.steps.get_mut(i) else {
                continue;
            };
            let reason = match &step.plan {
                StepPlan::Refused { reason } => reason.clone(),
                _ => String::new(),
            };
            writeln!(
                stderr,
                "\n{} {}. {}\n  {}\n  {} {reason}",
                term::bold("write step"),
                check.index,
                check.description,
                step.rendered.display.replace('\n', "\n  "),
                term::dim("refused:"),
            )?;
            write!(stderr, "Run it? [y/N] ")?;
            stderr.flush()?;
            let mut answer = String::new();
            stdin
                .lock()
                .read_line(&mut answer)
                .context("cannot read the answer")?;
            if matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes") {
                step.plan = StepPlan::Run;
                step.consented = true;
            }
        }
    }
    Ok(())
}

/// Prints reports in the chosen format and writes the HTML file(s); the exit code says
/// whether a check failed or timed out.
pub(crate) fn output(reports: &[Report], format: &ReportFormat) -> Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (i, report) in reports.iter().enumerate() {
        if format.json {
            serde_json::to_writer(&mut out, report)?;
            writeln!(out)?;
        } else if format.markdown {
            if i > 0 {
                writeln!(out, "\n---\n")?;
            }
            write!(out, "{}", medic_check::markdown(report))?;
        } else {
            if i > 0 {
                writeln!(out)?;
            }
            write_report(&mut out, report)?;
        }
    }
    out.flush()?;
    if let Some(path) = &format.html {
        for (i, report) in reports.iter().enumerate() {
            let target = if i == 0 {
                path.clone()
            } else {
                numbered(path, i + 1)
            };
            write_atomically(&target, medic_check::html(report).as_bytes())?;
            eprintln!("wrote {}", target.display());
        }
    }
    let failed = reports.iter().any(|r| r.summary.found_failure());
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `report.html` → `report-2.html`.
fn numbered(path: &Path, n: usize) -> std::path::PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match path.extension() {
        Some(ext) => format!("{stem}-{n}.{}", ext.to_string_lossy()),
        None => format!("{stem}-{n}"),
    };
    path.with_file_name(name)
}

/// Writes a file through a temporary file in the same directory and a rename, so it is
/// whole or absent.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(&dir)
        .with_context(|| format!("cannot write in `{}`", dir.display()))?;
    tmp.write_all(bytes)
        .with_context(|| format!("cannot write `{}`", path.display()))?;
    tmp.persist(path)
        .with_context(|| format!("cannot write `{}`", path.display()))?;
    Ok(())
}

/// Output lines shown per command on the terminal.
const TERMINAL_LINES: usize = 12;

/// The terminal report: problem, why, each check with its command, verdict and first lines
/// of output, then causes and fixes.
pub(crate) fn write_report(out: &mut impl Write, report: &Report) -> Result<()> {
    let p = &report.problem;
    writeln!(
        out,
        "{}  {}",
        term::bold(&p.title),
        term::dim(&format!("{} ({}:{})", p.id, p.guide, p.line))
    )?;
    match &report.evidence {
        Evidence::Alert { name, status, .. } => {
            writeln!(out, "  {} {name} ({status})", term::dim("alert:"))?;
        }
        Evidence::Finding { name, summary, .. } => {
            writeln!(out, "  {} {name}: {summary}", term::dim("found:"))?;
        }
        Evidence::Text { .. } | Evidence::Problem { .. } => {}
    }
    if let Some(m) = &report.matched {
        for (i, r) in m.reasons.iter().enumerate() {
            let label = if i == 0 { "why:  " } else { "      " };
            writeln!(out, "  {} {r}", term::dim(label))?;
        }
    }
    if !report.runners_up.is_empty() {
        let others: Vec<String> = report
            .runners_up
            .iter()
            .map(|c| format!("{} ({:.2})", c.id, c.score))
            .collect();
        writeln!(out, "  {} {}", term::dim("also: "), others.join(", "))?;
    }
    if !report.vars.is_empty() {
        let vars: Vec<String> = report
            .vars
            .iter()
            .map(|v| format!("{}={}", v.name, v.value))
            .collect();
        writeln!(out, "  {} {}", term::dim("values:"), vars.join(" "))?;
    }
    writeln!(out, "\n{} {}", term::bold("Checks:"), report.summary)?;
    for check in &report.checks {
        let duration = check.duration_ms();
        let ran = check.ran();
        writeln!(
            out,
            "{} {}. {}  {}",
            term::status_mark(&check.status),
            check.index,
            one_line(&check.description),
            term::status(&check.status.label(), &check.status)
                + &if ran {
                    term::dim(&format!("  {duration} ms"))
                } else {
                    String::new()
                }
        )?;
        if let Some(detail) = check.status.detail() {
            writeln!(out, "     {}", term::dim(&detail))?;
        }
        let show_commands = !matches!(check.status, CheckStatus::Refused { .. }) || ran;
        for step in &check.steps {
            if !show_commands && step.run.is_none() {
                continue;
            }
            let mut lines = step.rendered.lines();
            if let Some(first) = lines.next() {
                let more = if lines.next().is_some() { " …" } else { "" };
                writeln!(out, "     {} {first}{more}", term::dim("$"))?;
            }
            if let Some(run) = &step.run {
                write_output(out, run)?;
            }
        }
    }
    if !report.causes.is_empty() {
        writeln!(out, "\n{}", term::bold("Possible causes (from the guide):"))?;
        for (i, c) in report.causes.iter().enumerate() {
            let mut line = c.text.clone();
            if let Some(s) = &c.solution {
                line.push_str(&format!(" → {s}"));
            }
            writeln!(out, "  {}. {}", i + 1, one_line(&line))?;
        }
    }
    if !report.fixes.is_empty() {
        writeln!(
            out,
            "\n{}",
            term::bold("Fixes (from the guide; medic does not run them):")
        )?;
        for (i, f) in report.fixes.iter().enumerate() {
            writeln!(
                out,
                "  {}. {} {}",
                i + 1,
                one_line(&f.description),
                term::dim(&format!("({}:{})", p.guide, f.line))
            )?;
            for c in &f.commands {
                for line in c.lines() {
                    writeln!(out, "       {}", term::dim(line))?;
                }
            }
        }
    }
    Ok(())
}

/// The default per-command timeout, for help texts and config show.
pub(crate) fn default_limits() -> Limits {
    Limits::default()
}

/// A duration as `10s` / `1m 30s`.
pub(crate) fn show_duration(d: Duration) -> String {
    humantime::format_duration(d).to_string()
}

/// Text on one line: runs of whitespace, newlines included, become one space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first lines of a command's output; for a command that did not succeed, the last
/// lines of its stderr (where tools put the error that matters).
fn write_output(out: &mut impl Write, run: &medic_check::RunReport) -> Result<()> {
    let failed = run.outcome != "ok" && run.outcome != "bounded";
    let (text, from_end) = if failed && !run.stderr.trim().is_empty() {
        (&run.stderr, true)
    } else if run.stdout.trim().is_empty() {
        (&run.stderr, false)
    } else {
        (&run.stdout, false)
    };
    let all: Vec<&str> = text.lines().collect();
    let hidden = all.len().saturating_sub(TERMINAL_LINES);
    let note = |n: usize| {
        term::dim(&format!(
            "│ … {n} more lines (--json or --markdown for all)"
        ))
    };
    if from_end && hidden > 0 {
        writeln!(out, "     {}", note(hidden))?;
    }
    let shown = if from_end {
        all.get(hidden..).unwrap_or_default()
    } else {
        all.get(..all.len() - hidden).unwrap_or_default()
    };
    for line in shown {
        writeln!(out, "     {} {line}", term::dim("│"))?;
    }
    if !from_end && hidden > 0 {
        writeln!(out, "     {}", note(hidden))?;
    }
    Ok(())
}
