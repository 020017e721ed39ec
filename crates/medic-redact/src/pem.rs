//! PEM private keys written over several lines: the `-----BEGIN … PRIVATE
//! KEY-----` line stays, the body becomes one token on one line (hashed line by
//! line, so nothing is held back but a hash), and the `-----END …` line stays.
//!
//! The single-line form (`"-----BEGIN…-----\nMIIE…\n-----END…-----"` in a JSON
//! string) is an ordinary rule in [`builtin`](crate::builtin).

use memchr::memmem;
use sha2::{Digest, Sha256};

use crate::token::{TokenKey, write_token};

/// More lines than any real key (an RSA 16384-bit key has about 170): a block
/// that never ends stops swallowing output here.
const MAX_LINES: usize = 400;

/// If `line` opens a private key block that does not close on the same line,
/// where its BEGIN marker ends.
pub(crate) fn open(line: &[u8]) -> Option<usize> {
    const BEGIN: &[u8] = b"-----BEGIN";
    let begin = memmem::find(line, BEGIN)? + BEGIN.len();
    let close = memmem::find(&line[begin..], b"-----")?;
    let label = &line[begin..begin + close];
    let private = label.ends_with(b"PRIVATE KEY") || label.ends_with(b"PRIVATE KEY BLOCK");
    let plain = label
        .iter()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b' ');
    if !private || !plain {
        return None;
    }
    let end = begin + close + 5;
    match memmem::find(&line[end..], b"-----END") {
        Some(_) => None,
        None => Some(end),
    }
}

/// The body of an open block, hashed so far.
pub(crate) struct PemBody {
    hasher: Sha256,
    indent: Option<Vec<u8>>,
    crlf: bool,
    lines: usize,
}

/// What a line does to an open block.
pub(crate) enum PemLine {
    /// Part of the body: swallowed.
    Body,
    /// The body ends where the END marker starts, at this offset.
    End(usize),
    /// Not a key line: the block was cut short; the line is ordinary text.
    Other,
}

impl PemBody {
    pub(crate) fn new(key: &TokenKey) -> PemBody {
        PemBody {
            hasher: key.hasher(),
            indent: None,
            crlf: false,
            lines: 0,
        }
    }

    /// Takes in one line (without its `\n`).
    pub(crate) fn line(&mut self, line: &[u8]) -> PemLine {
        if let Some(end) = memmem::find(line, b"-----END") {
            if !line[..end].trim_ascii().is_empty() {
                self.add(&line[..end]);
            }
            return PemLine::End(end);
        }
        if self.lines >= MAX_LINES || !is_body(line.trim_ascii()) {
            return PemLine::Other;
        }
        self.add(line);
        PemLine::Body
    }

    fn add(&mut self, line: &[u8]) {
        let text = line.trim_ascii();
        if self.indent.is_none() && !text.is_empty() {
            let indent = line.len() - line.trim_ascii_start().len();
            self.indent = Some(line[..indent].to_vec());
            self.crlf = line.ends_with(b"\r");
        }
        self.hasher.update(text);
        self.lines += 1;
    }

    /// Whether any body line was swallowed (and so a token is owed).
    pub(crate) fn is_empty(&self) -> bool {
        self.lines == 0
    }

    /// Writes the token line that stands for the body.
    pub(crate) fn finish(self, kind: &str, out: &mut Vec<u8>) {
        out.extend_from_slice(self.indent.as_deref().unwrap_or_default());
        write_token(kind, self.hasher, out);
        out.extend_from_slice(if self.crlf { b"\r\n" } else { b"\n" });
    }
}

/// Base64 lines, blank lines, and the headers of encrypted keys.
fn is_body(text: &[u8]) -> bool {
    text.iter()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
        || text.starts_with(b"Proc-Type:")
        || text.starts_with(b"DEK-Info:")
}

#[cfg(test)]
mod tests {
    use super::open;

    #[test]
    fn opens_only_private_keys_without_end() {
        assert_eq!(open(b"-----BEGIN RSA PRIVATE KEY-----"), Some(31));
        assert_eq!(open(b"  key: -----BEGIN PRIVATE KEY-----"), Some(34));
        assert_eq!(open(b"-----BEGIN CERTIFICATE-----"), None);
        assert_eq!(open(b"-----BEGIN PUBLIC KEY-----"), None);
        assert_eq!(
            open(b"-----BEGIN PRIVATE KEY-----\\nMII\\n-----END PRIVATE KEY-----"),
            None
        );
    }
}
