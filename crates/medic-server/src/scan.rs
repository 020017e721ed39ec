//! Periodic Kubernetes scans (`medic serve --kube-scan`): every interval, read the cluster
//! with kubectl, turn each finding into an alert-shaped incident (deduplicated like alerts:
//! the same failure of the same object is the same incident), and resolve the incidents
//! whose failure is gone.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use medic_exec::Executor;
use medic_kube::{Options as FindingOptions, Scope};
use medic_store::{AlertIn, Intake, Status, Store};

use crate::App;

/// What to scan and how often.
#[derive(Debug, Clone)]
pub struct KubeScan {
    /// Which cluster and namespaces.
    pub scope: Scope,
    /// Time between scans.
    pub interval: Duration,
    /// Runs kubectl (a large output cap; the checks' environment allowlist).
    pub executor: Executor,
    /// Finding thresholds.
    pub options: FindingOptions,
}

/// Scans until the server stops.
pub(crate) async fn run<S: Store + 'static>(app: Arc<App<S>>, scan: KubeScan) {
    // Findings open after the last scan, by fingerprint: the alerts to resolve when they go.
    let mut open: BTreeMap<String, AlertIn> = BTreeMap::new();
    let mut ticks = tokio::time::interval(scan.interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            () = app.stopped() => return,
        }
        let collection = match medic_kube::collect(&scan.scope, &scan.executor).await {
            Ok(c) => c,
            Err(error) => {
                app.metrics.kube_scan("failed");
                tracing::error!(%error, "kubernetes scan failed; the next scan tries again");
                continue;
            }
        };
        for gap in &collection.gaps {
            tracing::warn!(what = %gap.what, why = %gap.why, fix = %gap.fix, "kubernetes scan: evidence missing");
        }
        let findings = medic_kube::findings(&collection.state, &scan.options);
        let mut now: BTreeMap<String, AlertIn> = BTreeMap::new();
        for finding in &findings {
            let alert = finding.alert();
            let value = serde_json::to_value(&alert).unwrap_or_default();
            now.insert(
                alert.fingerprint.clone(),
                AlertIn {
                    fingerprint: alert.fingerprint.clone(),
                    starts_at: alert.starts_at.clone(),
                    ends_at: None,
                    status: Status::Firing,
                    name: alert.name().to_owned(),
                    labels: alert.labels.clone(),
                    annotations: alert.annotations.clone(),
                    alert: value,
                },
            );
        }
        let mut alerts: Vec<AlertIn> = now.values().cloned().collect();
        // Only a complete scan may resolve: a gap could hide a failure that is still there.
        if collection.gaps.is_empty() {
            for (fingerprint, gone) in &open {
                if !now.contains_key(fingerprint) {
                    let mut resolved = gone.clone();
                    resolved.status = Status::Resolved;
                    if let Some(object) = resolved.alert.as_object_mut() {
                        object.insert("status".to_owned(), "resolved".into());
                    }
                    alerts.push(resolved);
                }
            }
        }
        if alerts.is_empty() {
            app.metrics.kube_scan("ok");
            open = now;
            continue;
        }
        let body = serde_json::json!({
            "receiver": "medic-kube-scan",
            "version": "4",
            "alerts": alerts.iter().map(|a| a.alert.clone()).collect::<Vec<_>>(),
        })
        .to_string();
        match app.store.ingest(&body, &alerts).await {
            Ok(outcomes) => {
                app.metrics.kube_scan("ok");
                for alert in &alerts {
                    app.metrics.alert(alert.status);
                }
                let created = outcomes
                    .iter()
                    .filter(|o| matches!(o, Intake::Created(_)))
                    .count();
                if created > 0 {
                    app.wake();
                }
                tracing::info!(
                    findings = findings.len(),
                    created,
                    calls = collection.calls,
                    ms = u64::try_from(collection.elapsed.as_millis()).unwrap_or(u64::MAX),
                    "kubernetes scan stored"
                );
                if collection.gaps.is_empty() {
                    open = now;
                } else {
                    open.extend(now);
                }
            }
            Err(error) => {
                app.metrics.kube_scan("failed");
                tracing::error!(%error, "cannot store the scan's findings; the next scan tries again");
            }
        }
    }
}
