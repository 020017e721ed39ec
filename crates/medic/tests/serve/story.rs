//! The life of incidents in one server, on SQLite and on PostgreSQL: webhooks in (with
//! and without credentials, malformed, too large), repeats and resolutions, diagnosis by
//! the workers, the API, metrics, reload on SIGHUP, a crash mid-diagnosis, graceful stop.

use std::time::Duration;

use medic_testkit::{HttpService, Postgres};
use serde_json::Value;

use crate::harness::{Server, TOKEN, config, get, payload, post, repo, wait_for};

fn sqlite_url(dir: &tempfile::TempDir) -> String {
    format!("sqlite://{}", dir.path().join("nested/medic.db").display())
}

#[test]
fn story_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    story(&sqlite_url(&dir));
}

#[test]
fn story_on_postgres() {
    let pg = Postgres::start().unwrap();
    story(&pg.url());
}

fn story(db: &str) {
    let web = HttpService::start().unwrap();
    let target = web.url("/healthz");
    let instance = target
        .trim_start_matches("http://")
        .trim_end_matches("/healthz")
        .to_owned();
    let settings = config(&format!(
        "[vars]\nprometheus = \"{instance}\"\n[exec]\ntimeout = \"5s\"\n"
    ));
    let mut server = Server::start(db, &settings, &["--workers", "2"]);
    let firing = payload(
        "TargetDown",
        "a9847976c1e5676c",
        "firing",
        &[
            ("job", "node"),
            ("instance", &instance),
            ("severity", "critical"),
        ],
        &format!("Target {instance} (job node) is down"),
    );

    // Rejected requests store nothing.
    let url = server.url("/api/v1/alerts");
    let denied = post(&url, &firing, None);
    assert_eq!(denied.status, 401, "{}", denied.body);
    assert!(denied.body.contains("Bearer"), "{}", denied.body);
    assert_eq!(post(&url, &firing, Some("Bearer wrong")).status, 401);
    let malformed = server.post("/api/v1/alerts", b"{\"alerts\": [\n{\"labels\": }]}");
    assert_eq!(malformed.status, 400);
    assert!(
        malformed.json()["error"]
            .as_str()
            .unwrap()
            .contains("line 2"),
        "{}",
        malformed.body
    );
    let empty = server.post("/api/v1/alerts", br#"{"version":"4","alerts":[]}"#);
    assert_eq!(empty.status, 400);
    assert!(empty.body.contains("no alerts"), "{}", empty.body);
    let huge = vec![b' '; 1024 * 1024 + 10];
    assert_eq!(server.post("/api/v1/alerts", &huge).status, 413);
    assert!(
        server.incidents("").is_empty(),
        "a rejected request stored something"
    );

    // A firing alert becomes one queued incident; a repeat does not add one.
    let first = server.post("/api/v1/alerts", &firing);
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.json()["created"], 1);
    let id = first.json()["incidents"][0].as_i64().unwrap();
    let basic = format!(
        "Basic {}",
        base64_encode(format!("alertmanager:{TOKEN}").as_bytes())
    );
    let repeat = post(&url, &firing, Some(&basic));
    assert_eq!(repeat.status, 200, "{}", repeat.body);
    assert_eq!(repeat.json()["repeated"], 1);
    assert_eq!(repeat.json()["incidents"][0], id);

    // The worker matches it to the guide and runs the read checks with its labels.
    let done = server.wait_state(id, "done", Duration::from_secs(60));
    assert_eq!(
        done["problem_id"], "prometheus-alertmanager.md#targetdown",
        "{done:#}"
    );
    assert_eq!(done["seen"], 2);
    assert_eq!(done["attempts"], 1);
    let report = &done["report"];
    assert_eq!(
        report["problem"]["id"],
        "prometheus-alertmanager.md#targetdown"
    );
    assert_eq!(report["evidence"]["kind"], "alert");
    assert!(
        !report["matched"]["reasons"].as_array().unwrap().is_empty(),
        "{report:#}"
    );
    let scrape = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["description"]
                .as_str()
                .unwrap()
                .contains("Scrape the target")
        })
        .unwrap();
    let step = &scrape["steps"][0];
    assert!(
        step["rendered"].as_str().unwrap().contains(&instance),
        "the alert's instance filled <instance>: {step:#}"
    );
    assert_eq!(scrape["status"], "ok", "{scrape:#}");
    assert!(
        step["run"]["stdout"].as_str().unwrap().starts_with("200 "),
        "the check really scraped the HTTP service: {step:#}"
    );
    assert!(
        web.requests().iter().any(|r| r == "GET /metrics"),
        "{:?}",
        web.requests()
    );
    // The write step of the mitigation is never run.
    assert!(!web.requests().iter().any(|r| r.starts_with("POST")));

    // Listing and filters.
    assert_eq!(server.incidents("").len(), 1);
    assert_eq!(server.incidents("?status=firing").len(), 1);
    assert_eq!(server.incidents("?status=resolved").len(), 0);
    assert_eq!(
        server
            .incidents("?problem=prometheus-alertmanager.md%23targetdown&since=1h")
            .len(),
        1
    );
    assert!(
        server.incidents("")[0]["report"].is_null(),
        "lists carry no reports"
    );
    let bad = server.get("/api/v1/incidents?status=burning");
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("firing or resolved"), "{}", bad.body);
    assert_eq!(server.get("/api/v1/incidents/999999").status, 404);

    // An alert no guide documents is done without a problem, not forced onto one.
    let unknown = payload(
        "KafkaConsumerGroupLagHigh",
        "0000000000000001",
        "firing",
        &[("topic", "orders"), ("consumergroup", "billing")],
        "Kafka consumer group billing lags on topic orders",
    );
    let unknown_id = server.post("/api/v1/alerts", &unknown).json()["incidents"][0]
        .as_i64()
        .unwrap();
    let unmatched = server.wait_state(unknown_id, "done", Duration::from_secs(30));
    assert!(unmatched["problem_id"].is_null(), "{unmatched:#}");
    assert!(unmatched["report"]["problem"].is_null());

    // Resolution closes the incident.
    let resolved = payload(
        "TargetDown",
        "a9847976c1e5676c",
        "resolved",
        &[
            ("job", "node"),
            ("instance", &instance),
            ("severity", "critical"),
        ],
        "",
    );
    let answer = server.post("/api/v1/alerts", &resolved);
    assert_eq!(answer.json()["resolved"], 1, "{}", answer.body);
    let closed = server.incident(id);
    assert_eq!(closed["status"], "resolved");
    assert_eq!(closed["state"], "done");

    // Ad-hoc diagnosis and search.
    let adhoc = server.post(
        "/api/v1/diagnose",
        br#"{"text": "FATAL:  sorry, too many clients already"}"#,
    );
    assert_eq!(adhoc.status, 200, "{}", adhoc.body);
    assert_eq!(
        adhoc.json()["problem"]["id"],
        "postgresql.md#connection-exhaustion"
    );
    let nothing = server.post(
        "/api/v1/diagnose",
        br#"{"text": "the coffee machine is empty"}"#,
    );
    assert_eq!(nothing.status, 404, "{}", nothing.body);
    let search = server.get("/api/v1/search?q=OOM%20command%20not%20allowed");
    assert_eq!(search.status, 200);
    assert!(
        search.json()["matches"][0]["id"]
            .as_str()
            .unwrap()
            .starts_with("redis.md#"),
        "{}",
        search.body
    );
    let problem = server.get("/api/v1/problems/postgresql.md%23connection-exhaustion");
    assert_eq!(problem.status, 200, "{}", problem.body);
    assert_eq!(problem.json()["guide"]["path"], "postgresql.md");

    // Metrics count what happened, by route pattern.
    let metrics = server.get("/metrics").body;
    for line in [
        "medic_alerts_received_total{status=\"firing\"} 3",
        "medic_alerts_received_total{status=\"resolved\"} 1",
        "medic_incidents{state=\"done\"} 2",
        "medic_queue_depth 0",
        "medic_diagnoses_total{outcome=\"matched\"} 1",
        "medic_diagnoses_total{outcome=\"unmatched\"} 1",
    ] {
        assert!(metrics.contains(line), "missing `{line}` in:\n{metrics}");
    }
    assert!(
        metrics.contains("route=\"/api/v1/incidents/{id}\""),
        "{metrics}"
    );
    assert!(metrics.contains("medic_match_duration_seconds_bucket"));
    assert!(metrics.contains("medic_check_duration_seconds_bucket{"));
    assert!(metrics.contains("medic_refused_commands_total"));

    // The data survives a restart.
    server.restart();
    assert_eq!(
        server.incident(id)["problem_id"],
        "prometheus-alertmanager.md#targetdown"
    );
    assert_eq!(server.stop(), Some(0), "{}", server.log_text());
}

