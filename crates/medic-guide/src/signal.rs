//! Signals: the exact things an incident can show that a guide names — error strings,
//! status and exit codes, Kubernetes reasons, metric names, log-message templates,
//! alert names, thresholds. Matching weighs them above loose words.

use serde::Serialize;

use crate::span::Span;

/// What kind of evidence a signal is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalKind {
    /// A quoted error or log string (`"Invalid JWT token"`, `FATAL: sorry, too many clients`).
    ErrorText,
    /// An HTTP status code (`503`) or class (`5xx`).
    HttpStatus,
    /// A process exit code (`137`).
    ExitCode,
    /// A Kubernetes reason (`CrashLoopBackOff`, `OOMKilled`).
    K8sReason,
    /// A metric name (`hodei_provider_selection_failures_total`).
    Metric,
    /// A log-message template with `{field}` holes (`Provider registered: {name}`).
    LogTemplate,
    /// An alert name (`KubePodCrashLooping`).
    AlertName,
    /// An identifier or state quoted in code (`UNHEALTHY`, `OutOfSync`).
    Term,
    /// A threshold stated in prose (`P95 latency exceeds 200ms`).
    Threshold,
}

/// One signal and where the guide states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signal {
    /// Its kind.
    pub kind: SignalKind,
    /// The value as written (without quotes or backticks).
    pub value: String,
    /// Where it is written.
    pub span: Span,
}

/// Kubernetes reasons and states that incidents show verbatim.
pub const K8S_REASONS: &[&str] = &[
    "CrashLoopBackOff",
    "OOMKilled",
    "ImagePullBackOff",
    "ErrImagePull",
    "ErrImageNeverPull",
    "InvalidImageName",
    "CreateContainerConfigError",
    "CreateContainerError",
    "RunContainerError",
    "ContainerCreating",
    "PodInitializing",
    "Evicted",
    "FailedScheduling",
    "FailedMount",
    "FailedAttachVolume",
    "FailedCreatePodSandBox",
    "FailedKillPod",
    "FailedSync",
    "FailedCreate",
    "BackOff",
    "Unhealthy",
    "NodeNotReady",
    "NotReady",
    "ProgressDeadlineExceeded",
    "MinimumReplicasUnavailable",
    "DeadlineExceeded",
    "BackoffLimitExceeded",
    "DiskPressure",
    "MemoryPressure",
    "PIDPressure",
    "NetworkUnavailable",
    "NodeHasDiskPressure",
    "Terminating",
    "Unschedulable",
    "ContainerStatusUnknown",
    "Preempting",
    "OutOfcpu",
    "OutOfmemory",
];

/// Pod phases that are a reason when a guide quotes them (`Pending`, "Pending"); in prose
/// the word is too common to be one.
const QUOTED_PHASES: &[&str] = &["Pending"];

mod find {
    //! Finding signals in prose and sample output.

    use std::sync::LazyLock;

    use regex::Regex;

    use super::{K8S_REASONS, QUOTED_PHASES, Signal, SignalKind};
    use crate::span::Span;

