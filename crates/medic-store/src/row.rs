//! What both backends share: the incident row as stored (JSON as text,
//! status and state as names) and its conversion to an [`Incident`], the
//! column lists, the clock, and the mapping of driver errors.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use sqlx::{Database, Encode, QueryBuilder, Type};

use crate::{Counts, Filter, Incident, Result, State, Status, StoreError};

/// Every incident column but the report, in [`IncidentRow`]'s order, as a
/// literal for `concat!`.
macro_rules! columns_but_report {
    () => {
        "id, fingerprint, starts_at, name, status, state, labels, annotations, alert, \
         created_at, last_seen, seen, resolved_at, ends_at, attempts, worker, started_at, \
         finished_at, problem_id, problem_title, score, summary, error"
    };
}
pub(crate) use columns_but_report;

/// Every incident column, in [`IncidentRow`]'s order.
macro_rules! columns {
    () => {
        concat!($crate::row::columns_but_report!(), ", report")
    };
}
pub(crate) use columns;

/// The message of a claim that ran out of attempts.
pub(crate) fn gave_up(attempts: i64) -> String {
    format!("gave up after {attempts} attempts")
}

/// `0` means 100.
/// The query of [`crate::Store::list`], for either backend (sqlx numbers the
/// placeholders in each one's style).
pub(crate) fn list_query<'a, DB>(filter: &'a Filter) -> QueryBuilder<'a, DB>
where
    DB: Database,
    &'a str: Encode<'a, DB> + Type<DB>,
    &'a String: Encode<'a, DB> + Type<DB>,
    i64: Encode<'a, DB> + Type<DB>,
{
    let mut query = QueryBuilder::<DB>::new(concat!(
        "SELECT ",
        columns_but_report!(),
        ", NULL AS report FROM incidents WHERE 1 = 1"
    ));
    if let Some(status) = filter.status {
        query.push(" AND status = ").push_bind(status.as_str());
    }
    if let Some(state) = filter.state {
        query.push(" AND state = ").push_bind(state.as_str());
    }
    if let Some(since) = filter.since {
        query.push(" AND created_at >= ").push_bind(since);
    }
    if let Some(problem) = &filter.problem {
        query.push(" AND problem_id = ").push_bind(problem);
    }
    query
        .push(" ORDER BY created_at DESC, id DESC LIMIT ")
        .push_bind(limit(filter.limit));
    query
}

pub(crate) fn limit(limit: u32) -> i64 {
    if limit == 0 { 100 } else { i64::from(limit) }
}

/// The store's clock: Unix milliseconds.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
        })
}

/// `value` as stored JSON text.
pub(crate) fn to_json<T: Serialize + ?Sized>(what: &'static str, value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|err| StoreError::Corrupt {
        what,
        message: err.to_string(),
    })
}

/// Maps a driver error to [`StoreError::Database`] with what was being done.
pub(crate) fn database(context: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |err| StoreError::Database {
        context,
        message: err.to_string(),
    }
}

/// An incident row as stored.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct IncidentRow {
    id: i64,
    fingerprint: String,
    starts_at: String,
    name: String,
    status: String,
    state: String,
    labels: String,
    annotations: String,
    alert: String,
    created_at: i64,
    last_seen: i64,
    seen: i64,
    resolved_at: Option<i64>,
    ends_at: Option<String>,
    attempts: i64,
    worker: Option<String>,
    started_at: Option<i64>,
    finished_at: Option<i64>,
    problem_id: Option<String>,
    problem_title: Option<String>,
    score: Option<f64>,
    summary: Option<String>,
    error: Option<String>,
    report: Option<String>,
}

impl IncidentRow {
    /// The incident this row stores.
    pub(crate) fn into_incident(self) -> Result<Incident> {
        Ok(Incident {
            id: self.id,
            status: Status::parse(&self.status).ok_or_else(|| StoreError::Corrupt {
                what: "incident status",
                message: format!("`{}` is not firing or resolved", self.status),
            })?,
            state: State::parse(&self.state).ok_or_else(|| StoreError::Corrupt {
                what: "incident state",
                message: format!("`{}` is not a queue state", self.state),
            })?,
            labels: from_json::<BTreeMap<String, String>>("incident labels", &self.labels)?,
            annotations: from_json::<BTreeMap<String, String>>(
                "incident annotations",
                &self.annotations,
            )?,
            alert: from_json("incident alert", &self.alert)?,
            summary: self
                .summary
                .map(|text| from_json("incident summary", &text))
                .transpose()?,
            report: self
                .report
                .map(|text| from_json("incident report", &text))
                .transpose()?,
            fingerprint: self.fingerprint,
            starts_at: self.starts_at,
            name: self.name,
            created_at: self.created_at,
            last_seen: self.last_seen,
            seen: self.seen,
            resolved_at: self.resolved_at,
            ends_at: self.ends_at,
            attempts: self.attempts,
            worker: self.worker,
            started_at: self.started_at,
            finished_at: self.finished_at,
            problem_id: self.problem_id,
            problem_title: self.problem_title,
            score: self.score,
            error: self.error,
        })
    }
}

/// Stored JSON text read back.
fn from_json<T: serde::de::DeserializeOwned>(what: &'static str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|err| StoreError::Corrupt {
        what,
        message: err.to_string(),
    })
}

/// [`Counts`] from `(kind, name, count)` rows, where kind is `state`,
/// `status` or `payloads`; every state and status is present, zero or not.
pub(crate) fn counts(rows: Vec<(String, String, i64)>) -> Result<Counts> {
    let mut counts = Counts {
        by_state: State::ALL.into_iter().map(|state| (state, 0)).collect(),
        by_status: [Status::Firing, Status::Resolved]
            .into_iter()
            .map(|status| (status, 0))
            .collect(),
        payloads: 0,
    };
    for (kind, name, n) in rows {
        match kind.as_str() {
            "state" => {
                let state = State::parse(&name).ok_or_else(|| StoreError::Corrupt {
                    what: "incident state",
                    message: format!("`{name}` is not a queue state"),
                })?;
                counts.by_state.insert(state, n);
            }
            "status" => {
                let status = Status::parse(&name).ok_or_else(|| StoreError::Corrupt {
                    what: "incident status",
                    message: format!("`{name}` is not firing or resolved"),
                })?;
                counts.by_status.insert(status, n);
            }
            _ => counts.payloads = n,
        }
    }
    Ok(counts)
}

/// One query for [`counts`]' rows.
pub(crate) const COUNTS: &str = "SELECT 'state', state, count(*) FROM incidents GROUP BY state \
     UNION ALL SELECT 'status', status, count(*) FROM incidents GROUP BY status \
     UNION ALL SELECT 'payloads', '', count(*) FROM payloads";

#[cfg(test)]
mod tests {
    use super::{gave_up, limit};

    #[test]
    fn limits_and_messages() {
        assert_eq!(limit(0), 100);
        assert_eq!(limit(7), 7);
        assert_eq!(gave_up(3), "gave up after 3 attempts");
    }
}
