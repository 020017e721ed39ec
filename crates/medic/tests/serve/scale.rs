//! Scale-out: two `medic serve` processes share one PostgreSQL. Alerts posted to either
//! are diagnosed exactly once, by whichever process claims them first.

use std::collections::BTreeMap;
use std::time::Duration;

use medic_testkit::{HttpService, Postgres};

use crate::harness::{Server, config, payload, wait_for};

#[test]
fn two_servers_on_one_postgres_diagnose_each_incident_once() {
    let pg = Postgres::start().unwrap();
    let web = HttpService::start().unwrap();
    let instance = web.addr().to_string();
    let settings = config(&format!(
        "[vars]\nprometheus = \"{instance}\"\n[exec]\ntimeout = \"5s\"\n"
    ));
    let a = Server::start(&pg.url(), &settings, &["--workers", "3"]);
    let b = Server::start(&pg.url(), &settings, &["--workers", "3"]);
    const N: usize = 40;
    for n in 0..N {
        let alert = payload(
            "TargetDown",
            &format!("{n:016x}"),
            "firing",
            &[("job", &format!("node-{n}")), ("instance", &instance)],
            "target down",
        );
        let server = if n % 2 == 0 { &a } else { &b };
        let answer = server.post("/api/v1/alerts", &alert);
        assert_eq!(answer.json()["created"], 1, "{}", answer.body);
    }
    let all = wait_for("every incident diagnosed", Duration::from_secs(120), || {
        let list = a.incidents("?limit=1000");
        (list.len() == N && list.iter().all(|i| i["state"] == "done")).then_some(list)
    });
    let mut by_process: BTreeMap<String, usize> = BTreeMap::new();
    for incident in &all {
        assert_eq!(incident["attempts"], 1, "claimed twice: {incident:#}");
        assert_eq!(
            incident["problem_id"],
            "prometheus-alertmanager.md#targetdown"
        );
        let worker = incident["worker"].as_str().unwrap();
        let process = worker.split('/').next().unwrap().to_owned();
        *by_process.entry(process).or_default() += 1;
    }
    assert_eq!(
        by_process.len(),
        2,
        "both processes took work: {by_process:?}"
    );
    let diagnosed = |s: &Server| -> usize {
        s.get("/metrics")
            .body
            .lines()
            .find_map(|l| l.strip_prefix("medic_diagnoses_total{outcome=\"matched\"} "))
            .map_or(0, |v| v.trim().parse().unwrap())
    };
    assert_eq!(
        diagnosed(&a) + diagnosed(&b),
        N,
        "each incident diagnosed exactly once"
    );
    assert_eq!(
        b.incidents("?limit=1000").len(),
        N,
        "both see the same history"
    );
}
