//! A long-running service process: started with its output in a log file,
//! waited on until its readiness signal holds, and stopped on drop.
//!
//! Stopping sends the service's own shutdown signal (PostgreSQL's immediate
//! shutdown is `SIGQUIT`), waits for the process to exit so no zombie is
//! left, and kills it if it does not exit in time. A service that starts
//! programs of its own (chromedriver starts chromium, which starts a dozen
//! helpers) runs in its own process group, which is signalled as a whole and
//! then killed, so no child outlives the test.

use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal, kill_process, kill_process_group};

use crate::command::program_name;
use crate::error::{Result, TestkitError};
use crate::wait::POLL_INTERVAL;

/// How many log lines an error shows.
const LOG_TAIL_LINES: usize = 30;

/// How long a stopped service may take to exit before it is killed.
const STOP_GRACE: Duration = Duration::from_secs(10);

/// A running service process that is stopped when dropped.
#[derive(Debug)]
pub(crate) struct ServiceProcess {
    service: &'static str,
    child: Child,
    log: PathBuf,
    stop_signal: Signal,
    /// Whether the process leads its own process group, which is stopped with it.
    group: bool,
}

impl ServiceProcess {
    /// Starts `command` with standard output and error appended to `log`.
    pub(crate) fn spawn(
        service: &'static str,
        command: &mut Command,
        log: &Path,
        stop_signal: Signal,
    ) -> Result<Self> {
        let open = |err| TestkitError::io(format!("open log file `{}`", log.display()), err);
        let stdout = File::options()
            .create(true)
            .append(true)
            .open(log)
            .map_err(open)?;
        let stderr = stdout.try_clone().map_err(open)?;
        let child = command
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr)
            .spawn()
            .map_err(|err| TestkitError::io(format!("start `{}`", program_name(command)), err))?;
        Ok(Self {
            service,
            child,
            log: log.to_owned(),
            stop_signal,
            group: false,
        })
    }

    /// Like [`ServiceProcess::spawn`], but in a new process group: stopping
    /// sends the stop signal to the whole group and then kills whatever of
    /// it is left, including children the service started.
    pub(crate) fn spawn_group(
        service: &'static str,
        command: &mut Command,
        log: &Path,
        stop_signal: Signal,
    ) -> Result<Self> {
        let mut process = Self::spawn(service, command.process_group(0), log, stop_signal)?;
        process.group = true;
        Ok(process)
    }

    /// The operating-system process ID.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Polls `probe` until it says the service is ready. Fails with
    /// [`TestkitError::Exited`] if the process exits first and
    /// [`TestkitError::NotReady`] at the deadline, both with the log's tail.
    pub(crate) fn wait_ready(
        &mut self,
        timeout: Duration,
        mut probe: impl FnMut() -> bool,
    ) -> Result<()> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.try_wait()? {
                return Err(self.exited(status));
            }
            if probe() {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(TestkitError::NotReady {
                    service: self.service.to_owned(),
                    seconds: timeout.as_secs_f64(),
                    log: self.log.clone(),
                    log_tail: log_tail(&self.log),
                });
            }
            thread::sleep(POLL_INTERVAL);
        }
    }

    fn try_wait(&mut self) -> Result<Option<ExitStatus>> {
        self.child
            .try_wait()
            .map_err(|err| TestkitError::io(format!("check whether {} runs", self.service), err))
    }

    fn exited(&self, status: ExitStatus) -> TestkitError {
        TestkitError::Exited {
            service: self.service.to_owned(),
            status: status.to_string(),
            log: self.log.clone(),
            log_tail: log_tail(&self.log),
        }
    }

    /// Sends the stop signal, waits for the exit, and kills the process if
    /// it outlives [`STOP_GRACE`]; for a process group, then kills what is
    /// left of the group.
    fn stop(&mut self) {
        let pid = Pid::from_child(&self.child);
        self.stop_leader(pid);
        if self.group {
            // The group's other members were signalled with the leader; kill
            // any that did not exit (their parent, now gone, cannot reap
            // them; PID 1 does).
            let _ = kill_process_group(pid, Signal::KILL);
        }
    }

    fn stop_leader(&mut self, pid: Pid) {
        if !matches!(self.child.try_wait(), Ok(None)) {
            return;
        }
        let signalled = if self.group {
            kill_process_group(pid, self.stop_signal)
        } else {
            kill_process(pid, self.stop_signal)
        };
        if signalled.is_ok() {
            let deadline = Instant::now() + STOP_GRACE;
            while Instant::now() < deadline {
                if !matches!(self.child.try_wait(), Ok(None)) {
                    return;
                }
                thread::sleep(Duration::from_millis(2));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServiceProcess {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The last lines of a log file, or a note saying it cannot be read.
pub(crate) fn log_tail(log: &Path) -> String {
    match std::fs::read(log) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let lines: Vec<&str> = text.lines().collect();
            lines[lines.len().saturating_sub(LOG_TAIL_LINES)..].join("\n")
        }
        Err(err) => format!("(cannot read `{}`: {err})", log.display()),
    }
}
