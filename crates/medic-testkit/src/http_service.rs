//! A small real HTTP/1.1 server whose routes misbehave on request.
//!
//! It listens on a real socket on 127.0.0.1 (bound to port 0, so there is no
//! race for the port) and serves each connection on its own thread, so a
//! hanging request does not block the others. Routes:
//!
//! - `/healthz` → `200`, body `ok`
//! - `/status/{code}` → that code, body `{code} {reason}`, e.g.
//!   `503 Service Temporarily Unavailable` (nginx's reason phrases)
//! - `/slow/{ms}` → `200` after that many milliseconds (at most a minute)
//! - `/hang` → no answer until the server stops
//! - `/webhook` and `/webhook/…` → `200`, body `ok`, for any method: a
//!   receiver for Alertmanager's webhooks or a form's `POST`
//! - `/metrics` → a minimal Prometheus exposition (`medic_testkit_up 1` and
//!   a request counter), or the status set with
//!   [`HttpService::set_metrics_status`], so a scrape target can go down
//!   and come back on the same port
//! - a page added with [`HttpService::add_page`] → `200`, `text/html`
//! - anything else → `404`
//!
//! Bodies end with a newline, as nginx's do. Every request is recorded, with
//! its headers and body: [`HttpService::requests`] lists request lines,
//! [`HttpService::received`] whole requests and [`HttpService::bodies`] what
//! was sent to one path. Dropping the service ends every connection, joins
//! every thread and closes the port.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::error::{Result, TestkitError};

/// The longest `/slow/{ms}` waits.
const MAX_SLOW: Duration = Duration::from_secs(60);

/// How long a client may take to send its request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest request head or body read.
const MAX_REQUEST: u64 = 1 << 20;

/// A request the [`HttpService`] received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// The method, e.g. `POST`.
    pub method: String,
    /// The path with its query string, e.g. `/webhook?x=1`.
    pub path: String,
    /// Header names and values in the order received.
    pub headers: Vec<(String, String)>,
    /// The body, decoded lossily as UTF-8 (empty when there was none).
    pub body: String,
}

impl HttpRequest {
    /// The first header called `name`, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The path without its query string.
    fn route(&self) -> &str {
        self.path.split('?').next().unwrap_or(&self.path)
    }
}

/// A real HTTP server on 127.0.0.1, stopped when dropped.
///
/// ```
/// use medic_testkit::{HttpService, http_get};
///
/// let web = HttpService::start()?;
/// web.add_page("/", "<title>medic</title><p>hello</p>");
/// assert_eq!(http_get(&web.url("/"))?.header("content-type"), Some("text/html; charset=utf-8"));
/// assert!(http_get(&web.url("/metrics"))?.body.contains("medic_testkit_up 1\n"));
/// web.set_metrics_status(503);
/// assert_eq!(http_get(&web.url("/metrics"))?.status, 503);
/// # Ok::<(), medic_testkit::TestkitError>(())
/// ```
#[derive(Debug)]
pub struct HttpService {
    addr: SocketAddr,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

/// State the acceptor and connection threads share with the service.
#[derive(Debug, Default)]
struct Shared {
    stopping: Mutex<bool>,
    stopped: Condvar,
    requests: Mutex<Vec<HttpRequest>>,
    pages: Mutex<HashMap<String, String>>,
    metrics_status: Mutex<Option<u16>>,
    connections: Mutex<Vec<TcpStream>>,
    handlers: Mutex<Vec<JoinHandle<()>>>,
}

impl Shared {
    fn is_stopping(&self) -> bool {
        *lock(&self.stopping)
    }

    /// Waits until `deadline` or until the server stops, whichever is first;
    /// true if the server is stopping.
    fn wait_for_stop(&self, deadline: Option<Instant>) -> bool {
        let mut stopping = lock(&self.stopping);
        while !*stopping {
            match deadline {
                None => {
                    stopping = self
                        .stopped
                        .wait(stopping)
                        .unwrap_or_else(PoisonError::into_inner);
                }
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return false;
                    }
                    stopping = self
                        .stopped
                        .wait_timeout(stopping, left)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0;
                }
            }
        }
        true
    }
}

