//! A throw-away PostgreSQL server for one test.
//!
//! `initdb` makes a fresh cluster in a temporary directory (trust
//! authentication on 127.0.0.1 and the socket directory, superuser
//! `postgres`), and `postgres` serves it on a free loopback port with
//! durability switched off for speed. The server is ready when a real query
//! over TCP answers with this cluster's data directory. Dropping
//! [`Postgres`] shuts it down immediately, waits for it, and removes the
//! directory. Clients are the real `psql`, so errors read exactly as a
//! person at a terminal would see them.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use rustix::process::Signal;
use tempfile::TempDir;

use crate::command::run;
use crate::error::{Result, TestkitError};
use crate::held::Held;
use crate::installed::{POSTGRES_PACKAGE, find_postgres_program};
use crate::port::{port_accepts, with_free_port};
use crate::process::{ServiceProcess, log_tail};
use crate::run_as::RunAs;
use crate::wait::wait_until;

/// The superuser `initdb` creates, and the database every client uses.
const SUPERUSER: &str = "postgres";
const DATABASE: &str = "postgres";

/// How long `initdb` may take.
const INITDB_TIMEOUT: Duration = Duration::from_secs(120);

/// How long the server may take to accept queries.
const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// How long one readiness probe may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// How long one `psql` run may take.
const PSQL_TIMEOUT: Duration = Duration::from_secs(60);

/// Environment variables that would change where or how `psql` connects.
const CLIENT_ENV: [&str; 9] = [
    "PGHOST",
    "PGHOSTADDR",
    "PGPORT",
    "PGUSER",
    "PGDATABASE",
    "PGOPTIONS",
    "PGSERVICE",
    "PGAPPNAME",
    "PGPASSWORD",
];

/// Settings for a [`Postgres`] server; [`PostgresBuilder::start`] starts it.
#[derive(Debug, Clone, Default)]
pub struct PostgresBuilder {
    max_connections: Option<u32>,
    superuser_reserved: Option<u32>,
    settings: Vec<(String, String)>,
}

impl PostgresBuilder {
    /// Sets `max_connections` (PostgreSQL's default is 100).
    #[must_use]
    pub fn max_connections(mut self, n: u32) -> Self {
        self.max_connections = Some(n);
        self
    }

    /// Sets `superuser_reserved_connections` (PostgreSQL's default is 3).
    #[must_use]
    pub fn superuser_reserved(mut self, n: u32) -> Self {
        self.superuser_reserved = Some(n);
        self
    }

    /// Sets any other server setting, as `postgres -c name=value` would,
    /// e.g. `setting("shared_preload_libraries", "pg_stat_statements")`.
    #[must_use]
    pub fn setting(mut self, name: &str, value: &str) -> Self {
        self.settings.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Creates a cluster and starts the server on a free port.
    pub fn start(self) -> Result<Postgres> {
        let initdb = find_postgres_program("initdb")?;
        let server = find_postgres_program("postgres")?;
        let psql = find_postgres_program("psql")?;
        let run_as = RunAs::unless_root(SUPERUSER, POSTGRES_PACKAGE)?;

        let dir = tempfile::Builder::new()
            .prefix("medic-testkit-postgres-")
            .tempdir()
            .map_err(|err| TestkitError::io("create a temporary directory", err))?;
        run_as.own(dir.path())?;
        let data_dir = dir.path().join("data");

        let mut command = Command::new(&initdb);
        run_as
            .apply(&mut command)
            .current_dir(dir.path())
            .arg("-D")
            .arg(&data_dir)
            .args(["-U", SUPERUSER, "--auth=trust", "-E", "UTF8"])
            .args(["--no-locale", "--no-sync"]);
        run(&mut command, INITDB_TIMEOUT)?.checked("initdb")?;

        with_free_port(|port| {
            let log = dir.path().join(format!("postgres-{port}.log"));
            let mut command = Command::new(&server);
            run_as
                .apply(&mut command)
                .current_dir(dir.path())
                .arg("-D")
                .arg(&data_dir)
                .arg("-p")
                .arg(port.to_string())
                .arg("-k")
                .arg(dir.path())
                .args(["-c", "listen_addresses=127.0.0.1"])
                .args(["-c", "fsync=off", "-c", "synchronous_commit=off"])
                .args(["-c", "full_page_writes=off"]);
            if let Some(n) = self.max_connections {
                command.arg("-c").arg(format!("max_connections={n}"));
            }
            if let Some(n) = self.superuser_reserved {
                command
                    .arg("-c")
                    .arg(format!("superuser_reserved_connections={n}"));
            }
            for (name, value) in &self.settings {
                command.arg("-c").arg(format!("{name}={value}"));
            }
            // Immediate shutdown: a test's server has nothing worth a
            // checkpoint, and clients still connected must not delay it.
            let mut process = ServiceProcess::spawn("postgres", &mut command, &log, Signal::QUIT)?;
            let expected = data_dir.to_string_lossy().into_owned();
            process.wait_ready(READY_TIMEOUT, || {
                port_accepts(port)
                    && run(
                        psql_as(&psql, port, SUPERUSER).args(["-c", "SHOW data_directory"]),
                        PROBE_TIMEOUT,
                    )
                    .is_ok_and(|out| out.status.success() && out.stdout.trim() == expected)
            })?;
            Ok((process, port, log))
        })
        .map(|(process, port, log)| Postgres {
            process,
            port,
            log,
            psql,
            data_dir,
            dir,
        })
    }
}

/// A PostgreSQL server on 127.0.0.1, stopped and deleted when dropped.
///
/// ```no_run
/// use medic_testkit::Postgres;
///
/// let pg = Postgres::builder().max_connections(5).superuser_reserved(2).start()?;
/// pg.create_role("app")?;
/// let held = pg.hold_connections("app", "held-by-test", 3)?;
/// let err = pg.try_connect("app").unwrap_err();
/// assert!(err.contains("remaining connection slots are reserved"));
/// drop(held);
/// # Ok::<(), medic_testkit::TestkitError>(())
/// ```
#[derive(Debug)]
pub struct Postgres {
    // Fields drop in order: the server stops before its directory goes.
    process: ServiceProcess,
    port: u16,
    log: PathBuf,
    psql: PathBuf,
    data_dir: PathBuf,
    dir: TempDir,
}

impl Postgres {
    /// Starts a server with PostgreSQL's default settings.
    pub fn start() -> Result<Self> {
        Self::builder().start()
    }

