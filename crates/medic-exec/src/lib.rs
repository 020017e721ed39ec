//! Running diagnostic commands the way a careful operator would: each in its
//! own process group that is killed as a whole on timeout, stdin closed,
//! stdout and stderr read concurrently and capped, the environment cleared
//! down to an allowlist, many at once but never more than a limit, and a
//! [`Transcript`] of every run.
//!
//! This crate does not decide *whether* a command may run — that is
//! `medic-shell`'s verdict, checked by the caller — and does not look at what
//! the output says; it runs what it is given, safely bounded.
//!
//! ```
//! use std::time::Duration;
//! use medic_exec::{EnvPolicy, Executor, Job, Limits, Outcome};
//!
//! let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
//! let limits = Limits { timeout: Duration::from_secs(5), ..Limits::default() };
//! let executor = Executor::new(limits, &EnvPolicy::default());
//! let jobs = vec![vec![Job::shell("echo hello | tr a-z A-Z", "echo hello | tr a-z A-Z")]];
//! let transcripts = runtime.block_on(executor.run_groups(jobs));
//! assert_eq!(transcripts[0][0].outcome, Outcome::Ok);
//! assert_eq!(transcripts[0][0].stdout.bytes, b"HELLO\n");
//! ```

mod env;
mod executor;
mod job;
mod transcript;

pub use env::{DEFAULT_ALLOW, EnvPolicy};
pub use executor::{Executor, Limits};
pub use job::Job;
pub use transcript::{Outcome, Output, Transcript};
