//! The public corpus (testdata/public-runbooks, ~400 real runbooks and troubleshooting
//! docs, provenance in SOURCES.tsv) loads in full, with the problem counts a person
//! checked per directory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}

fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("corpus directory is readable")
        .map(|e| e.expect("corpus entry is readable").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            markdown_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

/// (directory, files, problems). Checked by reading a sample: every prometheus-operator
/// `kubernetes/` runbook is one alert with Meaning/Impact/Diagnosis/Mitigation (51 files,
/// 51 problems); openshift `helpers/` pages are how-tos, not problems (75 files, 64
/// problems); `[Deprecated]` and "moved to" stubs hold no problem; debug-pods.md yields its
/// six "My pod …" / "My service …" questions; the FAQ pages one problem per question.
const EXPECTED: &[(&str, usize, usize)] = &[
    ("argo-cd-docs", 3, 34),
    ("cert-manager-docs", 4, 27),
    ("cloudnative-pg-docs", 2, 12),
    ("etcd-docs", 4, 25),
    ("helm-docs", 1, 8),
    ("kubernetes-docs", 9, 34),
    ("metrics-server", 2, 21),
    ("openshift-runbooks", 1, 1),
    (
        "openshift-runbooks/advanced-cluster-management-operator",
        6,
        6,
    ),
    ("openshift-runbooks/cluster-dns-operator", 1, 1),
    ("openshift-runbooks/cluster-etcd-operator", 10, 10),
    ("openshift-runbooks/cluster-image-registry-operator", 2, 2),
    ("openshift-runbooks/cluster-kube-apiserver-operator", 5, 5),
    (
        "openshift-runbooks/cluster-kube-controller-manager-operator",
        4,
        4,
    ),
    ("openshift-runbooks/cluster-kube-descheduler-operator", 1, 1),
    ("openshift-runbooks/cluster-kube-scheduler-operator", 1, 1),
    ("openshift-runbooks/cluster-logging-operator", 5, 4),
    ("openshift-runbooks/cluster-monitoring-operator", 34, 32),
    ("openshift-runbooks/cluster-network-operator", 10, 10),
    (
        "openshift-runbooks/cluster-openshift-apiserver-operator",
        1,
        1,
    ),
    ("openshift-runbooks/cluster-version-operator", 2, 2),
    ("openshift-runbooks/machine-config-operator", 10, 10),
    ("openshift-runbooks/network-observability-operator", 14, 14),
    (
        "openshift-runbooks/openshift-container-storage-operator",
        75,
        64,
    ),
    (
        "openshift-runbooks/openshift-virtualization-operator",
        89,
        86,
    ),
    ("prometheus-operator-runbooks/alertmanager", 7, 7),
    ("prometheus-operator-runbooks/etcd", 7, 7),
    ("prometheus-operator-runbooks/general", 4, 4),
    ("prometheus-operator-runbooks/kube-state-metrics", 4, 4),
    ("prometheus-operator-runbooks/kubernetes", 51, 51),
    ("prometheus-operator-runbooks/node", 16, 15),
    ("prometheus-operator-runbooks/prometheus", 19, 17),
    ("prometheus-operator-runbooks/prometheus-operator", 8, 8),
    ("thanos-docs", 1, 5),
];

#[test]
fn every_corpus_file_parses_with_the_checked_problem_counts() {
    let root = testdata().join("public-runbooks");
    let mut files = Vec::new();
    markdown_files(&root, &mut files);
    assert!(files.len() > 400, "corpus has {} files", files.len());
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for path in &files {
        let rel = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(path).unwrap();
        let guide = medic_guide::parse(&rel, &text);
        for p in &guide.problems {
            assert!(p.id.starts_with(&format!("{rel}#")), "{}", p.id);
            assert!(!p.symptoms.is_empty(), "{} has no symptom text", p.id);
            assert!(
                p.span.line >= 1 && p.span.end_line <= guide.lines.max(1),
                "{}",
                p.id
            );
        }
        let parts: Vec<&str> = rel.split('/').collect();
        let key = if parts.len() > 2
            && (parts[0] == "openshift-runbooks" || parts[0] == "prometheus-operator-runbooks")
        {
            format!("{}/{}", parts[0], parts[1])
        } else {
            parts[0].to_owned()
        };
        let entry = counts.entry(key).or_default();
        entry.0 += 1;
        entry.1 += guide.problems.len();
    }
    let expected: BTreeMap<String, (usize, usize)> = EXPECTED
        .iter()
        .map(|(k, f, p)| ((*k).to_owned(), (*f, *p)))
        .collect();
    assert_eq!(counts, expected);
}

#[test]
fn alert_runbooks_are_one_problem_named_by_the_alert() {
    let path = testdata()
        .join("public-runbooks/prometheus-operator-runbooks/kubernetes/KubePodCrashLooping.md");
    let text = std::fs::read_to_string(path).unwrap();
    let guide = medic_guide::parse("KubePodCrashLooping.md", &text);
    assert_eq!(
        guide.front_matter.get("title").map(String::as_str),
        Some("Kube Pod Crash Looping")
    );
    assert_eq!(guide.problems.len(), 1);
    let p = &guide.problems[0];
    assert_eq!(p.id, "KubePodCrashLooping.md#kubepodcrashlooping");
    assert!(p.symptoms[0].text.starts_with("Pod is in CrashLoop"));
    assert_eq!(p.impact.len(), 1);
    assert!(p.checks.len() >= 3, "{:#?}", p.checks);
    assert!(
        p.checks
            .iter()
            .flat_map(|c| &c.commands)
            .any(|c| c.text == "kubectl -n $NAMESPACE describe pod $POD"),
        "{:#?}",
        p.checks
    );
    assert!(!p.fixes.is_empty());
    assert!(p.signals.iter().any(|s| s.value == "KubePodCrashLooping"));
}
