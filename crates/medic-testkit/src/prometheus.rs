//! A throw-away Prometheus server for one test.
//!
//! Debian's `prometheus` runs with a generated configuration (scrape and
//! rule evaluation every second, itself as the `prometheus` job, any
//! targets, rules and Alertmanagers the test gives) and its storage in a
//! temporary directory. It is ready when `/-/ready` answers `200` and its flags name
//! this storage directory. Prometheus waits about five seconds before it
//! first scrapes a new target, so a test that needs a sample waits for it
//! with [`Prometheus::wait_for`].

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use rustix::process::Signal;
use tempfile::TempDir;

use crate::alertmanager::Alertmanager;
use crate::error::{Result, TestkitError};
use crate::http_client::http_get;
use crate::installed::find_program;
use crate::port::{port_accepts, with_free_port};
use crate::process::{ServiceProcess, log_tail};
use crate::wait::wait_until;

/// How long the server may take to become ready.
const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// Settings for a [`Prometheus`] server; [`PrometheusBuilder::start`] starts it.
#[derive(Debug, Clone, Default)]
pub struct PrometheusBuilder {
    rules: Option<String>,
    jobs: Vec<(String, Vec<String>)>,
    alertmanagers: Vec<String>,
}

impl PrometheusBuilder {
    /// Loads `yaml` as a rule file (`groups: [...]`).
    #[must_use]
    pub fn rules(mut self, yaml: &str) -> Self {
        self.rules = Some(yaml.to_owned());
        self
    }

    /// Scrapes `target` (`host:port`, path `/metrics`) as part of `job`.
    #[must_use]
    pub fn scrape(mut self, job: &str, target: &str) -> Self {
        match self.jobs.iter_mut().find(|(name, _)| name == job) {
            Some((_, targets)) => targets.push(target.to_owned()),
            None => self.jobs.push((job.to_owned(), vec![target.to_owned()])),
        }
        self
    }

    /// Sends alerts to `alertmanager`, resending every 5 seconds instead of
    /// every minute (Prometheus drops alerts it evaluated before it found
    /// the Alertmanager, and would otherwise wait a minute to send again).
    ///
    /// With a rule such as `up{job="web"} == 0` held `for: 2s`, a scrape
    /// target that goes down reaches the Alertmanager's webhook in about 3
    /// to 4 seconds, and its recovery about as fast.
    #[must_use]
    pub fn alertmanager(self, alertmanager: &Alertmanager) -> Self {
        self.alertmanager_at(&alertmanager.target())
    }

    /// Like [`PrometheusBuilder::alertmanager`], for an Alertmanager at
    /// `target` (`host:port`) that the kit did not start.
    #[must_use]
    pub fn alertmanager_at(mut self, target: &str) -> Self {
        self.alertmanagers.push(target.to_owned());
        self
    }

    /// Writes the configuration and starts the server on a free port.
    pub fn start(self) -> Result<Prometheus> {
        let program = find_program("prometheus", "prometheus")?;
        let dir = tempfile::Builder::new()
            .prefix("medic-testkit-prometheus-")
            .tempdir()
            .map_err(|err| TestkitError::io("create a temporary directory", err))?;
        let storage = dir.path().join("data");
        let config = dir.path().join("prometheus.yml");
        if let Some(rules) = &self.rules {
            write(&dir.path().join("rules.yml"), rules)?;
        }

        let (process, port, log) = with_free_port(|port| {
            write(&config, &self.config(port))?;
            let log = dir.path().join(format!("prometheus-{port}.log"));
            let mut command = Command::new(&program);
            command
                .current_dir(dir.path())
                .arg(format!("--config.file={}", config.display()))
                .arg(format!("--storage.tsdb.path={}", storage.display()))
                .arg(format!("--web.listen-address=127.0.0.1:{port}"))
                .arg(format!("--web.external-url=http://127.0.0.1:{port}"));
            if !self.alertmanagers.is_empty() {
                command.arg("--rules.alert.resend-delay=5s");
            }
            let mut process =
                ServiceProcess::spawn("prometheus", &mut command, &log, Signal::TERM)?;
            let storage = storage.to_string_lossy().into_owned();
            process.wait_ready(READY_TIMEOUT, || {
                port_accepts(port)
                    && http_get(&format!("http://127.0.0.1:{port}/-/ready"))
                        .is_ok_and(|response| response.status == 200)
                    && http_get(&format!("http://127.0.0.1:{port}/api/v1/status/flags"))
                        .is_ok_and(|response| response.body.contains(&storage))
            })?;
            Ok((process, port, log))
        })?;
        Ok(Prometheus {
            process,
            port,
            log,
            dir,
        })
    }

    /// The configuration file for a server on `port`.
    fn config(&self, port: u16) -> String {
        let mut yaml = String::from(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n",
        );
        if self.rules.is_some() {
            yaml.push_str("rule_files:\n  - rules.yml\n");
        }
        if !self.alertmanagers.is_empty() {
            yaml.push_str(
                "alerting:\n  alertmanagers:\n    - static_configs:\n        - targets:\n",
            );
            for target in &self.alertmanagers {
                let _ = writeln!(yaml, "            - {}", yaml_string(target));
            }
        }
        yaml.push_str("scrape_configs:\n");
        let own = ("prometheus".to_owned(), vec![format!("127.0.0.1:{port}")]);
        for (job, targets) in std::iter::once(&own).chain(&self.jobs) {
            let _ = writeln!(yaml, "  - job_name: {}", yaml_string(job));
            yaml.push_str("    static_configs:\n      - targets:\n");
            for target in targets {
                let _ = writeln!(yaml, "          - {}", yaml_string(target));
            }
        }
        yaml
    }
}

