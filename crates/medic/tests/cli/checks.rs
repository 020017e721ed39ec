//! `medic check`, `diagnose`, `bundle` and `redact` against real services started by the
//! test kit: a PostgreSQL server at its connection limit, an HTTP server that answers 503
//! or never answers, hostile placeholder values, and secrets printed by a check.
#![expect(
    clippy::unwrap_used,
    reason = "a failed setup step should fail the test"
)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use medic_testkit::{HttpService, Postgres};
use serde_json::Value;

use super::medic;

/// The first line of stdout as JSON.
fn json(out: &str) -> Value {
    serde_json::from_str(out.lines().next().expect("a JSON line")).expect("valid JSON")
}

/// The data row of a one-row aligned psql table, as trimmed cells.
fn psql_row(table: &str) -> Vec<String> {
    table
        .lines()
        .filter(|l| l.contains('|'))
        .nth(1)
        .unwrap_or_default()
        .split('|')
        .map(|c| c.trim().to_owned())
        .collect()
}

/// Writes a guide into a fresh directory.
fn guide_dir(name: &str, text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), text).unwrap();
    dir
}

/// A live process with `needle` in its command line that is still there two
/// seconds on: a killed process may show as running until it is next
/// scheduled, so one look right after the kill could see it.
fn surviving_process_with(needle: &str) -> Option<u32> {
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let pid = process_with(needle)?;
        if Instant::now() > deadline {
            return Some(pid);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Whether a live (non-zombie) process has `needle` in its command line.
fn process_with(needle: &str) -> Option<u32> {
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        let zombie = stat
            .rsplit(')')
            .next()
            .and_then(|r| r.split_whitespace().next())
            == Some("Z");
        if !zombie && String::from_utf8_lossy(&cmdline).contains(needle) {
            return Some(pid);
        }
    }
    None
}

/// Extracts a bundle with the system's `tar` and returns the directory.
fn extract(bundle: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    #[expect(
        clippy::disallowed_methods,
        reason = "the test reads the bundle with real tar"
    )]
    let status = std::process::Command::new("tar")
        .arg("-xzf")
        .arg(bundle)
        .arg("-C")
        .arg(dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    dir
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

const TOO_MANY: &str = "FATAL:  sorry, too many clients already";

#[test]
fn diagnose_connection_exhaustion_on_a_real_postgres() {
    let pg = Postgres::builder()
        .max_connections(10)
        .superuser_reserved(3)
        .start()
        .unwrap();
    pg.create_role("app").unwrap();
    let _held = pg.hold_connections("app", "checkout-api", 7).unwrap();
    let refused = pg.try_connect("app").unwrap_err();
    assert!(
        refused.contains("remaining connection slots are reserved"),
        "{refused}"
    );
    let url = pg.url();

    // JSON: the right problem, every read check ran against this server.
    let args = ["diagnose", TOO_MANY, "-g", "examples/guides", "--db", &url];
    let (out, _) = medic(&[&args[..], &["--json"]].concat()).expect(0);
    let report = json(&out);
    assert_eq!(
        report["problem"]["id"],
        "postgresql.md#connection-exhaustion"
    );
    assert!(
        report["matched"]["reasons"][0]
            .as_str()
            .unwrap()
            .contains("too many clients"),
        "{report}"
    );
    let checks = report["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 3, "{report}");
    for c in checks {
        assert_eq!(c["status"], "ok", "{c}");
        assert_eq!(c["steps"][0]["verdict"], "read");
    }
    // 7 held by `app` plus the sessions of the checks (they run in parallel); the limit
    // and the reserve.
    let usage = psql_row(checks[0]["steps"][0]["run"]["stdout"].as_str().unwrap());
    let in_use: u32 = usage[0].parse().unwrap();
    assert!((8..=10).contains(&in_use), "{}", checks[0]);
    assert_eq!(usage[1..], ["10", "3"], "{}", checks[0]);
    let holders = checks[1]["steps"][0]["run"]["stdout"].as_str().unwrap();
    let app_row = holders
        .lines()
        .find(|l| l.contains("checkout-api"))
        .unwrap_or_else(|| panic!("{holders}"));
    let cells: Vec<&str> = app_row.split('|').map(str::trim).collect();
    assert_eq!(
        cells,
        ["postgres", "app", "checkout-api", "127.0.0.1", "idle", "7"]
    );
    let fixes = report["fixes"].as_array().unwrap();
    assert!(
        fixes.iter().any(|f| f["commands"][0]
            .as_str()
            .unwrap_or("")
            .contains("pg_terminate_backend")),
        "the guide's fixes are reported, not run: {report}"
    );
    assert_eq!(
        pg.psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'checkout-api'")
            .unwrap()
            .trim(),
        "7"
    );

    // Terminal report.
    let (out, _) = medic(&args).expect(0);
    assert!(out.contains("Connection Exhaustion"), "{out}");
    assert!(out.contains("✓ 2. Find who holds the connections"), "{out}");
    assert!(out.contains("checkout-api"), "{out}");
    assert!(
        out.contains("Fixes (from the guide; medic does not run them)"),
        "{out}"
    );

    // Markdown and HTML.
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("report.html");
    let html_arg = html.to_str().unwrap();
    let (md, err) = medic(&[&args[..], &["--markdown", "--html", html_arg]].concat()).expect(0);
    assert!(
        md.starts_with("## medic diagnosis: Connection Exhaustion"),
        "{md}"
    );
    assert!(md.contains("```sql\nSELECT datname, usename"), "{md}");
    assert!(md.contains("checkout-api"), "{md}");
    assert!(err.contains("wrote "), "{err}");
    let page = read(html);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(
        page.contains("checkout-api") && page.contains("badge ok"),
        "{page}"
    );
    assert!(!page.contains("<script"));

    // Bundle.
    let bundle = dir.path().join("incident.tar.gz");
    let bundle_arg = bundle.to_str().unwrap();
    let (_, err) = medic(&[
        "bundle",
        TOO_MANY,
        "-g",
        "examples/guides",
        "--db",
        &url,
        "-o",
        bundle_arg,
    ])
    .expect(0);
    assert!(err.contains("3 ok"), "{err}");
    let files = extract(&bundle);
    let manifest: Value = serde_json::from_str(&read(files.path().join("manifest.json"))).unwrap();
    assert_eq!(
        manifest["problem"]["id"],
        "postgresql.md#connection-exhaustion"
    );
    assert!(
        manifest["guides"][0]["git_commit"].is_string(),
        "{manifest}"
    );
    assert_eq!(
        manifest["checks"][1]["steps"][0]["files"][0],
        "checks/02-1.stdout.txt"
    );
    assert!(read(files.path().join("checks/02-1.stdout.txt")).contains("checkout-api"));
    assert!(read(files.path().join("report.md")).contains("## medic diagnosis"));
    assert!(read(files.path().join("report.html")).contains("<!DOCTYPE html>"));
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left.len(), 2, "no temporary file is left behind: {left:?}");
}

const KILL_STEP_GUIDE: &str = "# Database

## Connections

### Too Many Connections

**Symptoms**: `FATAL:  sorry, too many clients already`

**Diagnosis**:

1. **Count connections by application**:
```sql
SELECT application_name, count(*) FROM pg_stat_activity
WHERE backend_type = 'client backend' GROUP BY 1 ORDER BY 2 DESC;
```

2. **Kill the idle ones**:
```sql
SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '<app>';
```
";

#[test]
fn write_steps_are_refused_and_sql_runs_read_only() {
    let pg = Postgres::start().unwrap();
    pg.create_role("app").unwrap();
    let _held = pg.hold_connections("app", "checkout-api", 3).unwrap();
    let dir = guide_dir("db.md", KILL_STEP_GUIDE);
    let (out, _) = medic(&[
        "check",
        "db.md#too-many-connections",
        "-g",
        dir.path().to_str().unwrap(),
        "--db",
        &pg.url(),
        "--var",
        "app=checkout-api",
        "--json",
    ])
    .expect(0);
    let report = json(&out);
    let checks = report["checks"].as_array().unwrap();
    assert_eq!(checks[0]["status"], "ok");
    assert!(
        checks[0]["steps"][0]["run"]["stdout"]
            .as_str()
            .unwrap()
            .contains("checkout-api")
    );
    assert_eq!(checks[1]["status"], "refused", "{report}");
    assert!(
        checks[1]["reason"]
            .as_str()
            .unwrap()
            .contains("pg_terminate_backend"),
        "{report}"
    );
    assert!(checks[1]["steps"][0].get("run").is_none());
    assert_eq!(
        pg.psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'checkout-api'")
            .unwrap()
            .trim(),
        "3",
        "nothing was terminated"
    );
    // Without a terminal, --allow-write is refused outright.
    let (_, err) = medic(&[
        "check",
        "db.md#too-many-connections",
        "-g",
        dir.path().to_str().unwrap(),
        "--allow-write",
    ])
    .expect(2);
    assert!(err.contains("needs an interactive terminal"), "{err}");
}

#[test]
fn health_endpoint_503_fails_and_a_hang_times_out() {
    let web = HttpService::start().unwrap();
    let id = "http-service.md#6-health-endpoint-failing";
    let var = format!("health-url={}", web.url("/status/503"));
    let (out, _) = medic(&[
        "check",
        id,
        "-g",
        "examples/guides",
        "--var",
        &var,
        "--json",
    ])
    .expect(1);
    let report = json(&out);
    let first = &report["checks"][0];
    assert_eq!(first["status"], "failed", "{report}");
    assert_eq!(first["exit_code"], 22);
    let stdout = first["steps"][0]["run"]["stdout"].as_str().unwrap();
    assert!(
        stdout.contains("503 Service Temporarily Unavailable"),
        "{stdout}"
    );
    assert_eq!(report["checks"][1]["status"], "needs_values");
    assert!(
        report["checks"][1]["hint"]
            .as_str()
            .unwrap()
            .contains("--var blackbox=…"),
        "{report}"
    );
    assert_eq!(report["summary"]["failed"], 1);

    let hang = web.url("/hang?medic-test-hang");
    let var = format!("health-url={hang}");
    let start = Instant::now();
    let (out, _) = medic(&[
        "check",
        id,
        "-g",
        "examples/guides",
        "--var",
        &var,
        "--timeout",
        "700ms",
        "--json",
    ])
    .expect(1);
    let elapsed = start.elapsed();
    let report = json(&out);
    assert_eq!(report["checks"][0]["status"], "timed_out", "{report}");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    assert_eq!(
        surviving_process_with("medic-test-hang"),
        None,
        "a process of the timed-out check survived"
    );
    assert!(web.requests().iter().any(|r| r.contains("/hang")));
}

const ECHO_GUIDE: &str = "# Values

### Value Problem

**Symptoms**: a value shows up

**Diagnosis**:

1. **Print the value three ways**:
```bash
printf '%s\\n' <value> \"<value>\" '<value>'
```

2. **Look the value up in the database**:
```bash
psql -c \"SELECT 1 WHERE current_user = '<value>'\"
```
";

#[test]
fn hostile_placeholder_values_stay_data() {
    let dir = guide_dir("values.md", ECHO_GUIDE);
    let marker = dir.path().join("pwned");
    let m = marker.display();
    let values = [
        format!("; rm -rf \"$HOME\"; touch {m}"),
        format!("$(touch {m})"),
        format!("`touch {m}`"),
        format!("it's \"quoted\"; touch {m}"),
        format!("line one\ntouch {m}"),
        "-rf".to_owned(),
        format!("{}$(touch {m})", "x".repeat(20_000)),
    ];
    for value in &values {
        let shown: String = value.chars().take(60).collect();
        let var = format!("value={value}");
        let out = medic(&[
            "check",
            "values.md#value-problem",
            "-g",
            dir.path().to_str().unwrap(),
            "--var",
            &var,
            "--json",
        ])
        .env("PGHOST", "/nonexistent")
        .run();
        assert!(!marker.exists(), "value {shown:?} ran a command");
        let report = json(&String::from_utf8_lossy(&out.stdout));
        let first = &report["checks"][0];
        assert_eq!(first["status"], "ok", "{shown:?}");
        assert!(
            first["steps"][0]["run"]["stdout"].as_str().unwrap() == format!("{value}\n").repeat(3),
            "value {shown:?} changed the command"
        );
    }
    // A value that turns a read into a write inside `psql -c` is refused.
    let var = "value=x'; DROP TABLE accounts; --";
    let (out, _) = medic(&[
        "check",
        "values.md#value-problem",
        "-g",
        dir.path().to_str().unwrap(),
        "--var",
        var,
        "--json",
    ])
    .expect(0);
    let report = json(&out);
    let second = &report["checks"][1];
    assert_eq!(second["status"], "refused", "{report}");
    assert!(
        second["reason"]
            .as_str()
            .unwrap()
            .contains("with the values filled in"),
        "{second}"
    );
}

const SECRET_GUIDE: &str = "# Secrets

### Credentials Rejected

**Symptoms**: `password authentication failed for user \"app\"`

**Diagnosis**:

1. **Read the credentials the app uses**:
```bash
cat <secret-file>
```
";

const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

/// `kubectl get secret db-credentials -n shop -o yaml` output, a DSN and a JWT.
fn secret_output() -> String {
    format!(
        "apiVersion: v1
data:
  password: c3VwZXJzZWNyZXQtcGFzc3dvcmQ=
  username: YWRtaW4=
kind: Secret
metadata:
  creationTimestamp: \"2026-11-20T10:00:00Z\"
  name: db-credentials
  namespace: shop
type: Opaque
DATABASE_URL=postgres://app:hunter2-very-secret@db.internal:5432/shop
Authorization: Bearer {JWT}
"
    )
}

const SECRETS: &[&str] = &[
    "c3VwZXJzZWNyZXQtcGFzc3dvcmQ=",
    "YWRtaW4=",
    "hunter2-very-secret",
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
];

fn assert_clean(what: &str, text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{what} leaks `{secret}`:\n{text}");
    }
    assert!(
        text.contains("«redacted:"),
        "{what} shows no redaction:\n{text}"
    );
}

