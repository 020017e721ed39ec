//! A real headless browser for one test, driven over W3C WebDriver.
//!
//! Debian's `chromedriver` runs on a free loopback port in its own process
//! group and starts Debian's `chromium` headless (`--headless=new`), with
//! `--no-sandbox` (the sandbox cannot run as root, and CI is root),
//! `--disable-gpu`, `--disable-dev-shm-usage` and a profile in a temporary
//! directory. chromedriver is ready when `/status` says `"ready": true`;
//! the browser is ready when a session has been created, which waits for
//! chromium to start. The client is synchronous and small: the kit's own
//! HTTP client and JSON, one command per call, element lookups by CSS
//! selector. Dropping the [`Browser`] ends the session (chromium quits),
//! stops chromedriver and kills whatever is left of its process group, then
//! deletes the profile.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use rustix::process::Signal;
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::error::{Result, TestkitError};
use crate::http_client::{http_get, http_request};
use crate::installed::find_program;
use crate::port::{port_accepts, with_free_port};
use crate::process::{ServiceProcess, log_tail};
use crate::wait::wait_until;

/// How long chromedriver may take to become ready.
const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// How long one WebDriver command may take; creating the session starts
/// chromium and `goto` waits for the page to load.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// How long ending the session may take on drop.
const QUIT_TIMEOUT: Duration = Duration::from_secs(5);

/// The key under which WebDriver returns an element reference.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// The Debian package that provides `chromedriver`.
const DRIVER_PACKAGE: &str = "chromium-driver";

/// Settings for a [`Browser`]; [`BrowserBuilder::start`] starts it.
#[derive(Debug, Clone)]
pub struct BrowserBuilder {
    window: (u32, u32),
    args: Vec<String>,
}

impl Default for BrowserBuilder {
    fn default() -> Self {
        Self {
            window: (1280, 800),
            args: Vec::new(),
        }
    }
}

impl BrowserBuilder {
    /// The window's size in pixels (default 1280×800), which is also the
    /// size of [`Browser::screenshot`].
    #[must_use]
    pub fn window_size(mut self, width: u32, height: u32) -> Self {
        self.window = (width, height);
        self
    }

    /// Passes one more command-line flag to chromium, e.g. `--lang=de`.
    #[must_use]
    pub fn arg(mut self, arg: &str) -> Self {
        self.args.push(arg.to_owned());
        self
    }

    /// Starts chromedriver on a free port and opens a browser session.
    pub fn start(self) -> Result<Browser> {
        let driver = find_program("chromedriver", DRIVER_PACKAGE)?;
        let chromium = find_program("chromium", "chromium")?;
        let dir = tempfile::Builder::new()
            .prefix("medic-testkit-browser-")
            .tempdir()
            .map_err(|err| TestkitError::io("create a temporary directory", err))?;
        let profile = dir.path().join("profile");

        let (process, port, log) = with_free_port(|port| {
            let log = dir.path().join(format!("chromedriver-{port}.log"));
            let mut command = Command::new(&driver);
            command
                .current_dir(dir.path())
                .arg(format!("--port={port}"))
                .arg(format!("--log-path={}", log.display()))
                .arg("--append-log")
                .arg("--allowed-ips=127.0.0.1");
            let mut process =
                ServiceProcess::spawn_group("chromedriver", &mut command, &log, Signal::TERM)?;
            process.wait_ready(READY_TIMEOUT, || {
                port_accepts(port)
                    && http_get(&format!("http://127.0.0.1:{port}/status")).is_ok_and(|response| {
                        serde_json::from_str::<Value>(&response.body).is_ok_and(|json| {
                            json.pointer("/value/ready") == Some(&Value::Bool(true))
                        })
                    })
            })?;
            Ok((process, port, log))
        })?;

        let mut args = vec![
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            format!("--user-data-dir={}", profile.display()),
            format!("--window-size={},{}", self.window.0, self.window.1),
            "--no-first-run".to_owned(),
            "--no-default-browser-check".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--password-store=basic".to_owned(),
        ];
        args.extend(self.args);
        let capabilities = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "pageLoadStrategy": "normal",
                    "goog:chromeOptions": {
                        "binary": chromium.to_string_lossy(),
                        "args": args,
                    },
                },
            },
        });
        let mut browser = Browser {
            session: String::new(),
            process,
            port,
            log,
            dir,
        };
        let created = browser.send("start chromium", "POST", "/session", Some(&capabilities))?;
        browser.session = created
            .get("sessionId")
            .and_then(Value::as_str)
            .ok_or_else(|| TestkitError::WebDriver {
                action: "start chromium".to_owned(),
                error: "no session".to_owned(),
                message: format!("chromedriver answered {created}"),
            })?
            .to_owned();
        Ok(browser)
    }
}

