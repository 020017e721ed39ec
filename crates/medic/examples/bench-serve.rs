//! Webhook intake under load: starts a real `medic serve` (SQLite, or PostgreSQL from the
//! test kit), posts N alerts in batches from concurrent clients over loopback, and prints
//! sustained alerts/s, request latency percentiles, stored incidents and the server's
//! peak RSS.
//!
//! ```sh
//! cargo build --release -p medic && cargo run --release -p medic --example bench-serve -- \
//!     [--medic target/release/medic] [--alerts 10000] [--batch 10] [--clients 4] [--backend sqlite|postgres]
//!     [--names TargetDown,KubePodCrashLooping,…]   (alert names, cycled; the default mixes matched and unmatched)
//! ```
#![expect(clippy::unwrap_used, reason = "a benchmark stops on the first failure")]
#![expect(
    clippy::disallowed_methods,
    reason = "the benchmark starts the real server"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const NAMES: &[&str] = &[
    "TargetDown",
    "KubePodCrashLooping",
    "RedisOutOfMemory",
    "PostgresTooManyConnections",
    "KafkaConsumerLag",
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let opt = |name: &str, default: &str| -> String {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
            .unwrap_or_else(|| default.to_owned())
    };
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let medic = PathBuf::from(opt(
        "--medic",
        &repo.join("target/release/medic").display().to_string(),
    ));
    let total: usize = opt("--alerts", "10000").parse().unwrap();
    let batch: usize = opt("--batch", "10").parse().unwrap();
    let clients: usize = opt("--clients", "4").parse().unwrap();
    let backend = opt("--backend", "sqlite");
    let names = opt("--names", &NAMES.join(","));
    let names: Vec<&str> = names.split(',').collect();
    let dir = tempfile::tempdir().unwrap();
    let postgres;
    let db = if backend == "postgres" {
        postgres = medic_testkit::Postgres::builder()
            .max_connections(100)
            .start()
            .unwrap();
        postgres.url()
    } else {
        format!("sqlite://{}", dir.path().join("medic.db").display())
    };
    let port = medic_testkit::free_port().unwrap();
    let mut server = Command::new(&medic)
        .args([
            "serve",
            "--no-auth",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--db",
            &db,
        ])
        .arg("--guides")
        .arg(repo.join("examples/guides"))
        .env("MEDIC_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let start = Instant::now();
    while agent
        .get(&format!("{base}/readyz"))
        .call()
        .map_or(true, |r| r.status() != 200)
    {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "server not ready"
        );
        std::thread::sleep(Duration::from_millis(20));
    }

    let batches: Vec<Vec<u8>> = (0..total.div_ceil(batch))
        .map(|b| {
            let alerts: Vec<serde_json::Value> = (b * batch..((b + 1) * batch).min(total))
                .map(|n| {
                    serde_json::json!({
                        "status": "firing",
                        "labels": {"alertname": names[n % names.len()], "instance": format!("10.0.{}.{}:9100", n / 250, n % 250), "job": "node", "severity": "critical"},
                        "annotations": {"summary": format!("alert {n} from the load generator")},
                        "startsAt": "2026-11-23T07:04:30.193Z",
                        "endsAt": "0001-01-01T00:00:00Z",
                        "fingerprint": format!("{n:016x}"),
                    })
                })
                .collect();
            serde_json::to_vec(&serde_json::json!({"version": "4", "status": "firing", "receiver": "medic", "alerts": alerts})).unwrap()
        })
        .collect();
    let queue = Arc::new(Mutex::new(batches));
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let failures = Arc::new(Mutex::new(0usize));
    let began = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|_| {
            let (queue, latencies, failures, agent) = (
                Arc::clone(&queue),
                Arc::clone(&latencies),
                Arc::clone(&failures),
                agent.clone(),
            );
            let url = format!("{base}/api/v1/alerts");
            std::thread::spawn(move || {
                loop {
                    let Some(body) = queue.lock().unwrap().pop() else {
                        break;
                    };
                    let sent = Instant::now();
                    let ok = agent
                        .post(&url)
                        .header("Content-Type", "application/json")
                        .send(&body[..])
                        .is_ok_and(|r| r.status() == 200);
                    latencies.lock().unwrap().push(sent.elapsed());
                    if !ok {
                        *failures.lock().unwrap() += 1;
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let elapsed = began.elapsed();
    let mut latencies = latencies.lock().unwrap().clone();
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 - 1.0) * p).round() as usize];
    let metrics = agent
        .get(&format!("{base}/metrics"))
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    let stored: u64 = metrics
        .lines()
        .filter(|l| l.starts_with("medic_incidents{"))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
        .sum();
    let rss = std::fs::read_to_string(format!("/proc/{}/status", server.id()))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:").map(|v| v.trim().to_owned()))
        .unwrap_or_default();
    println!(
        "{backend}: {total} alerts in {} requests of {batch} from {clients} clients: {:.2} s, {:.0} alerts/s; request latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; failed requests {}; stored incidents {stored} (lost {}); server peak RSS {rss}",
        latencies.len(),
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64(),
        pct(0.5).as_secs_f64() * 1000.0,
        pct(0.99).as_secs_f64() * 1000.0,
        pct(1.0).as_secs_f64() * 1000.0,
        failures.lock().unwrap(),
        total as i64 - stored as i64,
    );
    let _ = Command::new("kill").arg(server.id().to_string()).status();
    let _ = server.wait();
}
