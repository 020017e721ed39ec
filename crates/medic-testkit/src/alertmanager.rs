//! A throw-away Alertmanager for one test.
//!
//! Debian's `prometheus-alertmanager` runs with a generated configuration:
//! one route to one receiver, which posts to the test's webhook (with
//! `send_resolved: true` and, if asked, a bearer token), grouping by
//! `alertname` with short waits so a notification arrives within about a
//! second. Its storage, and so its notification log (`nflog`), lives in a
//! fresh temporary directory: alerts sent by an earlier run are never
//! suppressed. Clustering is off (`--cluster.listen-address=` empty), so it
//! binds nothing but its own loopback port. It is ready when `/-/ready`
//! answers `200` and `/api/v2/status` shows this run's configuration.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rustix::process::Signal;
use tempfile::TempDir;

use crate::error::{Result, TestkitError};
use crate::http_client::{http_get, http_post};
use crate::installed::find_program;
use crate::port::{port_accepts, with_free_port};
use crate::process::{ServiceProcess, log_tail};
use crate::prometheus::{write, yaml_string};

/// How long the server may take to become ready.
const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// Settings for an [`Alertmanager`]; [`AlertmanagerBuilder::start`] starts it.
#[derive(Debug, Clone)]
pub struct AlertmanagerBuilder {
    webhook: Option<String>,
    bearer_token: Option<String>,
    group_wait: Duration,
    group_interval: Duration,
    repeat_interval: Duration,
}

impl Default for AlertmanagerBuilder {
    fn default() -> Self {
        Self {
            webhook: None,
            bearer_token: None,
            group_wait: Duration::from_secs(1),
            group_interval: Duration::from_secs(1),
            repeat_interval: Duration::from_secs(3600),
        }
    }
}

impl AlertmanagerBuilder {
    /// Posts notifications to `url` (e.g. an [`HttpService`]'s
    /// `url("/webhook")`), firing and resolved alike. Without a webhook,
    /// alerts are accepted and notified to nobody.
    ///
    /// [`HttpService`]: crate::HttpService
    #[must_use]
    pub fn webhook(mut self, url: &str) -> Self {
        self.webhook = Some(url.to_owned());
        self
    }

    /// Sends `Authorization: Bearer {token}` with every webhook post.
    #[must_use]
    pub fn webhook_auth(mut self, token: &str) -> Self {
        self.bearer_token = Some(token.to_owned());
        self
    }

    /// How long a new group waits for more alerts before its first
    /// notification (default 1 s; Alertmanager's own default is 30 s).
    #[must_use]
    pub fn group_wait(mut self, wait: Duration) -> Self {
        self.group_wait = wait;
        self
    }

    /// How long a group waits before notifying changes, such as a resolved
    /// alert (default 1 s; Alertmanager's own default is 5 min).
    #[must_use]
    pub fn group_interval(mut self, interval: Duration) -> Self {
        self.group_interval = interval;
        self
    }

    /// How long before an unchanged firing group is notified again
    /// (default 1 h, so a test sees each notification once).
    #[must_use]
    pub fn repeat_interval(mut self, interval: Duration) -> Self {
        self.repeat_interval = interval;
        self
    }

