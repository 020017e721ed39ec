//! Waiting for a condition by polling its real signal, with a deadline.
//!
//! Services are ready when they answer, not after a guessed sleep: callers
//! probe the real thing (a query, `/-/ready`, `PING`) every few milliseconds
//! until it holds or the deadline passes.

use std::thread;
use std::time::{Duration, Instant};

use crate::error::{Result, TestkitError};

/// How long to pause between two probes.
pub(crate) const POLL_INTERVAL: Duration = Duration::from_millis(10);

/// Calls `probe` until it returns `Ok(true)`, an error, or `timeout` passes;
/// `what` names the condition in the [`TestkitError::TimedOut`] error.
///
/// ```
/// use std::time::Duration;
///
/// let mut calls = 0;
/// medic_testkit::wait_until("the third call", Duration::from_secs(5), || {
///     calls += 1;
///     Ok(calls == 3)
/// })?;
/// assert_eq!(calls, 3);
/// # Ok::<(), medic_testkit::TestkitError>(())
/// ```
pub fn wait_until(
    what: &str,
    timeout: Duration,
    mut probe: impl FnMut() -> Result<bool>,
) -> Result<()> {
    let deadline = Instant::now() + timeout;
    loop {
        if probe()? {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(TestkitError::TimedOut {
                what: what.to_owned(),
                seconds: timeout.as_secs_f64(),
            });
        }
        thread::sleep(POLL_INTERVAL);
    }
}
