//! Findings: what is wrong in the cluster state, each with the object it concerns and the
//! workload that owns it. Reasons are read, not only statuses: a condition can be `False`
//! and healthy (`MemoryPressure=False`), a pod `Running` and crash-looping.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;

use crate::model::{ContainerStatus, Event, Node, Pod, Workload};
use crate::state::State;

/// What kind of failure a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A container waiting in `CrashLoopBackOff`.
    CrashLoop,
    /// A container killed for exceeding its memory limit (exit code 137).
    OomKilled,
    /// An image that cannot be pulled, or is never pulled.
    ImagePull,
    /// A container that cannot be created from its spec (missing ConfigMap/Secret key …).
    ContainerConfig,
    /// A pod no node can take.
    Unschedulable,
    /// A failing liveness, readiness or startup probe.
    ProbeFailed,
    /// A pod sandbox (network, cgroups) that cannot be created.
    SandboxFailed,
    /// A volume that cannot be mounted or attached.
    MountFailed,
    /// A pod evicted by its node.
    Evicted,
    /// A container restarting often, with no other finding to explain it.
    Restarts,
    /// A node that is not Ready.
    NodeNotReady,
    /// A node under memory, disk or PID pressure, or without network.
    NodePressure,
    /// An API request refused by RBAC (`… is forbidden: User "…" cannot …`).
    Forbidden,
    /// A workload with fewer available replicas than desired.
    ReplicasUnavailable,
    /// A Job that failed (`BackoffLimitExceeded`, `DeadlineExceeded`).
    JobFailed,
}

/// A reference to an object.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ObjectRef {
    /// `Pod`, `Deployment`, `Node` …
    pub kind: String,
    /// Namespace (empty for nodes).
    pub namespace: String,
    /// Name.
    pub name: String,
}

impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.namespace.is_empty() {
            write!(f, "{} {}", self.kind, self.name)
        } else {
            write!(f, "{} {}/{}", self.kind, self.namespace, self.name)
        }
    }
}

/// One thing wrong, with the object it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// What kind of failure.
    pub kind: Kind,
    /// The Kubernetes reason as observed (`CrashLoopBackOff`, `ErrImageNeverPull`,
    /// `FailedScheduling`, `Unhealthy` …).
    pub reason: String,
    /// The object it was seen on.
    pub object: ObjectRef,
    /// The workload that owns it (the object itself when nothing does).
    pub workload: ObjectRef,
    /// The container, for container findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// The node the pod runs on, or the node itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    /// The pod's service account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_account: Option<String>,
    /// One line, for a person.
    pub summary: String,
    /// The messages behind it: the waiting message, the last termination, events.
    pub details: Vec<String>,
    /// When it started (RFC 3339), stable from one scan to the next.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// The object's `app` / `app.kubernetes.io/name` labels.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub app_labels: BTreeMap<String, String>,
}

impl Finding {
    /// Its name, as an alert's name would be: `CrashLoopBackOff`, `OOMKilled`,
    /// `ErrImageNeverPull`, `LivenessProbeFailed`, `NodeNotReady` …
    #[must_use]
    pub fn name(&self) -> String {
        match self.kind {
            Kind::CrashLoop => "CrashLoopBackOff".to_owned(),
            Kind::OomKilled => "OOMKilled".to_owned(),
            Kind::ImagePull | Kind::ContainerConfig | Kind::SandboxFailed | Kind::Evicted => {
                self.reason.clone()
            }
            Kind::Unschedulable => "FailedScheduling".to_owned(),
            Kind::ProbeFailed => format!("{}Failed", self.reason),
            Kind::MountFailed => self.reason.clone(),
            Kind::Restarts => "FrequentRestarts".to_owned(),
            Kind::NodeNotReady => "NodeNotReady".to_owned(),
            Kind::NodePressure => format!("Node{}", self.reason),
            Kind::Forbidden => "Forbidden".to_owned(),
            Kind::ReplicasUnavailable => format!("{}ReplicasUnavailable", self.workload.kind),
            Kind::JobFailed => "JobFailed".to_owned(),
        }
    }
}

