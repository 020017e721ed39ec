//! The SQLite store: one file in WAL mode, for a single `medic serve`.
//!
//! Writers take the write lock up front (`BEGIN IMMEDIATE`) so a claim's
//! read and update are one step no other connection can interleave with,
//! and waiting for the lock is bounded by `busy_timeout` instead of failing
//! with `SQLITE_BUSY` halfway through. With WAL, `synchronous = NORMAL`
//! keeps every committed transaction across a crash of the process (only a
//! power loss can take the last ones).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{QueryBuilder, Sqlite, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::row::{self, IncidentRow, columns, database, now_ms, to_json};
use crate::{
    AlertIn, Counts, Diagnosis, Filter, Incident, Intake, MAX_ATTEMPTS, Result, Status, Store,
    StoreError,
};

/// How long a connection waits for another's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Firing alerts per multi-row insert (13 values each, well under SQLite's 32,766).
const BATCH: usize = 500;

/// How many connections the pool opens at most.
const MAX_CONNECTIONS: u32 = 8;

/// Incidents in a SQLite file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    path: PathBuf,
    /// SQLite has one writer at a time: writers of this process queue here, in
    /// order, instead of sleeping and retrying on `SQLITE_BUSY` (which gives
    /// webhooks a long latency tail while workers claim and finish).
    writer: Arc<Mutex<()>>,
}

impl SqliteStore {
    /// Opens (creating it and its directory if needed) the database file at
    /// `path` and applies the migrations.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|err| StoreError::Database {
                context: "cannot create the database directory",
                message: format!("`{}`: {err}", parent.display()),
            })?;
        }
        let options = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true);
        let in_file = |err: sqlx::Error| format!("`{}`: {err}", path.display());
        let pool = SqlitePoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .connect_with(options)
            .await
            .map_err(|err| StoreError::Database {
                context: "cannot open the SQLite database",
                message: in_file(err),
            })?;
        sqlx::migrate!("migrations/sqlite")
            .run(&pool)
            .await
            .map_err(|err| StoreError::Database {
                context: "cannot migrate the SQLite database",
                message: format!("`{}`: {err}", path.display()),
            })?;
        Ok(Self {
            pool,
            path,
            writer: Arc::new(Mutex::new(())),
        })
    }

    /// The database file.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Closes every connection (checkpointing the WAL).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// A write transaction holding the lock from its start, and this process's
    /// turn to write.
    async fn write(
        &self,
        context: &'static str,
    ) -> Result<(OwnedMutexGuard<()>, Transaction<'static, Sqlite>)> {
        let turn = Arc::clone(&self.writer).lock_owned().await;
        let tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(database(context))?;
        Ok((turn, tx))
    }
}

