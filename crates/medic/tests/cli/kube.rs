//! `medic diagnose --kube` without a cluster: saved state (`--from-dir`, the fixtures
//! recorded from the lab cluster by `scripts/kube-lab record`), and the errors a user
//! meets — no kubectl, no cluster answering, broken files, nothing to read.

use serde_json::Value;

use super::medic;

const FIXTURES: &str = "crates/medic-kube/tests/fixtures/lab";

#[test]
fn saved_state_is_diagnosed_offline_with_checks_skipped() {
    let (out, err) = medic(&[
        "diagnose",
        "--kube",
        "--from-dir",
        FIXTURES,
        "-g",
        "examples/guides",
        "--json",
    ])
    .expect(1);
    assert!(err.contains("from saved files"), "{err}");
    let reports: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let problem_of = |object: &str| {
        reports
            .iter()
            .find(|r| r["evidence"]["object"] == object)
            .map(|r| r["problem"]["id"].as_str().unwrap().to_owned())
            .unwrap_or_else(|| panic!("no report on {object}: {out}"))
    };
    assert_eq!(
        problem_of("Pod lab/oom"),
        "kubernetes-pods.md#oomkilled-exit-code-137"
    );
    assert_eq!(
        problem_of("Pod lab/lister"),
        "kubernetes-pods.md#rbac-forbidden"
    );
    assert_eq!(
        problem_of("Pod lab/unschedulable"),
        "kubernetes-pods.md#pod-stuck-in-pending-or-containercreating"
    );
    assert_eq!(
        problem_of("Deployment lab/api"),
        "kubernetes-pods.md#deployment-has-unavailable-replicas"
    );
    for r in &reports {
        assert_eq!(r["summary"]["ok"], 0, "nothing runs offline: {r}");
        let reason = r["checks"][0]["reason"].as_str().unwrap_or_default();
        assert!(reason.contains("not a live cluster"), "{r}");
        // The finding's values filled the placeholders.
        let vars: Vec<&str> = r["vars"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["name"].as_str().unwrap())
            .collect();
        assert!(vars.contains(&"namespace"), "{vars:?}");
    }
}

#[test]
fn a_broken_file_is_a_gap_and_the_rest_is_diagnosed() {
    let dir = tempfile::tempdir().unwrap();
    let repo = super::repo();
    std::fs::copy(
        repo.join(FIXTURES).join("pods.json"),
        dir.path().join("pods.json"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("events.json"),
        "{\n  \"kind\": \"List\",\n  \"items\": [\n",
    )
    .unwrap();
    let path = dir.path().to_str().unwrap();
    let (out, err) = medic(&[
        "diagnose",
        "--kube",
        "--from-dir",
        path,
        "-g",
        "examples/guides",
        "--findings-only",
    ])
    .expect(1);
    assert!(
        err.contains("events.json could not be read: not JSON at line 4"),
        "{err}"
    );
    assert!(out.contains("OOMKilled"), "{out}");
}

#[test]
fn nothing_to_read_no_kubectl_and_no_cluster_are_clear_errors() {
    let empty = tempfile::tempdir().unwrap();
    let (_, err) = medic(&[
        "diagnose",
        "--kube",
        "--from-dir",
        empty.path().to_str().unwrap(),
        "-g",
        "examples/guides",
    ])
    .expect(2);
    assert!(
        err.contains("no Kubernetes objects in") && err.contains("kubectl get"),
        "{err}"
    );

    let (_, err) = medic(&["diagnose", "--kube", "-g", "examples/guides"])
        .env("PATH", "/nonexistent")
        .expect(2);
    assert!(
        err.contains("`kubectl` not found on PATH") && err.contains("--from-dir"),
        "{err}"
    );

    // A kubeconfig whose server does not answer.
    let dir = tempfile::tempdir().unwrap();
    let port = medic_testkit::free_port().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {{server: \"https://127.0.0.1:{port}\"}}\n\
             users:\n- name: u\n  user: {{token: t}}\ncontexts:\n- name: c\n  context: {{cluster: c, user: u}}\ncurrent-context: c\n"
        ),
    )
    .unwrap();
    let (_, err) = medic(&["diagnose", "--kube", "-n", "shop", "-g", "examples/guides"])
        .env("KUBECONFIG", kubeconfig.to_str().unwrap())
        .expect(2);
    assert!(
        err.contains("kubectl could not read namespace shop"),
        "{err}"
    );
    assert!(err.contains("kubectl cluster-info"), "{err}");

    // --kube takes no text.
    let (_, err) = medic(&["diagnose", "--kube", "some text", "-g", "examples/guides"]).expect(2);
    assert!(err.contains("cannot be used with"), "{err}");
}
