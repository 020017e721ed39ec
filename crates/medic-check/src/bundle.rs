//! A diagnosis bundle: a `.tar.gz` holding a manifest, the report as JSON, Markdown
//! and HTML, and one file per check output — everything already redacted.

use std::io::{self, Write};
use std::time::SystemTime;

use flate2::Compression;
use flate2::write::GzEncoder;
use serde::Serialize;

use crate::report::{CheckStatus, Evidence, ProblemRef, Report, Summary};
use crate::vars::Var;

/// Where the guides came from, for the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GuideSource {
    /// The guides' path.
    pub path: String,
    /// The git commit the guides were at, when they are in a git checkout.
    pub git_commit: Option<String>,
}

#[derive(Serialize)]
struct Manifest<'a> {
    medic_version: &'a str,
    created_at: String,
    guides: Vec<GuideSource>,
    problem: &'a ProblemRef,
    evidence: &'a Evidence,
    vars: &'a [Var],
    summary: &'a Summary,
    checks: Vec<ManifestCheck<'a>>,
    files: Vec<String>,
}

#[derive(Serialize)]
struct ManifestCheck<'a> {
    index: usize,
    description: &'a str,
    #[serde(flatten)]
    status: &'a CheckStatus,
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

/// Writes the bundle of `report` as gzip-compressed tar to `out`, and returns `out`.
///
/// # Errors
/// When `out` cannot be written.
pub fn write_bundle<W: Write>(out: W, report: &Report, guides: Vec<GuideSource>) -> io::Result<W> {
    let encoder = GzEncoder::new(out, Compression::default());
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
    let markdown = crate::markdown(report);
    let html = crate::html(report);
    files.extend(["report.json", "report.md", "report.html"].map(str::to_owned));
    files.extend(outputs.iter().map(|(n, _)| n.clone()));
    let manifest = Manifest {
        medic_version: env!("CARGO_PKG_VERSION"),
        created_at: crate::timestamp(SystemTime::now()),
        guides,
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
    tar.into_inner()?.finish()
}

fn append<W: Write>(tar: &mut tar::Builder<W>, name: &str, bytes: &[u8]) -> io::Result<()> {
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
}