impl Store for SqliteStore {
    async fn ingest(&self, body: &str, alerts: &[AlertIn]) -> Result<Vec<Intake>> {
        const CONTEXT: &str = "cannot store an alert payload";
        let (_turn, mut tx) = self.write(CONTEXT).await?;
        let now = now_ms();
        let payload: i64 = sqlx::query_scalar(
            "INSERT INTO payloads (received_at, body) VALUES (?1, ?2) RETURNING id",
        )
        .bind(now)
        .bind(body)
        .fetch_one(&mut *tx)
        .await
        .map_err(database(CONTEXT))?;
        let mut outcomes = vec![Intake::Unknown; alerts.len()];
        // Firing alerts with distinct keys go in as multi-row statements; the others
        // (resolutions, an alert named twice in one payload) one by one, in order.
        let mut keys = std::collections::HashSet::new();
        let firing: Vec<usize> = (0..alerts.len())
            .filter(|&i| alerts[i].status == Status::Firing)
            .collect();
        let batched = firing.len() > 1
            && firing
                .iter()
                .all(|&i| keys.insert((&alerts[i].fingerprint, &alerts[i].starts_at)));
        if batched {
            for chunk in firing.chunks(BATCH) {
                let mut query = QueryBuilder::<Sqlite>::new(
                    "INSERT INTO incidents (fingerprint, starts_at, name, status, state, \
                     labels, annotations, alert, created_at, last_seen, seen, \
                     first_payload, last_payload) ",
                );
                let mut rows = Vec::with_capacity(chunk.len());
                for &i in chunk {
                    let a = &alerts[i];
                    rows.push((
                        a,
                        to_json("alert labels", &a.labels)?,
                        to_json("alert annotations", &a.annotations)?,
                        to_json("alert", &a.alert)?,
                    ));
                }
                query.push_values(&rows, |mut row, (a, labels, annotations, json)| {
                    row.push_bind(&a.fingerprint)
                        .push_bind(&a.starts_at)
                        .push_bind(&a.name)
                        .push("'firing'")
                        .push("'queued'")
                        .push_bind(labels)
                        .push_bind(annotations)
                        .push_bind(json)
                        .push_bind(now)
                        .push_bind(now)
                        .push("1")
                        .push_bind(payload)
                        .push_bind(payload);
                });
                query.push(
                    " ON CONFLICT (fingerprint, starts_at) DO UPDATE SET \
                     last_seen = excluded.last_seen, seen = incidents.seen + 1, \
                     alert = excluded.alert, last_payload = excluded.last_payload \
                     RETURNING id, seen, fingerprint, starts_at",
                );
                let stored: std::collections::HashMap<(String, String), (i64, i64)> = query
                    .build_query_as::<(i64, i64, String, String)>()
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(database(CONTEXT))?
                    .into_iter()
                    .map(|(id, seen, f, s)| ((f, s), (id, seen)))
                    .collect();
                for &i in chunk {
                    let key = (alerts[i].fingerprint.clone(), alerts[i].starts_at.clone());
                    let &(id, seen) = stored.get(&key).ok_or_else(|| StoreError::Database {
                        context: CONTEXT,
                        message: "an alert was not stored".to_owned(),
                    })?;
                    outcomes[i] = if seen == 1 {
                        Intake::Created(id)
                    } else {
                        Intake::Repeated(id)
                    };
                }
            }
        }
        for (i, alert) in alerts.iter().enumerate() {
            if batched && alert.status == Status::Firing {
                continue;
            }
            let json = to_json("alert", &alert.alert)?;
            let outcome = match alert.status {
                Status::Firing => {
                    let (id, seen): (i64, i64) = sqlx::query_as(
                        "INSERT INTO incidents (fingerprint, starts_at, name, status, state, \
                         labels, annotations, alert, created_at, last_seen, seen, \
                         first_payload, last_payload) \
                         VALUES (?1, ?2, ?3, 'firing', 'queued', ?4, ?5, ?6, ?7, ?7, 1, ?8, ?8) \
                         ON CONFLICT (fingerprint, starts_at) DO UPDATE SET \
                         last_seen = excluded.last_seen, seen = incidents.seen + 1, \
                         alert = excluded.alert, last_payload = excluded.last_payload \
                         RETURNING id, seen",
                    )
                    .bind(&alert.fingerprint)
                    .bind(&alert.starts_at)
                    .bind(&alert.name)
                    .bind(to_json("alert labels", &alert.labels)?)
                    .bind(to_json("alert annotations", &alert.annotations)?)
                    .bind(json)
                    .bind(now)
                    .bind(payload)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(database(CONTEXT))?;
                    if seen == 1 {
                        Intake::Created(id)
                    } else {
                        Intake::Repeated(id)
                    }
                }
                Status::Resolved => {
                    let id: Option<i64> = sqlx::query_scalar(
                        "UPDATE incidents SET status = 'resolved', \
                         resolved_at = coalesce(resolved_at, ?1), ends_at = coalesce(?2, ends_at), \
                         last_seen = ?1, seen = seen + 1, alert = ?3, last_payload = ?4, \
                         state = CASE state WHEN 'queued' THEN 'skipped' ELSE state END \
                         WHERE fingerprint = ?5 AND starts_at = ?6 RETURNING id",
                    )
                    .bind(now)
                    .bind(&alert.ends_at)
                    .bind(json)
                    .bind(payload)
                    .bind(&alert.fingerprint)
                    .bind(&alert.starts_at)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(database(CONTEXT))?;
                    id.map_or(Intake::Unknown, Intake::Resolved)
                }
            };
            outcomes[i] = outcome;
        }
        tx.commit().await.map_err(database(CONTEXT))?;
        Ok(outcomes)
    }

    async fn claim(&self, worker: &str, lease_ms: i64) -> Result<Option<Incident>> {
        const CONTEXT: &str = "cannot claim an incident";
        let (_turn, mut tx) = self.write(CONTEXT).await?;
        let now = now_ms();
        loop {
            let next: Option<(i64, i64)> = sqlx::query_as(
                "SELECT id, attempts FROM incidents \
                 WHERE state IN ('queued', 'running') \
                 AND ((state = 'queued' AND status = 'firing') \
                      OR (state = 'running' AND lease_until < ?1)) \
                 ORDER BY created_at, id LIMIT 1",
            )
            .bind(now)
            .fetch_optional(&mut *tx)
            .await
            .map_err(database(CONTEXT))?;
            let Some((id, attempts)) = next else {
                tx.commit().await.map_err(database(CONTEXT))?;
                return Ok(None);
            };
            if attempts >= MAX_ATTEMPTS {
                sqlx::query(
                    "UPDATE incidents SET state = 'failed', error = ?1, finished_at = ?2, \
                     lease_until = NULL WHERE id = ?3",
                )
                .bind(row::gave_up(attempts))
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(database(CONTEXT))?;
                continue;
            }
            let row: IncidentRow = sqlx::query_as(concat!(
                "UPDATE incidents SET state = 'running', worker = ?1, lease_until = ?2, \
                 attempts = attempts + 1, started_at = ?3, finished_at = NULL \
                 WHERE id = ?4 RETURNING ",
                columns!()
            ))
            .bind(worker)
            .bind(now.saturating_add(lease_ms))
            .bind(now)
            .bind(id)
            .fetch_one(&mut *tx)
            .await
            .map_err(database(CONTEXT))?;
            tx.commit().await.map_err(database(CONTEXT))?;
            return row.into_incident().map(Some);
        }
    }

