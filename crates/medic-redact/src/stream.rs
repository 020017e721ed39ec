//! Redacting input that arrives in chunks: a command's output as it is read.

use std::sync::Arc;

use crate::engine::{Engine, MAX_LINE, cut};
use crate::scanner::Scanner;
use crate::stats::Stats;
use crate::token::TokenKey;

/// Redacts input pushed in chunks of any size; made by
/// [`Redactor::stream`](crate::Redactor::stream).
///
/// The output is the same however the input is cut: a line split across
/// chunks is held until its end arrives (lines longer than 1 MiB are cut at a
/// blank or comma), and blocks spanning lines (PEM keys, Kubernetes `data:`)
/// carry over from chunk to chunk. Bytes that are not UTF-8 pass through.
///
/// ```
/// use medic_redact::Redactor;
///
/// let redactor = Redactor::new(&[])?;
/// let mut stream = redactor.stream();
/// let mut out = Vec::new();
/// stream.push(b"user=app pass", &mut out);
/// stream.push(b"word=hunter2\nok\n", &mut out);
/// let stats = stream.finish(&mut out);
/// let out = String::from_utf8(out).unwrap();
/// assert!(out.starts_with("user=app password=«redacted:password:"));
/// assert!(out.ends_with("»\nok\n"));
/// assert_eq!(stats.redactions["password"], 1);
/// # Ok::<(), medic_redact::Error>(())
/// ```
pub struct Stream {
    engine: Arc<Engine>,
    scanner: Scanner,
    /// The start of a line whose end has not arrived (never holds a `\n`).
    pending: Vec<u8>,
    bytes_in: u64,
    bytes_out: u64,
}

impl Stream {
    pub(crate) fn new(engine: Arc<Engine>, key: TokenKey) -> Stream {
        let scanner = Scanner::new(&engine, key);
        Stream {
            engine,
            scanner,
            pending: Vec::new(),
            bytes_in: 0,
            bytes_out: 0,
        }
    }

    /// Redacts what it can of `chunk`, appending it to `out`; the unfinished
    /// last line waits for the next chunk or [`Stream::finish`].
    pub fn push(&mut self, chunk: &[u8], out: &mut Vec<u8>) {
        let before = out.len();
        self.bytes_in += chunk.len() as u64;
        let mut chunk = chunk;
        if !self.pending.is_empty() {
            let Some(i) = memchr::memchr(b'\n', chunk) else {
                self.pending.extend_from_slice(chunk);
                self.cut_pending(out);
                self.bytes_out += (out.len() - before) as u64;
                return;
            };
            self.pending.extend_from_slice(&chunk[..=i]);
            self.engine.line(&mut self.scanner, &self.pending, out);
            self.pending.clear();
            chunk = &chunk[i + 1..];
        }
        match memchr::memrchr(b'\n', chunk) {
            Some(i) => {
                self.engine.block(&mut self.scanner, &chunk[..=i], out);
                self.pending.extend_from_slice(&chunk[i + 1..]);
            }
            None => self.pending.extend_from_slice(chunk),
        }
        self.cut_pending(out);
        self.bytes_out += (out.len() - before) as u64;
    }

    /// Redacts the rest (a last line without `\n`, an unterminated PEM body),
    /// appending it to `out`, and says what the stream did.
    pub fn finish(mut self, out: &mut Vec<u8>) -> Stats {
        let before = out.len();
        if !self.pending.is_empty() {
            self.engine.line(&mut self.scanner, &self.pending, out);
            self.pending.clear();
        }
        self.engine.finish(&mut self.scanner, out);
        self.bytes_out += (out.len() - before) as u64;
        self.stats()
    }

    /// What the stream did so far.
    #[must_use]
    pub fn stats(&self) -> Stats {
        let redactions = self
            .engine
            .kinds()
            .iter()
            .zip(&self.scanner.counts)
            .filter(|(_, n)| **n > 0)
            .map(|(kind, n)| (kind.clone(), *n))
            .collect();
        Stats {
            bytes_in: self.bytes_in,
            bytes_out: self.bytes_out,
            redactions,
        }
    }

    /// Cuts a line longer than the limit, the same way [`Engine::line`] does.
    fn cut_pending(&mut self, out: &mut Vec<u8>) {
        let mut done = 0;
        while self.pending.len() - done > MAX_LINE {
            let at = done + cut(&self.pending[done..]);
            self.engine
                .line(&mut self.scanner, &self.pending[done..at], out);
            done = at;
        }
        self.pending.drain(..done);
    }
}