/// Settings for finding things.
#[derive(Debug, Clone)]
pub struct Options {
    /// Restarts at which a container is a finding even when nothing else is wrong.
    pub restart_threshold: i64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            restart_threshold: 5,
        }
    }
}

/// Most messages kept per finding.
const MAX_DETAILS: usize = 8;
/// Most lines kept of a termination message.
const MAX_MESSAGE_LINES: usize = 20;

/// Image pull failures (waiting reasons and event reasons).
const IMAGE_REASONS: &[&str] = &[
    "ImagePullBackOff",
    "ErrImagePull",
    "ErrImageNeverPull",
    "InvalidImageName",
    "ImageInspectError",
    "RegistryUnavailable",
];

/// Container creation failures.
const CONFIG_REASONS: &[&str] = &[
    "CreateContainerConfigError",
    "CreateContainerError",
    "RunContainerError",
];

/// Finds what is wrong, sorted by namespace, workload, object and kind.
#[must_use]
pub fn findings(state: &State, options: &Options) -> Vec<Finding> {
    let owners = Owners::new(state);
    let events = EventIndex::new(&state.events);
    let mut out = Vec::new();
    for pod in &state.pods {
        pod_findings(pod, &owners, &events, options, &mut out);
    }
    for node in &state.nodes {
        node_findings(node, &mut out);
    }
    for workload in &state.workloads {
        workload_findings(workload, &owners, &events, &mut out);
    }
    // Forbidden events about objects other than pods (a ReplicaSet that cannot create
    // pods, a controller that cannot list).
    for event in &state.events {
        let o = &event.involved_object;
        if o.kind == "Pod" || !is_forbidden(&event.message) || event.kind != "Warning" {
            continue;
        }
        let object = ObjectRef {
            kind: o.kind.clone(),
            namespace: o.namespace.clone(),
            name: o.name.clone(),
        };
        let workload = owners.workload_of(&object);
        let mut f = base(Kind::Forbidden, &event.reason, object.clone(), workload);
        f.summary = format!("{object}: {}", first_line(&event.message));
        f.details = vec![event_line(event)];
        f.since = event_time(event);
        f.service_account = service_account_in(&event.message);
        out.push(f);
    }
    out.sort_by(|a, b| {
        (
            &a.workload.namespace,
            &a.workload,
            &a.object,
            a.kind,
            &a.container,
        )
            .cmp(&(
                &b.workload.namespace,
                &b.workload,
                &b.object,
                b.kind,
                &b.container,
            ))
    });
    out.dedup_by(|a, b| {
        a.kind == b.kind
            && a.object == b.object
            && a.container == b.container
            && a.reason == b.reason
    });
    out
}

fn base(kind: Kind, reason: &str, object: ObjectRef, workload: ObjectRef) -> Finding {
    Finding {
        kind,
        reason: reason.to_owned(),
        object,
        workload,
        container: None,
        node: None,
        service_account: None,
        summary: String::new(),
        details: Vec::new(),
        since: None,
        app_labels: BTreeMap::new(),
    }
}