#[test]
fn secrets_printed_by_a_check_never_leave_medic() {
    let dir = guide_dir("secrets.md", SECRET_GUIDE);
    let file = dir.path().join("secret.yaml");
    std::fs::write(&file, secret_output()).unwrap();
    let var = format!("secret-file={}", file.display());
    let guides = dir.path().to_str().unwrap();
    let id = "secrets.md#credentials-rejected";
    let (out, _) = medic(&["check", id, "-g", guides, "--var", &var]).expect(0);
    assert_clean("the terminal report", &out);
    assert!(out.contains("name: db-credentials"), "context stays: {out}");
    let (out, _) = medic(&["check", id, "-g", guides, "--var", &var, "--json"]).expect(0);
    assert_clean("the JSON report", &out);
    let (out, _) = medic(&["check", id, "-g", guides, "--var", &var, "--markdown"]).expect(0);
    assert_clean("the Markdown report", &out);
    let bundle = dir.path().join("b.tar.gz");
    medic(&[
        "bundle",
        id,
        "-g",
        guides,
        "--var",
        &var,
        "-o",
        bundle.to_str().unwrap(),
    ])
    .expect(0);
    let files = extract(&bundle);
    for name in [
        "manifest.json",
        "report.json",
        "report.md",
        "report.html",
        "checks/01-1.stdout.txt",
    ] {
        let text = read(files.path().join(name));
        if name != "manifest.json" {
            assert_clean(name, &text);
        }
        for secret in SECRETS {
            assert!(!text.contains(secret), "{name} leaks {secret}");
        }
    }
    // `medic redact` on the same text.
    let (out, _) = medic(&["redact", "-"])
        .stdin(secret_output().as_bytes())
        .expect(0);
    assert_clean("medic redact", &out);
}

