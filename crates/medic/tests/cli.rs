//! The `medic` binary as a user runs it: exit code, stdout and stderr checked together.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

#[path = "cli/checks.rs"]
mod checks;
#[path = "cli/kube.rs"]
mod kube;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs medic in `dir` with `args` (and optional stdin), with no inherited MEDIC_* settings.
struct Run {
    cmd: Command,
    stdin: Option<Vec<u8>>,
}

fn medic(args: &[&str]) -> Run {
    #[expect(clippy::disallowed_methods, reason = "tests run the real binary")]
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_medic"));
    cmd.args(args)
        .current_dir(repo())
        .env_remove("MEDIC_GUIDES")
        .env_remove("MEDIC_CONFIG")
        .env_remove("MEDIC_DB")
        .env("NO_COLOR", "1");
    Run { cmd, stdin: None }
}

impl Run {
    fn dir(mut self, dir: &Path) -> Self {
        self.cmd.current_dir(dir);
        self
    }
    fn env(mut self, k: &str, v: &str) -> Self {
        self.cmd.env(k, v);
        self
    }
    /// Without libpq's connection settings from the environment.
    fn env_remove_pg(mut self) -> Self {
        for k in ["PGHOST", "PGPORT", "PGDATABASE", "PGSERVICE", "PGUSER"] {
            self.cmd.env_remove(k);
        }
        self
    }
    fn stdin(mut self, input: &[u8]) -> Self {
        self.stdin = Some(input.to_vec());
        self
    }
    fn run(mut self) -> Output {
        use std::io::Write;
        self.cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = self.cmd.spawn().expect("medic starts");
        let input = self.stdin.take().unwrap_or_default();
        let mut pipe = child.stdin.take().expect("stdin is piped");
        let writer = std::thread::spawn(move || {
            let _ = pipe.write_all(&input);
        });
        let out = child.wait_with_output().expect("medic ends");
        writer.join().expect("stdin writer ends");
        out
    }
    /// Runs and checks the exit code; returns (stdout, stderr).
    fn expect(self, code: i32) -> (String, String) {
        let out = self.run();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(
            out.status.code(),
            Some(code),
            "stdout:\n{stdout}\nstderr:\n{stderr}"
        );
        (stdout, stderr)
    }
}

#[test]
fn guides_inventory_of_the_examples() {
    let (out, err) = medic(&["guides", "examples/guides"]).expect(0);
    assert!(err.is_empty(), "{err}");
    assert!(out.contains("postgresql.md#"), "{out}");
    let last = out.lines().last().unwrap();
    assert!(
        last.contains(" guides, ") && last.contains(" read, "),
        "{last}"
    );
}

#[test]
fn guides_json_is_the_model_with_counts() {
    let (out, _) = medic(&["guides", "testdata/seeds", "--include", "*.txt", "--json"]).expect(0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let guides = v["guides"].as_array().unwrap();
    assert_eq!(guides.len(), 5);
    assert_eq!(v["totals"]["guides"], 5);
    let problems: u64 = guides
        .iter()
        .map(|g| g["counts"]["problems"].as_u64().unwrap())
        .sum();
    assert_eq!(v["totals"]["problems"].as_u64().unwrap(), problems);
    let first = &guides[0]["problems"][0];
    assert_eq!(
        first["id"],
        "000_5a2fd40b88a89dd5.txt#1-provider-not-starting"
    );
    assert_eq!(
        first["checks"][0]["commands"][0]["verdict"]["safety"],
        "read"
    );
}

#[test]
fn a_directory_of_txt_guides_needs_include() {
    let (_, err) = medic(&["guides", "testdata/seeds"]).expect(2);
    assert!(
        err.contains("no guides in `testdata/seeds`") && err.contains("--include"),
        "{err}"
    );
}

#[test]
fn missing_path_is_named() {
    let (_, err) = medic(&["guides", "nope/runbooks"]).expect(2);
    assert!(err.contains("`nope/runbooks`"), "{err}");
}

#[test]
fn no_guides_given_says_how_to_give_them() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, err) = medic(&["guides"]).dir(tmp.path()).expect(2);
    assert!(
        err.contains("--guides") && err.contains("medic.toml"),
        "{err}"
    );
}

