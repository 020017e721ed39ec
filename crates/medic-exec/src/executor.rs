//! The executor: runs jobs in their own process groups with time limits,
//! capped concurrent output capture, a scrubbed environment, and bounded
//! parallelism.

use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use rustix::process::{Pid, Signal, kill_process_group};
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::sync::Semaphore;

use crate::env::EnvPolicy;
use crate::job::Job;
use crate::transcript::{Outcome, Output, Transcript};

/// How long readers may go on after the process group was killed: only a
/// process that left the group (`setsid`) can still hold the pipes.
const DRAIN_GRACE: Duration = Duration::from_millis(500);

/// Limits on running checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most time one command may run.
    pub timeout: Duration,
    /// Most time all commands of one [`Executor::run_groups`] call may take.
    pub total: Duration,
    /// Most bytes kept of each of stdout and stderr.
    pub output_cap: usize,
    /// Most groups running at once.
    pub concurrency: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            total: Duration::from_secs(60),
            output_cap: 256 * 1024,
            concurrency: 8,
        }
    }
}

/// Runs jobs. Cheap to clone; clones share the environment.
#[derive(Debug, Clone)]
pub struct Executor {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    limits: Limits,
    env: Vec<(String, String)>,
}

impl Executor {
    /// An executor whose jobs see the variables of medic's own environment
    /// that `policy` allows, and nothing else.
    #[must_use]
    pub fn new(limits: Limits, policy: &EnvPolicy) -> Self {
        let vars = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)));
        Self::with_vars(limits, policy, vars)
    }

    /// An executor whose jobs see the variables of `vars` that `policy` allows.
    pub fn with_vars<I>(limits: Limits, policy: &EnvPolicy, vars: I) -> Self
    where
        I: IntoIterator<Item = (String, String)>,
    {
        Self {
            inner: Arc::new(Inner {
                limits,
                env: policy.filter(vars),
            }),
        }
    }

    /// The limits.
    #[must_use]
    pub fn limits(&self) -> &Limits {
        &self.inner.limits
    }

    /// The environment every job starts from.
    #[must_use]
    pub fn base_env(&self) -> &[(String, String)] {
        &self.inner.env
    }

    /// Runs groups of jobs: groups in parallel (at most
    /// [`Limits::concurrency`] at once), the jobs of a group one after the
    /// other. Each job gets [`Limits::timeout`], cut short so that everything
    /// ends within [`Limits::total`]; jobs not started by then are reported as
    /// not started. Transcripts come back in the order of the jobs.
    pub async fn run_groups(&self, groups: Vec<Vec<Job>>) -> Vec<Vec<Transcript>> {
        let limits = self.inner.limits;
        let deadline = Instant::now() + limits.total;
        let permits = Arc::new(Semaphore::new(limits.concurrency.max(1)));
        let mut handles = Vec::with_capacity(groups.len());
        for group in groups {
            let displays: Vec<String> = group.iter().map(|j| j.display.clone()).collect();
            let executor = self.clone();
            let permits = Arc::clone(&permits);
            let handle = tokio::spawn(async move {
                let _permit = permits.acquire_owned().await;
                let mut out = Vec::with_capacity(group.len());
                for job in &group {
                    let now = Instant::now();
                    if now >= deadline {
                        out.push(Transcript::not_started(
                            &job.display,
                            "the overall time limit was reached",
                        ));
                        continue;
                    }
                    let timeout = limits.timeout.min(deadline - now);
                    out.push(executor.run(job, timeout).await);
                }
                out
            });
            handles.push((displays, handle));
        }
        let mut results = Vec::with_capacity(handles.len());
        for (displays, handle) in handles {
            let transcripts = match handle.await {
                Ok(t) => t,
                Err(e) => displays
                    .iter()
                    .map(|d| Transcript::not_started(d, &format!("the runner failed: {e}")))
                    .collect(),
            };
            results.push(transcripts);
        }
        results
    }

    /// Runs one job with a time limit.
    pub async fn run(&self, job: &Job, timeout: Duration) -> Transcript {
        let started_at = SystemTime::now();
        let start = Instant::now();
        let mut command = tokio::process::Command::new(&job.program);
        command
            .args(&job.args)
            .env_clear()
            .envs(self.inner.env.iter().map(|(k, v)| (k, v)))
            .envs(job.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .kill_on_drop(true);
        let mut child = match command.spawn() {
            Ok(child) => child,
            Err(e) => {
                let mut t = Transcript::not_started(&job.display, &e.to_string());
                t.started_at = started_at;
                if e.kind() == std::io::ErrorKind::NotFound {
                    t.outcome = Outcome::NotInstalled {
                        program: job.program.clone(),
                    };
                }
                return t;
            }
        };
        let group = GroupGuard(child.id().and_then(|id| i32::try_from(id).ok()));
        let cap = self.inner.limits.output_cap;
        let stdout = Arc::new(Mutex::new(Output::default()));
        let stderr = Arc::new(Mutex::new(Output::default()));
        let readers = [
            child
                .stdout
                .take()
                .map(|s| tokio::spawn(capture(s, cap, Arc::clone(&stdout)))),
            child
                .stderr
                .take()
                .map(|s| tokio::spawn(capture(s, cap, Arc::clone(&stderr)))),
        ];
        let status: Option<ExitStatus> = tokio::select! {
            status = child.wait() => status.ok(),
            () = tokio::time::sleep(timeout) => None,
        };
        let timed_out = status.is_none();
        // The shell is done (or out of time): end whatever it left behind,
        // so the pipes close.
        group.kill();
        let status = match status {
            Some(s) => Some(s),
            None => child.wait().await.ok(),
        };
        for reader in readers.into_iter().flatten() {
            let abort = reader.abort_handle();
            if tokio::time::timeout(DRAIN_GRACE, reader).await.is_err() {
                abort.abort();
            }
        }
        let duration = start.elapsed();
        let stdout = take(&stdout);
        let stderr = take(&stderr);
        let exit_code = status.and_then(|s| s.code());
        let outcome = if timed_out {
            if job.long_running {
                Outcome::Bounded
            } else {
                Outcome::TimedOut
            }
        } else {
            outcome(status, &stderr)
        };
        Transcript {
            command: job.display.clone(),
            started_at,
            duration,
            outcome,
            exit_code: if timed_out { None } else { exit_code },
            stdout,
            stderr,
        }
    }
}

