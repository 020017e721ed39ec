//! The built-in rules: what each secret looks like, the kind named in its
//! token, and the trigger words that send a line to its regex.
//!
//! A rule's regex only ever runs on a line holding one of its triggers (ASCII
//! case-insensitive), so every trigger must appear in every text the regex can
//! match. Rules are listed specific first: when two find the same text, the
//! one listed first names the kind (`token=ghp_…` is a `github-token`).
//!
//! Regexes run with `(?-u)`: on bytes, with ASCII classes, so invalid UTF-8
//! passes through and `[^\s"]` takes any non-ASCII character whole.

use crate::rule::Accept;

/// One built-in rule before compilation.
pub(crate) struct Builtin {
    pub(crate) kind: &'static str,
    pub(crate) pattern: String,
    pub(crate) triggers: &'static [&'static str],
    pub(crate) accept: Option<Accept>,
}

/// Triggers of the multi-line PEM private key handler.
pub(crate) const PEM_TRIGGERS: &[&str] = &["-----begin"];
/// Triggers of the Kubernetes `data:` handlers: YAML `data:` / `stringData:`,
/// JSON `"data"`, and JSON escaped in a string, `\"data\"`.
pub(crate) const K8S_TRIGGERS: &[&str] = &["data:", "data\"", "data\\\""];
/// The kind of PEM private keys, also found by the multi-line handler.
pub(crate) const KIND_PRIVATE_KEY: &str = "private-key";
/// The kind of values in Kubernetes `data:` / `stringData:` mappings.
pub(crate) const KIND_K8S_SECRET: &str = "k8s-secret";

/// The end of a key that may be quoted: `password"`, `password'`, `password\"`.
const KEY_END: &str = r#"(?:\\*["'])?"#;
/// Between key and value: `=`, `:`, with blanks around.
const SEP: &str = r"[ \t]*[:=][ \t]*";
/// A value right after a `:` with no blank (`"k":"v"`, `k:v`): as [`VALUE`],
/// but bare values also stop at `@` and `/`, so the user part of
/// `https://x-access-token:ghp_…@github.com` is not taken for `token: …`.
const TIGHT_VALUE: &str = r#"(?:\\+"((?:[^"\\]|\\[^"\\])+)|"((?:[^"\\]|\\.)+)|'([^']+)|((?:[^\s"'\\&,;}\]@/]|\\[^"\\\sntr])+))"#;
/// A value: in escaped quotes (`\"v\"`, stops at `\"`), in quotes (`"v"`, with
/// `\"` escapes), in single quotes, or bare (up to a blank, quote, `&`, `,`,
/// `;`, `}`, `]` or an escaped quote or newline of an enclosing JSON string).
const VALUE: &str = r#"(?:\\+"((?:[^"\\]|\\[^"\\])+)|"((?:[^"\\]|\\.)+)|'([^']+)|((?:[^\s"'\\&,;}\]]|\\[^"\\\sntr])+))"#;
/// Schemes after `Authorization:`.
const AUTH: &str = r#"\b(?:proxy-)?authorization(?:\\*["'])?[ \t]*[:=][ \t]*(?:\\*["']|\[)?[ \t]*"#;
/// A credential after a scheme: up to a blank, quote, backslash, `,` `;` `]`.
const CRED: &str = r#"([^\s"'\\,;\]]+)"#;

/// `key=value` in all its forms for keys ending with one of `keywords` (a
/// regex alternation): the key must END with the keyword, so `password_file:`
/// and `secretName:` are not secrets and `password authentication failed` has
/// no separator.
///
/// Three alternatives, tried in order at each position:
/// 1. a YAML or INI line `  db_password: two words` / `password = x y`: the
///    value runs to the end of the line;
/// 2. a long flag `--db-password value` (`--token=v` is form 3);
/// 3. anywhere: `k=v`, `k: v`, `"k": "v"`, `\"k\":\"v\"`, `'k': 'v'`, `k:v`.
fn assignment(keywords: &str) -> String {
    format!(
        r#"(?i-u)^[ \t]*(?:-[ \t]+)?[a-z0-9_.-]*(?:{keywords})(?::[ \t]+|[ \t]+=[ \t]*)([^\s"'|>{{\[][^\r\n]*?)[ \t\r]*$|--[a-z0-9_-]*(?:{keywords})[ \t]+(?:"((?:[^"\\]|\\.)+)|'([^']+)|([^\s"'-][^\s"']*))|(?:{keywords}){KEY_END}(?:[ \t]*(?:=|:[ \t])[ \t]*{VALUE}|:{TIGHT_VALUE})"#
    )
}

