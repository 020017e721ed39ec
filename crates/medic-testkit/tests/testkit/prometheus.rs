//! Prometheus: ready, scraping itself and the given targets, with rules.

use std::time::Duration;

use medic_testkit::{Prometheus, free_port, http_get};

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
