//! Real services for medic's tests: PostgreSQL, Prometheus, Alertmanager,
//! Redis, a misbehaving HTTP server (also a webhook receiver and a scrape
//! target) and a headless browser, each on its own free loopback port and
//! in its own temporary directory, for one test.
//!
//! medic runs troubleshooting guides' commands against real systems, so its
//! tests do too. Each service here starts the real program (or, for HTTP, a
//! real socket), waits for its real readiness signal rather than sleeping,
//! and is stopped, waited for and deleted when dropped. Prometheus sends its
//! alerts to the [`Alertmanager`], which posts them to a webhook such as an
//! [`HttpService`], so a test sees a real notification a few seconds after
//! a scrape target fails; a [`Browser`] (chromedriver and headless chromium)
//! clicks through a server-rendered UI. Tests in different test binaries run
//! at the same time; every service takes its own port and tries again if
//! another process wins it. A missing program is an error that names the
//! Debian package to install ([`TestkitError::NotInstalled`]): tests fail
//! loudly rather than skip. When the tests run as root (as CI does),
//! PostgreSQL runs as the `postgres` user.
//!
//! ```
//! use medic_testkit::{HttpService, http_get};
//!
//! let web = HttpService::start()?;
//! let response = http_get(&web.url("/status/503"))?;
//! assert_eq!(response.status, 503);
//! assert_eq!(response.body, "503 Service Temporarily Unavailable\n");
//! assert_eq!(web.requests(), ["GET /status/503"]);
//! # Ok::<(), medic_testkit::TestkitError>(())
//! ```
#![expect(
    clippy::disallowed_methods,
    reason = "the test kit starts real services and their clients, which medic's executor does not run"
)]

mod alertmanager;
mod browser;
mod command;
mod error;
mod held;
mod http_client;
mod http_service;
mod installed;
mod port;
mod postgres;
mod process;
mod prometheus;
mod redis;
mod run_as;
mod wait;

pub use alertmanager::{Alertmanager, AlertmanagerBuilder};
pub use browser::{Browser, BrowserBuilder};
pub use error::{Result, TestkitError};
pub use held::Held;
pub use http_client::{HttpResponse, http_get, http_get_timeout, http_post};
pub use http_service::{HttpRequest, HttpService};
pub use installed::find_program;
pub use port::free_port;
pub use postgres::{Postgres, PostgresBuilder};
pub use prometheus::{Prometheus, PrometheusBuilder};
pub use redis::{Redis, RedisBuilder};
pub use wait::wait_until;
