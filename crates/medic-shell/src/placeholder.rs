//! Placeholders: the parts of a guide's command a reader must fill in.
//!
//! Recognised forms, in the order they are tried at each position:
//! - `$VAR` / `${VAR}` (upper-case names; not inside single quotes, not `$1`,
//!   `$?`, `$$`, not well-known shell variables like `$HOME`) — [`PlaceholderKind::EnvVar`];
//! - `<name>`: `<`, a letter, then letters, digits, `-`, `_`, `.` or inner
//!   spaces, then `>` — never `< file`, `<<EOF`, `<(…)` — [`PlaceholderKind::Angle`];
//! - `YOUR_…`, `your_…`, `your-…` — [`PlaceholderKind::Your`];
//! - `{name}` (not `${`, not `{}`, not JSON or awk blocks) — [`PlaceholderKind::Brace`];
//! - `my-…` / `my_…` example names — [`PlaceholderKind::Example`], low confidence.
//!
//! `example.com` and words like `foo` are not reported: they are too often
//! real values. Names are normalised: lower case, `_` and spaces become `-`,
//! `YOUR_`/`your-`/`my-` prefixes and a `_HERE` suffix are dropped.

use serde::Serialize;

/// How a placeholder is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceholderKind {
    /// `<pod-id>`
    Angle,
    /// `YOUR_TOKEN_HERE`, `your_key`
    Your,
    /// `{id}`
    Brace,
    /// `$NAMESPACE`, `${POD}`
    EnvVar,
    /// `my-guild`
    Example,
}

/// How sure the detector is that a placeholder is one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Certainly a placeholder.
    High,
    /// Probably an example value.
    Low,
}

/// A value the reader is expected to fill in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Placeholder {
    /// Normalised name (`pod-id`, `token`, `namespace`).
    pub name: String,
    /// The text as written (`<pod-id>`).
    pub raw: String,
    /// How it is written.
    pub kind: PlaceholderKind,
    /// Byte offset of `raw` in the command.
    pub start: usize,
    /// Byte offset one past the end of `raw`.
    pub end: usize,
    /// How sure the detector is.
    pub confidence: Confidence,
}

/// Shell variables that are set in every environment: references to them are
/// not placeholders.
const SHELL_VARIABLES: &[&str] = &[
    "HOME",
    "PATH",
    "PWD",
    "OLDPWD",
    "USER",
    "SHELL",
    "HOSTNAME",
    "RANDOM",
    "LINENO",
    "SECONDS",
    "UID",
    "EUID",
    "PPID",
    "IFS",
    "TERM",
    "LANG",
    "TMPDIR",
    "BASH_SOURCE",
    "PS1",
    "LOGNAME",
];

/// Awk, shell, JSONPath and Go template words that look like `{name}` but are code
/// (`-o jsonpath='{range .items[*]}{.name}{end}'`).
const CODE_WORDS: &[&str] = &[
    "print", "printf", "next", "exit", "getline", "return", "delete", "end", "else",
];

/// Finds the placeholders in a command.
pub fn placeholders(command: &str) -> Vec<Placeholder> {
    let bytes = command.as_bytes();
    let mut out = Vec::new();
    let mut in_single = false;
    let mut in_double = false;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let prev = if i == 0 {
            None
        } else {
            bytes.get(i - 1).copied()
        };
        if b == b'\\' && !in_single {
            i += 2;
            continue;
        }
        if b == b'\'' && !in_double {
            in_single = !in_single;
            i += 1;
            continue;
        }
        if b == b'"' && !in_single {
            in_double = !in_double;
            i += 1;
            continue;
        }
        let found = match b {
            b'$' if !in_single => env_var(command, i),
            b'<' => angle(command, i, prev),
            b'{' if !matches!(prev, Some(b'$' | b'%')) => brace(command, i),
            b'y' | b'Y' | b'm' if !prev.is_some_and(is_word_byte) => your_or_example(command, i),
            _ => None,
        };
        match found {
            Some(p) => {
                i = p.end;
                out.push(p);
            }
            None => i += 1,
        }
    }
    out
}

/// Whether a byte continues a word (for boundaries).
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.' || b == b'/'
}

/// Builds a placeholder over `command[start..end]`.
fn make(
    command: &str,
    start: usize,
    end: usize,
    name: String,
    kind: PlaceholderKind,
    confidence: Confidence,
) -> Option<Placeholder> {
    let raw = command.get(start..end)?.to_owned();
    if name.is_empty() {
        return None;
    }
    Some(Placeholder {
        name,
        raw,
        kind,
        start,
        end,
        confidence,
    })
}

