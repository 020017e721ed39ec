//! `medic diagnose --kube` and `medic serve --kube-scan` against a real cluster: etcd,
//! kube-apiserver, controller-manager, scheduler, containerd and kubelet (Kubernetes
//! 1.20.2 built from Debian's sources by `scripts/kube-lab build`), started on loopback
//! by `scripts/kube-lab`, running the broken workloads of `examples/kube/scenarios.yaml`.
//!
//! One test does it all: a kubelet owns fixed system paths, so one cluster runs at a time.
#![expect(
    clippy::unwrap_used,
    reason = "a failed setup step should fail the test"
)]

#[allow(dead_code)]
#[path = "serve/harness.rs"]
mod harness;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The lab cluster, stopped (and its system paths removed) on drop.
struct Lab {
    dir: tempfile::TempDir,
}

impl Lab {
    fn start() -> Self {
        let cache = std::env::var("MEDIC_KUBE_CACHE").map_or_else(
            |_| {
                PathBuf::from(std::env::var("HOME").unwrap_or_default())
                    .join(".cache/medic/kubernetes-1.20.2")
            },
            PathBuf::from,
        );
        assert!(
            cache.join("bin/kubelet").exists(),
            "no Kubernetes binaries in {}: run `scripts/kube-lab build` once (about 12 min; \
             .ci/run does it)",
            cache.display()
        );
        let lab = Self {
            dir: tempfile::tempdir().unwrap(),
        };
        lab.script(&["start"]);
        lab.script(&["scenarios"]);
        lab
    }

    fn script(&self, args: &[&str]) {
        let mut all: Vec<&str> = args.to_vec();
        let dir = self.dir.path().to_str().unwrap();
        all.push(dir);
        #[expect(clippy::disallowed_methods, reason = "the test drives the lab script")]
        let out = Command::new(repo().join("scripts/kube-lab"))
            .args(&all)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "scripts/kube-lab {args:?} failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn kubeconfig(&self) -> String {
        self.dir
            .path()
            .join("kubeconfig")
            .to_str()
            .unwrap()
            .to_owned()
    }

    fn kubectl(&self, args: &[&str]) -> Output {
        #[expect(clippy::disallowed_methods, reason = "the test changes the cluster")]
        Command::new("kubectl")
            .args(args)
            .env("KUBECONFIG", self.kubeconfig())
            .output()
            .unwrap()
    }

    fn medic(&self, args: &[&str]) -> Output {
        #[expect(clippy::disallowed_methods, reason = "tests run the real binary")]
        Command::new(env!("CARGO_BIN_EXE_medic"))
            .args(args)
            .current_dir(repo())
            .env("KUBECONFIG", self.kubeconfig())
            .env("NO_COLOR", "1")
            .env_remove("MEDIC_GUIDES")
            .env_remove("MEDIC_CONFIG")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        let dir = self.dir.path().to_str().unwrap_or_default().to_owned();
        #[expect(clippy::disallowed_methods, reason = "the test stops the lab")]
        let _ = Command::new(repo().join("scripts/kube-lab"))
            .args(["stop", &dir])
            .stdin(Stdio::null())
            .output();
    }
}

/// Each line of stdout as JSON (`--json` prints one document per line).
fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The scenarios, the problem of `examples/guides/kubernetes-pods.md` each must match, and
/// what the problem's live checks must show.
const EXPECTED: &[(&str, &str, &str, &str)] = &[
    (
        "Pod",
        "api-",
        "crashloopbackoff",
        "fatal: cannot connect to db",
    ),
    ("Pod", "oom", "oomkilled-exit-code-137", "OOMKilled"),
    (
        "Pod",
        "badimage",
        "imagepullbackoff--errimagepull",
        "127.0.0.1:5999/app:1.0",
    ),
    (
        "Pod",
        "neverpull",
        "imagepullbackoff--errimagepull",
        "Never",
    ),
    (
        "Pod",
        "unschedulable",
        "pod-stuck-in-pending-or-containercreating",
        "Insufficient cpu",
    ),
    (
        "Pod",
        "liveness",
        "liveness-and-readiness-probe-failures",
        "Liveness probe failed",
    ),
    (
        "Pod",
        "nocni",
        "pod-stuck-in-pending-or-containercreating",
        "FailedCreatePodSandBox",
    ),
    ("Pod", "lister", "rbac-forbidden", "reader"),
    (
        "Deployment",
        "api",
        "deployment-has-unavailable-replicas",
        "MinimumReplicasUnavailable",
    ),
];

