//! Normalising evidence and signals so the same message matches however it was printed:
//! log lines reduced to their message (timestamps, levels, prefixes dropped; JSON and
//! logfmt read by their message fields), then text masked (numbers, ids, hashes, IPs,
//! quotes and spacing) on both sides of a comparison.

use std::sync::LazyLock;

use regex::Regex;

static TIMESTAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)^\s*(?:
            \[?\d{4}-\d{2}-\d{2}[T\s]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?(?:\s+(?:UTC|GMT|CET|CEST|[A-Z][SD]T))?\]?   # ISO 8601
          | [A-Z][a-z]{2}\s+\d{1,2}\s+\d{2}:\d{2}:\d{2}(?:\s+\S+\s+[\w./-]+(?:\[\d+\])?:)?                      # syslog
          | [IWEF]\d{4}\s+\d{2}:\d{2}:\d{2}\.\d+\s+\d+\s+[\w./-]+:\d+\]                                         # klog
          | \d{2}:\d{2}:\d{2}(?:\.\d+)?
        )\s*",
    )
    .expect("valid regex")
});

static LEVEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*[\[(]?(?:level=)?(?:trace|debug|info|notice|warn|warning|error|err|crit|critical|alert|emerg|fatal|panic)[\])]?(?:\s*[:|-]\s*|\s+)")
        .expect("valid regex")
});

static LOGFMT_MSG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:^|\s)(?:msg|message|err|error)=(?:"((?:[^"\\]|\\.)*)"|(\S+))"#)
        .expect("valid regex")
});

static LOGFMT_LEVEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|\s)(?:level|lvl)=(\w+)").expect("valid regex"));

/// A logfmt line: it starts with `key=value` pairs and names its time, level or caller.
static LOGFMT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"^(?:\w+=(?:"(?:[^"\\]|\\.)*"|\S*)\s+)*(?:ts|time|t|level|lvl|caller|component)=\S"#,
    )
    .expect("valid regex")
});

static MASK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
          [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}   # uuid
        | \b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b                         # ipv4[:port]
        | \b[0-9a-f]{12,}\b                                            # hashes, container ids
        | \d+(?:\.\d+)?                                                # numbers
        ",
    )
    .expect("valid regex")
});

/// How loud a log line is, from its level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Severity {
    /// trace, debug, info, notice.
    Quiet,
    /// No level seen.
    Unknown,
    /// warning, error, critical, fatal, panic.
    Loud,
}

fn severity_of(level: &str) -> Severity {
    let l = level
        .trim_matches(|c: char| !c.is_ascii_alphabetic())
        .to_ascii_lowercase();
    match l.as_str() {
        "trace" | "debug" | "info" | "notice" | "i" | "d" => Severity::Quiet,
        "warn" | "warning" | "error" | "err" | "crit" | "critical" | "alert" | "emerg"
        | "fatal" | "panic" | "w" | "e" | "f" => Severity::Loud,
        _ => Severity::Unknown,
    }
}

/// A log line reduced to its message, or the line as it is when it is not a log line.
pub(crate) fn log_message(line: &str) -> String {
    log_line(line).0
}

/// A log line reduced to its message, with its severity.
pub(crate) fn log_line(line: &str) -> (String, Severity) {
    let trimmed = line.trim();
    if trimmed.starts_with('{')
        && let Ok(serde_json::Value::Object(map)) =
            serde_json::from_str::<serde_json::Value>(trimmed)
    {
        let fields: Vec<String> = ["msg", "message", "error", "err", "reason", "log"]
            .iter()
            .filter_map(|k| map.get(*k))
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        if !fields.is_empty() {
            let severity = ["level", "severity", "lvl"]
                .iter()
                .find_map(|k| map.get(*k).and_then(|v| v.as_str()))
                .map_or(Severity::Unknown, severity_of);
            return (fields.join(" "), severity);
        }
    }
    let mut rest = trimmed;
    let mut severity = Severity::Unknown;
    // klog: the level is the first letter (`E1123 08:34:04.123456 …`).
    if let Some(first) = rest.chars().next()
        && matches!(first, 'I' | 'W' | 'E' | 'F')
        && rest.as_bytes().get(1).is_some_and(u8::is_ascii_digit)
    {
        severity = severity_of(&first.to_string());
    }
    for _ in 0..2 {
        if let Some(m) = TIMESTAMP.find(rest) {
            rest = &rest[m.end()..];
        }
        if let Some(m) = LEVEL.find(rest) {
            severity = severity_of(m.as_str().trim_start_matches("level="));
            rest = &rest[m.end()..];
        }
    }
    if LOGFMT.is_match(rest) && LOGFMT_MSG.is_match(rest) {
        if let Some(level) = LOGFMT_LEVEL.captures(rest).and_then(|c| c.get(1)) {
            severity = severity_of(level.as_str());
        }
        let fields: Vec<String> = LOGFMT_MSG
            .captures_iter(rest)
            .filter_map(|c| c.get(1).or_else(|| c.get(2)))
            .map(|m| m.as_str().replace("\\\"", "\""))
            .collect();
        if !fields.is_empty() {
            return (fields.join(" "), severity);
        }
    }
    (rest.to_owned(), severity)
}

