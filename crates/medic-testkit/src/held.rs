//! Real client connections held open to a test's PostgreSQL server.
//!
//! Each connection is a `psql` process reading a script from a pipe that the
//! kit keeps open: the script's first line echoes a marker, so the marker on
//! `psql`'s output is the signal that the connection is established (and the
//! backend visible in `pg_stat_activity`), without needing a spare
//! connection to look. Dropping [`Held`] kills the clients; their backends
//! end as soon as the server sees the sockets close.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::error::{Result, TestkitError};
use crate::postgres::psql_as;

/// What each held `psql` prints once it is connected.
const CONNECTED: &str = "medic-testkit-connected";

/// How long all connections together may take to open.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// Open client connections; dropping this closes them.
#[derive(Debug)]
pub struct Held {
    clients: Vec<Client>,
}

#[derive(Debug)]
struct Client {
    child: Child,
    // Kept open: `psql` quits when its script ends.
    _script: ChildStdin,
}

impl Held {
    /// Starts `n` `psql` clients as `role` with `application_name`, each
    /// running `sql` after connecting if given, and waits until all are
    /// connected.
    pub(crate) fn open(
        psql: &Path,
        port: u16,
        role: &str,
        application_name: &str,
        n: usize,
        sql: Option<&str>,
    ) -> Result<Self> {
        let mut held = Self {
            clients: Vec::with_capacity(n),
        };
        let (sender, receiver) = mpsc::channel();
        for index in 0..n {
            let mut command = psql_as(psql, port, role);
            command
                .env("PGAPPNAME", application_name)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            let mut child = command
                .spawn()
                .map_err(|err| TestkitError::io("start `psql`", err))?;
            let (Some(mut script), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
                let _ = child.kill();
                let _ = child.wait();
                return Err(TestkitError::io(
                    "connect to `psql`'s pipes",
                    std::io::ErrorKind::BrokenPipe.into(),
                ));
            };
            let mut lines = format!("\\echo {CONNECTED}\n");
            if let Some(sql) = sql {
                lines.push_str(sql.trim_end().trim_end_matches(';'));
                lines.push_str(";\n");
            }
            let written = script
                .write_all(lines.as_bytes())
                .and_then(|()| script.flush());
            held.clients.push(Client {
                child,
                _script: script,
            });
            // A client that cannot read its script has already exited; the
            // wait below reports why.
            drop(written);

            let sender = sender.clone();
            thread::spawn(move || {
                let mut line = String::new();
                let connected = BufReader::new(stdout).read_line(&mut line).is_ok()
                    && line.trim_end() == CONNECTED;
                let _ = sender.send((index, connected));
            });
        }

        let deadline = Instant::now() + CONNECT_TIMEOUT;
        for _ in 0..n {
            let left = deadline.saturating_duration_since(Instant::now());
            match receiver.recv_timeout(left) {
                Ok((_, true)) => {}
                Ok((index, false)) => return Err(held.failure(index)),
                Err(_) => {
                    return Err(TestkitError::CommandTimedOut {
                        program: "psql".to_owned(),
                        seconds: CONNECT_TIMEOUT.as_secs_f64(),
                    });
                }
            }
        }
        Ok(held)
    }

    /// Why client `index` did not connect: its exit status and standard error.
    fn failure(&mut self, index: usize) -> TestkitError {
        let Some(client) = self.clients.get_mut(index) else {
            return TestkitError::CommandFailed {
                program: "psql".to_owned(),
                status: "unknown".to_owned(),
                stderr: String::new(),
            };
        };
        // Normally it has exited already; if it printed something else
        // instead of the marker, it must not keep its standard error open.
        let _ = client.child.kill();
        let mut stderr = String::new();
        if let Some(mut pipe) = client.child.stderr.take() {
            let _ = pipe.read_to_string(&mut stderr);
        }
        let status = client
            .child
            .wait()
            .map_or_else(|err| err.to_string(), |status| status.to_string());
        TestkitError::CommandFailed {
            program: "psql".to_owned(),
            status,
            stderr: stderr.trim_end().to_owned(),
        }
    }

    /// How many connections are held.
    pub fn len(&self) -> usize {
        self.clients.len()
    }

    /// Whether no connection is held.
    pub fn is_empty(&self) -> bool {
        self.clients.is_empty()
    }

    /// The process IDs of the `psql` clients (not of their server backends).
    pub fn client_pids(&self) -> Vec<u32> {
        self.clients
            .iter()
            .map(|client| client.child.id())
            .collect()
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        for client in &mut self.clients {
            let _ = client.child.kill();
        }
        for client in &mut self.clients {
            let _ = client.child.wait();
        }
    }
}
