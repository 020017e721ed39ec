//! `medic match`: evidence (text, log lines, alerts, a batch of queries) → ranked problems
//! with reasons.

use std::io::{BufRead, Read, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use medic_match::{Alert, Evidence, Match, Matcher};
use serde::Serialize;
use serde_json::Value;

use crate::cli::MatchArgs;
use crate::library::Library;
use crate::term;

/// Evidence larger than this is not read: it is not one incident's evidence.
const MAX_EVIDENCE_BYTES: u64 = 8 * 1024 * 1024;

#[derive(Serialize)]
struct AlertResult<'a> {
    alert: &'a str,
    status: &'a str,
    fingerprint: &'a str,
    labels: &'a std::collections::BTreeMap<String, String>,
    matches: &'a [Match],
}

#[derive(Serialize)]
struct TextResult<'a> {
    matches: &'a [Match],
}

#[derive(Serialize)]
struct BatchResult<'a> {
    id: &'a Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    matches: Option<&'a [Match]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

pub(crate) fn run(args: &MatchArgs, library: &Library) -> Result<ExitCode> {
    let matcher = Matcher::new(&library.guides).context("cannot index the guides")?;
    if matcher.is_empty() {
        bail!(
            "the guides hold no problems to match against: run `medic guides` to see what was read"
        );
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let code = if let Some(batch) = &args.batch {
        run_batch(&matcher, batch, args.top, &mut out)?
    } else if let Some(alert_file) = &args.alert {
        let text = read_input(alert_file)?;
        let alerts = medic_match::parse_alerts(&text)
            .with_context(|| format!("cannot read alerts from `{}`", alert_file.display()))?;
        let mut all_matched = true;
        for (i, alert) in alerts.iter().enumerate() {
            let matches = matcher.search(&Evidence::Alert(alert.clone()), args.top);
            all_matched &= !matches.is_empty();
            if args.json {
                serde_json::to_writer(
                    &mut out,
                    &AlertResult {
                        alert: alert.name(),
                        status: &alert.status,
                        fingerprint: &alert.fingerprint,
                        labels: &alert.labels,
                        matches: &matches,
                    },
                )?;
                writeln!(out)?;
            } else {
                if i > 0 {
                    writeln!(out)?;
                }
                write_alert_header(&mut out, alert)?;
                write_matches(&mut out, &matches, matcher.len())?;
            }
        }
        if all_matched {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        }
    } else {
        let text = match args.text.as_deref() {
            Some("-") => read_input(Path::new("-"))?,
            Some(text) => text.to_owned(),
            None => String::new(),
        };
        if text.trim().is_empty() {
            bail!(
                "no evidence: pass the symptom, error message or log lines as TEXT, or `-` to read them from standard input"
            );
        }
        let matches = matcher.search(&Evidence::Text(text), args.top);
        if args.json {
            serde_json::to_writer(&mut out, &TextResult { matches: &matches })?;
            writeln!(out)?;
        } else {
            write_matches(&mut out, &matches, matcher.len())?;
        }
        if matches.is_empty() {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        }
    };
    out.flush()?;
    Ok(code)
}

/// Reads a file or standard input (`-`) as evidence text, refusing binary and huge input.
pub(crate) fn read_input(path: &Path) -> Result<String> {
    let (name, bytes) = if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .take(MAX_EVIDENCE_BYTES + 1)
            .read_to_end(&mut bytes)
            .context("cannot read standard input")?;
        ("standard input".to_owned(), bytes)
    } else {
        let meta =
            std::fs::metadata(path).with_context(|| format!("cannot read `{}`", path.display()))?;
        if meta.len() > MAX_EVIDENCE_BYTES {
            bail!(
                "`{}` is {:.1} MB: evidence is limited to {} MiB; pass the relevant part",
                path.display(),
                meta.len() as f64 / 1e6,
                MAX_EVIDENCE_BYTES / 1024 / 1024
            );
        }
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read `{}`", path.display()))?;
        (format!("`{}`", path.display()), bytes)
    };
    if bytes.len() as u64 > MAX_EVIDENCE_BYTES {
        bail!(
            "{name} is over {} MiB: evidence is limited to that; pass the relevant part (e.g. `tail -n 500`)",
            MAX_EVIDENCE_BYTES / 1024 / 1024
        );
    }
    if bytes.contains(&0) {
        bail!(
            "{name} is binary (contains NUL bytes): pass text — an error message, log lines or an alert"
        );
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn run_batch(matcher: &Matcher, path: &Path, top: usize, out: &mut impl Write) -> Result<ExitCode> {
    let name = if path == Path::new("-") {
        "standard input".to_owned()
    } else {
        format!("`{}`", path.display())
    };
    let reader: Box<dyn BufRead> = if path == Path::new("-") {
        Box::new(std::io::BufReader::new(std::io::stdin()))
    } else {
        Box::new(std::io::BufReader::new(
            std::fs::File::open(path).with_context(|| format!("cannot read batch {name}"))?,
        ))
    };
    let mut bad = 0usize;
    for (n, line) in reader.split(b'\n').enumerate() {
        let line_no = n + 1;
        let line = line.with_context(|| format!("cannot read batch {name}"))?;
        let text = String::from_utf8_lossy(&line);
        if text.trim().is_empty() {
            continue;
        }
        match batch_evidence(&text) {
            Ok((id, evidence)) => {
                let matches = matcher.search(&evidence, top);
                serde_json::to_writer(
                    &mut *out,
                    &BatchResult {
                        id: &id,
                        matches: Some(&matches),
                        error: None,
                    },
                )?;
            }
            Err((id, message)) => {
                bad += 1;
                eprintln!("error: {name} line {line_no}: {message}");
                serde_json::to_writer(
                    &mut *out,
                    &BatchResult {
                        id: &id,
                        matches: None,
                        error: Some(format!("line {line_no}: {message}")),
                    },
                )?;
            }
        }
        writeln!(out)?;
    }
    Ok(if bad > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// One batch line: `{"id": …, "query": "text" | {alert}}`.
fn batch_evidence(line: &str) -> std::result::Result<(Value, Evidence), (Value, String)> {
    let value: Value = serde_json::from_str(line).map_err(|e| {
        (
            Value::Null,
            format!("not valid JSON (column {}): {e}", e.column()),
        )
    })?;
    let id = value.get("id").cloned().unwrap_or(Value::Null);
    let evidence = match value.get("query") {
        Some(Value::String(s)) if !s.trim().is_empty() => Evidence::Text(s.clone()),
        Some(Value::String(_)) => return Err((id, "`query` is empty".to_owned())),
        Some(q @ (Value::Object(_) | Value::Array(_))) => {
            let alerts = medic_match::alerts_in(q).map_err(|e| (id.clone(), e.to_string()))?;
            match alerts.into_iter().next() {
                Some(alert) => Evidence::Alert(alert),
                None => return Err((id, "no alert in `query`".to_owned())),
            }
        }
        _ => {
            return Err((
                id,
                "expected {\"id\": …, \"query\": \"text\" or an alert object}".to_owned(),
            ));
        }
    };
    Ok((id, evidence))
}

fn write_alert_header(out: &mut impl Write, alert: &Alert) -> Result<()> {
    let labels: Vec<String> = alert
        .labels
        .iter()
        .filter(|(k, _)| k.as_str() != "alertname")
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let status = if alert.status.is_empty() {
        ""
    } else {
        &alert.status
    };
    writeln!(
        out,
        "{} {} {}",
        term::bold(&format!(
            "alert {}",
            if alert.name().is_empty() {
                "(unnamed)"
            } else {
                alert.name()
            }
        )),
        status,
        term::dim(&labels.join(" "))
    )?;
    Ok(())
}

fn write_matches(out: &mut impl Write, matches: &[Match], searched: usize) -> Result<()> {
    if matches.is_empty() {
        writeln!(
            out,
            "no problem matches this evidence well enough (searched {searched} problems); \
             try the exact error message or more of the log"
        )?;
        return Ok(());
    }
    for (i, m) in matches.iter().enumerate() {
        writeln!(
            out,
            "{}. {}  {}  {}",
            i + 1,
            term::bold(&m.id),
            m.title,
            term::dim(&format!("score {:.1}", m.score))
        )?;
        for r in &m.reasons {
            writeln!(out, "     {}", term::dim(&format!("- {r}")))?;
        }
    }
    Ok(())
}