    async fn renew(&self, id: i64, worker: &str, lease_ms: i64) -> Result<bool> {
        let _turn = self.writer.lock().await;
        let done = sqlx::query(
            "UPDATE incidents SET lease_until = ?1 \
             WHERE id = ?2 AND state = 'running' AND worker = ?3",
        )
        .bind(now_ms().saturating_add(lease_ms))
        .bind(id)
        .bind(worker)
        .execute(&self.pool)
        .await
        .map_err(database("cannot renew a lease"))?;
        Ok(done.rows_affected() == 1)
    }

    async fn finish(&self, id: i64, worker: &str, diagnosis: &Diagnosis) -> Result<bool> {
        let _turn = self.writer.lock().await;
        let done = sqlx::query(
            "UPDATE incidents SET state = 'done', finished_at = ?1, lease_until = NULL, \
             problem_id = ?2, problem_title = ?3, score = ?4, summary = ?5, report = ?6, \
             error = NULL \
             WHERE id = ?7 AND state = 'running' AND worker = ?8",
        )
        .bind(now_ms())
        .bind(&diagnosis.problem_id)
        .bind(&diagnosis.problem_title)
        .bind(diagnosis.score)
        .bind(to_json("diagnosis summary", &diagnosis.summary)?)
        .bind(to_json("diagnosis report", &diagnosis.report)?)
        .bind(id)
        .bind(worker)
        .execute(&self.pool)
        .await
        .map_err(database("cannot store a diagnosis"))?;
        Ok(done.rows_affected() == 1)
    }

    async fn fail(&self, id: i64, worker: &str, error: &str) -> Result<bool> {
        let _turn = self.writer.lock().await;
        let done = sqlx::query(
            "UPDATE incidents SET state = 'failed', finished_at = ?1, lease_until = NULL, \
             error = ?2 \
             WHERE id = ?3 AND state = 'running' AND worker = ?4",
        )
        .bind(now_ms())
        .bind(error)
        .bind(id)
        .bind(worker)
        .execute(&self.pool)
        .await
        .map_err(database("cannot mark an incident failed"))?;
        Ok(done.rows_affected() == 1)
    }

    async fn list(&self, filter: &Filter) -> Result<Vec<Incident>> {
        let mut query = row::list_query::<Sqlite>(filter);
        query
            .build_query_as::<IncidentRow>()
            .fetch_all(&self.pool)
            .await
            .map_err(database("cannot list incidents"))?
            .into_iter()
            .map(IncidentRow::into_incident)
            .collect()
    }

    async fn get(&self, id: i64) -> Result<Option<Incident>> {
        sqlx::query_as::<_, IncidentRow>(concat!(
            "SELECT ",
            columns!(),
            " FROM incidents WHERE id = ?1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(database("cannot read an incident"))?
        .map(IncidentRow::into_incident)
        .transpose()
    }

    async fn counts(&self) -> Result<Counts> {
        let rows = sqlx::query_as(row::COUNTS)
            .fetch_all(&self.pool)
            .await
            .map_err(database("cannot count incidents"))?;
        row::counts(rows)
    }

    async fn purge(&self, before: i64) -> Result<u64> {
        const CONTEXT: &str = "cannot purge old incidents";
        let (_turn, mut tx) = self.write(CONTEXT).await?;
        let incidents = sqlx::query(
            "DELETE FROM incidents \
             WHERE created_at < ?1 AND state NOT IN ('queued', 'running')",
        )
        .bind(before)
        .execute(&mut *tx)
        .await
        .map_err(database(CONTEXT))?;
        sqlx::query("DELETE FROM payloads WHERE received_at < ?1")
            .bind(before)
            .execute(&mut *tx)
            .await
            .map_err(database(CONTEXT))?;
        tx.commit().await.map_err(database(CONTEXT))?;
        Ok(incidents.rows_affected())
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(database("the SQLite database does not answer"))?;
        Ok(())
    }
}
