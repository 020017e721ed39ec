//! The test kit's services, started for real and used as medic's tests will
//! use them: real clients, real error texts, and nothing left behind.
#![expect(
    clippy::disallowed_methods,
    reason = "these tests run real clients (curl, psql) against the kit's services"
)]

mod alertmanager;
mod browser;
mod http;
mod postgres;
mod prometheus;
mod redis;

use std::path::Path;

/// Asserts that process `pid` has exited and been reaped, and that `dir`
/// no longer exists.
fn assert_gone(pid: u32, dir: &Path) {
    assert!(
        !Path::new(&format!("/proc/{pid}")).exists(),
        "process {pid} still exists"
    );
    assert!(!dir.exists(), "{} still exists", dir.display());
}
