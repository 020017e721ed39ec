//! Normalising evidence and signals so the same message matches however it was printed:
//! log lines reduced to their message (timestamps, levels, prefixes dropped; JSON and
//! logfmt read by their message fields), then text masked (numbers, ids, hashes, IPs,
//! quotes and spacing) on both sides of a comparison.

use std::sync::LazyLock;

use regex::Regex;

static TIMESTAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)^\s*(?:
            \[?\d{4}-\d{2}-\d{2}[T\s]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?(?:\s+[A-Z]{2,5})?\]?   # ISO 8601
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
    Regex::new(r#"(?:^|\s)(?:msg|message|err|error)=(?:"((?:[^"\\]|\\.)*)"|(\S+))"#).expect("valid regex")
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

/// A log line reduced to its message, or the line as it is when it is not a log line.
pub(crate) fn log_message(line: &str) -> String {
    let trimmed = line.trim();
    if trimmed.starts_with('{')
        && let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(trimmed)
    {
        let fields: Vec<String> = ["msg", "message", "error", "err", "reason", "log"]
            .iter()
            .filter_map(|k| map.get(*k))
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        if !fields.is_empty() {
            return fields.join(" ");
        }
    }
    let mut rest = trimmed;
    // Kubernetes log prefixes: `pod/name container ` is not worth stripping; timestamps are.
    for _ in 0..2 {
        if let Some(m) = TIMESTAMP.find(rest) {
            rest = &rest[m.end()..];
        }
        if let Some(m) = LEVEL.find(rest) {
            rest = &rest[m.end()..];
        }
    }
    if rest.contains('=') && LOGFMT_MSG.is_match(rest) {
        let fields: Vec<String> = LOGFMT_MSG
            .captures_iter(rest)
            .filter_map(|c| c.get(1).or_else(|| c.get(2)))
            .map(|m| m.as_str().replace("\\\"", "\""))
            .collect();
        if !fields.is_empty() {
            return fields.join(" ");
        }
    }
    rest.to_owned()
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
    use super::{log_message, mask, workload_of_pod};

    #[test]
    fn log_lines_reduce_to_messages() {
        assert_eq!(
            log_message("2026-11-23 07:04:30.193 UTC [4242] FATAL:  sorry, too many clients already"),
            "[4242] FATAL:  sorry, too many clients already"
        );
        assert_eq!(
            log_message(r#"{"level":"error","ts":1700000000,"msg":"Reconciler error","error":"x509: certificate has expired"}"#),
            "Reconciler error x509: certificate has expired"
        );
        assert_eq!(
            log_message(r#"ts=2026-11-23T07:04:30Z level=error msg="failed to send" err="context deadline exceeded""#),
            "failed to send context deadline exceeded"
        );
        assert_eq!(
            log_message("E1123 08:34:04.123456       1 reflector.go:138] pods is forbidden: User cannot list"),
            "pods is forbidden: User cannot list"
        );
        assert_eq!(log_message("ERROR: connection refused"), "connection refused");
    }

    #[test]
    fn masking() {
        assert_eq!(
            mask("0/3 nodes are available: 3 Insufficient cpu."),
            "#/# nodes are available: # insufficient cpu"
        );
        assert_eq!(mask("FATAL:  sorry,   too many"), "fatal: sorry too many");
        assert_eq!(mask("dial tcp 10.0.0.1:5432: connect"), "dial tcp #: connect");
    }

    #[test]
    fn pod_names_to_workloads() {
        assert_eq!(workload_of_pod("api-7d9c8b5f4-x2x7q"), Some("api"));
        assert_eq!(workload_of_pod("data-processor-6c9f8b7d5-7xk9p"), Some("data-processor"));
        assert_eq!(workload_of_pod("data-store"), None);
        assert_eq!(workload_of_pod("postgres-0"), Some("postgres"));
        assert_eq!(workload_of_pod("crossplane"), None);
    }
}
