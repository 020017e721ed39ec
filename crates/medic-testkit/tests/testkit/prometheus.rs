//! Prometheus: ready, scraping itself and the given targets, with rules,
//! and alerting through a real Alertmanager to a webhook.

use std::time::{Duration, Instant};

use medic_testkit::{Alertmanager, HttpService, Prometheus, free_port, http_get};

use crate::alertmanager::wait_for_payload;
use crate::assert_gone;

const RULES: &str = "\
groups:
  - name: medic
    rules:
      - alert: TargetDown
        expr: up == 0
        labels: {severity: page}
";

#[test]
fn scrapes_itself_and_a_dead_target_and_loads_rules() {
    let dead = format!("127.0.0.1:{}", free_port().unwrap());
    let prometheus = Prometheus::start(Some(RULES), &[&dead]).unwrap();
    assert_eq!(
        prometheus.url(),
        format!("http://127.0.0.1:{}", prometheus.port())
    );
    assert_eq!(
        http_get(&format!("{}/-/ready", prometheus.url()))
            .unwrap()
            .status,
        200
    );

    let up = prometheus
        .wait_for("up{job=\"prometheus\"} == 1", Duration::from_secs(30))
        .unwrap();
    assert!(up.contains("\"status\":\"success\""), "{up}");
    let down = prometheus
        .wait_for("up{job=\"targets\"} == 0", Duration::from_secs(30))
        .unwrap();
    assert!(down.contains(&dead), "{down}");

    let rules = http_get(&format!("{}/api/v1/rules", prometheus.url())).unwrap();
    assert!(
        rules.body.contains("\"name\":\"TargetDown\""),
        "{}",
        rules.body
    );
    let err = prometheus.query("up{").unwrap_err().to_string();
    assert!(err.contains("status 400"), "{err}");
}

#[test]
fn drop_stops_prometheus_and_removes_its_directory() {
    let prometheus = Prometheus::builder().start().unwrap();
    let (pid, dir) = (prometheus.pid(), prometheus.dir().to_owned());
    assert!(dir.join("data").exists());
    drop(prometheus);
    assert_gone(pid, &dir);
}

#[test]
fn a_target_that_goes_down_fires_a_webhook_and_resolves_when_back() {
    const WEB_DOWN: &str = "\
groups:
  - name: medic
    rules:
      - alert: WebDown
        expr: up{job=\"web\"} == 0
        for: 2s
        labels: {severity: page}
        annotations: {summary: \"the web target is down\"}
";
    let receiver = HttpService::start().unwrap();
    let web = HttpService::start().unwrap();
    let alertmanager = Alertmanager::builder()
        .webhook(&receiver.url("/webhook"))
        .start()
        .unwrap();
    let prometheus = Prometheus::builder()
        .rules(WEB_DOWN)
        .scrape("web", &web.addr().to_string())
        .alertmanager(&alertmanager)
        .start()
        .unwrap();
    prometheus
        .wait_for("up{job=\"web\"} == 1", Duration::from_secs(30))
        .unwrap();
    let alertmanagers = http_get(&format!("{}/api/v1/alertmanagers", prometheus.url())).unwrap();
    assert!(
        alertmanagers.body.contains(&alertmanager.target()),
        "{}",
        alertmanagers.body
    );

    let down = Instant::now();
    web.set_metrics_status(503);
    let firing = wait_for_payload(&receiver, "firing", "WebDown", Duration::from_secs(20));
    eprintln!(
        "firing webhook {:?} after the target went down",
        down.elapsed()
    );
    let alert = &firing["alerts"][0];
    assert_eq!(alert["labels"]["job"], "web");
    assert_eq!(alert["labels"]["instance"], web.addr().to_string());
    assert_eq!(alert["annotations"]["summary"], "the web target is down");
    assert!(
        alert["generatorURL"]
            .as_str()
            .unwrap()
            .starts_with(&prometheus.url()),
        "{firing}"
    );

    let back = Instant::now();
    web.set_metrics_status(200);
    let resolved = wait_for_payload(&receiver, "resolved", "WebDown", Duration::from_secs(20));
    eprintln!(
        "resolved webhook {:?} after the target came back",
        back.elapsed()
    );
    assert_eq!(resolved["alerts"][0]["status"], "resolved");
}
