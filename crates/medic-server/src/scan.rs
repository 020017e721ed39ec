//! Periodic Kubernetes scans (`medic serve --kube-scan`): every interval, read the cluster
//! with kubectl, turn each finding into an alert-shaped incident (deduplicated like alerts:
//! the same failure of the same object is the same incident), and resolve the incidents
//! whose failure is gone.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use medic_exec::Executor;
use medic_kube::{Options as FindingOptions, Scope};
use medic_store::{Intake, Store};
use serde_json::Value;

use crate::{App, intake};

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
    let mut open: BTreeMap<String, Value> = BTreeMap::new();
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
        // Each finding as the alert object a webhook would carry, by fingerprint.
        let now: BTreeMap<String, Value> = findings
            .iter()
            .map(|f| {
                let alert = f.alert();
                let value = serde_json::to_value(&alert).unwrap_or_default();
                (alert.fingerprint, value)
            })
            .collect();
        let mut sent: Vec<Value> = now.values().cloned().collect();
        // Only a complete scan may resolve: a gap could hide a failure that is still there.
        if collection.gaps.is_empty() {
            for (fingerprint, gone) in &open {
                if !now.contains_key(fingerprint) {
                    let mut resolved = gone.clone();
                    resolved["status"] = "resolved".into();
                    sent.push(resolved);
                }
            }
        }
        if sent.is_empty() {
            app.metrics.kube_scan("ok");
            open = now;
            continue;
        }
        // Stored through the webhook's own reader: the same keys, statuses and payload.
        let body = serde_json::json!({
            "receiver": "medic-kube-scan",
            "version": "4",
            "alerts": sent,
        })
        .to_string();
        let alerts = match intake::parse(body.as_bytes()) {
            Ok(alerts) => alerts,
            Err(error) => {
                app.metrics.kube_scan("failed");
                tracing::error!(%error, "the scan's findings are not valid alerts");
                continue;
            }
        };
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
