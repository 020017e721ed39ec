//! A throw-away Redis server for one test.
//!
//! Debian's `redis-server` runs on a free loopback port with persistence
//! off and its working directory in a temporary directory; it is ready when
//! `redis-cli INFO server` on that port reports this process's ID. Clients
//! are the real `redis-cli`, so replies such as `OOM command not allowed
//! when used memory > 'maxmemory'.` read exactly as at a terminal.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use rustix::process::Signal;
use tempfile::TempDir;

use crate::command::run;
use crate::error::{Result, TestkitError};
use crate::installed::find_program;
use crate::port::{port_accepts, with_free_port};
use crate::process::{ServiceProcess, log_tail};

/// How long the server may take to become ready.
const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// How long one `redis-cli` run may take.
const CLI_TIMEOUT: Duration = Duration::from_secs(30);

/// Settings for a [`Redis`] server; [`RedisBuilder::start`] starts it.
#[derive(Debug, Clone, Default)]
pub struct RedisBuilder {
    settings: Vec<(String, String)>,
}

impl RedisBuilder {
    /// Limits memory, e.g. `maxmemory("1mb")`; with the default policy
    /// `noeviction`, writes past it fail with `OOM command not allowed`.
    #[must_use]
    pub fn maxmemory(self, size: &str) -> Self {
        self.setting("maxmemory", size)
    }

    /// Limits clients; one more gets `ERR max number of clients reached`.
    #[must_use]
    pub fn maxclients(self, n: u32) -> Self {
        self.setting("maxclients", &n.to_string())
    }

    /// Sets any other configuration directive, as `redis-server --name value`.
    #[must_use]
    pub fn setting(mut self, name: &str, value: &str) -> Self {
        self.settings.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Starts the server on a free port.
    pub fn start(self) -> Result<Redis> {
        let server = find_program("redis-server", "redis-server")?;
        let cli = find_program("redis-cli", "redis-tools")?;
        let dir = tempfile::Builder::new()
            .prefix("medic-testkit-redis-")
            .tempdir()
            .map_err(|err| TestkitError::io("create a temporary directory", err))?;

        let (process, port, log) = with_free_port(|port| {
            let log = dir.path().join(format!("redis-{port}.log"));
            let mut command = Command::new(&server);
            command
                .current_dir(dir.path())
                .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
                .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
                .arg("--dir")
                .arg(dir.path());
            for (name, value) in &self.settings {
                command.arg(format!("--{name}")).arg(value);
            }
            let mut process = ServiceProcess::spawn("redis", &mut command, &log, Signal::TERM)?;
            let marker = format!("process_id:{}", process.pid());
            process.wait_ready(READY_TIMEOUT, || {
                port_accepts(port)
                    && run(
                        &mut cli_command(&cli, port, &["INFO", "server"]),
                        CLI_TIMEOUT,
                    )
                    .is_ok_and(|out| out.status.success() && out.stdout.contains(&marker))
            })?;
            Ok((process, port, log))
        })?;
        Ok(Redis {
            process,
            port,
            log,
            cli,
            dir,
        })
    }
}

/// A Redis server on 127.0.0.1, stopped and deleted when dropped.
///
/// ```no_run
/// let redis = medic_testkit::Redis::builder().maxmemory("1mb").start()?;
/// assert_eq!(redis.cli(&["PING"])?, "PONG");
/// # Ok::<(), medic_testkit::TestkitError>(())
/// ```
#[derive(Debug)]
pub struct Redis {
    // Fields drop in order: the server stops before its directory goes.
    process: ServiceProcess,
    port: u16,
    log: PathBuf,
    cli: PathBuf,
    dir: TempDir,
}

impl Redis {
    /// Starts a server with default settings.
    pub fn start() -> Result<Self> {
        Self::builder().start()
    }

    /// Settings for a server that needs some.
    pub fn builder() -> RedisBuilder {
        RedisBuilder::default()
    }

    /// The TCP port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server's URL, `redis://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// The server's process ID.
    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    /// The server's temporary working directory; it is removed on drop.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The last lines of the server's log.
    pub fn log_tail(&self) -> String {
        log_tail(&self.log)
    }

    /// Runs `redis-cli` with `args` against this server and returns what it
    /// printed, without trailing newlines (it prints a blank line after an
    /// error reply). Error replies (`ERR …`, `OOM …`) are output, not
    /// failures; only a `redis-cli` that fails (cannot connect, say) is an
    /// error.
    pub fn cli(&self, args: &[&str]) -> Result<String> {
        let stdout =
            run(&mut cli_command(&self.cli, self.port, args), CLI_TIMEOUT)?.checked("redis-cli")?;
        Ok(stdout.trim_end_matches('\n').to_owned())
    }
}

fn cli_command(cli: &Path, port: u16, args: &[&str]) -> Command {
    let mut command = Command::new(cli);
    command
        .env_remove("REDISCLI_AUTH")
        .args(["-h", "127.0.0.1", "-p", &port.to_string()])
        .args(args);
    command
}
