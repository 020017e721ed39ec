//! Alerts as Alertmanager and Prometheus send them: a webhook payload (version 4), a
//! single alert object, the Alertmanager API v2 list, or Prometheus' `/api/v1/alerts`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;

/// One alert: its labels and annotations, and what identifies a firing of it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    /// `firing` or `resolved` (Alertmanager), `firing`/`pending` (Prometheus).
    #[serde(default)]
    pub status: String,
    /// Labels: `alertname`, `namespace`, `pod`, `instance`, `job` …
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Annotations: `summary`, `description`, `message`, `runbook_url` …
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    /// When it started firing.
    #[serde(default, rename = "startsAt", skip_serializing_if = "String::is_empty")]
    pub starts_at: String,
    /// Alertmanager's fingerprint of the label set.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub fingerprint: String,
    /// The Prometheus graph URL of the rule's expression.
    #[serde(
        default,
        rename = "generatorURL",
        skip_serializing_if = "String::is_empty"
    )]
    pub generator_url: String,
}

impl Alert {
    /// The alert's name (`alertname` label), or an empty string.
    pub fn name(&self) -> &str {
        self.labels
            .get("alertname")
            .map(String::as_str)
            .unwrap_or("")
    }
}

/// Why an alert document could not be read.
#[derive(Debug, Error)]
pub enum AlertError {
    /// Not JSON.
    #[error("not valid JSON at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the JSON reader said.
        message: String,
    },
    /// JSON, but no alert in it.
    #[error(
        "no alerts found: expected an Alertmanager webhook payload (`{{\"alerts\": [...]}}`) or an alert object (`{{\"labels\": {{...}}, \"annotations\": {{...}}}}`)"
    )]
    NoAlerts,
    /// An alert without labels or annotations.
    #[error("alert {index} has neither labels nor annotations")]
    Empty {
        /// 0-based position of the alert.
        index: usize,
    },
}

/// Reads the alerts of a JSON document.
pub fn parse_alerts(text: &str) -> Result<Vec<Alert>, AlertError> {
    let value: Value = serde_json::from_str(text).map_err(|e| AlertError::Json {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    alerts_in(&value)
}

/// The alerts of a parsed JSON value (payload, alert object, list, or Prometheus response).
pub fn alerts_in(value: &Value) -> Result<Vec<Alert>, AlertError> {
    let list: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        Value::Object(map) => {
            if let Some(Value::Array(items)) = map.get("alerts") {
                items.iter().collect()
            } else if let Some(Value::Array(items)) = map.get("data").and_then(|d| d.get("alerts"))
            {
                items.iter().collect()
            } else if map.contains_key("labels") || map.contains_key("annotations") {
                vec![value]
            } else {
                return Err(AlertError::NoAlerts);
            }
        }
        _ => return Err(AlertError::NoAlerts),
    };
    if list.is_empty() {
        return Err(AlertError::NoAlerts);
    }
    list.into_iter()
        .enumerate()
        .map(|(index, v)| one(v).ok_or(AlertError::Empty { index }))
        .collect()
}

fn strings(v: Option<&Value>) -> BTreeMap<String, String> {
    v.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    let s = match v {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    (k.clone(), s)
                })
                .collect()
        })
        .unwrap_or_default()
}

fn one(v: &Value) -> Option<Alert> {
    let labels = strings(v.get("labels"));
    let annotations = strings(v.get("annotations"));
    if labels.is_empty() && annotations.is_empty() {
        return None;
    }
    let text = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    // Alertmanager API v2 nests the state; Prometheus calls it `state`.
    let status = match v.get("status") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Object(o)) => o
            .get("state")
            .and_then(Value::as_str)
            .map(|s| if s == "active" { "firing" } else { s })
            .unwrap_or("")
            .to_owned(),
        _ => text("state"),
    };
    let starts_at = match text("startsAt") {
        s if s.is_empty() => text("activeAt"),
        s => s,
    };
    Some(Alert {
        status,
        labels,
        annotations,
        starts_at,
        fingerprint: text("fingerprint"),
        generator_url: text("generatorURL"),
    })
}

#[cfg(test)]
mod tests {
    use super::{AlertError, parse_alerts};

    #[test]
    fn webhook_payload() {
        let text = r#"{"receiver":"w","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"TargetDown","job":"node"},"annotations":{"summary":"down"},"startsAt":"2026-11-23T07:04:30Z","generatorURL":"http://p/graph?g0.expr=up+%3D%3D+0","fingerprint":"a98"}],"version":"4"}"#;
        let alerts = parse_alerts(text).unwrap();
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].name(), "TargetDown");
        assert_eq!(alerts[0].fingerprint, "a98");
    }

    #[test]
    fn single_object_api_list_and_prometheus() {
        assert_eq!(
            parse_alerts(r#"{"labels":{"alertname":"X"}}"#)
                .unwrap()
                .len(),
            1
        );
        let v2 = r#"[{"labels":{"alertname":"X"},"status":{"state":"active"}}]"#;
        assert_eq!(parse_alerts(v2).unwrap()[0].status, "firing");
        let prom = r#"{"status":"success","data":{"alerts":[{"labels":{"alertname":"X"},"state":"firing","activeAt":"t"}]}}"#;
        assert_eq!(parse_alerts(prom).unwrap()[0].starts_at, "t");
    }

    #[test]
    fn bad_documents() {
        assert!(matches!(
            parse_alerts("{\n  \"alerts\": [,]\n}"),
            Err(AlertError::Json { line: 2, .. })
        ));
        assert!(matches!(
            parse_alerts(r#"{"alerts":[]}"#),
            Err(AlertError::NoAlerts)
        ));
        assert!(matches!(
            parse_alerts(r#"{"receiver":"x"}"#),
            Err(AlertError::NoAlerts)
        ));
        assert!(matches!(
            parse_alerts(r#"{"alerts":[{"labels":{}}]}"#),
            Err(AlertError::Empty { index: 0 })
        ));
    }
}