fn pod_findings(
    pod: &Pod,
    owners: &Owners,
    events: &EventIndex<'_>,
    options: &Options,
    out: &mut Vec<Finding>,
) {
    let m = &pod.metadata;
    let object = ObjectRef {
        kind: "Pod".to_owned(),
        namespace: m.namespace.clone(),
        name: m.name.clone(),
    };
    let workload = owners.workload_of_pod(pod);
    let pod_events = events.of("Pod", &m.namespace, &m.name);
    let new = |kind: Kind, reason: &str| {
        let mut f = base(kind, reason, object.clone(), workload.clone());
        f.node = pod.spec.node_name.clone().filter(|n| !n.is_empty());
        f.service_account = pod
            .spec
            .service_account_name
            .clone()
            .filter(|s| !s.is_empty());
        f.since = pod
            .status
            .start_time
            .clone()
            .or_else(|| m.creation_timestamp.clone());
        f.app_labels = m
            .labels
            .iter()
            .filter(|(k, _)| matches!(k.as_str(), "app" | "app.kubernetes.io/name" | "k8s-app"))
            .map(|(k, v)| (k.replace(['.', '/', '-'], "_"), v.clone()))
            .collect();
        f
    };
    let start = out.len();

    // Pod-level states.
    if pod.status.phase == "Failed" && pod.status.reason.as_deref() == Some("Evicted") {
        let mut f = new(Kind::Evicted, "Evicted");
        let message = pod.status.message.clone().unwrap_or_default();
        f.summary = format!(
            "pod {}/{} was evicted: {}",
            m.namespace,
            m.name,
            first_line(&message)
        );
        f.details.push(message);
        out.push(f);
        return;
    }
    let unschedulable = pod.status.conditions.iter().find(|c| {
        c.kind == "PodScheduled"
            && c.status == "False"
            && c.reason.as_deref() == Some("Unschedulable")
    });
    let scheduling_events: Vec<&Event> = pod_events
        .iter()
        .copied()
        .filter(|e| e.reason == "FailedScheduling")
        .collect();
    if unschedulable.is_some() || (pod.status.phase == "Pending" && !scheduling_events.is_empty()) {
        let mut f = new(Kind::Unschedulable, "FailedScheduling");
        let message = unschedulable
            .and_then(|c| c.message.clone())
            .or_else(|| scheduling_events.last().map(|e| e.message.clone()))
            .unwrap_or_default();
        f.summary = format!(
            "pod {}/{} cannot be scheduled: {}",
            m.namespace,
            m.name,
            first_line(&message)
        );
        f.details.push(message);
        f.details
            .extend(scheduling_events.iter().map(|e| event_line(e)));
        f.since = unschedulable
            .and_then(|c| c.last_transition_time.clone())
            .or_else(|| m.creation_timestamp.clone());
        out.push(f);
    }

    // Containers.
    let statuses = pod
        .status
        .init_container_statuses
        .iter()
        .chain(&pod.status.container_statuses);
    for status in statuses {
        let container_events: Vec<&Event> = pod_events
            .iter()
            .copied()
            .filter(|e| {
                e.involved_object
                    .field_path
                    .as_deref()
                    .is_none_or(|p| p.contains(&format!("{{{}}}", status.name)))
            })
            .collect();
        if let Some(f) = container_finding(pod, status, &container_events, &new, options) {
            out.push(f);
        }
    }

    // Warning events about the pod that no container state shows.
    let mut seen: BTreeSet<(Kind, String)> = out[start..]
        .iter()
        .map(|f| (f.kind, f.reason.clone()))
        .collect();
    for event in &pod_events {
        if event.kind != "Warning" {
            continue;
        }
        let (kind, reason) = if event.reason == "Unhealthy" {
            let probe = event.message.split_whitespace().next().unwrap_or("Probe");
            (Kind::ProbeFailed, format!("{probe}Probe"))
        } else if event.reason == "FailedCreatePodSandBox" {
            (Kind::SandboxFailed, event.reason.clone())
        } else if matches!(event.reason.as_str(), "FailedMount" | "FailedAttachVolume") {
            (Kind::MountFailed, event.reason.clone())
        } else if is_forbidden(&event.message) {
            (Kind::Forbidden, event.reason.clone())
        } else {
            continue;
        };
        // A pod whose containers already show the failure needs no second finding
        // (an image pull event beside an ImagePullBackOff container).
        if !seen.insert((kind, reason.clone())) {
            if let Some(f) = out[start..]
                .iter_mut()
                .find(|f| f.kind == kind && f.reason == reason)
            {
                push_detail(&mut f.details, event_line(event));
            }
            continue;
        }
        let mut f = new(kind, &reason);
        f.container = event
            .involved_object
            .field_path
            .as_deref()
            .and_then(|p| p.split_once('{'))
            .map(|(_, rest)| rest.trim_end_matches('}').to_owned());
        f.summary = format!(
            "pod {}/{}: {}",
            m.namespace,
            m.name,
            first_line(&event.message)
        );
        f.details.push(event_line(event));
        for other in pod_events
            .iter()
            .filter(|e| e.reason == event.reason && !std::ptr::eq(**e, *event))
        {
            push_detail(&mut f.details, event_line(other));
        }
        f.since = event_time(event).or(f.since);
        if kind == Kind::Forbidden {
            f.service_account = service_account_in(&event.message).or(f.service_account);
        }
        // A failing liveness (or startup) probe restarts the container: the restarts and the
        // crash loop that follow belong to the probe's finding, not to findings of their own.
        if kind == Kind::ProbeFailed && reason != "ReadinessProbe" {
            let mut absorbed = Vec::new();
            out.retain(|o| {
                let follows = o.object == f.object
                    && matches!(o.kind, Kind::Restarts | Kind::CrashLoop)
                    && (f.container.is_none() || o.container == f.container);
                if follows {
                    absorbed.push(o.summary.clone());
                }
                !follows
            });
            for summary in absorbed {
                push_detail(&mut f.details, summary);
            }
        }
        out.push(f);
    }
}

