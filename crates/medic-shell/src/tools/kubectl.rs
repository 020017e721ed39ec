//! `kubectl` and OpenShift's `oc`: which verbs only read cluster state.
//!
//! The verb is the first positional argument after the global flags
//! (`-n ns`, `--context=x`, `--kubeconfig …`); some verbs (`rollout`, `auth`,
//! `config`, `cluster-info`) decide on the word after them. `--dry-run` on a
//! mutating verb makes it print the object instead of changing it, which is a
//! read; `exec` is always a write because it runs arbitrary code in a
//! container; `port-forward` and `proxy` are unknown and long-running: they
//! change nothing, but they open a listener into the cluster.

use crate::tools::Call;
use crate::tools::args::{FlagSpec, Parsed, parse};
use crate::verdict::{Safety, Verdict};

/// Flags of kubectl and oc that take a value, global or common to subcommands.
const SPEC: FlagSpec = FlagSpec {
    short_values: "nlocsLv",
    long_values: &[
        "--namespace",
        "--context",
        "--kubeconfig",
        "--cluster",
        "--user",
        "--server",
        "--token",
        "--as",
        "--as-group",
        "--as-uid",
        "--request-timeout",
        "--cache-dir",
        "--certificate-authority",
        "--client-certificate",
        "--client-key",
        "--tls-server-name",
        "--selector",
        "--output",
        "--container",
        "--field-selector",
        "--sort-by",
        "--tail",
        "--since",
        "--since-time",
        "--revision",
        "--to-revision",
        "--timeout",
        "--type",
        "--patch",
        "--replicas",
        "--image",
        "--port",
        "--template",
        "--for",
        "--profile",
        "--limit-bytes",
        "--max-log-requests",
        "--label-columns",
        "--chunk-size",
        "--output-directory",
        "--subresource",
        "--from-literal",
        "--from-file",
        "--from-env-file",
        "--filename",
    ],
};

/// Verbs that only read.
const READ_VERBS: &[&str] = &[
    "get",
    "describe",
    "logs",
    "top",
    "explain",
    "version",
    "api-resources",
    "api-versions",
    "events",
    "diff",
    "kustomize",
    "wait",
    "completion",
    "options",
];

/// Verbs that change cluster state and accept `--dry-run`.
const DRY_RUNNABLE: &[&str] = &[
    "create",
    "apply",
    "patch",
    "delete",
    "replace",
    "scale",
    "annotate",
    "label",
    "set",
    "expose",
    "run",
    "autoscale",
    "taint",
    "drain",
    "cordon",
    "uncordon",
    "rollout",
];

/// Verbs that change state (or run code) and what they do.
const WRITE_VERBS: &[(&str, &str)] = &[
    ("apply", "changes cluster objects"),
    ("create", "creates cluster objects"),
    ("delete", "deletes cluster objects"),
    ("patch", "changes cluster objects"),
    ("edit", "changes cluster objects"),
    ("replace", "replaces cluster objects"),
    ("scale", "changes the number of replicas"),
    ("autoscale", "creates an autoscaler"),
    ("annotate", "changes annotations"),
    ("label", "changes labels"),
    ("set", "changes cluster objects"),
    ("taint", "changes node taints"),
    ("exec", "runs a command inside a container"),
    ("cp", "copies files into or out of a container"),
    ("drain", "evicts pods from a node"),
    ("cordon", "marks a node unschedulable"),
    ("uncordon", "marks a node schedulable"),
    ("run", "starts a pod"),
    ("expose", "creates a service"),
    ("debug", "starts a debugging container"),
    ("certificate", "approves or denies certificates"),
    ("attach", "attaches to a running container"),
];