#[test]
fn bad_files_among_good_ones_are_warnings() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(
        d.join("good.md"),
        "# G\n\n## Disk Full\n\nThe disk is full.\n",
    )
    .unwrap();
    std::fs::write(d.join("latin1.md"), b"# Caf\xe9\n\n## Broken\n").unwrap();
    std::fs::write(d.join("binary.md"), b"\x7fELF\x00\x00\x01").unwrap();
    let big = std::fs::File::create(d.join("huge.md")).unwrap();
    big.set_len(50 * 1024 * 1024).unwrap();
    let (out, err) = medic(&["guides", d.to_str().unwrap()]).expect(0);
    assert!(out.contains("good.md#disk-full"), "{out}");
    assert!(
        err.contains("latin1.md`: not valid UTF-8 at line 1"),
        "{err}"
    );
    assert!(err.contains("binary.md`: binary file"), "{err}");
    assert!(err.contains("huge.md`: 52.4 MB is too large"), "{err}");
}

#[test]
fn a_bad_file_named_directly_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("binary.md");
    std::fs::write(&f, b"\x00\x01\x02").unwrap();
    let (_, err) = medic(&["guides", f.to_str().unwrap()]).expect(2);
    assert!(
        err.contains("binary.md") && err.contains("binary file"),
        "{err}"
    );
}

#[test]
fn empty_directory_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, err) = medic(&["guides", tmp.path().to_str().unwrap()]).expect(2);
    assert!(err.contains("no guides in"), "{err}");
}

#[test]
fn config_file_and_environment_give_defaults() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::create_dir(d.join("runbooks")).unwrap();
    std::fs::create_dir(d.join("sub")).unwrap();
    std::fs::write(
        d.join("runbooks/db.txt"),
        "# DB\n\n## Replication Lag\n\nReplicas are behind.\n",
    )
    .unwrap();
    std::fs::write(
        d.join("medic.toml"),
        "[guides]\npaths = [\"runbooks\"]\ninclude = [\"*.txt\"]\n",
    )
    .unwrap();
    // Found upward from a subdirectory; paths are relative to the config file.
    let (out, _) = medic(&["guides"]).dir(&d.join("sub")).expect(0);
    assert!(out.contains("db.txt#replication-lag"), "{out}");
    // MEDIC_GUIDES overrides the config's paths.
    let (out, _) = medic(&["guides", "--include", "*.md"])
        .dir(d)
        .env(
            "MEDIC_GUIDES",
            repo().join("examples/guides").to_str().unwrap(),
        )
        .expect(0);
    assert!(out.contains("postgresql.md#"), "{out}");
}

#[test]
fn invalid_config_names_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("medic.toml"),
        "[guides]\npaths = [\"x\"]\nglob = 1\n",
    )
    .unwrap();
    let (_, err) = medic(&["guides"]).dir(tmp.path()).expect(2);
    assert!(err.contains("medic.toml:3`"), "{err}");
    assert!(err.contains("unknown field `glob`"), "{err}");
}

#[test]
fn show_a_seed_problem() {
    let (out, _) = medic(&[
        "show",
        "003_f49a088b457f2bc5.txt#connection-pool-exhaustion",
        "--guides",
        "testdata/seeds",
        "--include",
        "*.txt",
    ])
    .expect(0);
    assert!(out.starts_with("Connection Pool Exhaustion\n"), "{out}");
    assert!(out.contains("FATAL: sorry, too many clients"), "{out}");
    assert!(
        out.contains("sql> SELECT count(*) FROM pg_stat_activity;"),
        "{out}"
    );
    assert!(out.contains("pg_terminate_backend"), "{out}");
    // Every item names its line.
    assert!(out.contains("003_f49a088b457f2bc5.txt:629"), "{out}");
}

