//! `medic serve` as operators run it: real server processes, real HTTP, a real
//! PostgreSQL (and SQLite) behind them, real Prometheus and Alertmanager firing alerts
//! at them, and a real headless Chromium on the UI.
#![expect(
    clippy::unwrap_used,
    reason = "a failed setup step should fail the test"
)]

#[path = "serve/e2e.rs"]
mod e2e;
#[path = "serve/harness.rs"]
mod harness;
#[path = "serve/scale.rs"]
mod scale;
#[path = "serve/story.rs"]
mod story;
#[path = "serve/ui.rs"]
mod ui;