/// Classifies a `kubectl` or `oc` invocation.
pub(crate) fn classify(call: &Call<'_>) -> Verdict {
    let tool = call.program;
    let p = parse(call.args, &SPEC);
    let Some(verb) = p.pos(0) else {
        if p.has(&["--version", "--help", "-h"]) {
            return Verdict::read(format!("`{tool} --version` prints the version"));
        }
        return Verdict::unknown(format!("`{tool}` without a subcommand"));
    };
    let sub = p.pos(1).unwrap_or_default();
    let name = format!("`{tool} {verb}`");

    if let Some(verdict) = dry_run(tool, verb, &p) {
        return verdict;
    }
    if tool == "oc"
        && let Some(verdict) = openshift(verb, &p)
    {
        return verdict;
    }
    match verb {
        "get" => {
            let mut v = Verdict::read(format!("{name} reads cluster state"));
            if p.positionals.iter().skip(1).any(|r| names_secret(r)) {
                v.push_reason(format!(
                    "{name} on secrets prints secret data; output must be redacted"
                ));
            }
            if p.has(&["-w", "--watch", "--watch-only"]) {
                v = v.long_running(format!("{name} --watch does not end by itself"));
            }
            v
        }
        "logs" => {
            let v = Verdict::read(format!("{name} reads container logs"));
            if p.has(&["-f", "--follow"]) {
                v.long_running(format!("{name} --follow does not end by itself"))
            } else {
                v
            }
        }
        "events" => {
            let v = Verdict::read(format!("{name} reads cluster events"));
            if p.has(&["-w", "--watch"]) {
                v.long_running(format!("{name} --watch does not end by itself"))
            } else {
                v
            }
        }
        "rollout" => match sub {
            "status" | "history" => {
                Verdict::read(format!("`{tool} rollout {sub}` reads rollout state"))
            }
            "restart" | "undo" | "pause" | "resume" => {
                Verdict::write(format!("`{tool} rollout {sub}` changes a running workload"))
            }
            _ => Verdict::unknown(format!("`{tool} rollout {sub}` is not known to medic")),
        },
        "auth" => match sub {
            "can-i" | "whoami" => {
                Verdict::read(format!("`{tool} auth {sub}` asks about permissions"))
            }
            "reconcile" => Verdict::write(format!("`{tool} auth reconcile` changes RBAC rules")),
            _ => Verdict::unknown(format!("`{tool} auth {sub}` is not known to medic")),
        },
        "config" => match sub {
            "view" | "get-contexts" | "get-clusters" | "get-users" | "current-context" => {
                Verdict::read(format!("`{tool} config {sub}` reads the kubeconfig"))
            }
            _ => Verdict::write(format!("`{tool} config {sub}` changes the kubeconfig")),
        },
        "cluster-info" => {
            if sub == "dump" && p.value(&["--output-directory"]).is_some() {
                Verdict::write(format!(
                    "`{tool} cluster-info dump --output-directory` writes files"
                ))
            } else {
                Verdict::read(format!("{name} reads cluster state"))
            }
        }
        "plugin" if sub == "list" => Verdict::read(format!("`{tool} plugin list` lists plugins")),
        "port-forward" => {
            Verdict::unknown(format!("{name} opens a local listener into the cluster"))
                .long_running(format!("{name} does not end by itself"))
        }
        "proxy" => Verdict::unknown(format!("{name} opens a local proxy to the API server"))
            .long_running(format!("{name} does not end by itself")),
        _ if READ_VERBS.contains(&verb) => Verdict::read(format!("{name} reads cluster state")),
        _ => match WRITE_VERBS.iter().find(|(w, _)| *w == verb) {
            Some((_, what)) => {
                let mut v = Verdict::write(format!("{name} {what}"));
                if verb == "exec" {
                    let inner = p.rest.join(" ");
                    if !inner.is_empty() {
                        v.push_reason(format!("runs `{inner}` in the container"));
                    }
                }
                v
            }
            None => Verdict::unknown(format!("{name} is not a subcommand medic knows")),
        },
    }
}

/// `--dry-run` on a mutating verb only prints the object.
fn dry_run(tool: &str, verb: &str, p: &Parsed<'_>) -> Option<Verdict> {
    if !DRY_RUNNABLE.contains(&verb) {
        return None;
    }
    let flag = p.flags.iter().rev().find(|f| f.name == "--dry-run")?;
    match flag.value {
        None | Some("client" | "server" | "true") => Some(Verdict::read(format!(
            "`{tool} {verb}` with `--dry-run` only prints the result"
        ))),
        Some(_) => None,
    }
}

/// Verbs only OpenShift's `oc` has.
fn openshift(verb: &str, p: &Parsed<'_>) -> Option<Verdict> {
    match verb {
        "whoami" | "status" | "projects" => {
            Some(Verdict::read(format!("`oc {verb}` reads cluster state")))
        }
        "project" if p.pos(1).is_none() => {
            Some(Verdict::read("`oc project` shows the current project"))
        }
        "project" => Some(Verdict::write(
            "`oc project NAME` switches the current project",
        )),
        "adm" if p.pos(1) == Some("top") => Some(Verdict::read("`oc adm top` reads usage")),
        "adm" => Some(Verdict::new(
            Safety::Unknown,
            "`oc adm` administers the cluster",
        )),
        _ => None,
    }
}

/// Whether a resource argument names secrets (`secret`, `secrets/x`, `pods,secret`).
fn names_secret(resource: &str) -> bool {
    resource
        .split(',')
        .filter_map(|r| r.split('/').next())
        .any(|r| matches!(r, "secret" | "secrets"))
}

#[cfg(test)]
mod tests {
    use super::names_secret;

    #[test]
    fn secret_resources() {
        assert!(names_secret("secret"));
        assert!(names_secret("pods,secrets"));
        assert!(names_secret("secret/x"));
        assert!(!names_secret("secretstores"));
    }
}