/// Lower case, `_` and spaces to `-`, no leading or trailing `-`.
fn normalise(name: &str) -> String {
    let lowered: String = name
        .chars()
        .map(|c| {
            if c == '_' || c == ' ' {
                '-'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    lowered.trim_matches('-').to_owned()
}

/// `$VAR` or `${VAR…}` at `i`.
fn env_var(command: &str, i: usize) -> Option<Placeholder> {
    let rest = command.get(i + 1..)?;
    let (name, len) = if let Some(inner) = rest.strip_prefix('{') {
        let close = inner.find('}')?;
        let body = inner.get(..close)?;
        let name_len = body
            .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
            .unwrap_or(body.len());
        (body.get(..name_len)?, close + 2)
    } else {
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let name = rest.get(..len)?;
        if name.chars().any(|c| c.is_ascii_lowercase()) {
            return None;
        }
        (name, len)
    };
    if name.is_empty()
        || !name.starts_with(|c: char| c.is_ascii_uppercase() || c == '_')
        || !name.chars().any(|c| c.is_ascii_uppercase())
        || SHELL_VARIABLES.contains(&name)
    {
        return None;
    }
    make(
        command,
        i,
        i + 1 + len,
        normalise(name),
        PlaceholderKind::EnvVar,
        Confidence::High,
    )
}

/// `<name>` at `i`.
fn angle(command: &str, i: usize, prev: Option<u8>) -> Option<Placeholder> {
    if matches!(prev, Some(b'<' | b'>' | b'&')) {
        return None;
    }
    let rest = command.get(i + 1..)?;
    if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let close = rest.find('>')?;
    let name = rest.get(..close)?;
    if close > 60
        || name.ends_with(' ')
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ' '))
    {
        return None;
    }
    let after = rest.get(close + 1..).and_then(|r| r.chars().next());
    if matches!(after, Some('>' | '&' | '(')) {
        return None;
    }
    make(
        command,
        i,
        i + close + 2,
        normalise(name),
        PlaceholderKind::Angle,
        Confidence::High,
    )
}

/// `{name}` at `i`.
fn brace(command: &str, i: usize) -> Option<Placeholder> {
    let rest = command.get(i + 1..)?;
    if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let close = rest.find('}')?;
    let name = rest.get(..close)?;
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        || CODE_WORDS.contains(&name)
    {
        return None;
    }
    make(
        command,
        i,
        i + close + 2,
        normalise(name),
        PlaceholderKind::Brace,
        Confidence::High,
    )
}

/// `YOUR_…`, `your_…`, `your-…` or `my-…` at `i`.
fn your_or_example(command: &str, i: usize) -> Option<Placeholder> {
    let rest = command.get(i..)?;
    let len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    let word = rest.get(..len)?.trim_end_matches(['-', '_']);
    let end = i + word.len();
    if let Some(name) = word
        .strip_prefix("YOUR_")
        .filter(|n| !n.chars().any(|c| c.is_ascii_lowercase()))
        .or_else(|| word.strip_prefix("your_"))
        .or_else(|| word.strip_prefix("your-"))
    {
        let name = name
            .strip_suffix("_HERE")
            .or_else(|| name.strip_suffix("-here"))
            .or_else(|| name.strip_suffix("_here"))
            .unwrap_or(name);
        return make(
            command,
            i,
            end,
            normalise(name),
            PlaceholderKind::Your,
            Confidence::High,
        );
    }
    let name = word
        .strip_prefix("my-")
        .or_else(|| word.strip_prefix("my_"))?;
    if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        return None;
    }
    // `my-app.yaml` is a file name, not an example value.
    if command.get(end..).is_some_and(|r| r.starts_with('.')) {
        return None;
    }
    make(
        command,
        i,
        end,
        normalise(name),
        PlaceholderKind::Example,
        Confidence::Low,
    )
}

/// The command with every `<name>` placeholder replaced by a plain word, so
/// that the shell does not read its brackets as redirections. The verdict is
/// about the command's shape, assuming the placeholders get filled in.
pub(crate) fn neutralise_angles(command: &str) -> String {
    let mut out = String::with_capacity(command.len());
    let mut last = 0;
    for p in placeholders(command) {
        if p.kind != PlaceholderKind::Angle {
            continue;
        }
        out.push_str(command.get(last..p.start).unwrap_or_default());
        let word: String = p
            .name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.'))
            .collect();
        out.push_str(if word.is_empty() { "x" } else { &word });
        last = p.end;
    }
    out.push_str(command.get(last..).unwrap_or_default());
    out
}

#[cfg(test)]
mod tests {
    use super::{Confidence, PlaceholderKind, neutralise_angles, placeholders};

