//! The parts of Kubernetes objects medic reads, as `kubectl get … -o json` prints them.
//! Every field is optional: a missing one means "not reported", never an error.

use std::collections::BTreeMap;

use serde::Deserialize;

/// `metadata`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Meta {
    /// Name.
    pub name: String,
    /// Namespace (empty for nodes).
    pub namespace: String,
    /// UID.
    pub uid: String,
    /// Labels.
    pub labels: BTreeMap<String, String>,
    /// Owners.
    pub owner_references: Vec<OwnerRef>,
    /// When it was created (RFC 3339).
    pub creation_timestamp: Option<String>,
}

/// An owner reference.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct OwnerRef {
    /// `ReplicaSet`, `StatefulSet` …
    pub kind: String,
    /// Name.
    pub name: String,
    /// Whether it is the managing controller.
    pub controller: Option<bool>,
}

/// A pod.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Pod {
    /// Metadata.
    pub metadata: Meta,
    /// Spec.
    pub spec: PodSpec,
    /// Status.
    pub status: PodStatus,
}

/// `spec` of a pod.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PodSpec {
    /// The node it was scheduled to.
    pub node_name: Option<String>,
    /// Its service account.
    pub service_account_name: Option<String>,
    /// Containers.
    pub containers: Vec<ContainerSpec>,
}

/// A container in a pod's spec.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ContainerSpec {
    /// Name.
    pub name: String,
    /// Image reference.
    pub image: String,
    /// Requests and limits.
    pub resources: Resources,
}

/// `resources` of a container.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Resources {
    /// `cpu`, `memory` limits.
    pub limits: BTreeMap<String, serde_json::Value>,
    /// `cpu`, `memory` requests.
    pub requests: BTreeMap<String, serde_json::Value>,
}

/// `status` of a pod.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PodStatus {
    /// `Pending`, `Running`, `Succeeded`, `Failed`, `Unknown`.
    pub phase: String,
    /// `Evicted`, `NodeLost` …
    pub reason: Option<String>,
    /// Why, in words.
    pub message: Option<String>,
    /// Conditions.
    pub conditions: Vec<Condition>,
    /// Containers.
    pub container_statuses: Vec<ContainerStatus>,
    /// Init containers.
    pub init_container_statuses: Vec<ContainerStatus>,
    /// When the kubelet started it.
    pub start_time: Option<String>,
}

/// A condition (pods, nodes, workloads).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Condition {
    /// `Ready`, `PodScheduled`, `MemoryPressure`, `Available` …
    #[serde(rename = "type")]
    pub kind: String,
    /// `True`, `False`, `Unknown`.
    pub status: String,
    /// Machine-readable reason.
    pub reason: Option<String>,
    /// Why, in words.
    pub message: Option<String>,
    /// When it last changed.
    pub last_transition_time: Option<String>,
}

/// A container's status.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ContainerStatus {
    /// Name.
    pub name: String,
    /// Whether it passes its readiness probe.
    pub ready: bool,
    /// Restarts so far.
    pub restart_count: i64,
    /// Image reference.
    pub image: String,
    /// Current state.
    pub state: ContainerState,
    /// The state before the last restart.
    pub last_state: ContainerState,
}

/// One of waiting, running, terminated.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ContainerState {
    /// Waiting, with its reason.
    pub waiting: Option<Waiting>,
    /// Running since.
    pub running: Option<Running>,
    /// Terminated, with its reason and exit code.
    pub terminated: Option<Terminated>,
}

/// `state.waiting`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Waiting {
    /// `CrashLoopBackOff`, `ImagePullBackOff`, `ContainerCreating` …
    pub reason: String,
    /// Why, in words.
    pub message: Option<String>,
}

/// `state.running`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Running {
    /// Since when.
    pub started_at: Option<String>,
}

/// `state.terminated`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Terminated {
    /// `Error`, `OOMKilled`, `Completed`, `ContainerCannotRun` …
    pub reason: Option<String>,
    /// The termination message (or the log tail with `FallbackToLogsOnError`).
    pub message: Option<String>,
    /// Exit code.
    pub exit_code: i64,
    /// Signal, when one ended it.
    pub signal: Option<i64>,
    /// When it started.
    pub started_at: Option<String>,
    /// When it ended.
    pub finished_at: Option<String>,
}

/// An event.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Event {
    /// Metadata.
    pub metadata: Meta,
    /// What it is about.
    pub involved_object: Involved,
    /// `BackOff`, `FailedScheduling`, `Unhealthy` …
    pub reason: String,
    /// Why, in words.
    pub message: String,
    /// `Normal` or `Warning`.
    #[serde(rename = "type")]
    pub kind: String,
    /// How many times it happened.
    pub count: Option<i64>,
    /// When it first happened.
    pub first_timestamp: Option<String>,
    /// When it last happened.
    pub last_timestamp: Option<String>,
    /// When it happened (events.k8s.io).
    pub event_time: Option<String>,
}

/// `involvedObject` of an event.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Involved {
    /// `Pod`, `Node`, `ReplicaSet` …
    pub kind: String,
    /// Name.
    pub name: String,
    /// Namespace.
    pub namespace: String,
    /// `spec.containers{main}` for container events.
    pub field_path: Option<String>,
}

/// A node.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Node {
    /// Metadata.
    pub metadata: Meta,
    /// Spec.
    pub spec: NodeSpec,
    /// Status.
    pub status: NodeStatus,
}

/// `spec` of a node.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NodeSpec {
    /// Cordoned.
    pub unschedulable: bool,
}

/// `status` of a node.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NodeStatus {
    /// Ready, MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable.
    pub conditions: Vec<Condition>,
}

/// A Deployment, StatefulSet, DaemonSet, ReplicaSet or Job.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Workload {
    /// Its kind.
    pub kind: String,
    /// Metadata.
    pub metadata: Meta,
    /// Spec.
    pub spec: WorkloadSpec,
    /// Status.
    pub status: WorkloadStatus,
}

/// The parts of a workload's spec medic reads.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct WorkloadSpec {
    /// Desired replicas (Deployment, StatefulSet, ReplicaSet; absent means 1).
    pub replicas: Option<i64>,
    /// Retries before a Job fails.
    pub backoff_limit: Option<i64>,
}

/// The parts of a workload's status medic reads.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct WorkloadStatus {
    /// Pods it has.
    pub replicas: Option<i64>,
    /// Ready pods.
    pub ready_replicas: Option<i64>,
    /// Available pods.
    pub available_replicas: Option<i64>,
    /// Unavailable pods (Deployment).
    pub unavailable_replicas: Option<i64>,
    /// Pods that should run (DaemonSet).
    pub desired_number_scheduled: Option<i64>,
    /// Unavailable pods (DaemonSet).
    pub number_unavailable: Option<i64>,
    /// Failed pods (Job).
    pub failed: Option<i64>,
    /// Conditions.
    pub conditions: Vec<Condition>,
}
