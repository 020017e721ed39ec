//! Alertmanager: ready, holds posted alerts, and delivers them (firing,
//! then resolved) to a webhook with the bearer token it was given.

use std::time::{Duration, Instant};

use medic_testkit::{Alertmanager, HttpService, http_get, wait_until};
use serde_json::Value;

use crate::assert_gone;

/// The webhook payloads `receiver` got, parsed.
fn payloads(receiver: &HttpService) -> Vec<Value> {
    receiver
        .bodies("/webhook")
        .iter()
        .map(|body| serde_json::from_str(body).expect("webhook payloads are JSON"))
        .collect()
}

/// Waits until a payload with `status` and `alertname` has arrived and
/// returns it.
pub(crate) fn wait_for_payload(
    receiver: &HttpService,
    status: &str,
    alertname: &str,
    timeout: Duration,
) -> Value {
    let mut found = Value::Null;
    wait_until(
        &format!("a {status} webhook for {alertname}"),
        timeout,
        || {
            found = payloads(receiver)
                .into_iter()
                .find(|payload| {
                    payload["status"] == status && payload["commonLabels"]["alertname"] == alertname
                })
                .unwrap_or(Value::Null);
            Ok(!found.is_null())
        },
    )
    .unwrap_or_else(|err| panic!("{err}; received: {:?}", receiver.bodies("/webhook")));
    found
}

#[test]
fn delivers_a_posted_alert_and_its_resolution_to_the_webhook() {
    let receiver = HttpService::start().unwrap();
    let started = Instant::now();
    let alertmanager = Alertmanager::builder()
        .webhook(&receiver.url("/webhook"))
        .webhook_auth("s3cret")
        .start()
        .unwrap();
    eprintln!("alertmanager ready in {:?}", started.elapsed());
    assert_eq!(
        http_get(&format!("{}/-/ready", alertmanager.url()))
            .unwrap()
            .status,
        200
    );
    assert_eq!(
        alertmanager.target(),
        format!("127.0.0.1:{}", alertmanager.port())
    );

    let labels = [
        ("alertname", "DiskFull"),
        ("severity", "page"),
        ("instance", "db-1"),
    ];
    let posted = Instant::now();
    alertmanager.fire(&labels).unwrap();
    let alerts = alertmanager.alerts().unwrap();
    assert_eq!(alerts[0]["labels"]["alertname"], "DiskFull", "{alerts}");
    assert_eq!(alerts[0]["status"]["state"], "active", "{alerts}");

    let firing = wait_for_payload(&receiver, "firing", "DiskFull", Duration::from_secs(20));
    eprintln!("firing webhook {:?} after the post", posted.elapsed());
    assert_eq!(firing["receiver"], Alertmanager::RECEIVER);
    assert_eq!(firing["version"], "4");
    assert_eq!(firing["alerts"][0]["labels"]["severity"], "page");
    assert_eq!(firing["externalURL"], alertmanager.url());
    let request = receiver
        .received()
        .into_iter()
        .find(|request| request.method == "POST" && request.path == "/webhook")
        .unwrap();
    assert_eq!(request.header("authorization"), Some("Bearer s3cret"));
    assert_eq!(request.header("content-type"), Some("application/json"));

    let resolved_at = Instant::now();
    alertmanager.resolve(&labels).unwrap();
    let resolved = wait_for_payload(&receiver, "resolved", "DiskFull", Duration::from_secs(20));
    eprintln!(
        "resolved webhook {:?} after the post",
        resolved_at.elapsed()
    );
    assert_eq!(resolved["alerts"][0]["status"], "resolved");
}

#[test]
fn without_a_webhook_alerts_are_held_and_bad_ones_refused() {
    let alertmanager = Alertmanager::start().unwrap();
    assert_eq!(alertmanager.alerts().unwrap(), Value::Array(Vec::new()));
    alertmanager.fire(&[("alertname", "Quiet")]).unwrap();
    assert_eq!(
        alertmanager.alerts().unwrap()[0]["labels"]["alertname"],
        "Quiet"
    );
    let err = alertmanager
        .post_alerts(&serde_json::json!([{ "labels": {} }]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("status 400"), "{err}");
}

#[test]
fn drop_stops_alertmanager_and_removes_its_directory() {
    let alertmanager = Alertmanager::start().unwrap();
    let (pid, dir, port) = (
        alertmanager.pid(),
        alertmanager.dir().to_owned(),
        alertmanager.port(),
    );
    assert!(dir.join("alertmanager.yml").exists());
    drop(alertmanager);
    assert_gone(pid, &dir);
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
}
