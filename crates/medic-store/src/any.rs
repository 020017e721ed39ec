//! The store a URL names: [`open`] reads the URL, connects, migrates, and
//! hands back an [`AnyStore`] that dispatches to the backend.

use crate::location::Location;
use crate::postgres::PostgresStore;
use crate::sqlite::SqliteStore;
use crate::{AlertIn, Counts, Diagnosis, Filter, Incident, Intake, Result, Store};

/// Opens the store at `url` and applies its migrations (again, harmlessly,
/// if they already ran): `sqlite://PATH`, `sqlite:PATH` or a bare path for a
/// SQLite file (created with its directory), `postgres://…` or
/// `postgresql://…` for PostgreSQL. Anything else is [`StoreError::Url`](crate::StoreError::Url).
pub async fn open(url: &str) -> Result<AnyStore> {
    match Location::parse(url)? {
        Location::Sqlite(path) => SqliteStore::open(path).await.map(AnyStore::Sqlite),
        Location::Postgres(url) => PostgresStore::connect(&url).await.map(AnyStore::Postgres),
    }
}

/// Either backend, chosen at run time.
#[derive(Debug, Clone)]
pub enum AnyStore {
    /// A SQLite file.
    Sqlite(SqliteStore),
    /// A PostgreSQL database.
    Postgres(PostgresStore),
}

impl AnyStore {
    /// `sqlite` or `postgres`.
    #[must_use]
    pub fn backend(&self) -> &'static str {
        match self {
            AnyStore::Sqlite(_) => "sqlite",
            AnyStore::Postgres(_) => "postgres",
        }
    }

    /// Closes every connection; later calls fail.
    pub async fn close(&self) {
        match self {
            AnyStore::Sqlite(store) => store.close().await,
            AnyStore::Postgres(store) => store.close().await,
        }
    }
}

/// Calls the same method on whichever backend `self` is.
macro_rules! dispatch {
    ($self:ident, $store:ident => $call:expr) => {
        match $self {
            AnyStore::Sqlite($store) => $call.await,
            AnyStore::Postgres($store) => $call.await,
        }
    };
}

impl Store for AnyStore {
    async fn ingest(&self, body: &str, alerts: &[AlertIn]) -> Result<Vec<Intake>> {
        dispatch!(self, store => store.ingest(body, alerts))
    }

    async fn claim(&self, worker: &str, lease_ms: i64) -> Result<Option<Incident>> {
        dispatch!(self, store => store.claim(worker, lease_ms))
    }

    async fn renew(&self, id: i64, worker: &str, lease_ms: i64) -> Result<bool> {
        dispatch!(self, store => store.renew(id, worker, lease_ms))
    }

    async fn finish(&self, id: i64, worker: &str, diagnosis: &Diagnosis) -> Result<bool> {
        dispatch!(self, store => store.finish(id, worker, diagnosis))
    }

    async fn fail(&self, id: i64, worker: &str, error: &str) -> Result<bool> {
        dispatch!(self, store => store.fail(id, worker, error))
    }

    async fn list(&self, filter: &Filter) -> Result<Vec<Incident>> {
        dispatch!(self, store => store.list(filter))
    }

    async fn get(&self, id: i64) -> Result<Option<Incident>> {
        dispatch!(self, store => store.get(id))
    }

    async fn counts(&self) -> Result<Counts> {
        dispatch!(self, store => store.counts())
    }

    async fn purge(&self, before: i64) -> Result<u64> {
        dispatch!(self, store => store.purge(before))
    }

    async fn ping(&self) -> Result<()> {
        dispatch!(self, store => store.ping())
    }
}
