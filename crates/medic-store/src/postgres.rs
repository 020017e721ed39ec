//! The PostgreSQL store: one database shared by any number of `medic serve`
//! processes.
//!
//! Claims lock the row they take with `FOR UPDATE SKIP LOCKED`, so
//! concurrent claimers each get a different incident without waiting on one
//! another. Every time (creation, leases, purges' reference aside) comes from
//! the database's clock (`medic_now_ms()`), so servers on different hosts
//! agree on when a lease ran out.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::{Connection, Postgres};

use crate::location::{redact_message, redact_url};

use crate::row::{self, IncidentRow, columns, database, to_json};
use crate::{
    AlertIn, Counts, Diagnosis, Filter, Incident, Intake, MAX_ATTEMPTS, Result, Status, Store,
    StoreError,
};

/// How long connecting may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a query waits for a free connection.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// How many connections the pool opens at most.
const MAX_CONNECTIONS: u32 = 10;

/// Incidents in a PostgreSQL database.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://USER[:PASSWORD]@HOST[:PORT]/DB`)
    /// and applies the migrations. Errors name the URL without its password.
    pub async fn connect(url: &str) -> Result<Self> {
        let shown = redact_url(url);
        let shown = shown.as_str();
        let failed = |context: &'static str| {
            move |err: sqlx::Error| StoreError::Database {
                context,
                message: format!("`{shown}`: {}", redact_message(&err.to_string(), url)),
            }
        };
        let mut options =
            PgConnectOptions::from_str(url).map_err(failed("cannot read the PostgreSQL URL"))?;
        if options.get_application_name().is_none() {
            options = options.application_name("medic");
        }
        // One connection first: the pool would retry a refused connection
        // until its timeout and then say only that it timed out.
        let probe = tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect_with(&options))
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)
            .and_then(|connected| connected)
            .map_err(failed("cannot connect to PostgreSQL"))?;
        probe
            .close()
            .await
            .map_err(failed("cannot connect to PostgreSQL"))?;
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(failed("cannot connect to PostgreSQL"))?;
        sqlx::migrate!("migrations/postgres")
            .run(&pool)
            .await
            .map_err(|err| StoreError::Database {
                context: "cannot migrate the PostgreSQL database",
                message: format!("`{shown}`: {}", redact_message(&err.to_string(), url)),
            })?;
        Ok(Self { pool })
    }

    /// Closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

