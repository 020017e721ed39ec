//! `medic bundle`: a diagnosis as a `.tar.gz` to hand to others — manifest, report in JSON,
//! Markdown and HTML, one file per check output, all redacted — written to a temporary
//! file and renamed, so the bundle is whole or absent.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::SystemTime;

use anyhow::{Context as _, Result, bail};
use flate2::Compression;
use flate2::write::GzEncoder;
use medic_check::{Evidence, Report};
use serde::Serialize;

use crate::cli::BundleArgs;
use crate::commands::checks::Context;
use crate::commands::diagnose::{self, Subject};
use crate::commands::show::{self, Found};
use crate::library::{self, Library};
use crate::settings::Config;

#[derive(Serialize)]
struct Manifest<'a> {
    medic_version: &'a str,
    created_at: String,
    guides: Vec<GuideSource>,
    problem: &'a medic_check::ProblemRef,
    evidence: &'a Evidence,
    vars: &'a [medic_check::Var],
    summary: &'a medic_check::Summary,
    checks: Vec<ManifestCheck<'a>>,
    files: Vec<String>,
}

#[derive(Serialize)]
struct GuideSource {
    path: String,
    git_commit: Option<String>,
}

#[derive(Serialize)]
struct ManifestCheck<'a> {
    index: usize,
    description: &'a str,
    #[serde(flatten)]
    status: &'a medic_check::CheckStatus,
    steps: Vec<ManifestStep<'a>>,
}

#[derive(Serialize)]
struct ManifestStep<'a> {
    rendered: &'a str,
    verdict: &'a str,
    consented: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    outcome: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    started_at: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    duration_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exit_code: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stdout_bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stderr_bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    truncated: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    digest: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    files: Vec<String>,
}

