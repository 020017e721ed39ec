//! A minimal HTTP/1.1 client over a real TCP socket.
//!
//! Enough to ask a test's services whether they are ready, to query
//! Prometheus' and Alertmanager's APIs and to drive chromedriver, without an
//! HTTP library: plain `http://` URLs, one request per connection (sent with
//! `Connection: close`). A body is read by its `Content-Length`, as chunks,
//! or until the connection closes, whichever the server chose; chromedriver
//! keeps connections open and refuses HTTP/1.0, so all three matter.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

use crate::error::{Result, TestkitError};

/// How long [`http_get`] and [`http_post`] wait for an answer.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The largest response head or body read.
const MAX_RESPONSE: u64 = 64 << 20;

/// A response to [`http_get`] or [`http_post`].
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
    http_request("GET", url, None, timeout)
}

/// Sends `POST` with `body` of type `content_type` (e.g.
/// `application/json`) and reads the whole response, waiting at most 30
/// seconds.
///
/// ```
/// let web = medic_testkit::HttpService::start()?;
/// let response = medic_testkit::http_post(&web.url("/webhook"), "text/plain", "hi")?;
/// assert_eq!(response.status, 200);
/// assert_eq!(web.bodies("/webhook"), ["hi"]);
/// # Ok::<(), medic_testkit::TestkitError>(())
/// ```
pub fn http_post(url: &str, content_type: &str, body: &str) -> Result<HttpResponse> {
    http_request("POST", url, Some((content_type, body)), DEFAULT_TIMEOUT)
}

/// Sends `method` for `url` with an optional `(content type, body)` and
/// reads the whole response; `timeout` bounds connecting and each read.
pub(crate) fn http_request(
    method: &str,
    url: &str,
    body: Option<(&str, &str)>,
    timeout: Duration,
) -> Result<HttpResponse> {
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
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {authority}\r\nUser-Agent: medic-testkit\r\nAccept: */*\r\nConnection: close\r\n"
    );
    if let Some((content_type, body)) = body {
        request.push_str(&format!(
            "Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ));
    } else if method == "POST" || method == "PUT" {
        request.push_str("Content-Length: 0\r\n\r\n");
    } else {
        request.push_str("\r\n");
    }
    stream
        .write_all(request.as_bytes())
        .map_err(|err| fail(format!("cannot send the request: {err}")))?;
    read_response(&mut BufReader::new(stream.take(MAX_RESPONSE)), method).map_err(fail)
}

/// Reads one response to a `method` request: head, then the body as the
/// head says it is framed.
fn read_response(reader: &mut impl BufRead, method: &str) -> Result<HttpResponse, String> {
    let mut line = String::new();
    reader
        .read_line(&mut line)
        .map_err(|err| format!("cannot read the response: {err}"))?;
    let not_http = || format!("not an HTTP response: {:?}", truncate(&line, 200));
    let mut status_line = line.trim_end().splitn(3, ' ');
    status_line
        .next()
        .filter(|version| version.starts_with("HTTP/"))
        .ok_or_else(not_http)?;
    let status: u16 = status_line
        .next()
        .and_then(|code| code.parse().ok())
        .ok_or_else(not_http)?;
    let reason = status_line.next().unwrap_or_default().to_owned();

    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        let read = reader
            .read_line(&mut header)
            .map_err(|err| format!("cannot read the response's headers: {err}"))?;
        let header = header.trim_end();
        if read == 0 || header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    let response = HttpResponse {
        status,
        reason,
        headers,
        body: String::new(),
    };

    let mut body = Vec::new();
    let read_error = |err: std::io::Error| format!("cannot read the response's body: {err}");
    if method == "HEAD" || status < 200 || status == 204 || status == 304 {
        // No body.
    } else if response
        .header("transfer-encoding")
        .is_some_and(|coding| coding.to_ascii_lowercase().contains("chunked"))
    {
        read_chunks(reader, &mut body).map_err(read_error)?;
    } else if let Some(length) = response.header("content-length") {
        let length: u64 = length
            .parse()
            .map_err(|_| format!("bad `Content-Length: {length}`"))?;
        reader
            .take(length)
            .read_to_end(&mut body)
            .map_err(read_error)?;
        if (body.len() as u64) < length {
            return Err(format!(
                "the body ended after {} of {length} bytes",
                body.len()
            ));
        }
    } else {
        reader.read_to_end(&mut body).map_err(read_error)?;
    }
    Ok(HttpResponse {
        body: String::from_utf8_lossy(&body).into_owned(),
        ..response
    })
}

/// Decodes a chunked body into `body`.
fn read_chunks(reader: &mut impl BufRead, body: &mut Vec<u8>) -> std::io::Result<()> {
    let invalid =
        |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned());
    loop {
        let mut size = String::new();
        if reader.read_line(&mut size)? == 0 {
            return Err(invalid("the chunked body ended early"));
        }
        let size = size.trim_end();
        let hex = size.split(';').next().unwrap_or(size).trim();
        let size =
            u64::from_str_radix(hex, 16).map_err(|_| invalid("bad chunk size in the body"))?;
        if size == 0 {
            // Trailers, then the blank line.
            let mut trailer = String::new();
            while reader.read_line(&mut trailer)? > 0 && !trailer.trim_end().is_empty() {
                trailer.clear();
            }
            return Ok(());
        }
        let before = body.len();
        reader.take(size).read_to_end(body)?;
        if ((body.len() - before) as u64) < size {
            return Err(invalid("a chunk ended early"));
        }
        let mut end = String::new();
        reader.read_line(&mut end)?;
    }
}

fn truncate(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((index, _)) => &text[..index],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::read_response;

    #[test]
    fn parses_status_headers_and_body() {
        let response = read_response(
            &mut Cursor::new(
                "HTTP/1.1 503 Service Temporarily Unavailable\r\nContent-Length: 3\r\n\r\nno\nextra",
            ),
            "GET",
        )
        .unwrap();
        assert_eq!(response.status, 503);
        assert_eq!(response.reason, "Service Temporarily Unavailable");
        assert_eq!(response.header("content-length"), Some("3"));
        assert_eq!(response.body, "no\n");
        assert!(read_response(&mut Cursor::new("SSH-2.0-OpenSSH\r\n\r\n"), "GET").is_err());
    }

    #[test]
    fn decodes_chunks_and_reads_to_the_end_without_a_length() {
        let chunked = read_response(
            &mut Cursor::new(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n6;x=y\r\npedia \r\n0\r\n\r\n",
            ),
            "GET",
        )
        .unwrap();
        assert_eq!(chunked.body, "Wikipedia ");
        let plain =
            read_response(&mut Cursor::new("HTTP/1.0 200 OK\r\n\r\nall of it"), "GET").unwrap();
        assert_eq!(plain.body, "all of it");
        let short = read_response(
            &mut Cursor::new("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"),
            "GET",
        );
        assert!(short.is_err());
    }
}