fn container_finding(
    pod: &Pod,
    status: &ContainerStatus,
    events: &[&Event],
    new: &dyn Fn(Kind, &str) -> Finding,
    options: &Options,
) -> Option<Finding> {
    let m = &pod.metadata;
    let waiting = status.state.waiting.as_ref();
    let waiting_reason = waiting.map(|w| w.reason.as_str()).unwrap_or("");
    let now_terminated = status.state.terminated.as_ref();
    let failed = |t: &&crate::model::Terminated| t.exit_code != 0;
    // A crash loop is seen between its back-offs too: the container just exited with an
    // error (`Error`, about to restart), or runs again after one while the kubelet still
    // reports backing off.
    let between_restarts = status.restart_count > 0 && now_terminated.filter(failed).is_some();
    let restarted_again = status.restart_count > 0
        && status.state.running.is_some()
        && status
            .last_state
            .terminated
            .as_ref()
            .filter(failed)
            .is_some()
        && events
            .iter()
            .any(|e| e.reason == "BackOff" && e.message.contains("restarting failed container"));
    let looping = waiting_reason == "CrashLoopBackOff" || between_restarts || restarted_again;
    let last = if between_restarts {
        now_terminated
    } else {
        status.last_state.terminated.as_ref()
    };
    let where_ = format!(
        "container {} of pod {}/{}",
        status.name, m.namespace, m.name
    );
    let mut details = Vec::new();
    // An OOM kill is told by its termination; the back-off that follows is any crash's.
    let oom_loop = looping && last.is_some_and(|t| t.reason.as_deref() == Some("OOMKilled"));
    if let Some(w) = waiting.filter(|_| !oom_loop) {
        details.push(match &w.message {
            Some(msg) => format!("waiting: {}: {msg}", w.reason),
            None => format!("waiting: {}", w.reason),
        });
    }
    let termination = |t: &crate::model::Terminated, when: &str| {
        let mut s = format!(
            "{when}: {}, exit code {}",
            t.reason.as_deref().unwrap_or("terminated"),
            t.exit_code
        );
        if let Some(signal) = signal_name(t.exit_code) {
            s.push_str(&format!(" ({signal})"));
        }
        if let Some(at) = &t.finished_at {
            s.push_str(&format!(" at {at}"));
        }
        s
    };
    let message_lines = |t: &crate::model::Terminated| -> Vec<String> {
        t.message
            .as_deref()
            .map(|msg| {
                let lines: Vec<&str> = msg.lines().filter(|l| !l.trim().is_empty()).collect();
                let skip = lines.len().saturating_sub(MAX_MESSAGE_LINES);
                lines[skip..].iter().map(|l| format!("  {l}")).collect()
            })
            .unwrap_or_default()
    };
    let restarts = status.restart_count;
    let oom = |t: Option<&crate::model::Terminated>| {
        t.is_some_and(|t| t.reason.as_deref() == Some("OOMKilled"))
    };

    let (kind, reason, summary) = if looping {
        if let Some(t) = last {
            details.push(termination(t, "last terminated"));
            details.extend(message_lines(t));
        }
        let last_message = last.and_then(|t| t.message.as_deref()).unwrap_or("");
        if oom(last) {
            (
                Kind::OomKilled,
                "OOMKilled".to_owned(),
                format!(
                    "{where_} was OOMKilled (exit code 137{}), {restarts} restarts",
                    memory_limit(pod, &status.name)
                ),
            )
        } else if is_forbidden(last_message) {
            (
                Kind::Forbidden,
                "CrashLoopBackOff".to_owned(),
                format!(
                    "{where_} crash-loops on a request the API server refused: {}",
                    forbidden_line(last_message)
                ),
            )
        } else {
            let how = last
                .map(|t| {
                    format!(
                        "last exit code {}{}",
                        t.exit_code,
                        t.reason
                            .as_deref()
                            .map(|r| format!(" ({r})"))
                            .unwrap_or_default()
                    )
                })
                .unwrap_or_else(|| "no termination recorded".to_owned());
            (
                Kind::CrashLoop,
                "CrashLoopBackOff".to_owned(),
                format!("{where_} is in CrashLoopBackOff: {how}, {restarts} restarts"),
            )
        }
    } else if IMAGE_REASONS.contains(&waiting_reason) {
        let image = pod
            .spec
            .containers
            .iter()
            .find(|c| c.name == status.name)
            .map(|c| c.image.as_str())
            .unwrap_or(status.image.as_str());
        (
            Kind::ImagePull,
            waiting_reason.to_owned(),
            format!("{where_} cannot get its image `{image}`: {waiting_reason}"),
        )
    } else if CONFIG_REASONS.contains(&waiting_reason) {
        (
            Kind::ContainerConfig,
            waiting_reason.to_owned(),
            format!(
                "{where_} cannot be created: {waiting_reason}: {}",
                first_line(waiting.and_then(|w| w.message.as_deref()).unwrap_or(""))
            ),
        )
    } else if oom(now_terminated) || oom(last) {
        let t = now_terminated.filter(|t| oom(Some(t))).or(last)?;
        details.push(termination(
            t,
            if oom(now_terminated) {
                "terminated"
            } else {
                "last terminated"
            },
        ));
        (
            Kind::OomKilled,
            "OOMKilled".to_owned(),
            format!(
                "{where_} was OOMKilled (exit code {}{}), {restarts} restarts",
                t.exit_code,
                memory_limit(pod, &status.name)
            ),
        )
    } else if restarts >= options.restart_threshold {
        if let Some(t) = last {
            details.push(termination(t, "last terminated"));
            details.extend(message_lines(t));
        }
        (
            Kind::Restarts,
            "Restarts".to_owned(),
            format!("{where_} restarted {restarts} times"),
        )
    } else {
        return None;
    };
    let mut f = new(kind, &reason);
    f.container = Some(status.name.clone());
    f.summary = summary;
    details.extend(
        events
            .iter()
            .filter(|e| e.kind == "Warning")
            .map(|e| event_line(e)),
    );
    for d in details {
        push_detail(&mut f.details, d);
    }
    if kind == Kind::Forbidden {
        f.service_account = last
            .and_then(|t| t.message.as_deref())
            .and_then(service_account_in)
            .or(f.service_account);
    }
    Some(f)
}

