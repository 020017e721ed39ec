//! Custom redaction rules as a user writes them in a config file.

use serde::{Deserialize, Serialize};

/// A custom redaction rule, as read from a config file, for secrets the
/// built-in rules do not know (an in-house token format, a vendor's key).
///
/// ```toml
/// [[redact.rules]]
/// name = "acme-key"
/// pattern = 'acme_key=(\w+)'
/// ```
///
/// Every match is replaced by `«redacted:<name>:<hash>»`. Patterns are
/// [`regex`](https://docs.rs/regex) syntax, matched against one line at a time
/// (a line never includes its newline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleConfig {
    /// The rule's name; it is the `<kind>` in the tokens the rule produces, so
    /// it is made of letters, digits, `-`, `_` and `.`.
    pub name: String,
    /// The regular expression that finds the secret.
    pub pattern: String,
    /// The capture group that holds the secret; text matched outside it stays
    /// visible. Default: the first capture group that took part in the match,
    /// or the whole match if the pattern has no groups. `0` is the whole match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<usize>,
}

impl RuleConfig {
    /// A rule named `name` redacting what `pattern` matches (or its first group).
    pub fn new(name: impl Into<String>, pattern: impl Into<String>) -> RuleConfig {
        RuleConfig {
            name: name.into(),
            pattern: pattern.into(),
            group: None,
        }
    }
}
