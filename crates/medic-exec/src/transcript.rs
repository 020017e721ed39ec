//! The record of one run: what ran, when, for how long, how it ended, and what
//! it printed (capped).

use std::time::{Duration, SystemTime};

use serde::Serialize;

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    /// Exit code 0.
    Ok,
    /// A non-zero exit code, or killed by a signal it did not get from medic.
    Failed {
        /// The exit code, when it exited.
        exit_code: Option<i32>,
        /// The signal, when a signal ended it.
        signal: Option<i32>,
    },
    /// Still running at the time limit; its process group was killed.
    TimedOut,
    /// A long-running command (`-f`, `--watch`) stopped at the time limit, as
    /// intended; its output is what it printed until then.
    Bounded,
    /// A program the command needs is not installed (exit 127).
    NotInstalled {
        /// The missing program.
        program: String,
    },
    /// The run did not start.
    NotStarted {
        /// Why: the overall time limit was reached, or the program could not
        /// be started.
        reason: String,
    },
}

impl Outcome {
    /// Whether the command did what it was meant to do.
    #[must_use]
    pub fn is_ok(&self) -> bool {
        matches!(self, Self::Ok | Self::Bounded)
    }
}

/// What a run printed on one stream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    /// The first bytes, up to the cap.
    pub bytes: Vec<u8>,
    /// How many bytes the stream carried in all.
    pub total: u64,
    /// Whether `bytes` is shorter than the stream.
    pub truncated: bool,
}

/// The record of one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transcript {
    /// The command as rendered for a person.
    pub command: String,
    /// When it started.
    pub started_at: SystemTime,
    /// How long it ran.
    pub duration: Duration,
    /// How it ended.
    pub outcome: Outcome,
    /// The exit code, when it exited.
    pub exit_code: Option<i32>,
    /// Standard output.
    pub stdout: Output,
    /// Standard error.
    pub stderr: Output,
}

impl Transcript {
    /// A run that never started.
    #[must_use]
    pub fn not_started(command: &str, reason: &str) -> Self {
        Self {
            command: command.to_owned(),
            started_at: SystemTime::now(),
            duration: Duration::ZERO,
            outcome: Outcome::NotStarted {
                reason: reason.to_owned(),
            },
            exit_code: None,
            stdout: Output::default(),
            stderr: Output::default(),
        }
    }
}
