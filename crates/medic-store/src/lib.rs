//! Incident history for `medic serve`: alert payloads, incidents keyed by
//! fingerprint and `startsAt`, the diagnosis queue and its results, in SQLite
//! (one file, WAL) or PostgreSQL (shared by several servers).
//!
//! Every backend implements [`Store`]; [`open`] picks one from a URL
//! (`sqlite://path`, `postgres://…`) and applies the embedded migrations.
//!
//! The queue lives in the incidents table: an incident is `queued` when its
//! first firing alert arrives, a worker [`claim`](Store::claim)s it (becoming
//! `running` with a lease it [`renew`](Store::renew)s), then
//! [`finish`](Store::finish)es (`done`) or [`fail`](Store::fail)s it. A claim
//! whose lease ran out (its process died) is claimed again; after
//! [`MAX_ATTEMPTS`] claims the incident is `failed`. An incident whose alert
//! resolves while it is still queued is `skipped`: its checks never run.
//!
//! ```
//! use medic_store::{AlertIn, Diagnosis, Filter, Intake, State, Status, Store, open};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let dir = tempfile::tempdir()?;
//! # tokio::runtime::Runtime::new()?.block_on(async {
//! let store = open(&format!("sqlite://{}/medic.db", dir.path().display())).await?;
//! let alert = AlertIn {
//!     fingerprint: "c0ffee".into(),
//!     starts_at: "2026-07-01T10:00:00Z".into(),
//!     ends_at: None,
//!     status: Status::Firing,
//!     name: "DiskFull".into(),
//!     labels: [("alertname".into(), "DiskFull".into())].into(),
//!     annotations: Default::default(),
//!     alert: serde_json::json!({ "status": "firing" }),
//! };
//! let body = r#"{"alerts":[{"status":"firing"}]}"#;
//! let [Intake::Created(id)] = store.ingest(body, &[alert]).await?[..] else { panic!() };
//!
//! let incident = store.claim("worker-1", 60_000).await?.expect("a queued incident");
//! assert_eq!(incident.id, id);
//! let diagnosis = Diagnosis {
//!     problem_id: Some("disk.md#full".into()),
//!     problem_title: Some("Disk full".into()),
//!     score: Some(0.9),
//!     summary: serde_json::json!({ "ok": 3 }),
//!     report: serde_json::json!({ "checks": [] }),
//! };
//! assert!(store.finish(id, "worker-1", &diagnosis).await?);
//!
//! let done = store.list(&Filter { state: Some(State::Done), ..Filter::default() }).await?;
//! assert_eq!(done[0].problem_id.as_deref(), Some("disk.md#full"));
//! # Ok::<(), medic_store::StoreError>(())
//! # })?;
//! # Ok(())
//! # }
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

mod any;
mod location;
mod postgres;
mod row;
mod sqlite;

pub use any::{AnyStore, open};
pub use location::default_sqlite_path;
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

/// How many times an incident is claimed before it is given up as failed.
pub const MAX_ATTEMPTS: i64 = 3;

/// Where an incident is in the diagnosis queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Waiting for a worker.
    Queued,
    /// A worker holds it (under a lease).
    Running,
    /// Diagnosed; the report is stored.
    Done,
    /// The diagnosis could not be made (an error, or too many attempts).
    Failed,
    /// The alert resolved before a worker reached it; nothing was run.
    Skipped,
}

impl State {
    /// Every state, in queue order.
    pub const ALL: [State; 5] = [
        State::Queued,
        State::Running,
        State::Done,
        State::Failed,
        State::Skipped,
    ];

    /// `queued`, `running`, `done`, `failed`, `skipped`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            State::Queued => "queued",
            State::Running => "running",
            State::Done => "done",
            State::Failed => "failed",
            State::Skipped => "skipped",
        }
    }

    /// The state named by [`as_str`](Self::as_str).
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// The alert's own status, as Alertmanager reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Firing.
    Firing,
    /// Resolved.
    Resolved,
}

impl Status {
    /// `firing` or `resolved`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Firing => "firing",
            Status::Resolved => "resolved",
        }
    }

    /// The status named by [`as_str`](Self::as_str).
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "firing" => Some(Status::Firing),
            "resolved" => Some(Status::Resolved),
            _ => None,
        }
    }
}

/// One alert of a webhook payload, as the intake hands it to the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertIn {
    /// Alertmanager's fingerprint of the label set (or one computed from the labels).
    pub fingerprint: String,
    /// `startsAt`, as sent (RFC 3339). With the fingerprint, the incident's key.
    pub starts_at: String,
    /// `endsAt` when the alert is resolved.
    pub ends_at: Option<String>,
    /// Firing or resolved.
    pub status: Status,
    /// `alertname`.
    pub name: String,
    /// Labels.
    pub labels: BTreeMap<String, String>,
    /// Annotations.
    pub annotations: BTreeMap<String, String>,
    /// The alert object as received.
    pub alert: serde_json::Value,
}

/// What storing one alert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", content = "incident", rename_all = "snake_case")]
pub enum Intake {
    /// A new incident, queued for diagnosis.
    Created(i64),
    /// A repeat of a known firing alert: `last_seen` updated, nothing queued.
    Repeated(i64),
    /// The alert of a known incident resolved.
    Resolved(i64),
    /// A resolved alert whose firing was never received: nothing stored but the payload.
    Unknown,
}