/// A headless chromium driven by chromedriver, quit and deleted when dropped.
///
/// Elements are named by CSS selectors; a command on a selector that
/// matches nothing fails with [`TestkitError::WebDriver`] (`no such
/// element`), so a test that expects content to appear should
/// [`wait_for`](Browser::wait_for) it first.
///
/// ```no_run
/// use std::time::Duration;
/// use medic_testkit::{Browser, HttpService};
///
/// let web = HttpService::start()?;
/// web.add_page("/", "<title>Incidents</title><button onclick=\"this.textContent='Acknowledged'\">Ack</button>");
/// let browser = Browser::start()?;
/// browser.goto(&web.url("/"))?;
/// assert_eq!(browser.title()?, "Incidents");
/// browser.click("button")?;
/// browser.wait_for_text("Acknowledged", Duration::from_secs(5))?;
/// # Ok::<(), medic_testkit::TestkitError>(())
/// ```
#[derive(Debug)]
pub struct Browser {
    session: String,
    // Fields drop in order: chromedriver's group stops before the profile goes.
    process: ServiceProcess,
    port: u16,
    log: PathBuf,
    dir: TempDir,
}

impl Browser {
    /// Starts a browser with a 1280×800 window.
    pub fn start() -> Result<Self> {
        Self::builder().start()
    }

    /// Settings for a browser that needs some.
    pub fn builder() -> BrowserBuilder {
        BrowserBuilder::default()
    }

    /// The port chromedriver listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// chromedriver's process ID, which is also its process group's ID.
    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    /// The temporary directory holding the profile and chromedriver's log;
    /// it is removed on drop.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The last lines of chromedriver's log (chromium's output included).
    pub fn log_tail(&self) -> String {
        log_tail(&self.log)
    }

    /// Opens `url` and waits until the page has loaded.
    pub fn goto(&self, url: &str) -> Result<()> {
        self.command(
            &format!("open `{url}`"),
            "POST",
            "/url",
            Some(&json!({ "url": url })),
        )
        .map(drop)
    }

    /// The URL of the page shown now.
    pub fn current_url(&self) -> Result<String> {
        self.string("read the URL", "GET", "/url")
    }

    /// The page's title.
    pub fn title(&self) -> Result<String> {
        self.string("read the title", "GET", "/title")
    }

    /// The page's HTML as the browser holds it now (scripts' changes included).
    pub fn page_source(&self) -> Result<String> {
        self.string("read the page source", "GET", "/source")
    }

    /// The rendered text of the first element matching `css`.
    pub fn text(&self, css: &str) -> Result<String> {
        let element = self.find(css)?;
        self.string(
            &format!("read the text of `{css}`"),
            "GET",
            &format!("/element/{element}/text"),
        )
    }

    /// The rendered texts of all elements matching `css`, in document
    /// order; empty when none match.
    pub fn find_all(&self, css: &str) -> Result<Vec<String>> {
        self.find_elements(css)?
            .iter()
            .map(|element| {
                self.string(
                    &format!("read the text of `{css}`"),
                    "GET",
                    &format!("/element/{element}/text"),
                )
            })
            .collect()
    }

    /// How many elements match `css`.
    pub fn count(&self, css: &str) -> Result<usize> {
        Ok(self.find_elements(css)?.len())
    }

