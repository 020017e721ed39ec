//! Diagnosis workers: claim a queued incident under a lease, match its alert, run the
//! matched problem's read-only checks, store the report. The lease is renewed while the
//! checks run; a worker that loses it (it stalled past the lease and another process
//! took over) stores nothing.

use std::sync::Arc;
use std::time::Instant;

use medic_match::{Alert, Evidence};
use medic_store::{Diagnosis, Incident, Store};
use serde_json::json;

use crate::App;
use crate::diagnosis::report_evidence;

/// One worker's loop, until shutdown.
pub async fn run<S: Store + 'static>(app: Arc<App<S>>, n: usize) {
    let name = format!("{}/{n}", app.options.worker_name);
    let lease = i64::try_from(app.options.lease.as_millis()).unwrap_or(i64::MAX);
    while !app.stopping() {
        // Register for a wake-up before looking, so a payload stored in between is not missed.
        let woken = app.wake.notified();
        match app.store.claim(&name, lease).await {
            Ok(Some(incident)) => {
                diagnose(&app, &name, incident).await;
                continue;
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(worker = %name, error = %e, "cannot claim work"),
        }
        tokio::select! {
            () = woken => {}
            () = tokio::time::sleep(app.options.poll) => {}
            () = app.stopped() => {}
        }
    }
}

/// Diagnoses one claimed incident and stores the outcome.
async fn diagnose<S: Store>(app: &App<S>, worker: &str, incident: Incident) {
    let started = Instant::now();
    let id = incident.id;
    tracing::info!(incident = id, alert = %incident.name, %worker, attempt = incident.attempts, "diagnosing");
    let evidence = Evidence::Alert(alert_of(&incident));
    let lease = i64::try_from(app.options.lease.as_millis()).unwrap_or(i64::MAX);
    let work = diagnosis(app, &evidence);
    tokio::pin!(work);
    let mut renew = tokio::time::interval(app.options.lease / 3);
    renew.tick().await;
    let outcome = loop {
        tokio::select! {
            outcome = &mut work => break Some(outcome),
            _ = renew.tick() => match app.store.renew(id, worker, lease).await {
                Ok(true) => {}
                Ok(false) => break None,
                Err(e) => tracing::warn!(incident = id, error = %e, "cannot renew the lease"),
            },
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    let stored = match outcome {
        None => {
            app.metrics.diagnosis("lease_lost", seconds);
            tracing::warn!(
                incident = id,
                "lease lost: another worker took the incident over"
            );
            return;
        }
        Some(Ok((diagnosis, outcome))) => {
            app.metrics.diagnosis(outcome, seconds);
            app.store.finish(id, worker, &diagnosis).await
        }
        Some(Err(error)) => {
            app.metrics.diagnosis("failed", seconds);
            tracing::error!(incident = id, %error, "diagnosis failed");
            app.store.fail(id, worker, &error).await
        }
    };
    match stored {
        Ok(true) => tracing::info!(incident = id, ms = seconds * 1000.0, "diagnosed"),
        Ok(false) => tracing::warn!(incident = id, "lease lost before the result was stored"),
        Err(e) => {
            tracing::error!(incident = id, error = %e, "cannot store the diagnosis; it will be claimed again")
        }
    }
}

/// Matches and checks: the diagnosis to store and its outcome's name.
async fn diagnosis<S: Store>(
    app: &App<S>,
    evidence: &Evidence,
) -> Result<(Diagnosis, &'static str), String> {
    let catalog = app.catalog();
    let matched = Instant::now();
    let found = catalog.matcher.search(evidence, app.options.runners_up + 1);
    app.metrics.matched(matched.elapsed().as_secs_f64());
    if found.is_empty() {
        return Ok((
            Diagnosis {
                problem_id: None,
                problem_title: None,
                score: None,
                summary: json!({}),
                report: json!({
                    "evidence": report_evidence(evidence),
                    "problem": null,
                    "message": "no problem in the guides matches this alert well enough: no guide documents it, or the alert says too little",
                }),
            },
            "unmatched",
        ));
    }
    let report = app
        .checker
        .check_best(&catalog, evidence, &found, &[])
        .await?;
    app.metrics.report(&report);
    let value = serde_json::to_value(&report).map_err(|e| e.to_string())?;
    let summary = serde_json::to_value(report.summary).map_err(|e| e.to_string())?;
    Ok((
        Diagnosis {
            problem_id: Some(report.problem.id.clone()),
            problem_title: Some(report.problem.title.clone()),
            score: report.matched.as_ref().map(|m| f64::from(m.score)),
            summary,
            report: value,
        },
        "matched",
    ))
}

/// The incident's alert as the matcher reads it.
fn alert_of(incident: &Incident) -> Alert {
    let mut alert: Alert = serde_json::from_value(incident.alert.clone()).unwrap_or_default();
    if alert.labels.is_empty() {
        alert.labels = incident.labels.clone();
    }
    if alert.annotations.is_empty() {
        alert.annotations = incident.annotations.clone();
    }
    if alert.status.is_empty() {
        alert.status = incident.status.as_str().to_owned();
    }
    alert
}
