//! Collecting evidence from a live cluster with `kubectl`, so every kubeconfig, context and
//! auth plugin the user already has works: pods, events, workloads and nodes, in parallel,
//! one call each. A call that fails leaves a gap; the rest is still diagnosed.

use std::time::{Duration, Instant};

use medic_exec::{Executor, Job, Outcome};
use thiserror::Error;

use crate::state::{Gap, State};

/// Which part of which cluster to read.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// `--context`; the current context when absent.
    pub context: Option<String>,
    /// `--namespace`; kubectl's current namespace when absent (and not all namespaces).
    pub namespace: Option<String>,
    /// `--all-namespaces`.
    pub all_namespaces: bool,
    /// `--selector` for pods.
    pub selector: Option<String>,
    /// The kubectl program (`kubectl` on `PATH` by default).
    pub kubectl: Option<String>,
    /// `--request-timeout` for each call.
    pub request_timeout: Option<Duration>,
}

impl Scope {
    /// The scope in words: `namespace lab`, `all namespaces`, `the current namespace`.
    #[must_use]
    pub fn describe(&self) -> String {
        let mut s = if self.all_namespaces {
            "all namespaces".to_owned()
        } else {
            match &self.namespace {
                Some(n) => format!("namespace {n}"),
                None => "the current namespace".to_owned(),
            }
        };
        if let Some(sel) = &self.selector {
            s.push_str(&format!(", pods matching `{sel}`"));
        }
        if let Some(c) = &self.context {
            s.push_str(&format!(" in context {c}"));
        }
        s
    }

    fn base_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        if let Some(c) = &self.context {
            args.push(format!("--context={c}"));
        }
        let timeout = self.request_timeout.unwrap_or(Duration::from_secs(20));
        args.push(format!("--request-timeout={}s", timeout.as_secs().max(1)));
        args
    }

    fn namespaced(&self) -> Vec<String> {
        if self.all_namespaces {
            vec!["--all-namespaces".to_owned()]
        } else if let Some(n) = &self.namespace {
            vec![format!("--namespace={n}")]
        } else {
            Vec::new()
        }
    }
}

/// What was collected.
#[derive(Debug, Default)]
pub struct Collection {
    /// The objects read.
    pub state: State,
    /// What could not be read.
    pub gaps: Vec<Gap>,
    /// kubectl calls made.
    pub calls: usize,
    /// Wall time of the collection.
    pub elapsed: Duration,
}

/// Why nothing could be collected.
#[derive(Debug, Error)]
pub enum CollectError {
    /// kubectl is not installed.
    #[error(
        "`{program}` not found on PATH: install kubectl (https://kubernetes.io/docs/tasks/tools/) \
         or diagnose saved objects with --from-dir DIR"
    )]
    NoKubectl {
        /// The program looked for.
        program: String,
    },
    /// Every call failed.
    #[error("kubectl could not read {scope}: {message}\n  {hint}")]
    Failed {
        /// What was asked for.
        scope: String,
        /// What kubectl said.
        message: String,
        /// What to do.
        hint: String,
    },
}

struct Call {
    what: String,
    args: Vec<String>,
}