fn object_matches(object: &str, kind: &str, name: &str) -> bool {
    let Some(rest) = object.strip_prefix(&format!("{kind} lab/")) else {
        return false;
    };
    if name.ends_with('-') {
        rest.starts_with(name)
    } else {
        rest == name
    }
}

#[test]
fn diagnoses_a_live_cluster_and_scans_it_from_serve() {
    let lab = Lab::start();

    // Every scenario is found once, matched to its problem, and its checks ran live.
    let started = Instant::now();
    let out = lab.medic(&[
        "diagnose",
        "--kube",
        "-A",
        "-g",
        "examples/guides",
        "--json",
    ]);
    let elapsed = started.elapsed();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "findings exit 1\n{stderr}");
    assert!(stderr.contains("with 4 kubectl calls"), "{stderr}");
    let reports = json_lines(&stdout);
    for (kind, name, problem, shows) in EXPECTED {
        let found: Vec<&Value> = reports
            .iter()
            .filter(|r| object_matches(r["evidence"]["object"].as_str().unwrap_or(""), kind, name))
            .collect();
        assert_eq!(found.len(), 1, "{kind} {name}: {found:#?}\n{stderr}");
        let report = found[0];
        assert_eq!(
            report["problem"]["id"],
            format!("kubernetes-pods.md#{problem}"),
            "{kind} {name}: {}",
            report["evidence"]
        );
        let outputs: String = report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| c["steps"].as_array().unwrap())
            .filter_map(|s| s["run"]["stdout"].as_str())
            .collect();
        assert!(
            outputs.contains(shows),
            "{kind} {name}: the live checks should show `{shows}`:\n{outputs}"
        );
        let solutions = report["causes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["solution"].is_string())
            .count();
        assert!(
            !report["fixes"].as_array().unwrap().is_empty() || solutions > 0,
            "{kind} {name}: documented fixes"
        );
    }
    assert_eq!(reports.len(), EXPECTED.len(), "{stdout}");
    // The OOM problem's `kubectl describe pod` names the kill.
    let oom = reports
        .iter()
        .find(|r| r["evidence"]["object"] == "Pod lab/oom")
        .unwrap();
    let describe = oom["checks"][0]["steps"][1]["run"]["stdout"]
        .as_str()
        .unwrap();
    assert!(describe.contains("OOMKilled"), "{describe}");
    eprintln!("diagnose --kube -A: {} ms", elapsed.as_millis());

    // The terminal report groups findings per workload.
    let out = lab.medic(&["diagnose", "--kube", "-n", "lab", "-g", "examples/guides"]);
    let (stdout, _) = text(&out);
    let group = stdout.find("  Deployment lab/api\n").expect(&stdout);
    let crash = stdout
        .find("CrashLoopBackOff container main of pod lab/api-")
        .expect(&stdout);
    assert!(group < crash, "{stdout}");
    assert!(stdout.contains("Fixes (from the guide; medic does not run them):"));

    // A selector keeps its pods, their owners and events.
    let out = lab.medic(&[
        "diagnose",
        "--kube",
        "-n",
        "lab",
        "-l",
        "app=api",
        "-g",
        "examples/guides",
        "--findings-only",
        "--json",
    ]);
    let (stdout, stderr) = text(&out);
    let names: Vec<String> = json_lines(&stdout)
        .iter()
        .map(|v| v["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        names,
        ["DeploymentReplicasUnavailable", "CrashLoopBackOff"],
        "{stderr}"
    );

    // --context: an existing one works, a missing one is a clear error.
    let out = lab.medic(&[
        "diagnose",
        "--kube",
        "--context",
        "lab",
        "-n",
        "lab",
        "-l",
        "app=api",
        "-g",
        "examples/guides",
    ]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stdout.contains("✓ 1. Check pod status and restart count  ok"),
        "the checks' kubectl read the context's cluster:\n{stdout}"
    );
    let out = lab.medic(&[
        "diagnose",
        "--kube",
        "--context",
        "nope",
        "-g",
        "examples/guides",
    ]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("context nope"), "{stderr}");
    assert!(stderr.contains("kubectl config get-contexts"), "{stderr}");

    // The saved state of the same cluster gives the same findings offline, checks skipped.
    let saved = tempfile::tempdir().unwrap();
    let saved_dir = saved.path().to_str().unwrap();
    #[expect(clippy::disallowed_methods, reason = "the test records the cluster")]
    let recorded = Command::new(repo().join("scripts/kube-lab"))
        .args(["record", lab.dir.path().to_str().unwrap(), saved_dir])
        .output()
        .unwrap();
    assert!(
        recorded.status.success(),
        "{}",
        String::from_utf8_lossy(&recorded.stderr)
    );
    let out = lab.medic(&[
        "diagnose",
        "--kube",
        "--from-dir",
        saved_dir,
        "-g",
        "examples/guides",
        "--json",
    ]);
    let (stdout, stderr) = text(&out);
    let offline = json_lines(&stdout);
    assert_eq!(offline.len(), EXPECTED.len(), "{stderr}");
    assert!(offline.iter().all(|r| r["summary"]["ok"] == 0), "{stdout}");

    // `medic serve --kube-scan` files every finding as one incident and diagnoses it.
    let db = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", db.path().join("medic.db").display());
    let kubeconfig = lab.kubeconfig();
    let server = harness::Server::start_env(
        0,
        &url,
        &harness::config(""),
        &["--kube-scan", "2s", "--kube-namespace", "lab"],
        &[("KUBECONFIG", kubeconfig.as_str())],
    );
    let incidents = harness::wait_for("an incident per finding", Duration::from_secs(90), || {
        let all = server.incidents("?limit=100");
        let done = all.iter().filter(|i| i["state"] == "done").count();
        (all.len() >= EXPECTED.len() && done == all.len()).then_some(all)
    });
    // Repeated scans do not open new incidents.
    std::thread::sleep(Duration::from_secs(5));
    let again = server.incidents("?limit=100");
    assert_eq!(again.len(), incidents.len(), "{again:#?}");
    for (kind, name, problem, _) in EXPECTED {
        let hit = incidents.iter().find(|i| {
            let labels = &i["labels"];
            let object = match *kind {
                "Pod" => labels["pod"].as_str(),
                _ => labels["deployment"]
                    .as_str()
                    .filter(|_| labels["pod"].is_null()),
            };
            object.is_some_and(|o| {
                if name.ends_with('-') {
                    o.starts_with(name)
                } else {
                    o == *name
                }
            })
        });
        let hit = hit.unwrap_or_else(|| panic!("{kind} {name}: {incidents:#?}"));
        let full = server.incident(hit["id"].as_i64().unwrap());
        assert_eq!(
            full["problem_id"],
            format!("kubernetes-pods.md#{problem}"),
            "{kind} {name}: {}",
            full["report"]["evidence"]
        );
    }
    // A fixed failure resolves its incident.
    let deleted = lab.kubectl(&[
        "delete",
        "pod",
        "unschedulable",
        "-n",
        "lab",
        "--wait=false",
    ]);
    assert!(deleted.status.success());
    let id = incidents
        .iter()
        .find(|i| i["labels"]["pod"] == "unschedulable")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    harness::wait_for("the incident to resolve", Duration::from_secs(60), || {
        (server.incident(id)["status"] == "resolved").then_some(())
    });
}