    /// Writes the configuration and starts the server on a free port.
    pub fn start(self) -> Result<Alertmanager> {
        let program = find_program("prometheus-alertmanager", "prometheus-alertmanager")?;
        let dir = tempfile::Builder::new()
            .prefix("medic-testkit-alertmanager-")
            .tempdir()
            .map_err(|err| TestkitError::io("create a temporary directory", err))?;
        let storage = dir.path().join("data");
        let config = dir.path().join("alertmanager.yml");
        // No template lives there, but the path makes this run's
        // configuration recognisable in `/api/v2/status`.
        let templates = dir.path().join("templates").join("*.tmpl");
        write(&config, &self.config(&templates))?;

        let (process, port, log) = with_free_port(|port| {
            let log = dir.path().join(format!("alertmanager-{port}.log"));
            let mut command = Command::new(&program);
            command
                .current_dir(dir.path())
                .arg(format!("--config.file={}", config.display()))
                .arg(format!("--storage.path={}", storage.display()))
                .arg(format!("--web.listen-address=127.0.0.1:{port}"))
                .arg(format!("--web.external-url=http://127.0.0.1:{port}"))
                .arg("--cluster.listen-address=");
            let mut process =
                ServiceProcess::spawn("alertmanager", &mut command, &log, Signal::TERM)?;
            let marker = templates.to_string_lossy().into_owned();
            process.wait_ready(READY_TIMEOUT, || {
                port_accepts(port)
                    && http_get(&format!("http://127.0.0.1:{port}/-/ready"))
                        .is_ok_and(|response| response.status == 200)
                    && http_get(&format!("http://127.0.0.1:{port}/api/v2/status"))
                        .is_ok_and(|response| response.body.contains(&marker))
            })?;
            Ok((process, port, log))
        })?;
        Ok(Alertmanager {
            process,
            port,
            log,
            dir,
        })
    }

    /// The configuration file; `templates` is a glob that matches nothing.
    fn config(&self, templates: &Path) -> String {
        let mut yaml = String::new();
        let _ = writeln!(
            yaml,
            "templates:\n  - {}",
            yaml_string(&templates.to_string_lossy())
        );
        let _ = write!(
            yaml,
            "route:\n  receiver: {receiver}\n  group_by: [\"alertname\"]\n  \
             group_wait: {}\n  group_interval: {}\n  repeat_interval: {}\n\
             receivers:\n  - name: {receiver}\n",
            duration(self.group_wait),
            duration(self.group_interval),
            duration(self.repeat_interval),
            receiver = yaml_string(Alertmanager::RECEIVER),
        );
        if let Some(url) = &self.webhook {
            let _ = write!(
                yaml,
                "    webhook_configs:\n      - url: {}\n        send_resolved: true\n",
                yaml_string(url)
            );
            if let Some(token) = &self.bearer_token {
                let _ = write!(
                    yaml,
                    "        http_config:\n          authorization:\n            type: Bearer\n            credentials: {}\n",
                    yaml_string(token)
                );
            }
        }
        yaml
    }
}

/// An Alertmanager on 127.0.0.1, stopped and deleted when dropped.
///
/// ```no_run
/// use std::time::Duration;
/// use medic_testkit::{Alertmanager, HttpService, wait_until};
///
/// let receiver = HttpService::start()?;
/// let alertmanager = Alertmanager::builder().webhook(&receiver.url("/webhook")).start()?;
/// alertmanager.fire(&[("alertname", "DiskFull"), ("severity", "page")])?;
/// wait_until("the webhook", Duration::from_secs(20), || {
///     Ok(receiver.bodies("/webhook").iter().any(|body| body.contains("DiskFull")))
/// })?;
/// # Ok::<(), medic_testkit::TestkitError>(())
/// ```
#[derive(Debug)]
pub struct Alertmanager {
    // Fields drop in order: the server stops before its directory goes.
    process: ServiceProcess,
    port: u16,
    log: PathBuf,
    dir: TempDir,
}

impl Alertmanager {
    /// The name of the one receiver, as webhook payloads show it
    /// (`"receiver": "medic-testkit"`).
    pub const RECEIVER: &str = "medic-testkit";

    /// Starts a server that accepts alerts and notifies nobody.
    pub fn start() -> Result<Self> {
        Self::builder().start()
    }

    /// Settings for a server, such as the webhook to notify.
    pub fn builder() -> AlertmanagerBuilder {
        AlertmanagerBuilder::default()
    }