/// Reads pods, events, workloads and nodes with kubectl, one call each, in parallel,
/// through `executor` (its environment allowlist and time limit apply; give it an output
/// cap large enough for the cluster's JSON).
///
/// # Errors
/// When kubectl is missing, or no call succeeded (no cluster, a context that does not
/// exist, no rights at all). Single failed calls are gaps in the collection.
pub async fn collect(scope: &Scope, executor: &Executor) -> Result<Collection, CollectError> {
    let started = Instant::now();
    let program = scope
        .kubectl
        .clone()
        .unwrap_or_else(|| "kubectl".to_owned());
    let where_ = if scope.all_namespaces {
        "in all namespaces".to_owned()
    } else {
        match &scope.namespace {
            Some(n) => format!("in namespace {n}"),
            None => "in the current namespace".to_owned(),
        }
    };
    let json = |resource: &str| {
        vec![
            "get".to_owned(),
            resource.to_owned(),
            "-o".to_owned(),
            "json".to_owned(),
        ]
    };
    let mut pods = json("pods");
    if let Some(sel) = &scope.selector {
        pods.push(format!("--selector={sel}"));
    }
    let calls = [
        Call {
            what: format!("pods {where_}"),
            args: pods,
        },
        Call {
            what: format!("events {where_}"),
            args: json("events"),
        },
        Call {
            what: format!("workloads {where_}"),
            args: json(
                "deployments.apps,statefulsets.apps,daemonsets.apps,replicasets.apps,jobs.batch",
            ),
        },
        Call {
            what: "nodes".to_owned(),
            args: json("nodes"),
        },
    ];
    let jobs: Vec<Vec<Job>> = calls
        .iter()
        .map(|call| {
            // The subcommand first: kubectl's plugin dispatcher refuses flags before it.
            let mut args = call.args.clone();
            if call.what != "nodes" {
                args.extend(scope.namespaced());
            }
            args.extend(scope.base_args());
            let display = format!("{program} {}", args.join(" "));
            vec![Job::program(&program, args, &display)]
        })
        .collect();
    let results = executor.run_groups(jobs).await;

    let mut collection = Collection {
        calls: calls.len(),
        ..Collection::default()
    };
    let mut failures = Vec::new();
    for (call, transcripts) in calls.iter().zip(results) {
        let what = call.what.clone();
        let Some(t) = transcripts.into_iter().next() else {
            failures.push((what, "the call was not made".to_owned()));
            continue;
        };
        match &t.outcome {
            Outcome::Ok => {}
            Outcome::NotInstalled { .. } => return Err(CollectError::NoKubectl { program }),
            Outcome::TimedOut => {
                failures.push((
                    what,
                    format!("no answer within {} s", executor.limits().timeout.as_secs()),
                ));
                continue;
            }
            Outcome::NotStarted { reason } => {
                failures.push((what, reason.clone()));
                continue;
            }
            Outcome::Failed { .. } | Outcome::Bounded => {
                failures.push((
                    what,
                    kubectl_error(&String::from_utf8_lossy(&t.stderr.bytes)),
                ));
                continue;
            }
        }
        if t.stdout.truncated {
            failures.push((
                what,
                format!(
                    "the output was larger than the {} byte cap",
                    t.stdout.bytes.len()
                ),
            ));
            continue;
        }
        match serde_json::from_slice::<serde_json::Value>(&t.stdout.bytes) {
            Ok(value) => {
                let gaps = collection
                    .state
                    .add_document(value, &format!("kubectl's {what}"));
                collection.gaps.extend(gaps);
            }
            Err(e) => failures.push((
                what,
                format!("kubectl printed something that is not JSON: {e}"),
            )),
        }
    }
    if scope.selector.is_some() {
        // Events and workloads cannot be selected by the pods' labels: keep theirs.
        collection.state.retain_pods(|_| true);
    }
    if failures.len() == collection.calls {
        let (_, message) = failures.swap_remove(0);
        return Err(CollectError::Failed {
            scope: scope.describe(),
            hint: hint(&message).to_owned(),
            message,
        });
    }
    for (what, message) in failures {
        collection.gaps.push(Gap {
            fix: hint(&message).to_owned(),
            what,
            why: message,
        });
    }
    collection.elapsed = started.elapsed();
    Ok(collection)
}

/// The line of kubectl's stderr that says what went wrong (it prints warnings first).
fn kubectl_error(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines
        .iter()
        .find(|l| {
            l.starts_with("error")
                || l.starts_with("Error")
                || l.contains("Unable to connect")
                || l.contains("refused")
        })
        .or(lines.last())
        .map_or_else(
            || "kubectl failed without a message".to_owned(),
            |l| (*l).to_owned(),
        )
}

/// What to do about a kubectl error.
fn hint(message: &str) -> &'static str {
    if message.contains("context")
        && (message.contains("does not exist") || message.contains("not found"))
    {
        "list the contexts with `kubectl config get-contexts` and pass one with --context"
    } else if message.contains("Forbidden") || message.contains("forbidden") {
        "your user may not list this: check with `kubectl auth can-i list pods,events,nodes`, or narrow the scope with --namespace"
    } else if message.contains("refused")
        || message.contains("Unable to connect")
        || message.contains("no such host")
        || message.contains("i/o timeout")
        || message.contains("deadline")
    {
        "the API server did not answer: check `kubectl cluster-info` and the context's server address"
    } else if message.contains("configuration")
        || message.contains("KUBECONFIG")
        || message.contains("localhost:8080")
    {
        "no cluster is configured: set KUBECONFIG or pass --context"
    } else if message.contains("Unauthorized") || message.contains("credentials") {
        "the credentials were refused: log in again (`kubectl get pods` should work)"
    } else {
        "run the same `kubectl get` by hand to see the problem"
    }
}

#[cfg(test)]
mod tests {
    use super::{hint, kubectl_error};

    #[test]
    fn the_error_line_is_picked_past_warnings() {
        let stderr =
            "W1123 10:00:00 warnings.go:70] some warning\nerror: context \"nope\" does not exist\n";
        let e = kubectl_error(stderr);
        assert_eq!(e, "error: context \"nope\" does not exist");
        assert!(hint(&e).contains("get-contexts"));
        assert!(hint("The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?").contains("cluster-info"));
    }
}