/// `, memory limit 64Mi` for a container with one.
fn memory_limit(pod: &Pod, container: &str) -> String {
    pod.spec
        .containers
        .iter()
        .find(|c| c.name == container)
        .and_then(|c| c.resources.limits.get("memory"))
        .map(|v| match v {
            serde_json::Value::String(s) => format!(", memory limit {s}"),
            other => format!(", memory limit {other}"),
        })
        .unwrap_or_default()
}

fn node_findings(node: &Node, out: &mut Vec<Finding>) {
    let object = ObjectRef {
        kind: "Node".to_owned(),
        namespace: String::new(),
        name: node.metadata.name.clone(),
    };
    for c in &node.status.conditions {
        let (kind, reason) = match (c.kind.as_str(), c.status.as_str()) {
            ("Ready", "True") => continue,
            ("Ready", _) => (
                Kind::NodeNotReady,
                c.reason.clone().unwrap_or_else(|| "NotReady".to_owned()),
            ),
            ("MemoryPressure" | "DiskPressure" | "PIDPressure" | "NetworkUnavailable", "True") => {
                (Kind::NodePressure, c.kind.clone())
            }
            _ => continue,
        };
        let mut f = base(kind, &reason, object.clone(), object.clone());
        f.node = Some(node.metadata.name.clone());
        let message = c.message.clone().unwrap_or_default();
        f.summary = match kind {
            Kind::NodeNotReady => format!(
                "node {} is not Ready ({}={}): {}",
                node.metadata.name,
                c.kind,
                c.status,
                first_line(&message)
            ),
            _ => format!(
                "node {} has {}: {}",
                node.metadata.name,
                c.kind,
                first_line(&message)
            ),
        };
        f.details.push(format!(
            "condition {}={} {}: {message}",
            c.kind,
            c.status,
            c.reason.as_deref().unwrap_or("")
        ));
        f.since = c.last_transition_time.clone();
        out.push(f);
    }
}

