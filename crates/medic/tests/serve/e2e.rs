//! End to end with the real alerting pipeline: Prometheus scrapes a real target and
//! evaluates a real rule, Alertmanager posts the webhook to `medic serve`, whose worker
//! runs the guide's read checks against that Prometheus and target; the target comes
//! back and the incident resolves. On SQLite and on PostgreSQL.

use std::time::Duration;

use medic_testkit::{Alertmanager, HttpService, Postgres, Prometheus, free_port};
use serde_json::Value;

use crate::harness::{Server, TOKEN, config, wait_for};

const RULES: &str = "\
groups:
  - name: availability
    rules:
      - alert: TargetDown
        expr: up{job=\"web\"} == 0
        for: 2s
        labels: {severity: critical}
        annotations:
          summary: 'Target {{ $labels.instance }} (job {{ $labels.job }}) is down'
          description: 'up == 0 for {{ $labels.instance }}'
";

#[test]
fn a_real_alert_is_diagnosed_and_resolved_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    pipeline(&format!(
        "sqlite://{}",
        dir.path().join("medic.db").display()
    ));
}

#[test]
fn a_real_alert_is_diagnosed_and_resolved_on_postgres() {
    let pg = Postgres::start().unwrap();
    pipeline(&pg.url());
}

fn pipeline(db: &str) {
    let web = HttpService::start().unwrap();
    let target = web.addr().to_string();
    // medic's port is chosen first: Alertmanager posts to it, Prometheus sends to
    // Alertmanager, and medic's [vars] name Prometheus.
    let port = free_port().unwrap();
    let alertmanager = Alertmanager::builder()
        .webhook(&format!("http://127.0.0.1:{port}/api/v1/alerts"))
        .webhook_auth(TOKEN)
        .start()
        .unwrap();
    let prometheus = Prometheus::builder()
        .rules(RULES)
        .scrape("web", &target)
        .alertmanager(&alertmanager)
        .start()
        .unwrap();
    let settings = config(&format!(
        "[vars]\nprometheus = \"127.0.0.1:{}\"\n[exec]\ntimeout = \"5s\"\n",
        prometheus.port()
    ));
    let server = Server::start_on(port, db, &settings, &["--workers", "2"]);
    prometheus
        .wait_for("up{job=\"web\"} == 1", Duration::from_secs(30))
        .unwrap();

    web.set_metrics_status(503);
    let incident = wait_for(
        "an incident from Alertmanager",
        Duration::from_secs(40),
        || server.incidents("").into_iter().next(),
    );
    assert_eq!(incident["name"], "TargetDown");
    assert_eq!(incident["labels"]["instance"], target);
    let id = incident["id"].as_i64().unwrap();
    let done = server.wait_state(id, "done", Duration::from_secs(60));
    assert_eq!(
        done["problem_id"], "prometheus-alertmanager.md#targetdown",
        "{done:#}"
    );
    let checks = done["report"]["checks"].as_array().unwrap();
    let stdout = |needle: &str| -> Value {
        checks
            .iter()
            .find(|c| c["description"].as_str().unwrap().contains(needle))
            .map(|c| c["steps"][0]["run"]["stdout"].clone())
            .unwrap_or(Value::Null)
    };
    // Prometheus's own view: the web target is down, with its scrape error.
    let unhealthy = stdout("unhealthy targets");
    assert!(
        unhealthy
            .as_str()
            .unwrap()
            .contains(&format!("web {target} down")),
        "{done:#}"
    );
    // The target scraped by hand answers 503.
    let by_hand = stdout("Scrape the target");
    assert!(by_hand.as_str().unwrap().starts_with("503 "), "{done:#}");

    web.set_metrics_status(200);
    let resolved = wait_for("the incident to resolve", Duration::from_secs(40), || {
        let i = server.incident(id);
        (i["status"] == "resolved").then_some(i)
    });
    assert_eq!(resolved["state"], "done");
    assert!(resolved["resolved_at"].is_i64());
    assert_eq!(
        server.incidents("").len(),
        1,
        "repeats made no new incident"
    );
}
