//! `medic diagnose --kube`: read a cluster's state with kubectl (or from saved files), find
//! what is broken, match each finding to a problem, and run the problems' read-only checks
//! against the same cluster with the finding's namespace, pod, container and workload.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use medic_check::{Evidence as ReportEvidence, PlannedCheck, StepPlan, VarSource, Vars};
use medic_exec::{EnvPolicy, Executor, Limits};
use medic_guide::{Guide, Problem};
use medic_kube::{Collection, Finding, Options, Scope};
use medic_match::{Alert, Evidence, Match};

use crate::cli::DiagnoseArgs;
use crate::commands::checks::{self, Context};
use crate::commands::diagnose;
use crate::library::Library;
use crate::settings::Config;
use crate::term;

/// Most bytes of JSON read from one kubectl call (a large cluster's pods).
const COLLECT_OUTPUT_CAP: usize = 512 << 20;

pub(crate) fn run(args: &DiagnoseArgs, config: &Config, library: Library) -> Result<ExitCode> {
    let kube = &args.kube;
    let scope = Scope {
        context: kube.context.clone(),
        namespace: kube.namespace.clone(),
        all_namespaces: kube.all_namespaces,
        selector: kube.selector.clone(),
        kubectl: None,
        request_timeout: None,
    };
    // The checks' kubectl must read the same context the evidence came from: a kubeconfig
    // that sets only `current-context` goes first in KUBECONFIG (kubectl merges the list,
    // and the first file to set the current context wins). No credentials are copied.
    let overlay = match (&kube.context, &kube.from_dir) {
        (Some(context), None) => Some(context_overlay(context)?),
        _ => None,
    };
    let extra_env: Vec<(String, String)> = overlay
        .as_ref()
        .map(|(_, kubeconfig)| vec![("KUBECONFIG".to_owned(), kubeconfig.clone())])
        .unwrap_or_default();
    let context = Context::with_env(config, &args.run, &extra_env)?;

    let started = Instant::now();
    let collection = match &kube.from_dir {
        Some(dir) => medic_kube::from_dir(dir)?,
        None => {
            eprintln!(
                "{} reading {} with kubectl …",
                term::dim("medic:"),
                scope.describe()
            );
            let executor = collect_executor(config, &extra_env);
            context
                .runtime
                .block_on(medic_kube::collect(&scope, &executor))?
        }
    };
    let findings = medic_kube::findings(
        &collection.state,
        &Options {
            restart_threshold: kube.restarts,
        },
    );
    report_collection(&collection, &findings, kube.from_dir.is_some());

    let (library, matcher) = diagnose::index(library)?;
    // Each finding as alert-shaped evidence, built once: matched, then its labels fill
    // placeholders and go in the report.
    let alerts: Vec<Alert> = findings.iter().map(Finding::alert).collect();
    let top = args.runners_up + 1;
    let all_matches = crate::parallel::map(&alerts, |alert| {
        matcher.search(&Evidence::Alert(alert.clone()), top)
    });
    let mut diagnosed: Vec<(Finding, Vec<Match>)> = Vec::new();
    let mut diagnosed_alerts: Vec<Alert> = Vec::new();
    let mut unmatched: Vec<Finding> = Vec::new();
    for ((finding, alert), matches) in findings.into_iter().zip(alerts).zip(all_matches) {
        if matches.is_empty() {
            unmatched.push(finding);
        } else {
            diagnosed.push((finding, matches));
            diagnosed_alerts.push(alert);
        }
    }

    if kube.findings_only {
        return print_findings(&diagnosed, &unmatched, args.format.json, &collection);
    }

    // Plan every matched problem's checks, then run them as one batch.
    let offline = kube.from_dir.as_ref().map(|dir| {
        format!(
            "the evidence was read from `{}`, not a live cluster: run `medic diagnose --kube` \
             against the cluster to run this check",
            dir.display()
        )
    });
    let mut planned = Vec::new();
    let mut plans = Vec::new();
    for ((finding, matches), alert) in diagnosed.iter().zip(&diagnosed_alerts) {
        let best = &matches[0];
        let (guide, problem) = find_problem(&library, &best.id)?;
        let mut vars = context.vars(Some(&alert.labels));
        add_namespace_placeholders(&mut vars, problem, finding);
        let mut plan = context.checker.runner.plan(problem, &vars);
        if let Some(reason) = &offline {
            skip_all(&mut plan, reason);
        }
        planned.push((guide, problem, vars));
        plans.push(plan);
    }
    let check_started = Instant::now();
    let results = context.run_plans(plans)?;
    let check_time = check_started.elapsed();
    let mut reports = Vec::new();
    for ((((finding, matches), alert), (guide, problem, vars)), checks) in diagnosed
        .iter()
        .zip(&diagnosed_alerts)
        .zip(&planned)
        .zip(results)
    {
        let evidence = finding_evidence(finding, alert);
        let mut report = context
            .checker
            .runner
            .report(guide, problem, evidence, vars, checks);
        medic_server::attach_matches(&mut report, matches);
        reports.push(report);
    }

    if !args.format.json {
        print_overview(&diagnosed, &unmatched, args.format.markdown)?;
    }
    let code = checks::output(&reports, &args.format)?;
    let ran: usize = reports
        .iter()
        .flat_map(|r| &r.checks)
        .filter(|c| c.ran())
        .count();
    eprintln!(
        "{} {} findings, {} matched a problem; {ran} checks ran in {}; {} in all",
        term::dim("medic:"),
        diagnosed.len() + unmatched.len(),
        diagnosed.len(),
        show_ms(check_time),
        show_ms(started.elapsed()),
    );
    for finding in &unmatched {
        eprintln!(
            "no problem matches {} on {} well enough: no guide documents it ({})",
            finding.name(),
            finding.object,
            finding.summary
        );
    }
    drop(overlay);
    // 0 only for a clean bill of health: everything read, nothing found.
    let clean = reports.is_empty() && unmatched.is_empty() && collection.gaps.is_empty();
    Ok(if clean { code } else { ExitCode::from(1) })
}