/// Standard base64, for a basic-auth header.
fn base64_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Every path and method in the OpenAPI document answers from a real route, and every
/// API route the server defines is in the document.
#[test]
fn openapi_matches_the_routes() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&sqlite_url(&dir), &config(""), &[]);
    let served = server.get("/api/v1/openapi.json");
    assert_eq!(served.status, 200);
    let spec: Value = served.json();
    let file: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("crates/medic-server/openapi.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(spec, file);
    let paths = spec["paths"].as_object().unwrap();
    for (path, methods) in paths {
        let concrete = path
            .replace("{id}", "1")
            .replace("/problems/1", "/problems/redis.md%23out-of-memory");
        for method in methods.as_object().unwrap().keys() {
            let answer = match method.as_str() {
                "get" => server.get(&concrete),
                "post" => server.post(&concrete, b"{}"),
                other => panic!("unexpected method {other}"),
            };
            // An unknown route is axum's empty 404/405; every real route answers with a body.
            assert!(
                !(matches!(answer.status, 404 | 405) && answer.body.is_empty()),
                "{method} {path} is documented but not served ({})",
                answer.status
            );
            for code in methods[method]["responses"].as_object().unwrap().keys() {
                assert!(code.parse::<u16>().is_ok(), "{path}: response code {code}");
            }
        }
    }
    let source = std::fs::read_to_string(repo().join("crates/medic-server/src/lib.rs")).unwrap();
    for route in source
        .split(".route(\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
    {
        let documented = route.replace("{*id}", "{id}");
        assert!(
            paths.contains_key(&documented),
            "route {route} is served but not in openapi.json"
        );
    }
    let unknown = server.get("/api/v1/nothing-here");
    assert_eq!(unknown.status, 404);
}

/// SIGHUP and the reload endpoint swap the guides in without a restart; a broken set is
/// refused and the old one stays.
#[test]
fn guides_reload_on_sighup_and_endpoint() {
    let dir = tempfile::tempdir().unwrap();
    let guides = dir.path().join("guides");
    std::fs::create_dir(&guides).unwrap();
    std::fs::write(
        guides.join("a.md"),
        "# A\n\n## Disk full\n\n**Symptoms**: `No space left on device`\n",
    )
    .unwrap();
    let settings = format!("[guides]\npaths = [\"{}\"]\n", guides.display());
    let server = Server::start(&sqlite_url(&dir), &settings, &[]);
    let count = |s: &Server| {
        s.get("/api/v1/guides").json()["guides"][0]["problems"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(count(&server), 1);
    std::fs::write(
        guides.join("a.md"),
        "# A\n\n## Disk full\n\n**Symptoms**: `No space left on device`\n\n## Inodes exhausted\n\n**Symptoms**: `df -i` shows 100%\n",
    )
    .unwrap();
    server.signal("HUP");
    wait_for("the SIGHUP reload", Duration::from_secs(10), || {
        (count(&server) == 2).then_some(())
    });
    std::fs::remove_file(guides.join("a.md")).unwrap();
    let refused = server.post("/api/v1/guides/reload", b"");
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("no guides"), "{}", refused.body);
    assert_eq!(count(&server), 2, "the previous guides stay");
    let denied = post(&server.url("/api/v1/guides/reload"), b"", None);
    assert_eq!(denied.status, 401);
    assert_eq!(get(&server.url("/readyz")).status, 200);
}

/// A server killed mid-diagnosis leaves its incident to be diagnosed again after the
/// lease; nothing is lost, and the check that hung is not run twice at once.
#[test]
fn a_crash_mid_diagnosis_is_recovered_after_the_lease() {
    let dir = tempfile::tempdir().unwrap();
    let web = HttpService::start().unwrap();
    let settings = config(&format!(
        "[vars]\nhealth-url = \"{}\"\n[exec]\ntimeout = \"4s\"\n",
        web.url("/hang")
    ));
    let mut server = Server::start(&sqlite_url(&dir), &settings, &["--lease", "2s"]);
    let alert = payload(
        "HealthEndpointFailing",
        "00000000000000aa",
        "firing",
        &[("service", "checkout")],
        "Health endpoint failing: /healthz returns 503",
    );
    let id = server.post("/api/v1/alerts", &alert).json()["incidents"][0]
        .as_i64()
        .unwrap();
    wait_for("the check to hang", Duration::from_secs(20), || {
        web.requests()
            .iter()
            .any(|r| r == "GET /hang")
            .then_some(())
    });
    assert_eq!(server.incident(id)["state"], "running");
    server.kill();
    server.restart();
    let done = server.wait_state(id, "done", Duration::from_secs(40));
    assert_eq!(done["attempts"], 2, "{done:#}");
    assert_eq!(
        done["problem_id"],
        "http-service.md#6-health-endpoint-failing"
    );
    let health = &done["report"]["checks"][0];
    assert_eq!(health["status"], "timed_out", "{health:#}");
}

/// Settings that would make the server unsafe or unusable stop it before it listens,
/// with a message that says what to do.
#[test]
fn unsafe_or_broken_settings_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        #[expect(clippy::disallowed_methods, reason = "tests run the real binary")]
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_medic"))
            .arg("serve")
            .args(args)
            .arg("--guides")
            .arg(repo().join("examples/guides"))
            .current_dir(dir.path())
            .env_remove("MEDIC_TOKEN")
            .env_remove("MEDIC_TOKEN_FILE")
            .env_remove("MEDIC_SERVE_DB")
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, err) = run(&["--listen", "0.0.0.0:0", "--no-auth"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("--no-auth is only allowed on a loopback address"),
        "{err}"
    );
    let (code, err) = run(&["--listen", "127.0.0.1:0"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--token-file FILE"), "{err}");
    std::fs::write(dir.path().join("empty"), "\n").unwrap();
    let (code, err) = run(&["--token-file", "empty"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("the token is empty"), "{err}");
    let (code, err) = run(&["--no-auth", "--listen", "localhost"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("give an address and port"), "{err}");
    let (code, err) = run(&[
        "--no-auth",
        "--listen",
        "127.0.0.1:0",
        "--db",
        "mysql://x@y/z",
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("unsupported database URL"), "{err}");
}

/// `--log-format json` writes one JSON object per log line.
#[test]
fn json_logs() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(&sqlite_url(&dir), &config(""), &["--log-format", "json"]);
    server.get("/healthz");
    assert_eq!(server.stop(), Some(0));
    let log = server.log_text();
    let lines: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l["message"].as_str().unwrap_or("").contains("listening")),
        "{log}"
    );
    assert!(lines.iter().all(|l| l["level"].is_string()), "{log}");
}
