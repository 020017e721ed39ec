//! Safety verdicts: what medic concluded about a command, and how verdicts of
//! the parts of a command (pipeline stages, statements, substitutions) combine
//! into the verdict of the whole.
//!
//! The combination rule is the heart of the safety model: the whole is `Read`
//! only when every part is `Read`; any `Write` part makes it `Write`; otherwise
//! any `Unknown` part makes it `Unknown`.

use serde::Serialize;

/// Whether a command changes state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Safety {
    /// Proven read-only.
    Read,
    /// Known to change state.
    Write,
    /// Not proven either way; treated as a write everywhere.
    Unknown,
}

impl Safety {
    /// How bad a safety is, for combining: read < unknown < write.
    fn rank(self) -> u8 {
        match self {
            Self::Read => 0,
            Self::Unknown => 1,
            Self::Write => 2,
        }
    }

    /// The worse of two safeties (write beats unknown beats read).
    #[must_use]
    pub fn worst(self, other: Self) -> Self {
        if other.rank() > self.rank() {
            other
        } else {
            self
        }
    }

    /// `read`, `write` or `unknown`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
            Self::Unknown => "unknown",
        }
    }

    /// Whether medic may run the command unattended.
    #[must_use]
    pub fn is_read(self) -> bool {
        self == Self::Read
    }
}

/// The result of classifying one command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// read, write or unknown.
    pub safety: Safety,
    /// The command does not end by itself (`-f`, `--watch`, `watch`, `port-forward`).
    pub long_running: bool,
    /// Why, in words a person checks at a glance.
    pub reasons: Vec<String>,
}

impl Verdict {
    /// A verdict with one reason.
    #[must_use]
    pub fn new(safety: Safety, reason: impl Into<String>) -> Self {
        Self {
            safety,
            long_running: false,
            reasons: vec![reason.into()],
        }
    }

    /// A read-only verdict.
    #[must_use]
    pub fn read(reason: impl Into<String>) -> Self {
        Self::new(Safety::Read, reason)
    }

    /// A writing verdict.
    #[must_use]
    pub fn write(reason: impl Into<String>) -> Self {
        Self::new(Safety::Write, reason)
    }

    /// An unproven verdict (treated as a write).
    #[must_use]
    pub fn unknown(reason: impl Into<String>) -> Self {
        Self::new(Safety::Unknown, reason)
    }

    /// The neutral element of [`Verdict::merge`]: read, no reasons.
    #[must_use]
    pub fn empty() -> Self {
        Self {
            safety: Safety::Read,
            long_running: false,
            reasons: Vec::new(),
        }
    }

    /// Marks the verdict long-running, with a reason.
    #[must_use]
    pub fn long_running(mut self, reason: impl Into<String>) -> Self {
        self.long_running = true;
        self.push_reason(reason);
        self
    }

    /// Adds a reason (duplicates are dropped).
    pub fn push_reason(&mut self, reason: impl Into<String>) {
        let reason = reason.into();
        if !self.reasons.contains(&reason) {
            self.reasons.push(reason);
        }
    }

    /// Adds a reason and returns the verdict.
    #[must_use]
    pub fn with_reason(mut self, reason: impl Into<String>) -> Self {
        self.push_reason(reason);
        self
    }

    /// Lowers the verdict to at least `safety`, adding a reason.
    ///
    /// A reason that makes the verdict worse goes first: the decisive reasons
    /// lead.
    pub fn downgrade(&mut self, safety: Safety, reason: impl Into<String>) {
        let reason = reason.into();
        if safety.rank() > self.safety.rank() {
            self.reasons.retain(|r| *r != reason);
            self.reasons.insert(0, reason);
        } else {
            self.push_reason(reason);
        }
        self.safety = self.safety.worst(safety);
    }

    /// Combines the verdict of another part of the same command into this one.
    ///
    /// When the other part is worse, its reasons go first.
    pub fn merge(&mut self, other: Self) {
        self.long_running |= other.long_running;
        if other.safety.rank() > self.safety.rank() {
            let mine = std::mem::replace(&mut self.reasons, other.reasons);
            self.reasons.dedup();
            for reason in mine {
                self.push_reason(reason);
            }
        } else {
            for reason in other.reasons {
                self.push_reason(reason);
            }
        }
        self.safety = self.safety.worst(other.safety);
    }

    /// Combines two verdicts, see [`Verdict::merge`].
    #[must_use]
    pub fn and(mut self, other: Self) -> Self {
        self.merge(other);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::{Safety, Verdict};

    #[test]
    fn write_beats_unknown_beats_read() {
        assert_eq!(Safety::Read.worst(Safety::Unknown), Safety::Unknown);
        assert_eq!(Safety::Unknown.worst(Safety::Write), Safety::Write);
        assert_eq!(Safety::Write.worst(Safety::Unknown), Safety::Write);
        assert_eq!(Safety::Read.worst(Safety::Read), Safety::Read);
    }

    #[test]
    fn merge_keeps_reasons_once_and_long_running() {
        let mut v = Verdict::read("a");
        v.merge(Verdict::read("a").long_running("b"));
        assert_eq!(v.reasons, ["a", "b"]);
        assert!(v.long_running);
        assert_eq!(v.safety, Safety::Read);
        v.merge(Verdict::unknown("c"));
        assert_eq!(v.safety, Safety::Unknown);
        assert_eq!(v.reasons, ["c", "a", "b"], "decisive reasons lead");
        v.downgrade(Safety::Write, "d");
        assert_eq!(v.reasons[0], "d");
    }

    #[test]
    fn serialises_lowercase() {
        let json = serde_json::to_string(&Verdict::write("x")).unwrap();
        assert_eq!(
            json,
            r#"{"safety":"write","long_running":false,"reasons":["x"]}"#
        );
    }
}