    static QUOTED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#""([^"\n]{3,200})"|“([^”\n]{3,200})”"#).expect("valid regex")
    });
    static HTTP: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)\b(?:http(?:/\d(?:\.\d)?)?|status(?: code)?|returns?|responses?|code)\s*:?\s*([1-5]\d\d)\b|\b([1-5]\d\d)\s+(?:unauthorized|forbidden|not found|service (?:temporarily )?unavailable|bad gateway|gateway time-?out|too many requests|internal server error|conflict|bad request|request timeout|payload too large|ok\b)|\(([45]\d\d)\)|\b([1-5]xx)\b|\b([45]\d\d)\s+(?:errors?|responses?|status)",
        )
        .expect("valid regex")
    });
    static EXIT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\bexit(?:ed)?(?: with)?(?: code| status)?[:\s]+(\d{1,3})\b")
            .expect("valid regex")
    });
    static THRESHOLD: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:p\d{2,3}|latency|error rate|cpu|memory|lag|usage|connections?|disk|requests?)\b[^.;\n]{0,30}?(?:exceeds?|above|over|>=?|greater than|more than|below|under|<)\s*\d+(?:\.\d+)?\s*(?:ms|s\b|sec|seconds?|minutes?|%|mb|gb|mi|gi)?")
            .expect("valid regex")
    });
    static METRIC: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^[a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?$").expect("valid regex")
    });
    static TEMPLATE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\{[a-z_][a-z0-9_]*\}").expect("valid regex"));
    static ERROR_LINE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^\s*(?:error|fatal|panic|err|warning|e\d{4})\b\s*:?\s*\S|\berror:\s*\S|\bfailed\b|\brefused\b|\bdenied\b|\bforbidden\b")
            .expect("valid regex")
    });

    /// Whether an identifier reads like a Prometheus metric name.
    pub(crate) fn metric_like(s: &str) -> bool {
        let name = s.split('{').next().unwrap_or(s);
        METRIC.is_match(s)
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == ':')
            && (name.matches('_').count() >= 2
                && [
                    "_total",
                    "_seconds",
                    "_bytes",
                    "_count",
                    "_sum",
                    "_bucket",
                    "_ratio",
                    "_info",
                    "_status",
                    "_errors",
                    "_workers",
                    "_timestamp",
                    "_expiry",
                    "_up",
                ]
                .iter()
                .any(|suffix| name.ends_with(suffix))
                || s.contains('{'))
    }

    /// Signals in a piece of prose: quoted strings, codes, reasons, thresholds.
    pub(crate) fn in_prose(text: &str, span: Span, out: &mut Vec<Signal>) {
        for c in QUOTED.captures_iter(text) {
            if let Some(m) = c.get(1).or_else(|| c.get(2)) {
                let value = m.as_str().trim();
                if value.chars().any(char::is_alphabetic) && !value.starts_with("http") {
                    push(out, SignalKind::ErrorText, value, span);
                }
            }
        }
        codes(text, span, out);
        for m in THRESHOLD.find_iter(text) {
            push(out, SignalKind::Threshold, m.as_str().trim(), span);
        }
    }

    /// HTTP status codes, exit codes and Kubernetes reasons in any text.
    pub(crate) fn codes(text: &str, span: Span, out: &mut Vec<Signal>) {
        for c in HTTP.captures_iter(text) {
            if let Some(m) = (1..=5).find_map(|i| c.get(i)) {
                push(
                    out,
                    SignalKind::HttpStatus,
                    &m.as_str().to_lowercase(),
                    span,
                );
            }
        }
        for c in EXIT.captures_iter(text) {
            if let Some(m) = c.get(1) {
                push(out, SignalKind::ExitCode, m.as_str(), span);
            }
        }
        for word in text.split(|c: char| !c.is_ascii_alphanumeric()) {
            if K8S_REASONS.contains(&word) {
                push(out, SignalKind::K8sReason, word, span);
            }
        }
    }

    /// Signals in a code span of prose.
    pub(crate) fn in_code_span(code: &str, span: Span, out: &mut Vec<Signal>) {
        let code = code.trim();
        if code.len() < 3 || code.len() > 200 || medic_shell::looks_like_command(code) {
            return;
        }
        // A placeholder alone (`<job>`, `{id}`, `$NAMESPACE`) is not evidence.
        let bare = code.trim_start_matches('$');
        if (code.starts_with('<') && code.ends_with('>') && !code[1..].contains('<'))
            || (bare.starts_with('{') && bare.ends_with('}') && !bare[1..].contains('{'))
            || (code.starts_with('$')
                && code[1..]
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c == '_'))
        {
            return;
        }
        if K8S_REASONS.contains(&code) || QUOTED_PHASES.contains(&code) {
            push(out, SignalKind::K8sReason, code, span);
        } else if TEMPLATE.is_match(code) && code.contains(' ') {
            push(out, SignalKind::LogTemplate, code, span);
        } else if metric_like(code) {
            push(out, SignalKind::Metric, code, span);
        } else if code.contains(' ') {
            push(out, SignalKind::ErrorText, code, span);
            codes(code, span, out);
        } else if code.chars().any(char::is_alphabetic)
            && !code.contains('/')
            && !code.starts_with('-')
            && (code.len() >= 6
                || code.chars().any(|c| {
                    c.is_uppercase() || c.is_ascii_digit() || matches!(c, '_' | '-' | '.')
                }))
        {
            push(out, SignalKind::Term, code, span);
        }
    }

    /// Signals in a block of sample output or an untagged block: error lines and reasons.
    pub(crate) fn in_output(text: &str, first_line: usize, out: &mut Vec<Signal>) {
        for (i, line) in text.lines().enumerate() {
            let span = Span::line(first_line + i);
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.len() > 300 {
                continue;
            }
            if ERROR_LINE.is_match(trimmed) {
                let value = trimmed.trim_start_matches("Error:").trim();
                push(out, SignalKind::ErrorText, value, span);
            }
            codes(trimmed, span, out);
        }
    }

    /// Metric names in a PromQL or exposition block.
    pub(crate) fn in_metrics(text: &str, first_line: usize, out: &mut Vec<Signal>) {
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            for word in line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':')) {
                if word.matches('_').count() >= 1
                    && word.starts_with(|c: char| c.is_ascii_lowercase())
                    && word.len() > 4
                    && line.contains(&format!("{word}{{")) | line.starts_with(word)
                {
                    push(out, SignalKind::Metric, word, Span::line(first_line + i));
                }
            }
        }
    }

    pub(crate) fn push(out: &mut Vec<Signal>, kind: SignalKind, value: &str, span: Span) {
        let value = value.trim().trim_matches('`').trim();
        if value.is_empty() {
            return;
        }
        // A Kubernetes reason is one whatever quoted it; a pod's phase when quoted.
        let kind = if K8S_REASONS.contains(&value) || QUOTED_PHASES.contains(&value) {
            SignalKind::K8sReason
        } else {
            kind
        };
        if out.iter().any(|s| s.kind == kind && s.value == value) {
            return;
        }
        out.push(Signal {
            kind,
            value: value.to_owned(),
            span,
        });
    }
}

pub(crate) use find::{codes, in_code_span, in_metrics, in_output, in_prose, push};

#[cfg(test)]
mod tests {
    use super::SignalKind;

    #[test]
    fn a_quoted_pod_phase_is_a_reason_and_the_word_in_prose_is_not() {
        let guide = crate::parse(
            "pods.md",
            "# Pods\n\n## Stuck pods\n\n**Symptoms**\n\n- Pending requests pile up.\n\
             - Pods stay in \"Pending\".\n",
        );
        let reasons: Vec<(&str, usize)> = guide.problems[0]
            .signals
            .iter()
            .filter(|s| s.kind == SignalKind::K8sReason)
            .map(|s| (s.value.as_str(), s.span.line))
            .collect();
        assert_eq!(reasons, [("Pending", 8)]);
    }
}