/// An incident: one firing of one alert, and its diagnosis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    /// Its id.
    pub id: i64,
    /// The alert's fingerprint.
    pub fingerprint: String,
    /// The alert's `startsAt`.
    pub starts_at: String,
    /// `alertname`.
    pub name: String,
    /// Firing, or resolved.
    pub status: Status,
    /// Where it is in the queue.
    pub state: State,
    /// The alert's labels.
    pub labels: BTreeMap<String, String>,
    /// The alert's annotations.
    pub annotations: BTreeMap<String, String>,
    /// The latest alert object received for it.
    pub alert: serde_json::Value,
    /// When the first firing alert was received (Unix ms).
    pub created_at: i64,
    /// When the alert was last received (Unix ms).
    pub last_seen: i64,
    /// How many times the alert was received.
    pub seen: i64,
    /// When the resolved alert was received (Unix ms).
    pub resolved_at: Option<i64>,
    /// The alert's `endsAt` once resolved.
    pub ends_at: Option<String>,
    /// How many times a worker claimed it.
    pub attempts: i64,
    /// The worker that holds or last held it.
    pub worker: Option<String>,
    /// When the diagnosis started (Unix ms).
    pub started_at: Option<i64>,
    /// When the diagnosis ended (Unix ms).
    pub finished_at: Option<i64>,
    /// The matched problem (`guide.md#anchor`), when one matched.
    pub problem_id: Option<String>,
    /// Its title.
    pub problem_title: Option<String>,
    /// The match score.
    pub score: Option<f64>,
    /// Counts per check verdict (`{"ok":2,"failed":1,…}`).
    pub summary: Option<serde_json::Value>,
    /// Why the diagnosis failed.
    pub error: Option<String>,
    /// The full report (`medic diagnose --json`); only from [`Store::get`].
    pub report: Option<serde_json::Value>,
}

/// The result of a diagnosis, as a worker stores it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnosis {
    /// The matched problem, when one matched.
    pub problem_id: Option<String>,
    /// Its title.
    pub problem_title: Option<String>,
    /// The match score.
    pub score: Option<f64>,
    /// Counts per check verdict.
    pub summary: serde_json::Value,
    /// The full report (already redacted), or a no-match explanation.
    pub report: serde_json::Value,
}

/// Which incidents to list, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only firing, or only resolved.
    pub status: Option<Status>,
    /// Only in this queue state.
    pub state: Option<State>,
    /// Only created at or after this time (Unix ms).
    pub since: Option<i64>,
    /// Only matched to this problem id.
    pub problem: Option<String>,
    /// At most this many (0 means 100).
    pub limit: u32,
}

/// Counts for `/metrics` and `/readyz`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Incidents per queue state.
    pub by_state: BTreeMap<State, i64>,
    /// Incidents per alert status.
    pub by_status: BTreeMap<Status, i64>,
    /// Alert payloads stored.
    pub payloads: i64,
}

/// Why the store could not do something.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL names no supported database.
    #[error(
        "unsupported database URL `{0}`: use sqlite://PATH (or a file path) or postgres://USER@HOST/DB"
    )]
    Url(String),
    /// The database could not be opened, reached or migrated, or a query failed.
    #[error("{context}: {message}")]
    Database {
        /// What was being done.
        context: &'static str,
        /// What the driver said (passwords removed).
        message: String,
    },
    /// A stored value could not be read back.
    #[error("stored {what} is corrupt: {message}")]
    Corrupt {
        /// Which value.
        what: &'static str,
        /// Why.
        message: String,
    },
}

/// A store's result.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Incident history and the diagnosis queue. Every method is one transaction.
pub trait Store: Send + Sync {
    /// Stores a webhook payload (its raw body) and its alerts, in one
    /// transaction: when this returns `Ok`, the payload is durable. A firing
    /// alert with a new (fingerprint, startsAt) creates a queued incident; a
    /// repeat updates `last_seen`/`seen`/`alert`; a resolved alert resolves its
    /// incident (and a still-queued one becomes `skipped`). One outcome per alert.
    fn ingest(
        &self,
        body: &str,
        alerts: &[AlertIn],
    ) -> impl Future<Output = Result<Vec<Intake>>> + Send;

    /// Takes the oldest queued incident (or a running one whose lease ran
    /// out) for `worker`, with a lease of `lease_ms`; increments `attempts`.
    /// Concurrent claims, from any number of processes, never return the same
    /// incident while its lease holds. An incident over [`MAX_ATTEMPTS`] is
    /// marked failed instead of returned.
    fn claim(
        &self,
        worker: &str,
        lease_ms: i64,
    ) -> impl Future<Output = Result<Option<Incident>>> + Send;

    /// Extends `worker`'s lease on a running incident; `false` when it no longer holds it.
    fn renew(
        &self,
        id: i64,
        worker: &str,
        lease_ms: i64,
    ) -> impl Future<Output = Result<bool>> + Send;

    /// Stores the diagnosis and marks the incident `done`; `false` (and nothing
    /// stored) when `worker` no longer holds it.
    fn finish(
        &self,
        id: i64,
        worker: &str,
        diagnosis: &Diagnosis,
    ) -> impl Future<Output = Result<bool>> + Send;

    /// Marks the incident `failed` with the error; `false` when `worker` no longer holds it.
    fn fail(&self, id: i64, worker: &str, error: &str)
    -> impl Future<Output = Result<bool>> + Send;

    /// Incidents, newest first, without their reports.
    fn list(&self, filter: &Filter) -> impl Future<Output = Result<Vec<Incident>>> + Send;

    /// One incident, with its report.
    fn get(&self, id: i64) -> impl Future<Output = Result<Option<Incident>>> + Send;

    /// Counts per state and status, and stored payloads.
    fn counts(&self) -> impl Future<Output = Result<Counts>> + Send;

    /// Deletes incidents created and payloads received before `before` (Unix
    /// ms), except incidents still queued or running; how many incidents went.
    fn purge(&self, before: i64) -> impl Future<Output = Result<u64>> + Send;

    /// Whether the database answers.
    fn ping(&self) -> impl Future<Output = Result<()>> + Send;
}