/// The built-in rules, in priority order.
pub(crate) fn rules() -> Vec<Builtin> {
    let rule = |kind, pattern: String, triggers| Builtin {
        kind,
        pattern,
        triggers,
        accept: None,
    };
    vec![
        rule(
            KIND_PRIVATE_KEY,
            r"(?-u)-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(.+?)-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----".into(),
            PEM_TRIGGERS,
        ),
        rule(
            "jwt",
            r"(?-u)\b(eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*)".into(),
            &["eyj"],
        ),
        rule(
            "github-token",
            r"(?-u)\b((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{20,})".into(),
            &["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
        ),
        rule(
            "gitlab-token",
            r"(?-u)\b(glpat-[A-Za-z0-9_-]{20,})".into(),
            &["glpat-"],
        ),
        rule(
            "slack-token",
            r"(?-u)\b(xox[abprse]-[A-Za-z0-9-]{10,})".into(),
            &["xox"],
        ),
        rule(
            "slack-webhook",
            r"(?i-u)hooks\.slack\.com/(?:services|workflows|triggers)/([A-Za-z0-9_/+-]+)".into(),
            &["hooks.slack.com"],
        ),
        rule(
            "discord-webhook",
            r"(?i-u)discord(?:app)?\.com/api(?:/v[0-9]+)?/webhooks/[0-9]+/([A-Za-z0-9_-]+)".into(),
            &["discord"],
        ),
        rule(
            "discord-bot",
            r"(?-u)\bBot[ \t]+([A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,})".into(),
            &["bot "],
        ),
        rule(
            "stripe-key",
            r"(?-u)\b((?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}|whsec_[A-Za-z0-9+/=]{10,})".into(),
            &["sk_live_", "sk_test_", "rk_live_", "rk_test_", "whsec_"],
        ),
        rule(
            "aws-access-key-id",
            r"(?-u)\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})\b".into(),
            &["akia", "asia", "abia", "acca"],
        ),
        rule(
            "aws-secret-key",
            format!(
                r#"(?i-u)secret[_-]?access[_-]?key{KEY_END}{SEP}(?:\\*["'])?([A-Za-z0-9/+]{{40}})(?:[^A-Za-z0-9/+=]|$)"#
            ),
            &["secret"],
        ),
        rule("bearer", format!(r"(?i-u){AUTH}bearer[ \t]+{CRED}"), &["authorization"]),
        rule("basic", format!(r"(?i-u){AUTH}basic[ \t]+{CRED}"), &["authorization"]),
        rule("token", format!(r"(?i-u){AUTH}token[ \t]+{CRED}"), &["authorization"]),
        rule("discord-bot", format!(r"(?i-u){AUTH}bot[ \t]+{CRED}"), &["authorization"]),
        Builtin {
            accept: Some(looks_like_token),
            ..rule(
                "authorization",
                format!(r"(?i-u){AUTH}(?:[a-z0-9-]+[ \t]+)?{CRED}"),
                &["authorization"],
            )
        },
        Builtin {
            accept: Some(looks_like_token),
            ..rule(
                "bearer",
                r"(?i-u)\bbearer[ \t]+([A-Za-z0-9._~+/=-]+)".into(),
                &["bearer"],
            )
        },
        rule(
            "url-password",
            r#"(?i-u)\b[a-z][a-z0-9+.-]*://[^\s/:@"'<>\\?#]*:([^\s/"'<>\\?#]+)@"#.into(),
            // Not `://`: every referer and upstream URL has one.
            &["@"],
        ),
        rule(
            "url-password",
            r#"(?-u)[A-Za-z0-9_.-]+:([^\s/@"']+)@(?:tcp|unix)\("#.into(),
            &["@"],
        ),
        Builtin {
            accept: Some(plausible_secret),
            ..rule(
                "password",
                assignment("pass(?:word|wd|phrase)"),
                &["password", "passwd", "passphrase"],
            )
        },
        Builtin {
            accept: Some(plausible_password_not_path),
            ..rule("password", assignment("pwd"), &["pwd"])
        },
        Builtin {
            accept: Some(plausible_secret),
            ..rule("secret", assignment("secret(?:[_-]?key)?"), &["secret"])
        },
        Builtin {
            accept: Some(plausible_secret),
            ..rule("token", assignment("token"), &["token"])
        },
        Builtin {
            accept: Some(plausible_secret),
            ..rule(
                "api-key",
                assignment("api[_-]?key"),
                &["api_key", "api-key", "apikey"],
            )
        },
        Builtin {
            accept: Some(plausible_secret),
            ..rule(
                "access-key",
                assignment("access[_-]?key"),
                &["access_key", "access-key", "accesskey"],
            )
        },
        Builtin {
            accept: Some(plausible_secret),
            ..rule(
                KIND_PRIVATE_KEY,
                assignment("private[_-]?key"),
                &["private_key", "private-key", "privatekey"],
            )
        },
    ]
}

/// A credential without a scheme we know, or after the bare word `Bearer` in
/// prose: a real token has a digit or punctuation, or is long. Keeps
/// `invalid bearer token` and `Bearer realm="api"` as they are.
fn looks_like_token(value: &[u8]) -> bool {
    // `Bearer realm="api"`: a parameter name, not base64 padding.
    if let Some(word) = value.strip_suffix(b"=")
        && word.iter().all(u8::is_ascii_alphabetic)
    {
        return false;
    }
    let punctuated = value
        .iter()
        .any(|b| b.is_ascii_digit() || b"._~+/=-".contains(b));
    (value.len() >= 6 && punctuated) || value.len() >= 20
}

/// The value of `password=` and friends, unless it is a placeholder, a
/// reference or a structure: `****`, `<password>`, `${DB_PASSWORD}`,
/// `{{ .Values.pw }}`, `$DB_PASSWORD`, `%s`, `null`, `true`, `{`, `[redacted]`,
/// or the size `kubectl describe secret` prints (`password:  14 bytes`).
fn plausible_secret(value: &[u8]) -> bool {
    let Some(&first) = value.first() else {
        return false;
    };
    if let Some(digits) = value.strip_suffix(b" bytes")
        && !digits.is_empty()
        && digits.iter().all(u8::is_ascii_digit)
    {
        return false;
    }
    if first == b'{' || first == b'[' && !value.ends_with(b"]") {
        return false;
    }
    if value.len() >= 3
        && value
            .iter()
            .all(|&b| matches!(b, b'*' | b'x' | b'X' | b'.'))
    {
        return false;
    }
    if first == b'<' && value.ends_with(b">") || value.starts_with(b"${") || value == b"%s" {
        return false;
    }
    if first == b'$'
        && value.len() > 1
        && value[1..]
            .iter()
            .all(|&b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
    {
        return false;
    }
    const WORDS: &[&[u8]] = &[
        b"null",
        b"none",
        b"nil",
        b"true",
        b"false",
        b"undefined",
        b"redacted",
        b"[redacted]",
        b"(redacted)",
        b"[filtered]",
        b"<redacted>",
        b"hidden",
        b"masked",
    ];
    !WORDS.iter().any(|w| value.eq_ignore_ascii_case(w))
}

/// `pwd=` is also the shell's working directory: `PWD=/home/app`.
fn plausible_password_not_path(value: &[u8]) -> bool {
    plausible_secret(value) && !value.starts_with(b"/") && !value.starts_with(b"~")
}

#[cfg(test)]
mod tests {
    use super::{looks_like_token, plausible_secret};

    #[test]
    fn placeholders_are_not_secrets() {
        for v in [
            "****",
            "<password>",
            "${DB_PASSWORD}",
            "$DB_PASSWORD",
            "null",
            "True",
            "{",
            "[redacted]",
            "xxxxxxxx",
            "14 bytes",
        ] {
            assert!(!plausible_secret(v.as_bytes()), "{v}");
        }
        for v in ["hunter2", "$ecret", "p[0]ss", "p@ss{word}", "0000"] {
            assert!(plausible_secret(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn prose_after_bearer_is_not_a_token() {
        for v in ["token", "realm", "authentication", "realm="] {
            assert!(!looks_like_token(v.as_bytes()), "{v}");
        }
        for v in ["abc.def", "mF_9.B5f-4.1JqM", "abcdefghijklmnopqrstuvwxyz"] {
            assert!(looks_like_token(v.as_bytes()), "{v}");
        }
    }
}