#[test]
fn show_by_anchor_alone_and_nearest_ids() {
    let (out, _) = medic(&[
        "show",
        "service-crashes",
        "-g",
        "testdata/seeds",
        "--include",
        "*.txt",
    ])
    .expect(0);
    assert!(out.starts_with("Service Crashes"), "{out}");
    let (_, err) = medic(&[
        "show",
        "conection-pool-exhaustion",
        "-g",
        "testdata/seeds",
        "--include",
        "*.txt",
    ])
    .expect(2);
    assert!(
        err.contains("did you mean") && err.contains("#connection-pool-exhaustion"),
        "{err}"
    );
}

#[test]
fn classify_one_command_and_stdin() {
    let (out, _) = medic(&["classify", "kubectl get pods > out.txt"]).expect(0);
    assert!(out.starts_with("write"), "{out}");
    let input = b"kubectl get pods -n shop\nSELECT pg_terminate_backend(pid) FROM pg_stat_activity\n\ncurl -s http://x/i.sh | bash\n";
    let (out, _) = medic(&["classify", "--json", "-"]).stdin(input).expect(0);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["safety"], "read");
    assert_eq!(lines[1]["lang"], "sql");
    assert_eq!(lines[1]["safety"], "write");
    assert_eq!(lines[2]["safety"], "write");
    assert!(
        lines[2]["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r.as_str().unwrap().contains("bash"))
    );
}

#[test]
fn classify_rejects_binary_stdin() {
    let (_, err) = medic(&["classify", "-"]).stdin(b"\xff\xfe\x00").expect(2);
    assert!(err.contains("standard input"), "{err}");
}

#[test]
fn match_an_error_string_with_reasons() {
    let (out, _) = medic(&[
        "match",
        "FATAL:  sorry, too many clients already",
        "-g",
        "examples/guides",
    ])
    .expect(0);
    let first = out.lines().next().unwrap();
    assert!(first.starts_with("1. postgresql.md#"), "{out}");
    assert!(out.contains("too many clients already"), "{out}");
    assert!(out.contains("postgresql.md:"), "{out}");
}

#[test]
fn match_reads_log_lines_from_stdin() {
    let logs = b"2026-11-23T07:04:30.193Z INFO starting worker pool size=8\n\
        {\"level\":\"error\",\"ts\":1700000000.1,\"msg\":\"OOM command not allowed when used memory > 'maxmemory'.\"}\n\
        2026-11-23T07:04:31.001Z INFO retrying in 2s\n";
    let (out, _) = medic(&["match", "-", "-g", "examples/guides", "--json"])
        .stdin(logs)
        .expect(0);
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert!(
        v["matches"][0]["id"]
            .as_str()
            .unwrap()
            .starts_with("redis.md#"),
        "{out}"
    );
    assert!(!v["matches"][0]["reasons"].as_array().unwrap().is_empty());
}

#[test]
fn match_an_alertmanager_payload() {
    let (out, _) = medic(&[
        "match",
        "--alert",
        "crates/medic/tests/data/alertmanager-webhook-sample.json",
        "-g",
        "examples/guides",
    ])
    .expect(0);
    assert!(out.starts_with("alert TargetDown firing"), "{out}");
    assert!(
        out.contains("1. prometheus-alertmanager.md#targetdown"),
        "{out}"
    );
    assert!(out.contains("alert TargetDown"), "{out}");
}

/// `medic match --alert -` against the seed guides; the output, after checking the exit code.
fn match_against_seeds(evidence: &[&str], stdin: &[u8], code: i32) -> String {
    let mut args = vec!["match"];
    args.extend_from_slice(evidence);
    args.extend_from_slice(&["-g", "testdata/seeds", "--include", "*.txt"]);
    medic(&args).stdin(stdin).expect(code).0
}

fn match_alert_against_seeds(alert: &[u8], code: i32) -> String {
    match_against_seeds(&["--alert", "-"], alert, code)
}

#[test]
fn match_an_alert_by_the_words_of_its_name() {
    // No guide says `HighRequestLatency`; its words, the latency in its description and the
    // service named in the guide's commands find the section. The request id and the
    // quantities (`0.47s`, `95th`) are not evidence of anything.
    let alert = br#"{"labels": {"alertname": "HighRequestLatency", "severity": "warning",
        "namespace": "prod", "service": "api-gateway", "job": "api-gateway"},
        "annotations": {"summary": "High request latency on api-gateway",
        "description": "95th percentile latency of api-gateway is 0.47s (threshold 0.15s), request 7f3a9c1e-2b4d-4e6f-8a0b-1c2d3e4f5a6b"}}"#;
    let out = match_alert_against_seeds(alert, 0);
    assert!(
        out.contains("1. 003_f49a088b457f2bc5.txt#high-latency"),
        "{out}"
    );
    assert!(out.contains("label service=api-gateway"), "{out}");
}