/// The executor for collection: the checks' environment allowlist, a large output cap,
/// and a time limit per call.
pub(super) fn collect_executor(config: &Config, extra_env: &[(String, String)]) -> Executor {
    let limits = Limits {
        timeout: Duration::from_secs(30),
        total: Duration::from_secs(60),
        output_cap: COLLECT_OUTPUT_CAP,
        concurrency: 4,
    };
    let policy = EnvPolicy::with_extra(&config.exec.env);
    Executor::with_vars(limits, &policy, checks::environment(extra_env))
}

/// A kubeconfig file that sets only `current-context`, and the KUBECONFIG list that puts it
/// before the user's own configuration.
pub(super) fn context_overlay(context: &str) -> Result<(tempfile::NamedTempFile, String)> {
    let mut file = tempfile::Builder::new()
        .prefix("medic-context-")
        .suffix(".yaml")
        .tempfile()
        .context("cannot write a temporary kubeconfig")?;
    // A JSON string is a YAML string: any context name is quoted safely.
    writeln!(
        file,
        "apiVersion: v1\nkind: Config\ncurrent-context: {}",
        serde_json::to_string(context)?
    )?;
    file.flush()?;
    let user = match std::env::var("KUBECONFIG") {
        Ok(list) if !list.is_empty() => list,
        _ => {
            let home = std::env::var("HOME").unwrap_or_default();
            format!("{home}/.kube/config")
        }
    };
    let list = format!("{}:{user}", file.path().display());
    Ok((file, list))
}

/// Tells what was read and what could not be, on standard error.
fn report_collection(collection: &Collection, findings: &[Finding], offline: bool) {
    let s = &collection.state;
    let how = if offline {
        format!("from saved files in {}", show_ms(collection.elapsed))
    } else {
        format!(
            "with {} kubectl calls in {}",
            collection.calls,
            show_ms(collection.elapsed)
        )
    };
    eprintln!(
        "{} read {} pods, {} events, {} workloads, {} nodes {how}: {} findings",
        term::dim("medic:"),
        s.pods.len(),
        s.events.len(),
        s.workloads.len(),
        s.nodes.len(),
        findings.len()
    );
    for gap in &collection.gaps {
        eprintln!(
            "{} {} could not be read: {}\n  {}; the diagnosis goes on without it",
            term::bold("gap:"),
            gap.what,
            gap.why,
            gap.fix
        );
    }
}

