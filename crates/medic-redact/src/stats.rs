//! What a stream did: bytes in and out, redactions per kind.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

/// What a [`Stream`](crate::Stream) did: bytes read and written, and how many
/// values of each kind it redacted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Bytes of input.
    pub bytes_in: u64,
    /// Bytes of output.
    pub bytes_out: u64,
    /// Redactions by kind (`password`, `jwt`, …); kinds with none are absent.
    pub redactions: BTreeMap<String, u64>,
}

impl Stats {
    /// All redactions, of every kind.
    #[must_use]
    pub fn total(&self) -> u64 {
        self.redactions.values().sum()
    }
}

impl fmt::Display for Stats {
    /// `3 redactions (jwt 1, password 2); 1048576 bytes in, 1048530 out`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total = self.total();
        write!(f, "{total} redaction{}", if total == 1 { "" } else { "s" })?;
        for (i, (kind, count)) in self.redactions.iter().enumerate() {
            let sep = if i == 0 { " (" } else { ", " };
            write!(f, "{sep}{kind} {count}")?;
        }
        if total > 0 {
            f.write_str(")")?;
        }
        write!(f, "; {} bytes in, {} out", self.bytes_in, self.bytes_out)
    }
}