pub(crate) fn run(args: &BundleArgs, config: &Config, library: Library) -> Result<ExitCode> {
    if args.output.is_dir() {
        bail!(
            "`{}` is a directory: give the bundle's file name, e.g. -o incident.tar.gz",
            args.output.display()
        );
    }
    let context = Context::new(config, &args.run)?;
    let (library, matcher) = diagnose::index(library)?;
    let report = match (&args.target, &args.alert) {
        (_, Some(alert)) => {
            let Subject::Alerts(mut alerts) = Subject::read(None, Some(alert))? else {
                bail!("cannot read alerts from `{}`", alert.display());
            };
            let first = alerts
                .iter()
                .position(|a| a.status != "resolved")
                .unwrap_or(0);
            if alerts.is_empty() {
                bail!("`{}` holds no alert", alert.display());
            }
            let chosen = alerts.swap_remove(first);
            let (mut reports, _) = diagnose::diagnose(
                &context,
                &library,
                &matcher,
                Subject::Alerts(vec![chosen]),
                3,
            )?;
            reports.pop()
        }
        (Some(target), None) => match problem_id(&library, target)? {
            Some(id) => {
                let Found::Problem(guide, problem) = show::find(&library, &id)? else {
                    bail!("`{id}` is a procedure, not a problem");
                };
                let vars = context.vars(None);
                Some(context.check(guide, problem, Evidence::Problem { id: id.clone() }, &vars)?)
            }
            None => {
                let subject = Subject::read(Some(target), None)?;
                let (mut reports, _) =
                    diagnose::diagnose(&context, &library, &matcher, subject, 3)?;
                reports.pop()
            }
        },
        (None, None) => bail!("give a problem id, evidence text, or --alert FILE"),
    };
    let Some(report) = report else {
        eprintln!(
            "no problem matches the evidence well enough: nothing to bundle (try `medic match` \
             to see the candidates, then `medic bundle ID`)"
        );
        return Ok(ExitCode::from(1));
    };
    write_bundle(&args.output, &report, &library.roots)?;
    eprintln!(
        "wrote {} ({} checks: {} ok, {} failed, {} timed out, {} refused)",
        args.output.display(),
        report.checks.len(),
        report.summary.ok,
        report.summary.failed,
        report.summary.timed_out,
        report.summary.refused
    );
    Ok(if report.summary.found_failure() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The problem id `target` names, if it names one; `None` when it is evidence text.
fn problem_id(library: &Library, target: &str) -> Result<Option<String>> {
    match show::find(library, target) {
        Ok(Found::Problem(_, p)) => Ok(Some(p.id.clone())),
        Ok(Found::Procedure(_, p)) => bail!(
            "`{}` is a procedure, not a problem: bundles hold a problem's checks",
            p.id
        ),
        Err(e) if target.contains('#') && !target.contains(char::is_whitespace) => Err(e),
        Err(_) => Ok(None),
    }
}

/// Writes the bundle through a temporary file in the target's directory.
fn write_bundle(path: &Path, report: &Report, roots: &[PathBuf]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let tmp = tempfile::NamedTempFile::new_in(&dir)
        .with_context(|| format!("cannot write in `{}`", dir.display()))?;
    let encoder = GzEncoder::new(tmp.as_file(), Compression::default());
    let mut tar = tar::Builder::new(encoder);
    let mut files = Vec::new();
    let mut checks = Vec::new();
    let mut outputs: Vec<(String, &str)> = Vec::new();
    for check in &report.checks {
        let mut steps = Vec::new();
        for (n, step) in check.steps.iter().enumerate() {
            let mut step_files = Vec::new();
            if let Some(run) = &step.run {
                for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
                    if !text.is_empty() {
                        let name = format!("checks/{:02}-{}.{stream}.txt", check.index, n + 1);
                        step_files.push(name.clone());
                        outputs.push((name, text));
                    }
                }
            }
            steps.push(ManifestStep {
                rendered: &step.rendered,
                verdict: &step.verdict,
                consented: step.consented,
                outcome: step.run.as_ref().map(|r| r.outcome.as_str()),
                started_at: step.run.as_ref().map(|r| r.started_at.as_str()),
                duration_ms: step.run.as_ref().map(|r| r.duration_ms),
                exit_code: step.run.as_ref().and_then(|r| r.exit_code),
                stdout_bytes: step.run.as_ref().map(|r| r.stdout_bytes),
                stderr_bytes: step.run.as_ref().map(|r| r.stderr_bytes),
                truncated: step.run.as_ref().map(|r| r.truncated),
                digest: step.run.as_ref().map(|r| r.digest.as_str()),
                files: step_files,
            });
        }
        checks.push(ManifestCheck {
            index: check.index,
            description: &check.description,
            status: &check.status,
            steps,
        });
    }
    let json = serde_json::to_vec_pretty(report)?;
    let markdown = medic_check::markdown(report);
    let html = medic_check::html(report);
    files.extend(["report.json", "report.md", "report.html"].map(str::to_owned));
    files.extend(outputs.iter().map(|(n, _)| n.clone()));
    let manifest = Manifest {
        medic_version: env!("CARGO_PKG_VERSION"),
        created_at: medic_check::timestamp(SystemTime::now()),
        guides: roots
            .iter()
            .map(|r| GuideSource {
                path: r.display().to_string(),
                git_commit: library::git_commit(r),
            })
            .collect(),
        problem: &report.problem,
        evidence: &report.evidence,
        vars: &report.vars,
        summary: &report.summary,
        checks,
        files,
    };
    let manifest = serde_json::to_vec_pretty(&manifest)?;
    append(&mut tar, "manifest.json", &manifest)?;
    append(&mut tar, "report.json", &json)?;
    append(&mut tar, "report.md", markdown.as_bytes())?;
    append(&mut tar, "report.html", html.as_bytes())?;
    for (name, text) in &outputs {
        append(&mut tar, name, text.as_bytes())?;
    }
    let encoder = tar.into_inner().context("cannot finish the bundle")?;
    let mut file = encoder.finish().context("cannot finish the bundle")?;
    file.flush()?;
    file.sync_all().ok();
    tmp.persist(path)
        .with_context(|| format!("cannot write `{}`", path.display()))?;
    Ok(())
}

fn append<W: Write>(tar: &mut tar::Builder<W>, name: &str, bytes: &[u8]) -> Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_size(bytes.len() as u64);
    header.set_mode(0o644);
    header.set_mtime(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0),
    );
    header.set_cksum();
    tar.append_data(&mut header, name, bytes)
        .with_context(|| format!("cannot add `{name}` to the bundle"))
}
