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
//! - anything else → `404`
//!
//! Bodies end with a newline, as nginx's do. Every request line is logged
//! for [`HttpService::requests`]. Dropping the service ends every
//! connection, joins every thread and closes the port.

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

/// A real HTTP server on 127.0.0.1, stopped when dropped.
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
    requests: Mutex<Vec<String>>,
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
        lock(&self.shared.requests).clone()
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
    let Some((method, path, content_length)) = read_head(&mut reader) else {
        return;
    };
    // Read the body so closing the socket does not reset the connection.
    let _ = std::io::copy(&mut reader.take(content_length), &mut std::io::sink());
    lock(&shared.requests).push(format!("{method} {path}"));

    let Some((status, body)) = route(&path, shared) else {
        return; // `/hang`: the server is stopping; close without answering.
    };
    let reason = reason_phrase(status);
    let body = body.unwrap_or_else(|| format!("{status} {reason}\n"));
    let mut response = format!(
        "HTTP/1.1 {status} {reason}\r\nServer: medic-testkit\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
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

/// The request's method, path and body length, or `None` if it is not HTTP.
fn read_head(reader: &mut impl BufRead) -> Option<(String, String, u64)> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let path = parts.next()?.to_owned();
    let mut content_length = 0;
    loop {
        line.clear();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let header = line.trim_end();
        if header.is_empty() {
            return Some((method, path, content_length));
        }
        if let Some((name, value)) = header.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            content_length = value.trim().parse().unwrap_or(0).min(MAX_REQUEST);
        }
    }
}

/// The status and body (default: `{status} {reason}`) for `path`, or `None`
/// for a request that is never answered.
fn route(path: &str, shared: &Shared) -> Option<(u16, Option<String>)> {
    let path = path.split('?').next().unwrap_or(path);
    if path == "/healthz" {
        return Some((200, Some("ok\n".to_owned())));
    }
    if path == "/hang" {
        shared.wait_for_stop(None);
        return None;
    }
    if let Some(code) = path.strip_prefix("/status/") {
        return Some(match code.parse::<u16>() {
            Ok(code) if (100..=599).contains(&code) => (code, None),
            _ => (400, None),
        });
    }
    if let Some(ms) = path.strip_prefix("/slow/") {
        let Ok(ms) = ms.parse::<u64>() else {
            return Some((400, None));
        };
        let wait = Duration::from_millis(ms).min(MAX_SLOW);
        if shared.wait_for_stop(Some(Instant::now() + wait)) {
            return None;
        }
        return Some((200, Some(format!("slept {} ms\n", wait.as_millis()))));
    }
    Some((404, None))
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
    fn reads_method_path_and_length() {
        let mut request = Cursor::new("POST /x HTTP/1.1\r\nContent-Length: 4\r\n\r\nbody");
        assert_eq!(
            read_head(&mut request),
            Some(("POST".to_owned(), "/x".to_owned(), 4))
        );
        assert_eq!(read_head(&mut Cursor::new("")), None);
    }
}