impl HttpService {
    /// Starts the server on a free port.
    pub fn start() -> Result<Self> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .map_err(|err| TestkitError::io("bind 127.0.0.1:0 for the HTTP service", err))?;
        let addr = listener
            .local_addr()
            .map_err(|err| TestkitError::io("read the HTTP service's address", err))?;
        let shared = Arc::new(Shared::default());
        let acceptor = {
            let shared = Arc::clone(&shared);
            thread::Builder::new()
                .name("medic-testkit-http".to_owned())
                .spawn(move || accept(&listener, &shared))
                .map_err(|err| TestkitError::io("start the HTTP service's thread", err))?
        };
        Ok(Self {
            addr,
            shared,
            acceptor: Some(acceptor),
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The URL of `path` on this server, e.g. `url("/healthz")`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Every request received so far, as `METHOD /path`, oldest first.
    pub fn requests(&self) -> Vec<String> {
        lock(&self.shared.requests)
            .iter()
            .map(|request| format!("{} {}", request.method, request.path))
            .collect()
    }

    /// Every request received so far, with headers and body, oldest first.
    pub fn received(&self) -> Vec<HttpRequest> {
        lock(&self.shared.requests).clone()
    }

    /// The bodies of the requests that had a body and were sent to `path`
    /// (compared without query strings), oldest first: e.g. the JSON of
    /// every webhook Alertmanager posted to `/webhook`.
    pub fn bodies(&self, path: &str) -> Vec<String> {
        lock(&self.shared.requests)
            .iter()
            .filter(|request| request.route() == path && !request.body.is_empty())
            .map(|request| request.body.clone())
            .collect()
    }

    /// Serves `html` as `text/html` at `path` (without query string), e.g.
    /// a page with a form for a browser test; replaces an earlier page there.
    pub fn add_page(&self, path: &str, html: &str) {
        lock(&self.shared.pages).insert(path.to_owned(), html.to_owned());
    }

    /// Makes `/metrics` answer `status`: anything but `200` (say `503`)
    /// makes Prometheus record the target as down (`up == 0`); `200`
    /// brings it back.
    pub fn set_metrics_status(&self, status: u16) {
        *lock(&self.shared.metrics_status) = (status != 200).then_some(status);
    }
}

impl Drop for HttpService {
    fn drop(&mut self) {
        *lock(&self.shared.stopping) = true;
        self.shared.stopped.notify_all();
        // Wake the acceptor, which then sees it must stop.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
        for connection in lock(&self.shared.connections).drain(..) {
            let _ = connection.shutdown(Shutdown::Both);
        }
        let handlers: Vec<JoinHandle<()>> = lock(&self.shared.handlers).drain(..).collect();
        for handler in handlers {
            let _ = handler.join();
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn accept(listener: &TcpListener, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.is_stopping() {
            return;
        }
        let Ok(stream) = stream else { continue };
        if let Ok(clone) = stream.try_clone() {
            lock(&shared.connections).push(clone);
        }
        let handler_shared = Arc::clone(shared);
        if let Ok(handler) = thread::Builder::new()
            .name("medic-testkit-http-conn".to_owned())
            .spawn(move || serve(stream, &handler_shared))
        {
            lock(&shared.handlers).push(handler);
        }
    }
}

/// Reads one request from `stream` and answers it.
fn serve(stream: TcpStream, shared: &Shared) {
    let _ = stream.set_read_timeout(Some(REQUEST_TIMEOUT));
    let Ok(reader_stream) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(reader_stream.take(MAX_REQUEST));
    let Some(mut request) = read_head(&mut reader) else {
        return;
    };
    // Read the body, also so closing the socket does not reset the connection.
    let length = request
        .header("content-length")
        .and_then(|length| length.trim().parse().ok())
        .unwrap_or(0_u64)
        .min(MAX_REQUEST);
    let mut body = Vec::new();
    let _ = reader.take(length).read_to_end(&mut body);
    request.body = String::from_utf8_lossy(&body).into_owned();
    let method = request.method.clone();
    let path = request.path.clone();
    lock(&shared.requests).push(request);

    let Some(answer) = route(&path, shared) else {
        return; // `/hang`: the server is stopping; close without answering.
    };
    let reason = reason_phrase(answer.status);
    let body = answer
        .body
        .unwrap_or_else(|| format!("{} {reason}\n", answer.status));
    let mut response = format!(
        "HTTP/1.1 {} {reason}\r\nServer: medic-testkit\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        answer.status,
        answer.content_type,
        body.len()
    );
    if method != "HEAD" {
        response.push_str(&body);
    }
    let mut stream = stream;
    let _ = stream.write_all(response.as_bytes());
    let _ = stream.flush();
    let _ = stream.shutdown(Shutdown::Write);
}

/// The request's method, path and headers (its body still unread), or
/// `None` if it is not HTTP.
fn read_head(reader: &mut impl BufRead) -> Option<HttpRequest> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let path = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let header = line.trim_end();
        if header.is_empty() {
            return Some(HttpRequest {
                method,
                path,
                headers,
                body: String::new(),
            });
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
}

/// How a route answers.
struct Answer {
    status: u16,
    content_type: &'static str,
    /// The body; `None` means `{status} {reason}`.
    body: Option<String>,
}

impl Answer {
    fn text(status: u16, body: Option<String>) -> Self {
        Self {
            status,
            content_type: "text/plain; charset=utf-8",
            body,
        }
    }
}

/// The answer for `path`, or `None` for a request that is never answered.
fn route(path: &str, shared: &Shared) -> Option<Answer> {
    let path = path.split('?').next().unwrap_or(path);
    if path == "/healthz" {
        return Some(Answer::text(200, Some("ok\n".to_owned())));
    }
    if path == "/webhook" || path.starts_with("/webhook/") {
        return Some(Answer::text(200, Some("ok\n".to_owned())));
    }
    if path == "/metrics" {
        return Some(metrics(shared));
    }
    if let Some(html) = lock(&shared.pages).get(path) {
        return Some(Answer {
            status: 200,
            content_type: "text/html; charset=utf-8",
            body: Some(html.clone()),
        });
    }
    if path == "/hang" {
        shared.wait_for_stop(None);
        return None;
    }
    if let Some(code) = path.strip_prefix("/status/") {
        return Some(match code.parse::<u16>() {
            Ok(code) if (100..=599).contains(&code) => Answer::text(code, None),
            _ => Answer::text(400, None),
        });
    }
    if let Some(ms) = path.strip_prefix("/slow/") {
        let Ok(ms) = ms.parse::<u64>() else {
            return Some(Answer::text(400, None));
        };
        let wait = Duration::from_millis(ms).min(MAX_SLOW);
        if shared.wait_for_stop(Some(Instant::now() + wait)) {
            return None;
        }
        return Some(Answer::text(
            200,
            Some(format!("slept {} ms\n", wait.as_millis())),
        ));
    }
    Some(Answer::text(404, None))
}

/// `/metrics`: the exposition, or the status a test set.
fn metrics(shared: &Shared) -> Answer {
    if let Some(status) = *lock(&shared.metrics_status) {
        return Answer::text(status, None);
    }
    let requests = lock(&shared.requests).len();
    Answer {
        status: 200,
        content_type: "text/plain; version=0.0.4; charset=utf-8",
        body: Some(format!(
            "# HELP medic_testkit_up Whether the test kit's HTTP service is up.\n\
             # TYPE medic_testkit_up gauge\n\
             medic_testkit_up 1\n\
             # HELP medic_testkit_requests_total Requests the test kit's HTTP service has received.\n\
             # TYPE medic_testkit_requests_total counter\n\
             medic_testkit_requests_total {requests}\n"
        )),
    }
}

/// nginx's reason phrase for `status`.
fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Moved Temporarily",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Not Allowed",
        408 => "Request Time-out",
        413 => "Request Entity Too Large",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Temporarily Unavailable",
        504 => "Gateway Time-out",
        _ => "Unknown",
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::read_head;

    #[test]
    fn reads_method_path_and_headers() {
        let mut request = Cursor::new(
            "POST /x HTTP/1.1\r\nContent-Length: 4\r\nAuthorization: Bearer t\r\n\r\nbody",
        );
        let head = read_head(&mut request).unwrap();
        assert_eq!((head.method.as_str(), head.path.as_str()), ("POST", "/x"));
        assert_eq!(head.header("content-length"), Some("4"));
        assert_eq!(head.header("authorization"), Some("Bearer t"));
        assert_eq!(read_head(&mut Cursor::new("")), None);
    }
}