fn workload_findings(
    w: &Workload,
    owners: &Owners,
    events: &EventIndex<'_>,
    out: &mut Vec<Finding>,
) {
    let object = ObjectRef {
        kind: w.kind.clone(),
        namespace: w.metadata.namespace.clone(),
        name: w.metadata.name.clone(),
    };
    let s = &w.status;
    let desired = w.spec.replicas.unwrap_or(1);
    let short = match w.kind.as_str() {
        "Deployment" => {
            let available = s.available_replicas.unwrap_or(0);
            (desired > 0 && (available < desired || s.unavailable_replicas.unwrap_or(0) > 0))
                .then(|| format!("{available} of {desired} replicas available"))
        }
        "StatefulSet" => {
            let ready = s.ready_replicas.unwrap_or(0);
            (desired > 0 && ready < desired).then(|| format!("{ready} of {desired} replicas ready"))
        }
        "DaemonSet" => {
            let unavailable = s.number_unavailable.unwrap_or(0);
            (unavailable > 0).then(|| {
                format!(
                    "{unavailable} of {} pods unavailable",
                    s.desired_number_scheduled.unwrap_or(0)
                )
            })
        }
        "Job" => {
            if let Some(c) = s
                .conditions
                .iter()
                .find(|c| c.kind == "Failed" && c.status == "True")
            {
                let mut f = base(
                    Kind::JobFailed,
                    c.reason.as_deref().unwrap_or("Failed"),
                    object.clone(),
                    owners.workload_of(&object),
                );
                f.summary = format!(
                    "job {}/{} failed: {} {}",
                    object.namespace,
                    object.name,
                    c.reason.as_deref().unwrap_or(""),
                    c.message.as_deref().unwrap_or("")
                );
                f.details
                    .push(format!("{} pods failed", s.failed.unwrap_or(0)));
                f.since = c.last_transition_time.clone();
                out.push(f);
            }
            None
        }
        _ => None,
    };
    let Some(short) = short else { return };
    let mut f = base(
        Kind::ReplicasUnavailable,
        "ReplicasUnavailable",
        object.clone(),
        object.clone(),
    );
    f.summary = format!(
        "{} {}/{}: {short}",
        w.kind.to_lowercase(),
        object.namespace,
        object.name
    );
    for c in &s.conditions {
        let unhealthy = match c.kind.as_str() {
            "Available" | "Progressing" => c.status == "False",
            "ReplicaFailure" => c.status == "True",
            _ => false,
        };
        if unhealthy {
            f.details.push(format!(
                "condition {}={} {}: {}",
                c.kind,
                c.status,
                c.reason.as_deref().unwrap_or(""),
                c.message.as_deref().unwrap_or("")
            ));
            f.since = f.since.or_else(|| c.last_transition_time.clone());
        }
    }
    for e in events.of(&w.kind, &object.namespace, &object.name) {
        if e.kind == "Warning" {
            push_detail(&mut f.details, event_line(e));
        }
    }
    f.since = f.since.or_else(|| w.metadata.creation_timestamp.clone());
    out.push(f);
}

