//! One diagnosis: match the evidence, then run the best problem's read-only checks with
//! the incident's values — what `medic diagnose` and the server's workers both do.

use std::collections::BTreeMap;

use medic_check::{
    Candidate, Evidence as ReportEvidence, LabelMap, MatchInfo, Report, Runner, Vars,
};
use medic_match::{Alert, Evidence, Match};

use crate::catalog::Catalog;

/// Runs checks for diagnoses: the runner and where placeholder values come from.
#[derive(Debug, Clone)]
pub struct Checker {
    /// Runs checks (read-only; the server never asks for consent, so writes never run).
    pub runner: Runner,
    /// Alert label → placeholder map.
    pub labels: LabelMap,
    /// `[vars]` from medic.toml.
    pub config_vars: BTreeMap<String, String>,
}

impl Checker {
    /// Placeholder values: `flags`, then the alert's labels, then `[vars]`, then MEDIC_VAR_*.
    #[must_use]
    pub fn vars(
        &self,
        flags: &[(String, String)],
        labels: Option<&BTreeMap<String, String>>,
    ) -> Vars {
        let mut vars = Vars::new();
        vars.add_flags(flags.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        if let Some(labels) = labels {
            vars.add_labels(
                labels.iter().map(|(k, v)| (k.as_str(), v.as_str())),
                &self.labels,
            );
        }
        vars.add_config(
            self.config_vars
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str())),
        );
        vars.add_env(std::env::vars());
        vars
    }

    /// Matches the evidence and checks the best problem; `Ok(None)` when nothing matches
    /// well enough. Write steps are refused, never run.
    ///
    /// # Errors
    /// When the matcher names a problem the catalog does not hold.
    pub async fn diagnose(
        &self,
        catalog: &Catalog,
        evidence: &Evidence,
        flags: &[(String, String)],
        runners_up: usize,
    ) -> Result<Option<Report>, String> {
        let matches = catalog.matcher.search(evidence, runners_up + 1);
        if matches.is_empty() {
            return Ok(None);
        }
        self.check_best(catalog, evidence, &matches, flags)
            .await
            .map(Some)
    }

    /// Checks the first of `matches` (which must not be empty) and reports, listing the
    /// others as runners-up.
    ///
    /// # Errors
    /// When there is no match, or the catalog does not hold the matched problem.
    pub async fn check_best(
        &self,
        catalog: &Catalog,
        evidence: &Evidence,
        matches: &[Match],
        flags: &[(String, String)],
    ) -> Result<Report, String> {
        let best = matches.first().ok_or("nothing matched")?;
        let (guide, problem) = catalog
            .problem(&best.id)
            .ok_or_else(|| format!("matched `{}`, which no loaded guide holds", best.id))?;
        let labels = match evidence {
            Evidence::Alert(alert) => Some(&alert.labels),
            _ => None,
        };
        let vars = self.vars(flags, labels);
        let plan = self.runner.plan(problem, &vars);
        let checks = self.runner.run(plan).await;
        let mut report =
            self.runner
                .report(guide, problem, report_evidence(evidence), &vars, checks);
        attach_matches(&mut report, matches);
        Ok(report)
    }
}

/// The report's account of the evidence.
#[must_use]
pub fn report_evidence(evidence: &Evidence) -> ReportEvidence {
    match evidence {
        Evidence::Alert(alert) => alert_evidence(alert),
        Evidence::Text(text) => ReportEvidence::Text { text: text.clone() },
    }
}

/// An alert as the report shows it.
#[must_use]
pub fn alert_evidence(alert: &Alert) -> ReportEvidence {
    ReportEvidence::Alert {
        name: alert.name().to_owned(),
        status: alert.status.clone(),
        labels: alert.labels.clone().into_iter().collect(),
        annotations: alert.annotations.clone().into_iter().collect(),
    }
}

/// Records why the first match was chosen and lists the others as runners-up.
pub fn attach_matches(report: &mut Report, matches: &[Match]) {
    if let Some(best) = matches.first() {
        report.matched = Some(MatchInfo {
            score: best.score,
            reasons: best.reasons.clone(),
        });
    }
    report.runners_up = matches
        .iter()
        .skip(1)
        .map(|m| Candidate {
            id: m.id.clone(),
            title: m.title.clone(),
            score: m.score,
        })
        .collect();
}
