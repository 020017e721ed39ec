//! `medic bundle`: a diagnosis as a `.tar.gz` to hand to others — manifest, report in JSON,
//! Markdown and HTML, one file per check output, all redacted — written to a temporary
//! file and renamed, so the bundle is whole or absent.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use medic_check::{Evidence, GuideSource, Report};

use crate::cli::BundleArgs;
use crate::commands::checks::Context;
use crate::commands::diagnose::{self, Subject};
use crate::commands::show::{self, Found};
use crate::library::{self, Library};
use crate::settings::Config;

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
        "wrote {} ({} checks: {})",
        args.output.display(),
        report.checks.len(),
        report.summary
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
    let guides = roots
        .iter()
        .map(|r| GuideSource {
            path: r.display().to_string(),
            git_commit: library::git_commit(r),
        })
        .collect();
    let mut file = medic_check::write_bundle(tmp.as_file(), report, guides)
        .with_context(|| format!("cannot write the bundle in `{}`", dir.display()))?;
    file.flush()?;
    file.sync_all().ok();
    tmp.persist(path)
        .with_context(|| format!("cannot write `{}`", path.display()))?;
    Ok(())
}
