//! The one error type of the test kit.
//!
//! Every failure says which service or program it concerns and, when a
//! service did not come up, ends with the last lines of that service's log,
//! so a failing test shows why without re-running anything.

use std::io;
use std::path::PathBuf;

/// Why a service could not be started, queried or stopped.
#[derive(Debug, thiserror::Error)]
pub enum TestkitError {
    /// A program the service needs is not installed on this machine.
    #[error("`{program}` is not installed: run `apt-get install {package}`")]
    NotInstalled {
        /// The program that was looked for, e.g. `initdb`.
        program: String,
        /// The Debian package that provides it, e.g. `postgresql`.
        package: String,
    },
    /// The service must run as an operating-system user that does not exist.
    #[error("user `{user}` does not exist: run `apt-get install {package}`, which creates it")]
    NoSuchUser {
        /// The missing user, e.g. `postgres`.
        user: String,
        /// The Debian package that creates it.
        package: String,
    },
    /// A file-system or process operation failed.
    #[error("cannot {action}: {source}")]
    Io {
        /// What was being done, e.g. ``create a temporary directory``.
        action: String,
        /// The underlying error.
        source: io::Error,
    },
    /// A helper program (psql, redis-cli, initdb, …) exited unsuccessfully.
    #[error("`{program}` failed ({status}): {stderr}")]
    CommandFailed {
        /// The program that failed.
        program: String,
        /// How it exited, e.g. `exit status: 2`.
        status: String,
        /// What it printed on standard error.
        stderr: String,
    },
    /// A helper program did not finish in time and was killed.
    #[error("`{program}` did not finish within {seconds:.1}s and was killed")]
    CommandTimedOut {
        /// The program that was killed.
        program: String,
        /// The time limit in seconds.
        seconds: f64,
    },
    /// A service's process exited while it was starting.
    #[error("{service} exited during start-up ({status}); last lines of `{log}`:\n{log_tail}")]
    Exited {
        /// The service, e.g. `postgres`.
        service: String,
        /// How it exited.
        status: String,
        /// The service's log file.
        log: PathBuf,
        /// The last lines of that log.
        log_tail: String,
    },
    /// A service did not signal readiness before the deadline.
    #[error("{service} was not ready within {seconds:.1}s; last lines of `{log}`:\n{log_tail}")]
    NotReady {
        /// The service, e.g. `prometheus`.
        service: String,
        /// The deadline in seconds.
        seconds: f64,
        /// The service's log file.
        log: PathBuf,
        /// The last lines of that log.
        log_tail: String,
    },
    /// A condition waited for with [`wait_until`](crate::wait_until) did not hold in time.
    #[error("timed out after {seconds:.1}s waiting for {what}")]
    TimedOut {
        /// What was waited for.
        what: String,
        /// The deadline in seconds.
        seconds: f64,
    },
    /// An HTTP request made by the kit failed or got an unusable answer.
    #[error("request to `{url}` failed: {reason}")]
    Http {
        /// The URL requested.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// The browser refused or failed a WebDriver command, e.g. no element
    /// matched a CSS selector.
    #[error("browser cannot {action}: {error}: {message}")]
    WebDriver {
        /// What was asked, e.g. ``click `#save` ``.
        action: String,
        /// The WebDriver error code, e.g. `no such element`.
        error: String,
        /// The browser's explanation.
        message: String,
    },
}

impl TestkitError {
    /// An [`TestkitError::Io`] for `action`.
    pub(crate) fn io(action: impl Into<String>, source: io::Error) -> Self {
        Self::Io {
            action: action.into(),
            source,
        }
    }

    /// Whether this start-up failure was caused by the port being taken,
    /// i.e. another process won the race for the free port.
    pub(crate) fn is_port_clash(&self) -> bool {
        match self {
            Self::Exited { log_tail, .. } => log_tail
                .to_ascii_lowercase()
                .contains("address already in use"),
            _ => false,
        }
    }
}

/// The result type of the test kit.
pub type Result<T, E = TestkitError> = std::result::Result<T, E>;
