//! A minimal HTTP GET client over a real TCP socket.
//!
//! Enough to ask a test's services whether they are ready and to query
//! Prometheus' API without an HTTP library: plain `http://` URLs, one
//! request per connection. It speaks HTTP/1.0 so servers answer with a
//! plain body that ends when the connection closes (no chunked encoding).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

use crate::error::{Result, TestkitError};

/// How long [`http_get`] waits for an answer.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A response to [`http_get`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code, e.g. `503`.
    pub status: u16,
    /// The reason phrase, e.g. `Service Temporarily Unavailable`.
    pub reason: String,
    /// Header names and values in the order received.
    pub headers: Vec<(String, String)>,
    /// The body, decoded lossily as UTF-8.
    pub body: String,
}

impl HttpResponse {
    /// The first header called `name`, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// Sends `GET` for an `http://host:port/path` URL and reads the whole
/// response, waiting at most 30 seconds.
///
/// ```
/// let web = medic_testkit::HttpService::start()?;
/// let response = medic_testkit::http_get(&web.url("/healthz"))?;
/// assert_eq!((response.status, response.body.as_str()), (200, "ok\n"));
/// # Ok::<(), medic_testkit::TestkitError>(())
/// ```
pub fn http_get(url: &str) -> Result<HttpResponse> {
    http_get_timeout(url, DEFAULT_TIMEOUT)
}

/// Like [`http_get`], but gives up after `timeout` (connecting, and then
/// each read).
pub fn http_get_timeout(url: &str, timeout: Duration) -> Result<HttpResponse> {
    let fail = |reason: String| TestkitError::Http {
        url: url.to_owned(),
        reason,
    };
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| fail("only `http://` URLs are supported".to_owned()))?;
    let (authority, path) = match rest.find('/') {
        Some(slash) => rest.split_at(slash),
        None => (rest, "/"),
    };
    let addr: SocketAddr = authority
        .to_socket_addrs()
        .map_err(|err| fail(format!("bad address `{authority}`: {err}")))?
        .next()
        .ok_or_else(|| fail(format!("`{authority}` has no address")))?;

    let mut stream = TcpStream::connect_timeout(&addr, timeout)
        .map_err(|err| fail(format!("cannot connect: {err}")))?;
    stream
        .set_read_timeout(Some(timeout))
        .map_err(|err| fail(err.to_string()))?;
    let request = format!(
        "GET {path} HTTP/1.0\r\nHost: {authority}\r\nUser-Agent: medic-testkit\r\nAccept: */*\r\n\r\n"
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|err| fail(format!("cannot send the request: {err}")))?;
    let mut bytes = Vec::new();
    stream
        .read_to_end(&mut bytes)
        .map_err(|err| fail(format!("cannot read the response: {err}")))?;
    parse_response(&bytes).ok_or_else(|| {
        fail(format!(
            "not an HTTP response: {:?}",
            String::from_utf8_lossy(&bytes[..bytes.len().min(200)])
        ))
    })
}

fn parse_response(bytes: &[u8]) -> Option<HttpResponse> {
    let end = bytes.windows(4).position(|window| window == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&bytes[..end]).ok()?;
    let body = String::from_utf8_lossy(&bytes[end + 4..]).into_owned();
    let mut lines = head.split("\r\n");
    let mut status_line = lines.next()?.splitn(3, ' ');
    let _version = status_line.next().filter(|v| v.starts_with("HTTP/"))?;
    let status = status_line.next()?.parse().ok()?;
    let reason = status_line.next().unwrap_or_default().to_owned();
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .collect();
    Some(HttpResponse {
        status,
        reason,
        headers,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::parse_response;

    #[test]
    fn parses_status_headers_and_body() {
        let response = parse_response(
            b"HTTP/1.1 503 Service Temporarily Unavailable\r\nContent-Length: 3\r\n\r\nno\n",
        )
        .unwrap();
        assert_eq!(response.status, 503);
        assert_eq!(response.reason, "Service Temporarily Unavailable");
        assert_eq!(response.header("content-length"), Some("3"));
        assert_eq!(response.body, "no\n");
        assert!(parse_response(b"SSH-2.0-OpenSSH\r\n\r\n").is_none());
    }
}