/// How a finished process ended.
fn outcome(status: Option<ExitStatus>, stderr: &Output) -> Outcome {
    use std::os::unix::process::ExitStatusExt;
    let Some(status) = status else {
        return Outcome::Failed {
            exit_code: None,
            signal: None,
        };
    };
    match status.code() {
        Some(0) => Outcome::Ok,
        Some(127) => match missing_program(&stderr.bytes) {
            Some(program) => Outcome::NotInstalled { program },
            None => Outcome::Failed {
                exit_code: Some(127),
                signal: None,
            },
        },
        code => Outcome::Failed {
            exit_code: code,
            signal: status.signal(),
        },
    }
}

/// The program bash could not find: `bash: line 1: kubectl: command not found`.
fn missing_program(stderr: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(stderr);
    text.lines().find_map(|line| {
        let head = line.strip_suffix(": command not found")?;
        let program = head.rsplit(": ").next()?.trim();
        (!program.is_empty()).then(|| program.to_owned())
    })
}

/// Reads a stream to its end, keeping the first `cap` bytes.
async fn capture<R: AsyncRead + Unpin>(mut stream: R, cap: usize, into: Arc<Mutex<Output>>) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = match stream.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let mut out = into.lock().unwrap_or_else(PoisonError::into_inner);
        out.total += n as u64;
        let room = cap.saturating_sub(out.bytes.len());
        let chunk = buf.get(..n).unwrap_or_default();
        if chunk.len() > room {
            out.truncated = true;
        }
        out.bytes
            .extend_from_slice(chunk.get(..room.min(chunk.len())).unwrap_or_default());
    }
}

/// What a reader collected.
fn take(output: &Mutex<Output>) -> Output {
    std::mem::take(&mut *output.lock().unwrap_or_else(PoisonError::into_inner))
}

/// Kills a process group with SIGKILL when asked, and when dropped (a run
/// cancelled midway leaves nothing behind).
struct GroupGuard(Option<i32>);

impl GroupGuard {
    fn kill(&self) {
        if let Some(pgid) = self.0.and_then(Pid::from_raw) {
            // ESRCH (the group is already gone) is the expected case.
            let _ = kill_process_group(pgid, Signal::KILL);
        }
    }
}

impl Drop for GroupGuard {
    fn drop(&mut self) {
        self.kill();
    }
}

#[cfg(test)]
mod tests {
    use super::missing_program;

    #[test]
    fn finds_the_missing_program() {
        assert_eq!(
            missing_program(b"bash: line 1: kubectl: command not found\n").as_deref(),
            Some("kubectl")
        );
        assert_eq!(missing_program(b"error: exit 127\n"), None);
    }
}
