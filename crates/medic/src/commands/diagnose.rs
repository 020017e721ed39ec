//! `medic diagnose`: match the evidence to a problem, then run that problem's read-only
//! checks with the incident's values.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use medic_check::{Evidence as ReportEvidence, Report};
use medic_match::{Alert, Evidence, Matcher};

use crate::cli::DiagnoseArgs;
use crate::commands::checks::{self, Context};
use crate::commands::matching::read_input;
use crate::library::Library;
use crate::settings::Config;

/// What to diagnose: text, or the alerts of a payload.
pub(crate) enum Subject {
    Text(String),
    Alerts(Vec<Alert>),
}

impl Subject {
    /// Reads TEXT (or `-`) or an alert file.
    pub(crate) fn read(text: Option<&str>, alert: Option<&Path>) -> Result<Self> {
        if let Some(path) = alert {
            let text = read_input(path)?;
            let alerts = medic_match::parse_alerts(&text)
                .with_context(|| format!("cannot read alerts from `{}`", path.display()))?;
            return Ok(Self::Alerts(alerts));
        }
        let text = match text {
            Some("-") => read_input(Path::new("-"))?,
            Some(t) => t.to_owned(),
            None => String::new(),
        };
        if text.trim().is_empty() {
            bail!(
                "no evidence: pass the symptom, error message or log lines as TEXT, `-` to read \
                 them from standard input, or --alert FILE"
            );
        }
        Ok(Self::Text(text))
    }
}

pub(crate) fn run(args: &DiagnoseArgs, config: &Config, library: Library) -> Result<ExitCode> {
    let subject = Subject::read(args.text.as_deref(), args.alert.as_deref())?;
    let context = Context::new(config, &args.run)?;
    let (library, matcher) = index(library)?;
    let (reports, unmatched) = diagnose(&context, &library, &matcher, subject, args.runners_up)?;
    let code = checks::output(&reports, &args.format)?;
    if !unmatched.is_empty() {
        let mut err = std::io::stderr();
        for what in &unmatched {
            writeln!(
                err,
                "no problem matches {what} well enough: no guide documents it, or the evidence \
                 is too vague (try `medic match` with more of the error text)"
            )?;
        }
        return Ok(ExitCode::from(1));
    }
    Ok(code)
}

/// Classifies the guides and builds the matcher.
pub(crate) fn index(mut library: Library) -> Result<(Library, Matcher)> {
    for guide in &mut library.guides {
        guide.classify();
    }
    let matcher = Matcher::new(&library.guides).context("cannot index the guides")?;
    if matcher.is_empty() {
        bail!(
            "the guides hold no problems to match against: run `medic guides` to see what was read"
        );
    }
    Ok((library, matcher))
}

/// Diagnoses each piece of evidence: the reports, and what matched nothing.
pub(crate) fn diagnose(
    context: &Context,
    library: &Library,
    matcher: &Matcher,
    subject: Subject,
    runners_up: usize,
) -> Result<(Vec<Report>, Vec<String>)> {
    let mut reports = Vec::new();
    let mut unmatched = Vec::new();
    match subject {
        Subject::Text(text) => {
            let matches = matcher.search(&Evidence::Text(text.clone()), runners_up + 1);
            match one(
                context,
                library,
                &matches,
                ReportEvidence::Text { text },
                None,
            )? {
                Some(r) => reports.push(r),
                None => unmatched.push("the text".to_owned()),
            }
        }
        Subject::Alerts(alerts) => {
            for alert in alerts {
                let matches = matcher.search(&Evidence::Alert(alert.clone()), runners_up + 1);
                let evidence = medic_server::alert_evidence(&alert);
                match one(context, library, &matches, evidence, Some(&alert))? {
                    Some(r) => reports.push(r),
                    None => unmatched.push(format!("alert `{}`", alert.name())),
                }
            }
        }
    }
    Ok((reports, unmatched))
}

/// Checks the best match and reports, or `None` when nothing matched.
fn one(
    context: &Context,
    library: &Library,
    matches: &[medic_match::Match],
    evidence: ReportEvidence,
    alert: Option<&Alert>,
) -> Result<Option<Report>> {
    let Some(best) = matches.first() else {
        return Ok(None);
    };
    let (guide, problem) = library
        .guides
        .iter()
        .find_map(|g| g.problems.iter().find(|p| p.id == best.id).map(|p| (g, p)))
        .with_context(|| format!("matched `{}`, which no loaded guide holds", best.id))?;
    let vars = context.vars(alert.map(|a| &a.labels));
    let mut report = context.check(guide, problem, evidence, &vars)?;
    medic_server::attach_matches(&mut report, matches);
    Ok(Some(report))
}
