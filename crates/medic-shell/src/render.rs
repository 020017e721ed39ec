//! Safe rendering: a guide's command with its placeholders filled in, such
//! that no value can ever become shell or SQL syntax.
//!
//! A shell command is rendered twice:
//! - the **script** that runs: each placeholder becomes a reference to an
//!   environment variable (`"${MEDIC_PH_1}"`), quoted for where it stands
//!   (bare, inside `"…"`, inside `'…'`), and the value is bound to that
//!   variable. bash expands a variable once and never parses its value, so
//!   `; rm -rf "$HOME"`, `$(touch /tmp/x)`, backticks, quotes and newlines all
//!   stay one literal argument;
//! - the **display** text a person reads and medic classifies again: the value
//!   quoted for its position, so it parses into exactly the words the script
//!   produces. Classifying the display text catches a value that changes what a
//!   read-only program does (`psql -c "… = '<name>'"` with `x'; DROP TABLE t; --`).
//!
//! SQL run through `psql` gets literal values: inside `'…'` the value's quotes
//! are doubled, inside `"…"` likewise, and a bare placeholder becomes a string
//! literal unless the value is a plain word or number.

use std::borrow::Cow;

use serde::Serialize;

use crate::lang::Lang;
use crate::placeholder::{Confidence, Placeholder, placeholders};

/// Prefix of the environment variables that carry placeholder values.
pub const VALUE_VAR_PREFIX: &str = "MEDIC_PH_";

/// A command with its placeholders filled in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rendered {
    /// What runs: for shell, values are `${MEDIC_PH_n}` references bound in
    /// [`Rendered::env`]; for SQL, the statement with literal values.
    pub script: String,
    /// What a person reads, and what medic classifies again: values quoted for
    /// their position.
    pub display: String,
    /// Environment variables the script needs (name, value).
    pub env: Vec<(String, String)>,
    /// Placeholders without a value (names, first occurrence each).
    pub missing: Vec<Placeholder>,
    /// Placeholders that were filled (name, value).
    pub filled: Vec<(String, String)>,
}

impl Rendered {
    /// Whether every placeholder that must be filled has a value.
    #[must_use]
    pub fn is_complete(&self) -> bool {
        self.missing.is_empty()
    }
}

/// Where a byte of a shell command stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quote {
    Bare,
    Single,
    Double,
}

/// Fills a command's placeholders with the values `lookup` gives for their
/// normalised names (`pod-name`, `namespace`).
///
/// A placeholder with no value is listed in [`Rendered::missing`], except
/// low-confidence example names (`my-guild`), which stay as written: they may
/// be real names.
pub fn render(command: &str, lang: Lang, lookup: &dyn Fn(&str) -> Option<String>) -> Rendered {
    let found = placeholders(command);
    let mut script = String::with_capacity(command.len());
    let mut display = String::with_capacity(command.len());
    let mut env: Vec<(String, String)> = Vec::new();
    let mut missing: Vec<Placeholder> = Vec::new();
    let mut filled: Vec<(String, String)> = Vec::new();
    let mut at = 0;
    for p in found {
        let Some(before) = command.get(at..p.start) else {
            continue;
        };
        script.push_str(before);
        display.push_str(before);
        at = p.end;
        let value = lookup(&p.name);
        let Some(value) = value else {
            script.push_str(&p.raw);
            display.push_str(&p.raw);
            if p.confidence == Confidence::High && !missing.iter().any(|m| m.name == p.name) {
                missing.push(p);
            }
            continue;
        };
        if !filled.iter().any(|(n, _)| *n == p.name) {
            filled.push((p.name.clone(), value.clone()));
        }
        match lang {
            Lang::Bash => {
                let quote = quote_at(command, p.start);
                let var = match env.iter().find(|(_, v)| *v == value) {
                    Some((name, _)) => name.clone(),
                    None => {
                        let name = format!("{VALUE_VAR_PREFIX}{}", env.len() + 1);
                        env.push((name.clone(), value.clone()));
                        name
                    }
                };
                script.push_str(&shell_reference(&var, quote));
                display.push_str(&shell_literal(&value, quote));
            }
            Lang::Sql => {
                let literal = sql_literal(&value, sql_quote_at(command, p.start));
                script.push_str(&literal);
                display.push_str(&literal);
            }
        }
    }
    let rest = command.get(at..).unwrap_or_default();
    script.push_str(rest);
    display.push_str(rest);
    Rendered {
        script,
        display,
        env,
        missing,
        filled,
    }
}

/// The quoting context at byte `pos` of a shell command.
fn quote_at(command: &str, pos: usize) -> Quote {
    let bytes = command.as_bytes();
    let mut quote = Quote::Bare;
    let mut i = 0;
    while i < pos {
        let Some(&b) = bytes.get(i) else { break };
        match (quote, b) {
            (Quote::Bare | Quote::Double, b'\\') => i += 1,
            (Quote::Bare, b'\'') => quote = Quote::Single,
            (Quote::Single, b'\'') => quote = Quote::Bare,
            (Quote::Bare, b'"') => quote = Quote::Double,
            (Quote::Double, b'"') => quote = Quote::Bare,
            _ => {}
        }
        i += 1;
    }
    quote
}