    /// Settings for a server that needs some.
    pub fn builder() -> PostgresBuilder {
        PostgresBuilder::default()
    }

    /// The address the server listens on: always `127.0.0.1`.
    pub fn host(&self) -> &'static str {
        "127.0.0.1"
    }

    /// The TCP port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A connection URL for the superuser:
    /// `postgres://postgres@127.0.0.1:PORT/postgres`.
    pub fn url(&self) -> String {
        format!(
            "postgres://{SUPERUSER}@{}:{}/{DATABASE}",
            self.host(),
            self.port
        )
    }

    /// `PGHOST`, `PGPORT`, `PGUSER` and `PGDATABASE` for a client that
    /// should reach this server as the superuser.
    pub fn env(&self) -> Vec<(String, String)> {
        [
            ("PGHOST", self.host().to_owned()),
            ("PGPORT", self.port.to_string()),
            ("PGUSER", SUPERUSER.to_owned()),
            ("PGDATABASE", DATABASE.to_owned()),
        ]
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect()
    }

    /// The postmaster's process ID.
    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    /// The temporary directory holding the cluster, the socket and the log;
    /// it is removed on drop.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The cluster's data directory, inside [`Postgres::dir`].
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The server's log file (its standard error).
    pub fn log_path(&self) -> &Path {
        &self.log
    }

    /// The last lines of the server's log.
    pub fn log_tail(&self) -> String {
        log_tail(&self.log)
    }

    /// Runs `sql` with `psql -X -A -t` as the superuser and returns what it
    /// printed, without the final newline. Several statements may be given,
    /// separated by `;`; the first error stops them.
    pub fn psql(&self, sql: &str) -> Result<String> {
        let mut command = psql_as(&self.psql, self.port, SUPERUSER);
        command.args(["-v", "ON_ERROR_STOP=1", "-c", sql]);
        let stdout = run(&mut command, PSQL_TIMEOUT)?.checked("psql")?;
        Ok(stdout.strip_suffix('\n').unwrap_or(&stdout).to_owned())
    }

    /// Creates a role that may log in and is not a superuser.
    pub fn create_role(&self, name: &str) -> Result<()> {
        self.psql(&format!("CREATE ROLE {} LOGIN", quote_ident(name)))
            .map(drop)
    }

    /// Opens `n` idle client connections as `role`, each a `psql` process
    /// with `application_name` set, and returns once every one is connected
    /// (and so shown in `pg_stat_activity`). They close when the returned
    /// [`Held`] is dropped.
    pub fn hold_connections(&self, role: &str, application_name: &str, n: usize) -> Result<Held> {
        Held::open(&self.psql, self.port, role, application_name, n, None)
    }

    /// Like [`Postgres::hold_connections`], but each connection runs `sql`
    /// (e.g. `SELECT pg_sleep(3600)`), and this returns once
    /// `pg_stat_activity` shows all `n` of them `active`.
    pub fn hold_queries(
        &self,
        role: &str,
        application_name: &str,
        n: usize,
        sql: &str,
    ) -> Result<Held> {
        let held = Held::open(&self.psql, self.port, role, application_name, n, Some(sql))?;
        let count = format!(
            "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND application_name = {}",
            quote_literal(application_name)
        );
        wait_until(
            &format!("{n} active queries from `{application_name}`"),
            READY_TIMEOUT,
            || Ok(self.psql(&count)?.parse::<usize>().is_ok_and(|c| c >= n)),
        )?;
        Ok(held)
    }

    /// Tries one more connection as `role` and runs `SELECT 1`; on failure
    /// returns what `psql` printed on standard error, e.g.
    /// `psql: error: connection to server at "127.0.0.1", port 5432 failed:
    /// FATAL:  sorry, too many clients already`.
    pub fn try_connect(&self, role: &str) -> Result<(), String> {
        let mut command = psql_as(&self.psql, self.port, role);
        command.args(["-c", "SELECT 1"]);
        match run(&mut command, PSQL_TIMEOUT) {
            Ok(output) if output.status.success() => Ok(()),
            Ok(output) => Err(output.stderr.trim_end().to_owned()),
            Err(err) => Err(err.to_string()),
        }
    }
}

/// `psql` connecting to the server on `port` as `role`, printing unaligned
/// tuples only and ignoring `~/.psqlrc` and the caller's `PG*` variables.
pub(crate) fn psql_as(psql: &Path, port: u16, role: &str) -> Command {
    let mut command = Command::new(psql);
    for name in CLIENT_ENV {
        command.env_remove(name);
    }
    command
        .args(["-X", "-A", "-t", "-q", "-h", "127.0.0.1", "-p"])
        .arg(port.to_string())
        .args(["-U", role, "-d", DATABASE]);
    command
}

/// `name` as an SQL identifier: `app` → `"app"`.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `text` as an SQL string literal: `it's` → `'it''s'`.
pub(crate) fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::{quote_ident, quote_literal};

    #[test]
    fn quoting() {
        assert_eq!(quote_ident("app"), "\"app\"");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(quote_literal("it's"), "'it''s'");
    }
}