/// The findings grouped by workload, each with the problem it matched.
fn print_overview(
    diagnosed: &[(Finding, Vec<Match>)],
    unmatched: &[Finding],
    markdown: bool,
) -> Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut groups: BTreeMap<String, Vec<(&Finding, Option<&Match>)>> = BTreeMap::new();
    for (f, m) in diagnosed {
        groups
            .entry(f.workload.to_string())
            .or_default()
            .push((f, m.first()));
    }
    for f in unmatched {
        groups
            .entry(f.workload.to_string())
            .or_default()
            .push((f, None));
    }
    if groups.is_empty() {
        writeln!(out, "No failures found.")?;
        return Ok(());
    }
    if markdown {
        writeln!(out, "# Findings\n")?;
        writeln!(out, "| Workload | Finding | Object | Problem |")?;
        writeln!(out, "|---|---|---|---|")?;
        for (workload, items) in &groups {
            for (f, m) in items {
                let container = f
                    .container
                    .as_deref()
                    .map(|c| format!(" ({c})"))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "| {workload} | `{}` | {}{container} | {} |",
                    f.name(),
                    f.object,
                    m.map_or("no match".to_owned(), |m| format!("`{}`", m.id))
                )?;
            }
        }
        writeln!(out, "\n---\n")?;
        return Ok(());
    }
    writeln!(out, "{}", term::bold("Findings"))?;
    for (workload, items) in &groups {
        writeln!(out, "  {}", term::bold(workload))?;
        for (f, m) in items {
            writeln!(
                out,
                "    {} {}  {}",
                term::bold(&f.name()),
                f.summary,
                term::dim(&format!(
                    "→ {}",
                    m.map_or("no documented problem", |m| m.id.as_str())
                ))
            )?;
        }
    }
    writeln!(out)?;
    Ok(())
}

/// `--findings-only`: the findings and their best problem; JSON lines with `--json`.
fn print_findings(
    diagnosed: &[(Finding, Vec<Match>)],
    unmatched: &[Finding],
    json: bool,
    collection: &Collection,
) -> Result<ExitCode> {
    if json {
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        for (f, matches) in diagnosed
            .iter()
            .map(|(f, m)| (f, m.as_slice()))
            .chain(unmatched.iter().map(|f| (f, &[][..])))
        {
            let line = serde_json::json!({
                "name": f.name(),
                "finding": f,
                "matches": matches.iter().map(|m| serde_json::json!({
                    "id": m.id, "title": m.title, "score": m.score, "reasons": m.reasons,
                })).collect::<Vec<_>>(),
            });
            serde_json::to_writer(&mut out, &line)?;
            writeln!(out)?;
        }
        out.flush()?;
    } else {
        print_overview(diagnosed, unmatched, false)?;
    }
    let clean = diagnosed.is_empty() && unmatched.is_empty() && collection.gaps.is_empty();
    Ok(if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn find_problem<'a>(library: &'a Library, id: &str) -> Result<(&'a Guide, &'a Problem)> {
    library
        .guides
        .iter()
        .find_map(|g| g.problems.iter().find(|p| p.id == id).map(|p| (g, p)))
        .with_context(|| format!("matched `{id}`, which no loaded guide holds"))
}

/// Placeholders the problem's commands use for a namespace (`-n <instance>`) get the
/// finding's namespace.
fn add_namespace_placeholders(vars: &mut Vars, problem: &Problem, finding: &Finding) {
    if finding.object.namespace.is_empty() {
        return;
    }
    let commands = problem
        .checks
        .iter()
        .flat_map(|c| &c.commands)
        .map(|c| c.text.as_str());
    for name in medic_kube::namespace_placeholders(commands) {
        if vars.get(&name).is_none() {
            vars.add(
                &name,
                &finding.object.namespace,
                VarSource::Derived {
                    from: "namespace".to_owned(),
                },
            );
        }
    }
}

/// Marks every step that would run as skipped, with the reason.
fn skip_all(plan: &mut [PlannedCheck], reason: &str) {
    for step in plan.iter_mut().flat_map(|c| c.steps.iter_mut()) {
        if step.plan == StepPlan::Run {
            step.plan = StepPlan::Skipped {
                reason: reason.to_owned(),
            };
        }
    }
}

/// The report's account of a finding.
fn finding_evidence(finding: &Finding, alert: &Alert) -> ReportEvidence {
    ReportEvidence::Finding {
        name: finding.name(),
        object: finding.object.to_string(),
        workload: finding.workload.to_string(),
        summary: finding.summary.clone(),
        details: finding.details.clone(),
        labels: alert.labels.clone().into_iter().collect(),
    }
}

fn show_ms(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}
