//! Evidence: what an incident shows (free text, log lines, an alert), turned into what
//! the matcher looks for — weighted text, exact strings, labels, the alert's name, its
//! runbook link and the metrics of its rule.

use std::collections::{BTreeSet, HashSet};

use crate::alert::Alert;
use crate::normalize::{LogLine, Severity, log_line, log_message, mask, workload_of_pod};

/// What an incident shows.
#[derive(Debug, Clone)]
pub enum Evidence {
    /// A symptom in words, an error message, or log lines.
    Text(String),
    /// A firing alert.
    Alert(Alert),
}

/// Labels whose values name the system an alert is about (namespace, workload, job …).
const WORKLOAD_LABELS: &[&str] = &[
    "namespace",
    "service",
    "job",
    "container",
    "deployment",
    "statefulset",
    "daemonset",
    "pod",
    "app",
    "app_kubernetes_io_name",
    "instance",
    "endpoint",
    "database",
    "datname",
    "queue",
    "topic",
    "provider",
    "cluster",
    "node",
];

/// Labels that say nothing about what is wrong.
const IGNORED_LABELS: &[&str] = &[
    "alertname",
    "severity",
    "prometheus",
    "receiver",
    "monitor",
    "replica",
    "lab",
    "env",
    "environment",
    "team",
    "priority",
];

/// Most distinct lines read from one piece of text evidence.
const MAX_LINES: usize = 2000;

/// The evidence as the matcher uses it.
#[derive(Debug, Default)]
pub(crate) struct Query {
    /// Text to search, with weights.
    pub(crate) pieces: Vec<(String, f32)>,
    /// Messages masked for exact comparison with signals, one per line or annotation.
    pub(crate) exact: Vec<String>,
    /// The messages of multi-line evidence, one per distinct line: the line that carries
    /// the error may cover a problem well while the noise around it does not.
    pub(crate) lines: Vec<String>,
    /// Label key and value pairs worth looking for in guides.
    pub(crate) labels: Vec<(String, String)>,
    /// The alert's name.
    pub(crate) alert_name: Option<String>,
    /// The last path segment of the alert's `runbook_url`, lower-cased, extension dropped.
    pub(crate) runbook: Option<String>,
    /// Metric names from the alert rule's expression.
    pub(crate) metrics: BTreeSet<String>,
}

impl Query {
    pub(crate) fn is_empty(&self) -> bool {
        self.pieces.iter().all(|(t, _)| t.trim().is_empty())
            && self.alert_name.is_none()
            && self.labels.is_empty()
    }
}

impl Evidence {
    pub(crate) fn query(&self) -> Query {
        match self {
            Evidence::Text(text) => text_query(text),
            Evidence::Alert(alert) => alert_query(alert),
        }
    }
}

/// How much info and debug lines count.
const QUIET_WEIGHT: f32 = 0.25;

fn text_query(text: &str) -> Query {
    let mut q = Query::default();
    let mut seen = HashSet::new();
    let mut messages = Vec::new();
    let mut quiet = Vec::new();
    let mut loud = Vec::new();
    let mut after_frame = false;
    for line in text.lines() {
        if line.trim().is_empty() {
            continue;
        }
        let LogLine {
            message,
            mut severity,
        } = log_line(line);
        // The source line a Python frame shows is where the error happened, like the frame.
        if after_frame && line.starts_with(char::is_whitespace) && severity != Severity::Loud {
            severity = Severity::Quiet;
        }
        after_frame = crate::normalize::python_frame(line);
        let masked = mask(&message);
        if masked.is_empty() || !seen.insert(masked.clone()) {
            continue;
        }
        // The whole line too, when reducing it dropped a prefix the guide may quote
        // (`FATAL:  sorry, too many clients already`).
        let whole = mask(line);
        if whole != masked && seen.insert(whole.clone()) {
            q.exact.push(whole);
        }
        q.exact.push(masked);
        match severity {
            Severity::Quiet => quiet.push(message),
            Severity::Loud => {
                loud.push(message.clone());
                messages.push(message);
            }
            Severity::Unknown => messages.push(message),
        }
        if seen.len() >= MAX_LINES {
            break;
        }
    }
    // Warnings and errors are what an engineer reads first; info and debug lines are
    // context. Lines without a level count in full.
    let multi = messages.len() + quiet.len() > 1;
    q.pieces.push((messages.join("\n"), 1.0));
    if !loud.is_empty() {
        q.pieces.push((loud.join("\n"), 0.5));
    }
    if !quiet.is_empty() {
        q.pieces.push((quiet.join("\n"), QUIET_WEIGHT));
    }
    if multi {
        q.lines = messages;
    }
    q
}