impl Store for PostgresStore {
    async fn ingest(&self, body: &str, alerts: &[AlertIn]) -> Result<Vec<Intake>> {
        const CONTEXT: &str = "cannot store an alert payload";
        let mut tx = self.pool.begin().await.map_err(database(CONTEXT))?;
        let payload: i64 = sqlx::query_scalar(
            "INSERT INTO payloads (received_at, body) VALUES (medic_now_ms(), $1) RETURNING id",
        )
        .bind(body)
        .fetch_one(&mut *tx)
        .await
        .map_err(database(CONTEXT))?;
        // Rows are locked in key order, so two servers storing the same
        // alerts at once (Alertmanager in HA sends each notification from
        // every replica) wait for each other instead of deadlocking.
        let mut order: Vec<usize> = (0..alerts.len()).collect();
        order.sort_by_key(|&i| (&alerts[i].fingerprint, &alerts[i].starts_at));
        let mut outcomes = vec![Intake::Unknown; alerts.len()];
        // Firing alerts go in as one statement (a webhook carries up to hundreds); a
        // payload naming the same alert twice takes the row-by-row path, where the
        // second is a repeat of the first.
        let firing: Vec<usize> = order
            .iter()
            .copied()
            .filter(|&i| alerts[i].status == Status::Firing)
            .collect();
        let distinct = firing.windows(2).all(|w| {
            (&alerts[w[0]].fingerprint, &alerts[w[0]].starts_at)
                != (&alerts[w[1]].fingerprint, &alerts[w[1]].starts_at)
        });
        if distinct && firing.len() > 1 {
            let column = |f: &dyn Fn(&AlertIn) -> Result<String>| -> Result<Vec<String>> {
                firing.iter().map(|&i| f(&alerts[i])).collect()
            };
            let rows: Vec<(i64, i64, String, String)> = sqlx::query_as(
                "INSERT INTO incidents (fingerprint, starts_at, name, status, state, \
                 labels, annotations, alert, created_at, last_seen, seen, \
                 first_payload, last_payload) \
                 SELECT f, s, n, 'firing', 'queued', l, a, j, medic_now_ms(), medic_now_ms(), 1, $7, $7 \
                 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) \
                 WITH ORDINALITY AS t(f, s, n, l, a, j, o) ORDER BY o \
                 ON CONFLICT (fingerprint, starts_at) DO UPDATE SET \
                 last_seen = excluded.last_seen, seen = incidents.seen + 1, \
                 alert = excluded.alert, last_payload = excluded.last_payload \
                 RETURNING id, seen, fingerprint, starts_at",
            )
            .bind(column(&|a| Ok(a.fingerprint.clone()))?)
            .bind(column(&|a| Ok(a.starts_at.clone()))?)
            .bind(column(&|a| Ok(a.name.clone()))?)
            .bind(column(&|a| to_json("alert labels", &a.labels))?)
            .bind(column(&|a| to_json("alert annotations", &a.annotations))?)
            .bind(column(&|a| to_json("alert", &a.alert))?)
            .bind(payload)
            .fetch_all(&mut *tx)
            .await
            .map_err(database(CONTEXT))?;
            if rows.len() != firing.len() {
                return Err(StoreError::Database {
                    context: CONTEXT,
                    message: format!("{} rows stored for {} alerts", rows.len(), firing.len()),
                });
            }
            let stored: std::collections::HashMap<(String, String), (i64, i64)> = rows
                .into_iter()
                .map(|(id, seen, f, s)| ((f, s), (id, seen)))
                .collect();
            for &i in &firing {
                let key = (alerts[i].fingerprint.clone(), alerts[i].starts_at.clone());
                let Some(&(id, seen)) = stored.get(&key) else {
                    return Err(StoreError::Database {
                        context: CONTEXT,
                        message: "an alert was not stored".to_owned(),
                    });
                };
                outcomes[i] = if seen == 1 {
                    Intake::Created(id)
                } else {
                    Intake::Repeated(id)
                };
            }
            order.retain(|&i| alerts[i].status != Status::Firing);
        }
        for i in order {
            let alert = &alerts[i];
            let json = to_json("alert", &alert.alert)?;
            let outcome = match alert.status {
                Status::Firing => {
                    let (id, seen): (i64, i64) = sqlx::query_as(
                        "INSERT INTO incidents (fingerprint, starts_at, name, status, state, \
                         labels, annotations, alert, created_at, last_seen, seen, \
                         first_payload, last_payload) \
                         VALUES ($1, $2, $3, 'firing', 'queued', $4, $5, $6, medic_now_ms(), medic_now_ms(), 1, \
                         $7, $7) \
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
                         resolved_at = coalesce(resolved_at, medic_now_ms()), \
                         ends_at = coalesce($1, ends_at), last_seen = medic_now_ms(), \
                         seen = seen + 1, alert = $2, last_payload = $3, \
                         state = CASE state WHEN 'queued' THEN 'skipped' ELSE state END \
                         WHERE fingerprint = $4 AND starts_at = $5 RETURNING id",
                    )
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
        let mut tx = self.pool.begin().await.map_err(database(CONTEXT))?;
        loop {
            let next: Option<(i64, i64)> = sqlx::query_as(
                "SELECT id, attempts FROM incidents \
                 WHERE state IN ('queued', 'running') \
                 AND ((state = 'queued' AND status = 'firing') \
                      OR (state = 'running' AND lease_until < medic_now_ms())) \
                 ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED",
            )
            .fetch_optional(&mut *tx)
            .await
            .map_err(database(CONTEXT))?;
            let Some((id, attempts)) = next else {
                tx.commit().await.map_err(database(CONTEXT))?;
                return Ok(None);
            };
            if attempts >= MAX_ATTEMPTS {
                sqlx::query(
                    "UPDATE incidents SET state = 'failed', error = $1, \
                     finished_at = medic_now_ms(), lease_until = NULL WHERE id = $2",
                )
                .bind(row::gave_up(attempts))
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(database(CONTEXT))?;
                continue;
            }
            let row: IncidentRow = sqlx::query_as(concat!(
                "UPDATE incidents SET state = 'running', worker = $1, \
                 lease_until = medic_now_ms() + $2, attempts = attempts + 1, \
                 started_at = medic_now_ms(), finished_at = NULL \
                 WHERE id = $3 RETURNING ",
                columns!()
            ))
            .bind(worker)
            .bind(lease_ms)
            .bind(id)
            .fetch_one(&mut *tx)
            .await
            .map_err(database(CONTEXT))?;
            tx.commit().await.map_err(database(CONTEXT))?;
            return row.into_incident().map(Some);
        }
    }

    async fn renew(&self, id: i64, worker: &str, lease_ms: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE incidents SET lease_until = medic_now_ms() + $1 \
             WHERE id = $2 AND state = 'running' AND worker = $3",
        )
        .bind(lease_ms)
        .bind(id)
        .bind(worker)
        .execute(&self.pool)
        .await
        .map_err(database("cannot renew a lease"))?;
        Ok(done.rows_affected() == 1)
    }

    async fn finish(&self, id: i64, worker: &str, diagnosis: &Diagnosis) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE incidents SET state = 'done', finished_at = medic_now_ms(), \
             lease_until = NULL, problem_id = $1, problem_title = $2, score = $3, \
             summary = $4, report = $5, error = NULL \
             WHERE id = $6 AND state = 'running' AND worker = $7",
        )
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
        let done = sqlx::query(
            "UPDATE incidents SET state = 'failed', finished_at = medic_now_ms(), \
             lease_until = NULL, error = $1 \
             WHERE id = $2 AND state = 'running' AND worker = $3",
        )
        .bind(error)
        .bind(id)
        .bind(worker)
        .execute(&self.pool)
        .await
        .map_err(database("cannot mark an incident failed"))?;
        Ok(done.rows_affected() == 1)
    }

    async fn list(&self, filter: &Filter) -> Result<Vec<Incident>> {
        let mut query = row::list_query::<Postgres>(filter);
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
            " FROM incidents WHERE id = $1"
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
        let mut tx = self.pool.begin().await.map_err(database(CONTEXT))?;
        let incidents = sqlx::query(
            "DELETE FROM incidents \
             WHERE created_at < $1 AND state NOT IN ('queued', 'running')",
        )
        .bind(before)
        .execute(&mut *tx)
        .await
        .map_err(database(CONTEXT))?;
        sqlx::query("DELETE FROM payloads WHERE received_at < $1")
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
            .map_err(database("the PostgreSQL database does not answer"))?;
        Ok(())
    }
}