#[test]
fn match_does_not_promote_a_weaker_problem_over_an_untrusted_best() {
    // A Redis error against guides that have no Redis: the best-ranked problem (High Memory
    // Usage) covers too little of it to be trusted, and Provider Not Starting, which passes
    // on its own through generic words, is not the answer either.
    let out = match_against_seeds(
        &["OOM command not allowed when used memory > 'maxmemory'."],
        b"",
        1,
    );
    assert!(out.contains("no problem matches"), "{out}");
    assert!(!out.contains("provider-not-starting"), "{out}");
}

#[test]
fn match_reads_klog_structured_lines() {
    let logs = br#"I0412 09:14:02.118273    2214 eviction_manager.go:366] "Eviction manager: attempting to reclaim" resourceName="ephemeral-storage"
I0412 09:14:02.552810    2214 eviction_manager.go:616] "Eviction manager: pod is evicted successfully" pod="web/frontend-6c9d8f7b5-k4x2p"
"#;
    let (out, _) = medic(&["match", "-", "-g", "testdata/public-runbooks"])
        .stdin(logs)
        .expect(0);
    assert!(
        out.starts_with(
            "1. prometheus-operator-runbooks/kubernetes/KubeNodeEviction.md#kubenodeeviction"
        ),
        "{out}"
    );
}

#[test]
fn match_nothing_exits_1() {
    let (out, _) = medic(&[
        "match",
        "the office coffee machine is out of beans",
        "-g",
        "examples/guides",
    ])
    .expect(1);
    assert!(out.starts_with("no problem matches"), "{out}");
}

#[test]
fn match_batch_lines() {
    let batch = b"{\"id\":1,\"query\":\"FATAL:  sorry, too many clients already\"}\n\
        {\"id\":\"a\",\"query\":{\"labels\":{\"alertname\":\"TargetDown\",\"job\":\"node\"},\"annotations\":{\"summary\":\"Target is down\"}}}\n\
        {\"id\":3,\"query\":\"the office coffee machine is out of beans\"}\n";
    let (out, _) = medic(&["match", "--batch", "-", "--json", "-g", "examples/guides"])
        .stdin(batch)
        .expect(0);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["id"], 1);
    assert!(
        lines[0]["matches"][0]["id"]
            .as_str()
            .unwrap()
            .starts_with("postgresql.md#")
    );
    assert_eq!(lines[1]["id"], "a");
    assert_eq!(
        lines[1]["matches"][0]["id"],
        "prometheus-alertmanager.md#targetdown"
    );
    assert!(lines[1]["matches"][0]["score"].as_f64().unwrap() > 0.0);
    assert_eq!(lines[2]["matches"].as_array().unwrap().len(), 0);
}