/// A reference to variable `var` that expands to its value as one literal
/// piece of a word, wherever it stands.
fn shell_reference(var: &str, quote: Quote) -> String {
    match quote {
        Quote::Bare => format!("\"${{{var}}}\""),
        Quote::Double => format!("${{{var}}}"),
        Quote::Single => format!("'\"${{{var}}}\"'"),
    }
}

/// `value` written as literal shell text for its position.
fn shell_literal(value: &str, quote: Quote) -> String {
    match quote {
        Quote::Bare => {
            if !value.is_empty()
                && value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_./:@%+=,".contains(&b))
            {
                value.to_owned()
            } else {
                format!("'{}'", value.replace('\'', "'\\''"))
            }
        }
        Quote::Single => value.replace('\'', "'\\''"),
        Quote::Double => {
            let mut out = String::with_capacity(value.len());
            for c in value.chars() {
                if matches!(c, '\\' | '"' | '$' | '`') {
                    out.push('\\');
                }
                out.push(c);
            }
            out
        }
    }
}

/// Where a byte of a SQL statement stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SqlQuote {
    Bare,
    /// Inside `'…'`; `true` when it is an `E'…'` string (backslashes escape).
    String(bool),
    Identifier,
}

/// The quoting context at byte `pos` of a SQL statement.
fn sql_quote_at(sql: &str, pos: usize) -> SqlQuote {
    let bytes = sql.as_bytes();
    let mut quote = SqlQuote::Bare;
    let mut i = 0;
    while i < pos {
        let Some(&b) = bytes.get(i) else { break };
        match (quote, b) {
            (SqlQuote::Bare, b'\'') => {
                let escaped = i > 0 && matches!(bytes.get(i - 1), Some(b'E' | b'e'));
                quote = SqlQuote::String(escaped);
            }
            (SqlQuote::String(true), b'\\') => i += 1,
            (SqlQuote::String(_), b'\'') => quote = SqlQuote::Bare,
            (SqlQuote::Bare, b'"') => quote = SqlQuote::Identifier,
            (SqlQuote::Identifier, b'"') => quote = SqlQuote::Bare,
            _ => {}
        }
        i += 1;
    }
    quote
}

/// `value` written as literal SQL for its position.
fn sql_literal(value: &str, quote: SqlQuote) -> String {
    match quote {
        SqlQuote::Bare => {
            if !value.is_empty()
                && value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
            {
                value.to_owned()
            } else {
                format!("'{}'", value.replace('\'', "''"))
            }
        }
        SqlQuote::String(escaped) => {
            let v: Cow<'_, str> = if escaped {
                Cow::Owned(value.replace('\\', "\\\\"))
            } else {
                Cow::Borrowed(value)
            };
            v.replace('\'', "''")
        }
        SqlQuote::Identifier => value.replace('"', "\"\""),
    }
}

#[cfg(test)]
mod tests {
    use super::{Lang, render};

    fn lookup(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn shell_values_become_variable_references() {
        let r = render(
            "kubectl logs <pod-name> -n <namespace> --previous",
            Lang::Bash,
            &lookup(&[("pod-name", "api-7d9c"), ("namespace", "prod; rm -rf /")]),
        );
        assert_eq!(
            r.script,
            "kubectl logs \"${MEDIC_PH_1}\" -n \"${MEDIC_PH_2}\" --previous"
        );
        assert_eq!(
            r.display,
            "kubectl logs api-7d9c -n 'prod; rm -rf /' --previous"
        );
        assert_eq!(
            r.env,
            vec![
                ("MEDIC_PH_1".to_owned(), "api-7d9c".to_owned()),
                ("MEDIC_PH_2".to_owned(), "prod; rm -rf /".to_owned())
            ]
        );
        assert!(r.is_complete());
    }

    #[test]
    fn quoting_follows_the_position() {
        let r = render(
            "psql -c \"SELECT 1 WHERE datname = '<database>'\" | jq '.x == \"<name>\"'",
            Lang::Bash,
            &lookup(&[("database", "a\"$b`c"), ("name", "it's")]),
        );
        assert_eq!(
            r.script,
            "psql -c \"SELECT 1 WHERE datname = '${MEDIC_PH_1}'\" | jq '.x == \"'\"${MEDIC_PH_2}\"'\"'"
        );
        assert_eq!(
            r.display,
            "psql -c \"SELECT 1 WHERE datname = 'a\\\"\\$b\\`c'\" | jq '.x == \"it'\\''s\"'"
        );
    }

    #[test]
    fn missing_values_are_listed_once() {
        let r = render(
            "curl http://<host>:<port>/a http://<host>/b my-guild",
            Lang::Bash,
            &lookup(&[("port", "80")]),
        );
        let names: Vec<_> = r.missing.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["host"]);
        assert!(!r.is_complete());
        assert!(r.display.contains("<host>"));
    }

    #[test]
    fn sql_values_are_literals() {
        let r = render(
            "SELECT * FROM pg_stat_activity WHERE datname = '<database>' AND pid = <pid> LIMIT <n>",
            Lang::Sql,
            &lookup(&[
                ("database", "x'; DROP TABLE t; --"),
                ("pid", "1 OR 1=1"),
                ("n", "10"),
            ]),
        );
        assert_eq!(
            r.script,
            "SELECT * FROM pg_stat_activity WHERE datname = 'x''; DROP TABLE t; --' AND pid = '1 OR 1=1' LIMIT 10"
        );
        assert_eq!(r.script, r.display);
        assert!(r.env.is_empty());
    }
}