/// Who owns what: pods → ReplicaSets → Deployments, and the rest.
struct Owners {
    /// (namespace, kind, name) → the owning controller's (kind, name).
    controller: BTreeMap<(String, String, String), (String, String)>,
}

impl Owners {
    fn new(state: &State) -> Self {
        let mut controller = BTreeMap::new();
        for w in &state.workloads {
            if let Some(o) = controlling(&w.metadata.owner_references) {
                controller.insert(
                    (
                        w.metadata.namespace.clone(),
                        w.kind.clone(),
                        w.metadata.name.clone(),
                    ),
                    (o.kind.clone(), o.name.clone()),
                );
            }
        }
        Self { controller }
    }

    fn workload_of_pod(&self, pod: &Pod) -> ObjectRef {
        let m = &pod.metadata;
        let Some(owner) = controlling(&m.owner_references) else {
            return ObjectRef {
                kind: "Pod".to_owned(),
                namespace: m.namespace.clone(),
                name: m.name.clone(),
            };
        };
        let direct = ObjectRef {
            kind: owner.kind.clone(),
            namespace: m.namespace.clone(),
            name: owner.name.clone(),
        };
        if owner.kind == "ReplicaSet"
            && !self.controller.contains_key(&(
                m.namespace.clone(),
                owner.kind.clone(),
                owner.name.clone(),
            ))
            && let Some(hash) = m.labels.get("pod-template-hash")
            && let Some(deployment) = owner.name.strip_suffix(&format!("-{hash}"))
        {
            // The ReplicaSet was not read: its name is the Deployment's plus the hash.
            return ObjectRef {
                kind: "Deployment".to_owned(),
                namespace: m.namespace.clone(),
                name: deployment.to_owned(),
            };
        }
        self.workload_of(&direct)
    }

    /// The top controller above `object` (itself when nothing controls it).
    fn workload_of(&self, object: &ObjectRef) -> ObjectRef {
        let mut current = object.clone();
        for _ in 0..4 {
            match self.controller.get(&(
                current.namespace.clone(),
                current.kind.clone(),
                current.name.clone(),
            )) {
                Some((kind, name)) => {
                    current = ObjectRef {
                        kind: kind.clone(),
                        namespace: current.namespace.clone(),
                        name: name.clone(),
                    };
                }
                None => break,
            }
        }
        current
    }
}

fn controlling(owners: &[crate::model::OwnerRef]) -> Option<&crate::model::OwnerRef> {
    owners
        .iter()
        .find(|o| o.controller == Some(true))
        .or_else(|| owners.first())
}

/// Events by the object they are about, oldest first.
struct EventIndex<'a> {
    by_object: BTreeMap<(&'a str, &'a str, &'a str), Vec<&'a Event>>,
}

impl<'a> EventIndex<'a> {
    fn new(events: &'a [Event]) -> Self {
        let mut by_object: BTreeMap<(&str, &str, &str), Vec<&Event>> = BTreeMap::new();
        for e in events {
            let o = &e.involved_object;
            let namespace = if o.namespace.is_empty() {
                e.metadata.namespace.as_str()
            } else {
                o.namespace.as_str()
            };
            by_object
                .entry((o.kind.as_str(), namespace, o.name.as_str()))
                .or_default()
                .push(e);
        }
        for list in by_object.values_mut() {
            list.sort_by_key(|e| event_time(e).unwrap_or_default());
        }
        Self { by_object }
    }

    fn of(&self, kind: &str, namespace: &str, name: &str) -> Vec<&'a Event> {
        self.by_object
            .get(&(kind, namespace, name))
            .cloned()
            .unwrap_or_default()
    }
}

fn event_time(e: &Event) -> Option<String> {
    e.first_timestamp
        .clone()
        .or_else(|| e.event_time.clone())
        .or_else(|| e.last_timestamp.clone())
}

/// `Warning BackOff (×12): Back-off restarting failed container`.
fn event_line(e: &Event) -> String {
    let count = match e.count {
        Some(n) if n > 1 => format!(" (×{n})"),
        _ => String::new(),
    };
    format!("event {} {}{count}: {}", e.kind, e.reason, e.message.trim())
}