fn alert_query(alert: &Alert) -> Query {
    let mut q = Query::default();
    let name = alert.name();
    if !name.is_empty() {
        q.alert_name = Some(name.to_owned());
        q.pieces.push((name.to_owned(), 2.0));
        q.exact.push(mask(name));
    }
    for (key, value) in &alert.annotations {
        if key == "runbook_url" || key == "runbook" {
            q.runbook = runbook_stem(value);
            continue;
        }
        if value.starts_with("http://") || value.starts_with("https://") {
            continue;
        }
        let weight = match key.as_str() {
            "summary" | "message" | "description" | "title" => 1.0,
            _ => 0.5,
        };
        q.pieces.push((value.clone(), weight));
        for line in value.lines() {
            let masked = mask(&log_message(line));
            if !masked.is_empty() {
                q.exact.push(masked);
            }
        }
    }
    for (key, value) in &alert.labels {
        if IGNORED_LABELS.contains(&key.as_str()) || value.is_empty() {
            continue;
        }
        let value = match key.as_str() {
            "pod" => workload_of_pod(value).unwrap_or(value),
            "instance" => value
                .trim_start_matches("https://")
                .trim_start_matches("http://")
                .split([':', '/'])
                .next()
                .unwrap_or(value),
            _ => value,
        };
        if value.chars().all(|c| c.is_ascii_digit() || c == '.') {
            continue;
        }
        let weight = if WORKLOAD_LABELS.contains(&key.as_str()) {
            0.4
        } else {
            0.2
        };
        q.pieces.push((value.to_owned(), weight));
        q.labels.push((key.clone(), value.to_owned()));
    }
    q.metrics = expression_metrics(&alert.generator_url);
    q
}

/// `https://runbooks.example/runbooks/kubernetes/kubepodcrashlooping/` → `kubepodcrashlooping`.
fn runbook_stem(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let last = path.trim_end_matches('/').rsplit('/').next()?;
    let stem = last.split('.').next().unwrap_or(last).to_lowercase();
    (!stem.is_empty() && !stem.contains(':')).then_some(stem)
}

/// PromQL functions and keywords: not metric names.
const PROMQL_WORDS: &[&str] = &[
    "sum",
    "rate",
    "irate",
    "increase",
    "avg",
    "min",
    "max",
    "count",
    "by",
    "on",
    "without",
    "ignoring",
    "group_left",
    "group_right",
    "and",
    "or",
    "unless",
    "bool",
    "offset",
    "histogram_quantile",
    "time",
    "abs",
    "absent",
    "absent_over_time",
    "delta",
    "deriv",
    "predict_linear",
    "changes",
    "resets",
    "label_replace",
    "label_join",
    "topk",
    "bottomk",
    "quantile",
    "stddev",
    "stdvar",
    "count_values",
    "vector",
    "scalar",
    "clamp_min",
    "clamp_max",
    "avg_over_time",
    "max_over_time",
    "min_over_time",
    "sum_over_time",
    "count_over_time",
    "quantile_over_time",
    "last_over_time",
    "round",
    "ceil",
    "floor",
    "le",
];

/// Metric names in the `g0.expr` of a Prometheus graph URL.
fn expression_metrics(url: &str) -> BTreeSet<String> {
    let Some(query) = url.split_once('?').map(|(_, q)| q) else {
        return BTreeSet::new();
    };
    let Some(expr) = query.split('&').find_map(|kv| kv.strip_prefix("g0.expr=")) else {
        return BTreeSet::new();
    };
    let expr = percent_encoding::percent_decode_str(&expr.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned();
    // Label matchers and grouping lists name labels, not metrics.
    let mut cleaned = String::new();
    let mut depth = 0usize;
    for c in expr.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            _ if depth == 0 => cleaned.push(c),
            _ => {}
        }
    }
    static GROUPING: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
            .expect("valid regex")
    });
    let cleaned = GROUPING.replace_all(&cleaned, " ");
    cleaned
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
        .filter(|w| w.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'))
        .filter(|w| !PROMQL_WORDS.contains(&w.to_lowercase().as_str()))
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{expression_metrics, runbook_stem, text_query};

    #[test]
    fn a_python_frames_source_line_is_context() {
        let q = text_query(
            "ERROR:    Exception in ASGI application\n\
             Traceback (most recent call last):\n  \
             File \"/app/api/users.py\", line 41, in get_user\n    \
             response = self.table.get_item(Key={\"id\": user_id})\n\
             botocore.errorfactory.ResourceNotFoundException: Requested resource not found",
        );
        // The messages weighed in full: the error and the exception, not the frame's code.
        let (messages, _) = &q.pieces[0];
        assert!(messages.contains("ResourceNotFoundException"), "{messages}");
        assert!(!messages.contains("get_item"), "{messages}");
        assert!(!messages.contains("Traceback"), "{messages}");
    }

    #[test]
    fn runbook_urls() {
        assert_eq!(
            runbook_stem(
                "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping"
            ),
            Some("kubepodcrashlooping".to_owned())
        );
        assert_eq!(
            runbook_stem(
                "https://github.com/openshift/runbooks/blob/master/alerts/x/KubeAPIDown.md"
            ),
            Some("kubeapidown".to_owned())
        );
    }

    #[test]
    fn metrics_of_rule_expressions() {
        let m = expression_metrics("http://vm:19090/graph?g0.expr=up+%3D%3D+0&g0.tab=1");
        assert_eq!(m.into_iter().collect::<Vec<_>>(), ["up"]);
        let url = "http://p/graph?g0.expr=sum+by+%28server%29+%28pg_stat_activity_count%29+%2F+on+%28server%29+pg_settings_max_connections+%3E+0.8";
        let m = expression_metrics(url);
        assert!(m.contains("pg_stat_activity_count"), "{m:?}");
        assert!(m.contains("pg_settings_max_connections"), "{m:?}");
        assert!(!m.contains("server"), "{m:?}");
        let m = expression_metrics(
            "http://p/graph?g0.expr=probe_ssl_earliest_cert_expiry%7Bjob%3D%22b%22%7D+-+time%28%29+%3C+0",
        );
        assert_eq!(
            m.into_iter().collect::<Vec<_>>(),
            ["probe_ssl_earliest_cert_expiry"]
        );
    }
}