/// Text for exact comparison: lower-case, numbers/ids/IPs/hashes as `#`, quotes dropped,
/// punctuation runs and spaces collapsed to one space.
pub(crate) fn mask(text: &str) -> String {
    let lower = text.to_lowercase();
    let masked = MASK.replace_all(&lower, "#");
    let mut out = String::with_capacity(masked.len());
    let mut space = true;
    for c in masked.chars() {
        if matches!(c, '"' | '\'' | '`' | '“' | '”' | '‘' | '’') {
            continue;
        }
        let keep = c.is_alphanumeric() || c == '#' || c == '_' || c == '/' || c == '-' || c == ':';
        if keep {
            out.push(c);
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    out.trim_end().to_owned()
}

/// A guide's pod name with the replica-set hash and pod suffix dropped
/// (`api-7d9c8b5f4-x2x7q` → `api`), or `None` when it has none.
pub(crate) fn workload_of_pod(pod: &str) -> Option<&str> {
    let mut parts: Vec<&str> = pod.split('-').collect();
    let mut stripped = false;
    while parts.len() > 1 {
        let last = parts[parts.len() - 1];
        // Kubernetes draws pod and replica-set suffixes from an alphabet without vowels.
        let generated = (last.len() == 5 || (8..=10).contains(&last.len()))
            && last
                .chars()
                .all(|c| "bcdfghjklmnpqrstvwxz2456789".contains(c));
        let hashy = generated || last.chars().all(|c| c.is_ascii_digit());
        if hashy {
            parts.pop();
            stripped = true;
        } else {
            break;
        }
    }
    if !stripped {
        return None;
    }
    let len: usize = parts.iter().map(|p| p.len()).sum::<usize>() + parts.len() - 1;
    pod.get(..len)
}

#[cfg(test)]
mod tests {
    use super::{Severity, log_line, log_message, mask, workload_of_pod};

    #[test]
    fn log_lines_reduce_to_messages() {
        assert_eq!(
            log_message(
                "2026-11-23 07:04:30.193 UTC [4242] FATAL:  sorry, too many clients already"
            ),
            "[4242] FATAL:  sorry, too many clients already"
        );
        assert_eq!(
            log_message(
                r#"{"level":"error","ts":1700000000,"msg":"Reconciler error","error":"x509: certificate has expired"}"#
            ),
            "Reconciler error x509: certificate has expired"
        );
        assert_eq!(
            log_message(
                r#"ts=2026-11-23T07:04:30Z level=error msg="failed to send" err="context deadline exceeded""#
            ),
            "failed to send context deadline exceeded"
        );
        assert_eq!(
            log_message(
                "E1123 08:34:04.123456       1 reflector.go:138] pods is forbidden: User cannot list"
            ),
            "pods is forbidden: User cannot list"
        );
        assert_eq!(
            log_message("ERROR: connection refused"),
            "connection refused"
        );
        // `key=value` inside a message is not logfmt.
        assert_eq!(
            log_message("Error: accumulating resources: accumulation err='accumulating'"),
            "accumulating resources: accumulation err='accumulating'"
        );
    }

    #[test]
    fn severities() {
        assert_eq!(
            log_line("2026-11-23T07:04:30Z INFO started").1,
            Severity::Quiet
        );
        assert_eq!(log_line(r#"{"level":"error","msg":"x"}"#).1, Severity::Loud);
        assert_eq!(log_line("ts=1 level=warn msg=\"x\"").1, Severity::Loud);
        assert_eq!(
            log_line("I0611 09:12:30.000341       1 serving.go:374] ok").1,
            Severity::Quiet
        );
        assert_eq!(
            log_line("E0611 09:12:30.000341       1 serving.go:374] bad").1,
            Severity::Loud
        );
        assert_eq!(log_line("plain text").1, Severity::Unknown);
    }

    #[test]
    fn masking() {
        assert_eq!(
            mask("0/3 nodes are available: 3 Insufficient cpu."),
            "#/# nodes are available: # insufficient cpu"
        );
        assert_eq!(mask("FATAL:  sorry,   too many"), "fatal: sorry too many");
        assert_eq!(
            mask("dial tcp 10.0.0.1:5432: connect"),
            "dial tcp #: connect"
        );
    }

    #[test]
    fn pod_names_to_workloads() {
        assert_eq!(workload_of_pod("api-7d9c8b5f4-x2x7q"), Some("api"));
        assert_eq!(
            workload_of_pod("data-processor-6c9f8b7d5-7xk9p"),
            Some("data-processor")
        );
        assert_eq!(workload_of_pod("data-store"), None);
        assert_eq!(workload_of_pod("postgres-0"), Some("postgres"));
        assert_eq!(workload_of_pod("crossplane"), None);
    }
}
