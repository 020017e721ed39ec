//! Measures ingest: 10,000 firing alerts in webhook payloads of 100, each
//! payload one transaction, against the store a URL names.
//!
//! ```text
//! cargo run --release -p medic-store --example ingest              # a temporary SQLite file
//! cargo run --release -p medic-store --example ingest -- URL       # any store URL
//! cargo run --release -p medic-store --example ingest -- postgres  # a throw-away PostgreSQL
//! ```

use std::collections::BTreeMap;
use std::error::Error;
use std::time::{Duration, Instant};

use medic_store::{AlertIn, Status, Store, open};
use medic_testkit::Postgres;
use serde_json::json;

const ALERTS: usize = 10_000;
const BATCH: usize = 100;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let arg = std::env::args().nth(1);
    let dir = tempfile::tempdir()?;
    let mut server = None;
    let url = match arg.as_deref() {
        None => format!("sqlite://{}", dir.path().join("medic.db").display()),
        Some("postgres") => {
            let pg = Postgres::start()?;
            let url = pg.url();
            server = Some(pg);
            url
        }
        Some(url) => url.to_owned(),
    };
    let store = open(&url).await?;
    let run = format!("{}", std::process::id());

    let mut batches = Vec::with_capacity(ALERTS / BATCH);
    let started = Instant::now();
    for batch in 0..ALERTS / BATCH {
        let alerts: Vec<AlertIn> = (0..BATCH).map(|i| alert(&run, batch * BATCH + i)).collect();
        let body = json!({ "version": "4", "alerts": alerts.iter().map(|a| &a.alert).collect::<Vec<_>>() })
            .to_string();
        let at = Instant::now();
        store.ingest(&body, &alerts).await?;
        batches.push(at.elapsed());
    }
    let total = started.elapsed();
    batches.sort();
    let p = |q: f64| {
        let at = ((batches.len() as f64 * q).ceil() as usize).saturating_sub(1);
        batches.get(at).copied().unwrap_or(Duration::ZERO)
    };
    println!(
        "{}: {ALERTS} alerts in {} payloads of {BATCH}: {:.0} alerts/s; per payload p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        store.backend(),
        batches.len(),
        ALERTS as f64 / total.as_secs_f64(),
        p(0.50).as_secs_f64() * 1e3,
        p(0.99).as_secs_f64() * 1e3,
        p(1.0).as_secs_f64() * 1e3,
    );
    store.close().await;
    drop(server);
    Ok(())
}

/// The `n`th alert of this run.
fn alert(run: &str, n: usize) -> AlertIn {
    let labels = BTreeMap::from([
        ("alertname".to_owned(), format!("Bench{}", n % 50)),
        ("instance".to_owned(), format!("host-{n}")),
        ("job".to_owned(), "node".to_owned()),
    ]);
    let annotations = BTreeMap::from([("summary".to_owned(), format!("alert {n} is firing"))]);
    let starts_at = "2026-07-01T10:00:00Z".to_owned();
    AlertIn {
        fingerprint: format!("{run}-{n:08x}"),
        starts_at: starts_at.clone(),
        ends_at: None,
        status: Status::Firing,
        name: labels["alertname"].clone(),
        alert: json!({
            "status": "firing",
            "labels": labels,
            "annotations": annotations,
            "startsAt": starts_at,
        }),
        labels,
        annotations,
    }
}