fn push_detail(details: &mut Vec<String>, line: String) {
    if details.len() < MAX_DETAILS && !details.contains(&line) {
        details.push(line);
    }
}

fn first_line(text: &str) -> &str {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
}

fn is_forbidden(message: &str) -> bool {
    message.contains(" is forbidden: User \"") || message.contains("(Forbidden)")
}

/// The line of a message that carries the refusal.
fn forbidden_line(message: &str) -> &str {
    message
        .lines()
        .map(str::trim)
        .find(|l| l.contains("forbidden"))
        .unwrap_or_else(|| first_line(message))
}

/// `system:serviceaccount:shop:reader` in a refusal → `reader`.
fn service_account_in(message: &str) -> Option<String> {
    let rest = message.split("system:serviceaccount:").nth(1)?;
    let rest = rest.split_once(':')?.1;
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '.')
        .collect();
    (!name.is_empty()).then_some(name)
}

fn signal_name(exit_code: i64) -> Option<&'static str> {
    match exit_code {
        137 => Some("SIGKILL"),
        143 => Some("SIGTERM"),
        139 => Some("SIGSEGV"),
        134 => Some("SIGABRT"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{Kind, Options, findings, service_account_in};
    use crate::state::State;
    use serde_json::json;

    fn state(docs: serde_json::Value) -> State {
        let mut s = State::default();
        assert!(s.add_document(docs, "test").is_empty());
        s
    }

    #[test]
    fn a_false_condition_can_be_healthy() {
        let s = state(
            json!({"kind": "List", "items": [{"kind": "Node", "metadata": {"name": "n1"},
            "status": {"conditions": [
                {"type": "MemoryPressure", "status": "False", "reason": "KubeletHasSufficientMemory"},
                {"type": "Ready", "status": "True", "reason": "KubeletReady"}]}}]}),
        );
        assert!(findings(&s, &Options::default()).is_empty());
        let s = state(json!({"kind": "Node", "metadata": {"name": "n1"},
            "status": {"conditions": [
                {"type": "DiskPressure", "status": "True", "reason": "KubeletHasDiskPressure", "message": "kubelet has disk pressure"},
                {"type": "Ready", "status": "Unknown", "reason": "NodeStatusUnknown", "message": "Kubelet stopped posting node status."}]}}));
        let f = findings(&s, &Options::default());
        let kinds: Vec<Kind> = f.iter().map(|f| f.kind).collect();
        assert_eq!(kinds, [Kind::NodeNotReady, Kind::NodePressure]);
        assert_eq!(f[0].name(), "NodeNotReady");
        assert_eq!(f[1].name(), "NodeDiskPressure");
    }

    #[test]
    fn a_pod_of_an_unread_replicaset_belongs_to_its_deployment() {
        let s = state(
            json!({"kind": "Pod", "metadata": {"name": "api-7d9c8b-x2x1", "namespace": "shop",
            "labels": {"pod-template-hash": "7d9c8b", "app": "api"},
            "ownerReferences": [{"kind": "ReplicaSet", "name": "api-7d9c8b", "controller": true}]},
            "status": {"phase": "Running", "containerStatuses": [{"name": "main", "restartCount": 9,
                "state": {"running": {}}, "lastState": {"terminated": {"reason": "Error", "exitCode": 1}}}]}}),
        );
        let f = findings(&s, &Options::default());
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].kind, Kind::Restarts);
        assert_eq!(f[0].workload.to_string(), "Deployment shop/api");
        assert_eq!(f[0].app_labels.get("app").map(String::as_str), Some("api"));
    }

    #[test]
    fn service_accounts_are_read_from_refusals() {
        assert_eq!(
            service_account_in(
                r#"pods is forbidden: User "system:serviceaccount:lab:reader" cannot list"#
            )
            .as_deref(),
            Some("reader")
        );
        assert_eq!(
            service_account_in("pods is forbidden: User \"alice\""),
            None
        );
    }
}