/// A Prometheus server on 127.0.0.1, stopped and deleted when dropped.
///
/// ```no_run
/// use std::time::Duration;
/// use medic_testkit::Prometheus;
///
/// let prometheus = Prometheus::start(None, &[])?;
/// let up = prometheus.wait_for("up{job=\"prometheus\"} == 1", Duration::from_secs(30))?;
/// assert!(up.contains("\"job\":\"prometheus\""));
/// # Ok::<(), medic_testkit::TestkitError>(())
/// ```
#[derive(Debug)]
pub struct Prometheus {
    // Fields drop in order: the server stops before its directory goes.
    process: ServiceProcess,
    port: u16,
    log: PathBuf,
    dir: TempDir,
}

impl Prometheus {
    /// Starts a server that evaluates `rules` (a rule file's YAML), if
    /// given, and scrapes itself and each `host:port` in `targets` (as job
    /// `targets`).
    pub fn start(rules: Option<&str>, targets: &[&str]) -> Result<Self> {
        let mut builder = Self::builder();
        if let Some(rules) = rules {
            builder = builder.rules(rules);
        }
        for target in targets {
            builder = builder.scrape("targets", target);
        }
        builder.start()
    }

    /// Settings for a server that needs more than [`Prometheus::start`] offers.
    pub fn builder() -> PrometheusBuilder {
        PrometheusBuilder::default()
    }

    /// The TCP port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server's base URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
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

    /// Runs an instant query through `/api/v1/query` and returns the JSON
    /// answer as text, e.g. `{"status":"success","data":{...}}`.
    pub fn query(&self, promql: &str) -> Result<String> {
        let url = format!(
            "{}/api/v1/query?query={}",
            self.url(),
            percent_encode(promql)
        );
        let response = http_get(&url)?;
        if response.status == 200 {
            Ok(response.body)
        } else {
            Err(TestkitError::Http {
                url,
                reason: format!("status {}: {}", response.status, response.body.trim_end()),
            })
        }
    }

    /// Runs `promql` until its result is not empty and returns that answer,
    /// as [`Prometheus::query`] does; fails after `timeout`.
    pub fn wait_for(&self, promql: &str, timeout: Duration) -> Result<String> {
        let mut answer = String::new();
        wait_until(&format!("a result for `{promql}`"), timeout, || {
            answer = self.query(promql)?;
            Ok(has_result(&answer))
        })?;
        Ok(answer)
    }
}

/// Whether a query answer's `data.result` is a non-empty vector or a scalar.
fn has_result(answer: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(answer).is_ok_and(|json| {
        match json.pointer("/data/result") {
            Some(serde_json::Value::Array(items)) => !items.is_empty(),
            Some(serde_json::Value::Null) | None => false,
            Some(_) => true,
        }
    })
}

pub(crate) fn write(path: &Path, text: &str) -> Result<()> {
    fs::write(path, text)
        .map_err(|err| TestkitError::io(format!("write `{}`", path.display()), err))
}

/// `text` as a double-quoted YAML string.
pub(crate) fn yaml_string(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

/// `text` with everything but unreserved URL characters percent-encoded.
fn percent_encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            let _ = write!(encoded, "%{byte:02X}");
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::{PrometheusBuilder, has_result, percent_encode};

    #[test]
    fn encodes_promql() {
        assert_eq!(
            percent_encode("up{job=\"a b\"}"),
            "up%7Bjob%3D%22a%20b%22%7D"
        );
    }

    #[test]
    fn empty_results_are_not_results() {
        assert!(!has_result(
            r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#
        ));
        assert!(has_result(
            r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"1"]}]}}"#
        ));
        assert!(!has_result("not json"));
    }

    #[test]
    fn config_scrapes_itself_and_the_targets() {
        let config = PrometheusBuilder::default()
            .rules("groups: []")
            .scrape("app", "127.0.0.1:1")
            .scrape("app", "127.0.0.1:2")
            .config(9090);
        assert_eq!(
            config,
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n\
             rule_files:\n  - rules.yml\n\
             scrape_configs:\n\
             \x20 - job_name: \"prometheus\"\n    static_configs:\n      - targets:\n          - \"127.0.0.1:9090\"\n\
             \x20 - job_name: \"app\"\n    static_configs:\n      - targets:\n          - \"127.0.0.1:1\"\n          - \"127.0.0.1:2\"\n"
        );
    }

    #[test]
    fn config_sends_alerts_to_the_alertmanagers() {
        let config = PrometheusBuilder::default()
            .alertmanager_at("127.0.0.1:9093")
            .config(9090);
        assert!(
            config.contains(
                "alerting:\n  alertmanagers:\n    - static_configs:\n        - targets:\n            - \"127.0.0.1:9093\"\n"
            ),
            "{config}"
        );
    }
}