    fn found(cmd: &str) -> Vec<(String, PlaceholderKind, String)> {
        placeholders(cmd)
            .into_iter()
            .map(|p| {
                assert_eq!(&cmd[p.start..p.end], p.raw, "span of {p:?}");
                (p.name, p.kind, p.raw)
            })
            .collect()
    }

    fn names(cmd: &str) -> Vec<String> {
        found(cmd).into_iter().map(|(n, _, _)| n).collect()
    }

    #[test]
    fn angle_placeholders() {
        let f = found("kubectl logs -n <instance> <pod-name> --previous");
        assert_eq!(
            f[0],
            (
                "instance".into(),
                PlaceholderKind::Angle,
                "<instance>".into()
            )
        );
        assert_eq!(f[1].0, "pod-name");
        assert_eq!(
            names("kubectl delete claim.io/<instance>-dynamodb"),
            ["instance"]
        );
        assert_eq!(
            names("x '{\"targetRevision\":\"<previous-commit-hash>\"}'"),
            ["previous-commit-hash"]
        );
        assert_eq!(names("echo <your namespace>"), ["your-namespace"]);
        assert_eq!(names("echo <Pod_ID>"), ["pod-id"]);
    }

    #[test]
    fn redirections_are_not_placeholders() {
        assert!(placeholders("psql < file.sql").is_empty());
        assert!(placeholders("cat <<EOF\nx\nEOF").is_empty());
        assert!(placeholders("diff <(ls) <(ls -a)").is_empty());
        assert!(placeholders("cmd 2>&1 > out").is_empty());
        assert!(placeholders("a <<<x>y").is_empty());
    }

    #[test]
    fn your_placeholders() {
        let f = found("curl -H \"Authorization: Bot YOUR_TOKEN_HERE\" -H 'X-API-Key: your_key'");
        assert_eq!(
            f[0],
            (
                "token".into(),
                PlaceholderKind::Your,
                "YOUR_TOKEN_HERE".into()
            )
        );
        assert_eq!(
            f[1],
            ("key".into(), PlaceholderKind::Your, "your_key".into())
        );
        assert_eq!(
            names("kubectl describe hook your-hook -n your-namespace"),
            ["hook", "namespace"]
        );
        assert_eq!(
            names("--from-literal=token=YOUR_ACTUAL_TOKEN"),
            ["actual-token"]
        );
        assert!(placeholders("flavour_name").is_empty());
    }

    #[test]
    fn env_vars() {
        let f = found("kubectl -n $NAMESPACE get pod ${POD} $1 $? $$ $HOME");
        assert_eq!(f.len(), 2);
        assert_eq!(
            f[0],
            (
                "namespace".into(),
                PlaceholderKind::EnvVar,
                "$NAMESPACE".into()
            )
        );
        assert_eq!(
            f[1],
            ("pod".into(), PlaceholderKind::EnvVar, "${POD}".into())
        );
        assert!(placeholders("awk '{print $1}' | jq '$X'").is_empty());
        assert_eq!(names("echo \"$POD_NAME\""), ["pod-name"]);
    }

    #[test]
    fn braces() {
        assert_eq!(names("Provider registered: {name}"), ["name"]);
        assert!(
            placeholders("echo '{\"a\":1}' | awk '{print $1}' '{print}' ${X} {} {a,b}")
                .iter()
                .all(|p| p.kind != PlaceholderKind::Brace)
        );
        assert!(placeholders("kubectl get x -o jsonpath='{.spec.source.path}'").is_empty());
        assert!(
            placeholders(
                r#"kubectl get pods -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}'"#
            )
            .is_empty()
        );
    }

    #[test]
    fn examples_are_low_confidence() {
        let p = placeholders("kubectl describe guild my-guild");
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].name, "guild");
        assert_eq!(p[0].kind, PlaceholderKind::Example);
        assert_eq!(p[0].confidence, Confidence::Low);
        assert!(placeholders("kubectl apply -f my-app.yaml").is_empty());
        assert!(placeholders("enemy-guild army-x").is_empty());
    }

    #[test]
    fn neutralising_keeps_shape() {
        assert_eq!(
            neutralise_angles("kubectl logs <pod-id> -n <ns>"),
            "kubectl logs pod-id -n ns"
        );
        assert_eq!(neutralise_angles("psql < f.sql"), "psql < f.sql");
    }

    #[test]
    fn never_panics_on_odd_text() {
        for t in [
            "<", "<é>", "$", "${", "${É}", "{", "your", "YOUR_", "é<a>é", "my-", "\\", "'",
        ] {
            let _ = placeholders(t);
            let _ = neutralise_angles(t);
        }
    }
}