    /// The TCP port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server's base URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The server's address as Prometheus' `alertmanagers` targets name it,
    /// `127.0.0.1:PORT`.
    pub fn target(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The server's process ID.
    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    /// The temporary directory holding the configuration, storage and log;
    /// it is removed on drop.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The last lines of the server's log.
    pub fn log_tail(&self) -> String {
        log_tail(&self.log)
    }

    /// The alerts the server holds, from `GET /api/v2/alerts`: a JSON
    /// array of objects with `labels`, `annotations`, `startsAt`, `endsAt`,
    /// `fingerprint`, `receivers` and `status`.
    pub fn alerts(&self) -> Result<serde_json::Value> {
        let url = format!("{}/api/v2/alerts", self.url());
        let response = http_get(&url)?;
        if response.status != 200 {
            return Err(TestkitError::Http {
                url,
                reason: format!("status {}: {}", response.status, response.body.trim_end()),
            });
        }
        serde_json::from_str(&response.body).map_err(|err| TestkitError::Http {
            url,
            reason: format!("the answer is not JSON: {err}"),
        })
    }

    /// Posts `alerts` (a JSON array, as Prometheus sends them) to
    /// `POST /api/v2/alerts`.
    pub fn post_alerts(&self, alerts: &serde_json::Value) -> Result<()> {
        let url = format!("{}/api/v2/alerts", self.url());
        let response = http_post(&url, "application/json", &alerts.to_string())?;
        if response.status == 200 {
            Ok(())
        } else {
            Err(TestkitError::Http {
                url,
                reason: format!("status {}: {}", response.status, response.body.trim_end()),
            })
        }
    }

    /// Posts one firing alert with `labels` (which should include
    /// `alertname`), starting now.
    pub fn fire(&self, labels: &[(&str, &str)]) -> Result<()> {
        self.post_alerts(&serde_json::json!([{
            "labels": label_map(labels),
            "startsAt": rfc3339(SystemTime::now()),
        }]))
    }

    /// Posts the alert with `labels` as resolved now.
    pub fn resolve(&self, labels: &[(&str, &str)]) -> Result<()> {
        self.post_alerts(&serde_json::json!([{
            "labels": label_map(labels),
            "endsAt": rfc3339(SystemTime::now()),
        }]))
    }
}

fn label_map(labels: &[(&str, &str)]) -> serde_json::Map<String, serde_json::Value> {
    labels
        .iter()
        .map(|(name, value)| ((*name).to_owned(), serde_json::Value::from(*value)))
        .collect()
}

/// A duration as Alertmanager's configuration writes it, in milliseconds.
fn duration(duration: Duration) -> String {
    format!("{}ms", duration.as_millis())
}

/// `time` as an RFC 3339 UTC timestamp with milliseconds,
/// e.g. `2024-05-01T12:00:00.000Z`.
fn rfc3339(time: SystemTime) -> String {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Howard Hinnant's civil_from_days.
    let z = i64::try_from(days).unwrap_or(0) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60,
        since.subsec_millis()
    )
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::time::{Duration, UNIX_EPOCH};

    use super::{AlertmanagerBuilder, rfc3339};

    #[test]
    fn formats_timestamps() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_millis(1_709_251_199_123)),
            "2024-02-29T23:59:59.123Z"
        );
    }

    #[test]
    fn config_routes_everything_to_the_webhook() {
        let config = AlertmanagerBuilder::default()
            .webhook("http://127.0.0.1:1/webhook")
            .webhook_auth("s3cret")
            .group_wait(Duration::from_millis(500))
            .config(Path::new("/t/*.tmpl"));
        assert_eq!(
            config,
            "templates:\n  - \"/t/*.tmpl\"\n\
             route:\n  receiver: \"medic-testkit\"\n  group_by: [\"alertname\"]\n  \
             group_wait: 500ms\n  group_interval: 1000ms\n  repeat_interval: 3600000ms\n\
             receivers:\n  - name: \"medic-testkit\"\n    webhook_configs:\n      \
             - url: \"http://127.0.0.1:1/webhook\"\n        send_resolved: true\n        \
             http_config:\n          authorization:\n            type: Bearer\n            \
             credentials: \"s3cret\"\n"
        );
    }
}