    /// Clicks the first element matching `css` (scrolling it into view),
    /// and waits for a page load it starts.
    pub fn click(&self, css: &str) -> Result<()> {
        let element = self.find(css)?;
        self.command(
            &format!("click `{css}`"),
            "POST",
            &format!("/element/{element}/click"),
            Some(&json!({})),
        )
        .map(drop)
    }

    /// Types `text` into the first element matching `css`, after what it
    /// holds already; [`clear`](Browser::clear) it first to replace that.
    pub fn type_into(&self, css: &str, text: &str) -> Result<()> {
        let element = self.find(css)?;
        self.command(
            &format!("type into `{css}`"),
            "POST",
            &format!("/element/{element}/value"),
            Some(&json!({ "text": text })),
        )
        .map(drop)
    }

    /// Empties the input or text area matching `css`.
    pub fn clear(&self, css: &str) -> Result<()> {
        let element = self.find(css)?;
        self.command(
            &format!("clear `{css}`"),
            "POST",
            &format!("/element/{element}/clear"),
            Some(&json!({})),
        )
        .map(drop)
    }

    /// Waits until an element matches `css`; fails after `timeout`.
    pub fn wait_for(&self, css: &str, timeout: Duration) -> Result<()> {
        wait_until(&format!("an element matching `{css}`"), timeout, || {
            Ok(!self.find_elements(css)?.is_empty())
        })
    }

    /// Waits until the page's rendered text contains `text`; fails after
    /// `timeout`.
    pub fn wait_for_text(&self, text: &str, timeout: Duration) -> Result<()> {
        wait_until(&format!("the page to show `{text}`"), timeout, || {
            let shown = self.execute("return document.body ? document.body.innerText : '';")?;
            Ok(shown.as_str().is_some_and(|shown| shown.contains(text)))
        })
    }

    /// Runs `script` as the body of a function in the page and returns what
    /// it returns, as JSON (`return document.title;` → a string).
    pub fn execute(&self, script: &str) -> Result<Value> {
        self.command(
            "run a script",
            "POST",
            "/execute/sync",
            Some(&json!({ "script": script, "args": [] })),
        )
    }

    /// A PNG screenshot of the window.
    pub fn screenshot(&self) -> Result<Vec<u8>> {
        let encoded = self.string("take a screenshot", "GET", "/screenshot")?;
        base64_decode(&encoded).ok_or_else(|| TestkitError::WebDriver {
            action: "take a screenshot".to_owned(),
            error: "bad screenshot".to_owned(),
            message: "the screenshot is not base64".to_owned(),
        })
    }

    /// Writes a PNG screenshot of the window to `path`, e.g. to keep what a
    /// failing test saw.
    pub fn screenshot_png(&self, path: &Path) -> Result<()> {
        let png = self.screenshot()?;
        fs::write(path, png)
            .map_err(|err| TestkitError::io(format!("write `{}`", path.display()), err))
    }

    /// The reference of the first element matching `css`.
    fn find(&self, css: &str) -> Result<String> {
        let found = self.command(
            &format!("find `{css}`"),
            "POST",
            "/element",
            Some(&json!({ "using": "css selector", "value": css })),
        )?;
        element_id(&found).ok_or_else(|| TestkitError::WebDriver {
            action: format!("find `{css}`"),
            error: "no element reference".to_owned(),
            message: format!("chromedriver answered {found}"),
        })
    }

    /// The references of all elements matching `css`.
    fn find_elements(&self, css: &str) -> Result<Vec<String>> {
        let found = self.command(
            &format!("find `{css}`"),
            "POST",
            "/elements",
            Some(&json!({ "using": "css selector", "value": css })),
        )?;
        Ok(found
            .as_array()
            .map(|items| items.iter().filter_map(element_id).collect())
            .unwrap_or_default())
    }