#[test]
fn check_bad_input() {
    let (_, err) = medic(&[
        "check",
        "postgresql.md#connection-exhaustio",
        "-g",
        "examples/guides",
    ])
    .expect(2);
    assert!(err.contains("did you mean"), "{err}");
    assert!(err.contains("postgresql.md#connection-exhaustion"), "{err}");
    let (_, err) = medic(&[
        "check",
        "postgresql.md#connection-exhaustion",
        "-g",
        "examples/guides",
        "--var",
        "namespace",
    ])
    .expect(2);
    assert!(err.contains("has no `=`"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("medic.toml");
    std::fs::write(&config, "[exec]\ntimeout = \"10s\"\nconcurency = 4\n").unwrap();
    let (_, err) = medic(&[
        "check",
        "postgresql.md#connection-exhaustion",
        "-g",
        "examples/guides",
        "--config",
        config.to_str().unwrap(),
    ])
    .expect(2);
    assert!(err.contains("medic.toml:3"), "{err}");
    // SQL without a database is skipped with the way to give one, not an error.
    let (out, _) = medic(&[
        "check",
        "postgresql.md#connection-exhaustion",
        "-g",
        "examples/guides",
        "--json",
    ])
    .env_remove_pg()
    .expect(0);
    let report = json(&out);
    assert_eq!(report["checks"][0]["status"], "skipped");
    assert!(
        report["checks"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("--db")
    );
}

#[test]
fn redis_out_of_memory_checks_run_against_a_real_redis() {
    use medic_testkit::Redis;
    let redis = Redis::builder().maxmemory("2mb").start().unwrap();
    let value = "x".repeat(10_000);
    let mut error = String::new();
    for i in 0..1000 {
        match redis.cli(&["SET", &format!("cache:{i}"), &value]) {
            Ok(reply) if reply.starts_with("OOM") => {
                error = reply;
                break;
            }
            Ok(_) => {}
            Err(e) => {
                error = e.to_string();
                break;
            }
        }
    }
    assert!(error.contains("OOM command not allowed"), "{error}");
    let port = format!("port={}", redis.port());
    let (out, _) = medic(&[
        "diagnose",
        &error,
        "-g",
        "examples/guides",
        "--var",
        "host=127.0.0.1",
        "--var",
        &port,
        "--json",
    ])
    .expect(0);
    let report = json(&out);
    assert_eq!(
        report["problem"]["id"],
        "redis.md#oom-command-not-allowed-maxmemory-reached"
    );
    let first = &report["checks"][0];
    assert_eq!(first["status"], "ok", "{report}");
    let memory = first["steps"][0]["run"]["stdout"].as_str().unwrap();
    assert!(memory.contains("maxmemory_human:2.00M"), "{memory}");
    assert!(memory.contains("maxmemory_policy:noeviction"), "{memory}");
    // The guide's CONFIG SET fixes are reported, not run.
    assert_eq!(
        redis.cli(&["CONFIG", "GET", "maxmemory-policy"]).unwrap(),
        "maxmemory-policy\nnoeviction"
    );
}

#[test]
fn an_alert_fills_placeholders_from_its_labels() {
    use medic_testkit::Prometheus;
    // A scrape target nobody listens on: `up` is 0 for job `api`.
    let closed = medic_testkit::free_port().unwrap();
    let target = format!("127.0.0.1:{closed}");
    let prometheus = Prometheus::builder()
        .scrape("api", &target)
        .start()
        .unwrap();
    prometheus
        .wait_for("up{job=\"api\"} == 0", Duration::from_secs(30))
        .unwrap();
    let alert = serde_json::json!({
        "labels": {"alertname": "TargetDown", "job": "api", "instance": target, "severity": "critical"},
        "annotations": {"summary": "Target api is down"},
        "startsAt": "2026-11-23T10:00:00Z",
        "status": "firing",
    });
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("alert.json");
    std::fs::write(&file, alert.to_string()).unwrap();
    let var = format!("prometheus=127.0.0.1:{}", prometheus.port());
    let (out, _) = medic(&[
        "diagnose",
        "--alert",
        file.to_str().unwrap(),
        "-g",
        "examples/guides",
        "--var",
        &var,
        "--json",
    ])
    .expect(1);
    let report = json(&out);
    assert_eq!(
        report["problem"]["id"],
        "prometheus-alertmanager.md#targetdown"
    );
    assert_eq!(report["evidence"]["name"], "TargetDown");
    let vars = report["vars"].as_array().unwrap();
    assert!(
        vars.iter()
            .any(|v| v["name"] == "job" && v["value"] == "api" && v["source"]["label"] == "job"),
        "{report}"
    );
    let checks = report["checks"].as_array().unwrap();
    let targets = checks[0]["steps"][0]["run"]["stdout"].as_str().unwrap();
    assert!(
        targets.contains(&format!("api {target} down")),
        "{}",
        checks[0]
    );
    let job = checks[1]["steps"][0]["run"]["stdout"].as_str().unwrap();
    assert_eq!(job.trim(), format!("{target} up=0"), "{}", checks[1]);
    let scrape = checks[2]["steps"][0]["run"]["stdout"].as_str().unwrap();
    assert!(scrape.starts_with("000 "), "nothing listens: {}", checks[2]);
    assert_eq!(checks[2]["status"], "failed");
    assert_eq!(checks[2]["exit_code"], 7, "curl: connection refused");
}

#[test]
fn config_show_prints_the_settings_in_effect() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("medic.toml"),
        "[vars]\nnamespace = \"shop\"\n\n[exec]\ntimeout = \"3s\"\nenv = [\"AWS_*\"]\n\n\
         [databases]\ndefault = \"postgres://monitor:s3cr3t-pw@db1:5432/postgres\"\n",
    )
    .unwrap();
    let (out, _) = medic(&["config", "show"]).dir(dir.path()).expect(0);
    assert!(out.contains("medic.toml"), "{out}");
    assert!(out.contains("namespace = \"shop\""), "{out}");
    assert!(out.contains("timeout = \"3s\""), "{out}");
    assert!(
        out.contains("total_timeout = \"1m\""),
        "defaults are filled in: {out}"
    );
    assert!(
        out.contains("\"AWS_*\"") && out.contains("\"KUBECONFIG\""),
        "{out}"
    );
    assert!(
        !out.contains("s3cr3t-pw"),
        "the database password is redacted: {out}"
    );
    assert!(out.contains("pod = [\"pod\"]"), "the label map: {out}");
}
