//! Why a [`Redactor`](crate::Redactor) could not be built: a custom rule that
//! does not compile or makes no sense, or no randomness for the session key.

use std::io;

/// Why a [`Redactor`](crate::Redactor) could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A custom rule's `pattern` is not a valid regular expression.
    #[error("redaction rule `{name}` has an invalid `pattern`: {source}")]
    InvalidPattern {
        /// The rule's `name`.
        name: String,
        /// What the regex compiler said.
        #[source]
        source: regex::Error,
    },
    /// A custom rule's `pattern` matches empty text, so it would redact nothing
    /// useful and everything at once.
    #[error(
        "redaction rule `{name}` matches empty text: make `pattern` require at least one character"
    )]
    EmptyMatch {
        /// The rule's `name`.
        name: String,
    },
    /// A custom rule's `group` names a capture group its pattern does not have.
    #[error(
        "redaction rule `{name}` asks for capture group {group} but its pattern has {available}: set `group` to at most {available} or leave it out"
    )]
    NoSuchGroup {
        /// The rule's `name`.
        name: String,
        /// The `group` asked for.
        group: usize,
        /// How many capture groups the pattern has (group 0, the whole match, not counted).
        available: usize,
    },
    /// A custom rule's `name` is empty or has characters that cannot appear in
    /// a token (`«redacted:<name>:…»`).
    #[error(
        "redaction rule name `{name}` is not usable in a token: use letters, digits, `-`, `_` or `.`"
    )]
    InvalidName {
        /// The rule's `name`.
        name: String,
    },
    /// The operating system gave no random bytes for the session key.
    #[error("cannot get random bytes for the redaction key: {0}")]
    Entropy(#[source] io::Error),
}
