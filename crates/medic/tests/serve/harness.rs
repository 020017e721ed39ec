//! Starting `medic serve` processes for a test and talking HTTP to them.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The repository root.
pub(crate) fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// An HTTP answer.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: String,
}

impl Answer {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// GET `url`.
pub(crate) fn get(url: &str) -> Answer {
    let mut response = agent().get(url).call().unwrap();
    Answer {
        status: response.status().as_u16(),
        body: response.body_mut().read_to_string().unwrap_or_default(),
    }
}

/// POST `body` as JSON to `url`, with an `Authorization` header when given.
pub(crate) fn post(url: &str, body: &[u8], authorization: Option<&str>) -> Answer {
    let mut request = agent().post(url).header("Content-Type", "application/json");
    if let Some(a) = authorization {
        request = request.header("Authorization", a);
    }
    match request.send(body) {
        Ok(mut response) => Answer {
            status: response.status().as_u16(),
            body: response.body_mut().read_to_string().unwrap_or_default(),
        },
        Err(e) => panic!("POST {url}: {e}"),
    }
}

/// Waits until `f` gives a value, or panics with `what` after `timeout`.
pub(crate) fn wait_for<T>(what: &str, timeout: Duration, mut f: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(
            start.elapsed() < timeout,
            "timed out after {timeout:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A running `medic serve`, stopped with SIGTERM on drop.
pub(crate) struct Server {
    child: Option<Child>,
    pub(crate) port: u16,
    pub(crate) log: PathBuf,
    pub(crate) dir: tempfile::TempDir,
    args: Vec<String>,
    env: Vec<(String, String)>,
}

pub(crate) const TOKEN: &str = "test-token-0123456789";

impl Server {
    /// Starts `medic serve --db DB` with `args`, in a fresh directory holding a token file
    /// and `config` as medic.toml; returns once `/readyz` answers 200.
    pub(crate) fn start(db: &str, config: &str, args: &[&str]) -> Self {
        Self::start_on(0, db, config, args)
    }

    /// [`Server::start`] on this port (0: any free port).
    pub(crate) fn start_on(port: u16, db: &str, config: &str, args: &[&str]) -> Self {
        Self::start_env(port, db, config, args, &[])
    }

    /// [`Server::start_on`] with environment variables set for the server.
    pub(crate) fn start_env(
        port: u16,
        db: &str,
        config: &str,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("token"), format!("{TOKEN}\n")).unwrap();
        std::fs::write(dir.path().join("medic.toml"), config).unwrap();
        let mut all: Vec<String> = vec!["--db".into(), db.into()];
        all.extend(args.iter().map(|s| (*s).to_owned()));
        let mut server = Self {
            child: None,
            port,
            log: dir.path().join("serve.log"),
            dir,
            args: all,
            env: env
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        };
        server.spawn();
        server
    }

    fn spawn(&mut self) {
        let port = if self.port == 0 {
            medic_testkit::free_port().unwrap()
        } else {
            self.port
        };
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .unwrap();
        #[expect(clippy::disallowed_methods, reason = "tests run the real binary")]
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_medic"));
        cmd.arg("serve")
            .arg("--listen")
            .arg(format!("127.0.0.1:{port}"))
            .arg("--token-file")
            .arg(self.dir.path().join("token"))
            .args(&self.args)
            .current_dir(self.dir.path())
            .env_remove("MEDIC_GUIDES")
            .env_remove("MEDIC_CONFIG")
            .env_remove("MEDIC_SERVE_DB")
            .env_remove("MEDIC_TOKEN")
            .env("MEDIC_LOG", "info")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log);
        self.child = Some(cmd.spawn().expect("medic serve starts"));
        self.port = port;
        let url = self.url("/readyz");
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().unwrap()) {
                panic!("medic serve exited with {status}:\n{}", self.log_text());
            }
            let ready = agent().get(&url).call().is_ok_and(|r| r.status() == 200);
            if ready {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "medic serve not ready after 30 s:\n{}",
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The server's log so far.
    pub(crate) fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub(crate) fn get(&self, path: &str) -> Answer {
        get(&self.url(path))
    }

    /// POST with the server's token.
    pub(crate) fn post(&self, path: &str, body: &[u8]) -> Answer {
        post(&self.url(path), body, Some(&format!("Bearer {TOKEN}")))
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    /// Sends a signal to the server.
    pub(crate) fn signal(&self, signal: &str) {
        #[expect(clippy::disallowed_methods, reason = "tests signal the real server")]
        let status = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.pid().to_string())
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// SIGTERM and wait: the exit code.
    pub(crate) fn stop(&mut self) -> Option<i32> {
        let mut child = self.child.take()?;
        self.signal_child(&child, "TERM");
        let start = Instant::now();
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status.code();
            }
            if start.elapsed() > Duration::from_secs(90) {
                let _ = child.kill();
                let _ = child.wait();
                panic!("medic serve did not stop within 90 s of SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGKILL: the process dies mid-work.
    pub(crate) fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the same server again (same database, directory, arguments and port).
    pub(crate) fn restart(&mut self) {
        self.stop();
        self.spawn();
    }

    fn signal_child(&self, child: &Child, signal: &str) {
        #[expect(clippy::disallowed_methods, reason = "tests signal the real server")]
        let _ = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(child.id().to_string())
            .status();
    }

    /// The incident with this id, as the API gives it.
    pub(crate) fn incident(&self, id: i64) -> Value {
        let answer = self.get(&format!("/api/v1/incidents/{id}"));
        assert_eq!(answer.status, 200, "{}", answer.body);
        answer.json()
    }

    /// Waits until incident `id` reaches `state`.
    pub(crate) fn wait_state(&self, id: i64, state: &str, timeout: Duration) -> Value {
        wait_for(&format!("incident {id} to be {state}"), timeout, || {
            let incident = self.incident(id);
            (incident["state"] == state).then_some(incident)
        })
    }

    /// All incidents (newest first).
    pub(crate) fn incidents(&self, query: &str) -> Vec<Value> {
        let answer = self.get(&format!("/api/v1/incidents{query}"));
        assert_eq!(answer.status, 200, "{}", answer.body);
        answer.json()["incidents"].as_array().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            self.signal_child(&child, "TERM");
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(20) {
                if child.try_wait().ok().flatten().is_some() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A config whose guides are the repository's examples.
pub(crate) fn config(extra: &str) -> String {
    format!(
        "[guides]\npaths = [\"{}\"]\n{extra}",
        repo().join("examples/guides").display()
    )
}

/// The Alertmanager sample payload with its alert's fingerprint and startsAt replaced.
pub(crate) fn payload(
    name: &str,
    fingerprint: &str,
    status: &str,
    labels: &[(&str, &str)],
    summary: &str,
) -> Vec<u8> {
    let mut label_map = serde_json::Map::new();
    label_map.insert("alertname".into(), name.into());
    for (k, v) in labels {
        label_map.insert((*k).into(), (*v).into());
    }
    serde_json::to_vec(&serde_json::json!({
        "version": "4",
        "status": status,
        "receiver": "medic",
        "alerts": [{
            "status": status,
            "labels": label_map,
            "annotations": {"summary": summary},
            "startsAt": "2026-11-23T07:04:30.193Z",
            "endsAt": if status == "resolved" { "2026-11-23T07:09:30.193Z" } else { "0001-01-01T00:00:00Z" },
            "fingerprint": fingerprint,
        }],
    }))
    .unwrap()
}