    /// Runs a command whose value is a string.
    fn string(&self, action: &str, method: &str, path: &str) -> Result<String> {
        match self.command(action, method, path, None)? {
            Value::String(text) => Ok(text),
            other => Err(TestkitError::WebDriver {
                action: action.to_owned(),
                error: "unexpected answer".to_owned(),
                message: format!("expected a string, got {other}"),
            }),
        }
    }

    /// Runs a command in this session and returns its `value`.
    fn command(
        &self,
        action: &str,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value> {
        self.send(
            action,
            method,
            &format!("/session/{}{path}", self.session),
            body,
        )
    }

    /// Sends one WebDriver request to chromedriver and returns its `value`,
    /// or the WebDriver error as [`TestkitError::WebDriver`].
    fn send(&self, action: &str, method: &str, path: &str, body: Option<&Value>) -> Result<Value> {
        let url = format!("http://127.0.0.1:{}{path}", self.port);
        let body = body.map(Value::to_string);
        let response = http_request(
            method,
            &url,
            body.as_deref()
                .map(|body| ("application/json; charset=utf-8", body)),
            COMMAND_TIMEOUT,
        )?;
        let json: Value =
            serde_json::from_str(&response.body).map_err(|err| TestkitError::Http {
                url: url.clone(),
                reason: format!(
                    "status {}, not JSON ({err}): {}",
                    response.status, response.body
                ),
            })?;
        let value = json.get("value").cloned().unwrap_or(Value::Null);
        if response.status == 200 {
            return Ok(value);
        }
        let field = |name: &str| value.get(name).and_then(Value::as_str).unwrap_or_default();
        Err(TestkitError::WebDriver {
            action: action.to_owned(),
            error: field("error").to_owned(),
            // The first line; chromedriver adds session details below it.
            message: field("message")
                .lines()
                .next()
                .unwrap_or_default()
                .to_owned(),
        })
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            // Quitting the session closes chromium cleanly; the process
            // group is killed afterwards in any case.
            let url = format!("http://127.0.0.1:{}/session/{}", self.port, self.session);
            let _ = http_request("DELETE", &url, None, QUIT_TIMEOUT);
        }
    }
}

/// The element reference in a WebDriver element object.
fn element_id(element: &Value) -> Option<String> {
    element.get(ELEMENT_KEY)?.as_str().map(str::to_owned)
}

/// Decodes standard base64 (with or without padding); `None` if it is not.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    fn sextet(byte: u8) -> Option<u32> {
        Some(u32::from(match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    }
    let bytes: Vec<u8> = text
        .bytes()
        .filter(|byte| !byte.is_ascii_whitespace())
        .collect();
    let bytes = bytes
        .strip_suffix(b"==")
        .or_else(|| bytes.strip_suffix(b"="))
        .unwrap_or(&bytes);
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let mut group = 0;
        for (index, &byte) in chunk.iter().enumerate() {
            group |= sextet(byte)? << (18 - 6 * index);
        }
        let [_, first, second, third] = group.to_be_bytes();
        match chunk.len() {
            4 => out.extend([first, second, third]),
            3 => out.extend([first, second]),
            2 => out.push(first),
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::{base64_decode, element_id};

    #[test]
    fn decodes_base64() {
        assert_eq!(base64_decode("aGVsbG8=").as_deref(), Some(&b"hello"[..]));
        assert_eq!(base64_decode("aGVsbG8h").as_deref(), Some(&b"hello!"[..]));
        assert_eq!(base64_decode("aGk").as_deref(), Some(&b"hi"[..]));
        assert_eq!(
            base64_decode("iVBO\nRw0K").as_deref(),
            Some(&b"\x89PNG\r\n"[..])
        );
        assert_eq!(base64_decode("a"), None);
        assert_eq!(base64_decode("a*bc"), None);
    }

    #[test]
    fn reads_element_references() {
        let element = serde_json::json!({ "element-6066-11e4-a52e-4f735466cecf": "f.1" });
        assert_eq!(element_id(&element).as_deref(), Some("f.1"));
        assert_eq!(element_id(&serde_json::json!({})), None);
    }
}
