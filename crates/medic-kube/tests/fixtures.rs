//! Findings from a real cluster's state: `tests/fixtures/lab/*.json` were recorded with
//! `scripts/kube-lab record` from the lab cluster (Kubernetes 1.20.2 built from Debian's
//! sources) running `examples/kube/scenarios.yaml`; they are not written by hand.

use std::path::Path;

use medic_kube::{Kind, Options, findings, from_dir};

fn lab() -> Vec<medic_kube::Finding> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lab");
    let collection = from_dir(&dir).expect("fixtures read");
    assert!(collection.gaps.is_empty(), "{:?}", collection.gaps);
    findings(&collection.state, &Options::default())
}

fn one<'a>(all: &'a [medic_kube::Finding], object: &str) -> &'a medic_kube::Finding {
    let found: Vec<_> = all
        .iter()
        .filter(|f| f.object.kind == "Pod" && f.object.name.starts_with(object))
        .collect();
    assert_eq!(found.len(), 1, "{object}: {found:#?}");
    found[0]
}

#[test]
fn every_scenario_is_found_once_with_its_reason() {
    let all = lab();
    let expected = [
        ("api-", Kind::CrashLoop, "CrashLoopBackOff"),
        ("oom", Kind::OomKilled, "OOMKilled"),
        ("badimage", Kind::ImagePull, "ImagePullBackOff"),
        ("neverpull", Kind::ImagePull, "ErrImageNeverPull"),
        ("unschedulable", Kind::Unschedulable, "FailedScheduling"),
        ("liveness", Kind::ProbeFailed, "LivenessProbeFailed"),
        ("nocni", Kind::SandboxFailed, "FailedCreatePodSandBox"),
        ("lister", Kind::Forbidden, "Forbidden"),
    ];
    for (object, kind, name) in expected {
        let f = one(&all, object);
        assert_eq!(f.kind, kind, "{object}");
        assert_eq!(f.name(), name, "{object}");
        assert_eq!(f.object.namespace, "lab");
    }
    // The healthy pod gives nothing; the Deployment gives its own finding.
    assert!(all.iter().all(|f| f.object.name != "ok"), "{all:#?}");
    let deployment: Vec<_> = all
        .iter()
        .filter(|f| f.object.kind == "Deployment")
        .collect();
    assert_eq!(deployment.len(), 1, "{all:#?}");
    assert_eq!(deployment[0].kind, Kind::ReplicasUnavailable);
    assert_eq!(deployment[0].name(), "DeploymentReplicasUnavailable");
    assert_eq!(all.len(), expected.len() + 1, "{all:#?}");
}

#[test]
fn findings_carry_what_a_person_and_the_guides_need() {
    let all = lab();
    let oom = one(&all, "oom");
    assert_eq!(oom.container.as_deref(), Some("main"));
    assert_eq!(oom.node.as_deref(), Some("localhost"));
    assert!(oom.summary.contains("exit code 137"), "{}", oom.summary);
    assert!(oom.summary.contains("memory limit 64Mi"), "{}", oom.summary);

    let crash = one(&all, "api-");
    assert_eq!(crash.workload.to_string(), "Deployment lab/api");
    assert!(
        crash
            .details
            .iter()
            .any(|d| d.contains("fatal: cannot connect to db")),
        "the termination message (log tail) is evidence: {:?}",
        crash.details
    );

    let forbidden = one(&all, "lister");
    assert_eq!(forbidden.service_account.as_deref(), Some("reader"));
    assert!(
        forbidden.summary.contains("cannot list resource \"pods\""),
        "{}",
        forbidden.summary
    );

    let pending = one(&all, "unschedulable");
    assert!(
        pending
            .summary
            .contains("0/1 nodes are available: 1 Insufficient cpu."),
        "{}",
        pending.summary
    );

    let neverpull = one(&all, "neverpull");
    assert!(
        neverpull.summary.contains("lab.local/notthere:1.0"),
        "{}",
        neverpull.summary
    );

    // The liveness probe's restarts are part of its finding, not a crash loop of their own.
    let probe = one(&all, "liveness");
    assert!(
        probe.summary.contains("Liveness probe failed"),
        "{}",
        probe.summary
    );
}

#[test]
fn alerts_are_stable_and_fill_placeholders() {
    let all = lab();
    let again = lab();
    for (a, b) in all.iter().zip(&again) {
        assert_eq!(a.alert(), b.alert());
    }
    let alert = one(&all, "api-").alert();
    assert_eq!(
        alert.labels.get("alertname").map(String::as_str),
        Some("CrashLoopBackOff")
    );
    assert_eq!(
        alert.labels.get("namespace").map(String::as_str),
        Some("lab")
    );
    assert_eq!(
        alert.labels.get("deployment").map(String::as_str),
        Some("api")
    );
    assert_eq!(
        alert.labels.get("container").map(String::as_str),
        Some("main")
    );
    assert!(
        alert
            .labels
            .get("pod")
            .is_some_and(|p| p.starts_with("api-"))
    );
    assert!(!alert.starts_at.is_empty());
    // A pull error alternates between ErrImagePull and ImagePullBackOff: still one failure.
    let pull = one(&all, "badimage");
    let mut flipped = pull.clone();
    flipped.reason = if pull.reason == "ErrImagePull" {
        "ImagePullBackOff"
    } else {
        "ErrImagePull"
    }
    .to_owned();
    assert_ne!(flipped.name(), pull.name());
    assert_eq!(flipped.fingerprint(), pull.fingerprint());
    let fingerprints: std::collections::BTreeSet<String> =
        all.iter().map(|f| f.fingerprint()).collect();
    assert_eq!(fingerprints.len(), all.len(), "one fingerprint per finding");
}

#[test]
fn a_selector_keeps_only_its_pods_events_and_owners() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lab");
    let mut state = from_dir(&dir).expect("fixtures read").state;
    state.retain_pods(|p| p.metadata.labels.get("app").map(String::as_str) == Some("api"));
    let all = findings(&state, &Options::default());
    assert!(
        all.iter()
            .all(|f| f.workload.to_string() == "Deployment lab/api"),
        "{all:#?}"
    );
    assert_eq!(all.len(), 2);
}