#[test]
fn match_the_labs_real_failure_texts() {
    // The exact texts real PostgreSQL, Redis, nginx, curl, Go clients and Kubernetes print
    // when broken (../shared/docs/lab.md), each to the example guides' section for it.
    let cases = [
        (
            r#"psql: error: connection to server at "127.0.0.1", port 55432 failed: FATAL:  sorry, too many clients already"#,
            "postgresql.md#connection-exhaustion",
        ),
        (
            "FATAL:  remaining connection slots are reserved for non-replication superuser connections",
            "postgresql.md#connection-exhaustion",
        ),
        (
            "ERROR:  pg_stat_statements must be loaded via shared_preload_libraries",
            "postgresql.md#pg_stat_statements-not-loaded",
        ),
        (
            "OOM command not allowed when used memory > 'maxmemory'.",
            "redis.md#oom-command-not-allowed-maxmemory-reached",
        ),
        (
            "ERR max number of clients reached",
            "redis.md#err-max-number-of-clients-reached",
        ),
        (
            "503 Service Temporarily Unavailable",
            "http-service.md#1-503-service-unavailable",
        ),
        (
            r#"limiting requests, excess: 1.000 by zone "one""#,
            "http-service.md#5-rate-limiting-429--limiting-requests",
        ),
        (
            "upstream timed out (110: Connection timed out) while reading response header from upstream",
            "http-service.md#3-504-gateway-timeout",
        ),
        (
            "connect() failed (111: Connection refused) while connecting to upstream",
            "http-service.md#2-502-bad-gateway",
        ),
        (
            "curl: (60) SSL certificate problem: certificate has expired",
            "tls-certificates.md#certificate-expired",
        ),
        (
            "x509: certificate has expired or is not yet valid: current time 2026-11-24T10:00:00Z is after 2026-11-20T00:00:00Z",
            "tls-certificates.md#certificate-expired",
        ),
        (
            "Back-off restarting failed container",
            "kubernetes-pods.md#crashloopbackoff",
        ),
        (
            "0/1 nodes are available: 1 Insufficient cpu.",
            "kubernetes-pods.md#pod-stuck-in-pending-or-containercreating",
        ),
        (
            "Error: ErrImageNeverPull",
            "kubernetes-pods.md#imagepullbackoff--errimagepull",
        ),
        (
            r#"pods is forbidden: User "system:serviceaccount:shop:default" cannot list resource "pods" in API group "" in the namespace "shop""#,
            "kubernetes-pods.md#rbac-forbidden",
        ),
    ];
    let batch: String = cases
        .iter()
        .enumerate()
        .map(|(i, (text, _))| format!("{}\n", serde_json::json!({"id": i, "query": text})))
        .collect();
    let (out, _) = medic(&["match", "--batch", "-", "--json", "-g", "examples/guides"])
        .stdin(batch.as_bytes())
        .expect(0);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), cases.len());
    for (line, (text, expected)) in lines.iter().zip(cases) {
        assert_eq!(line["matches"][0]["id"], expected, "{text}");
    }
}

#[test]
fn match_bad_input() {
    let (_, err) = medic(&["match", "--batch", "-", "-g", "examples/guides"])
        .stdin(b"{\"id\":1,\"query\":\"x\"}\n{not json\n")
        .expect(2);
    assert!(
        err.contains("standard input line 2: not valid JSON"),
        "{err}"
    );
    let (_, err) = medic(&["match", "--alert", "-", "-g", "examples/guides"])
        .stdin(b"{\"receiver\":\"x\",\n\"alerts\":[]}")
        .expect(2);
    assert!(err.contains("no alerts found"), "{err}");
    let (_, err) = medic(&["match", "--alert", "-", "-g", "examples/guides"])
        .stdin(b"{\n\"alerts\": [,]}")
        .expect(2);
    assert!(err.contains("line 2"), "{err}");
    let (_, err) = medic(&["match", "   ", "-g", "examples/guides"]).expect(2);
    assert!(err.contains("no evidence"), "{err}");
    let (_, err) = medic(&["match", "-", "-g", "examples/guides"])
        .stdin(b"\x00\x01binary")
        .expect(2);
    assert!(err.contains("binary"), "{err}");
    let big = vec![b'a'; 9 * 1024 * 1024];
    let (_, err) = medic(&["match", "-", "-g", "examples/guides"])
        .stdin(&big)
        .expect(2);
    assert!(err.contains("over 8 MiB"), "{err}");
    let (_, err) = medic(&["match", "--alert", "-", "-g", "examples/guides"])
        .stdin(b"{\"alerts\":[{\"labels\":{}}]}")
        .expect(2);
    assert!(err.contains("neither labels nor annotations"), "{err}");
}

#[test]
fn matching_is_deterministic_across_processes() {
    let batch = std::fs::read(repo().join("eval/examples.jsonl")).unwrap();
    let run = || {
        medic(&["match", "--batch", "-", "--json", "-g", "examples/guides"])
            .stdin(&batch)
            .expect(0)
            .0
    };
    let first = run();
    assert!(first.lines().count() > 100);
    for _ in 0..2 {
        assert_eq!(run(), first);
    }
}
