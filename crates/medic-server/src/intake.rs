//! Reading an Alertmanager webhook body (version 4), a single alert object or a JSON
//! array of alerts into the alerts the store keeps, with the key that makes repeats
//! land on the same incident: the fingerprint and `startsAt`.

use std::collections::BTreeMap;

use medic_store::{AlertIn, Status};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Why a body is not a usable payload (answered with 400).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IntakeError {
    /// Not JSON.
    #[error("the body is not valid JSON (line {line}, column {column}): {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the JSON reader said.
        message: String,
    },
    /// JSON, but not alerts.
    #[error(
        "no alerts in the body: expected an Alertmanager webhook payload (`{{\"version\":\"4\",\"alerts\":[…]}}`), an alert object (`{{\"labels\":{{…}}}}`) or an array of them"
    )]
    NoAlerts,
    /// An alert that cannot be read.
    #[error("alert {index}: {message}")]
    Alert {
        /// 0-based position.
        index: usize,
        /// What is wrong.
        message: String,
    },
}

/// The alerts of a body, in order.
///
/// # Errors
/// When the body is not JSON, holds no alerts, or an alert has no labels or a bad status.
pub fn parse(body: &[u8]) -> Result<Vec<AlertIn>, IntakeError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| IntakeError::Json {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    let items: Vec<&Value> = match &value {
        Value::Object(map) if map.get("alerts").is_some_and(Value::is_array) => map
            .get("alerts")
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default(),
        Value::Object(map) if map.contains_key("labels") => vec![&value],
        Value::Array(items) => items.iter().collect(),
        _ => return Err(IntakeError::NoAlerts),
    };
    if items.is_empty() {
        return Err(IntakeError::NoAlerts);
    }
    items
        .into_iter()
        .enumerate()
        .map(|(index, item)| alert(index, item))
        .collect()
}

fn alert(index: usize, item: &Value) -> Result<AlertIn, IntakeError> {
    let bad = |message: &str| IntakeError::Alert {
        index,
        message: message.to_owned(),
    };
    let Value::Object(map) = item else {
        return Err(bad("not a JSON object"));
    };
    let labels = strings(map.get("labels")).map_err(|m| bad(&format!("labels: {m}")))?;
    if labels.is_empty() {
        return Err(bad(
            "no labels: an alert needs at least `alertname` to be identified",
        ));
    }
    let annotations =
        strings(map.get("annotations")).map_err(|m| bad(&format!("annotations: {m}")))?;
    let text = |key: &str| {
        map.get(key)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    let status = match text("status").as_str() {
        "" | "firing" => Status::Firing,
        "resolved" => Status::Resolved,
        other => {
            return Err(bad(&format!(
                "status `{other}`: expected `firing` or `resolved`"
            )));
        }
    };
    let fingerprint = match text("fingerprint") {
        f if f.is_empty() => fingerprint(&labels),
        f => f,
    };
    let ends_at = Some(text("endsAt")).filter(|e| !e.is_empty() && !e.starts_with("0001-"));
    Ok(AlertIn {
        fingerprint,
        starts_at: text("startsAt"),
        ends_at,
        status,
        name: labels.get("alertname").cloned().unwrap_or_default(),
        labels,
        annotations,
        alert: item.clone(),
    })
}

/// A string → string map (`null` or absent is empty).
fn strings(value: Option<&Value>) -> Result<BTreeMap<String, String>, String> {
    match value {
        None | Some(Value::Null) => Ok(BTreeMap::new()),
        Some(Value::Object(map)) => map
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.clone(), s.clone())),
                Value::Number(n) => Ok((k.clone(), n.to_string())),
                Value::Bool(b) => Ok((k.clone(), b.to_string())),
                _ => Err(format!("`{k}` is not a string")),
            })
            .collect(),
        Some(_) => Err("not an object of strings".to_owned()),
    }
}

/// A label set's fingerprint when the sender gave none: 16 hex digits of SHA-256 over
/// the sorted `name=value` pairs.
#[must_use]
pub fn fingerprint(labels: &BTreeMap<String, String>) -> String {
    let mut hash = Sha256::new();
    for (k, v) in labels {
        hash.update(k.as_bytes());
        hash.update([0xff]);
        hash.update(v.as_bytes());
        hash.update([0xfe]);
    }
    let mut hex = format!("{:x}", hash.finalize());
    hex.truncate(16);
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = include_str!("../../medic/tests/data/alertmanager-webhook-sample.json");

    #[test]
    fn reads_alertmanager_payloads() {
        let alerts = parse(SAMPLE.as_bytes()).expect("sample payload");
        assert_eq!(alerts.len(), 1);
        let a = &alerts[0];
        assert_eq!(a.name, "TargetDown");
        assert_eq!(a.fingerprint, "a9847976c1e5676c");
        assert_eq!(a.starts_at, "2026-11-23T07:04:30.193Z");
        assert_eq!(a.status, Status::Firing);
        assert_eq!(a.ends_at, None);
        assert_eq!(a.labels["instance"], "127.0.0.1:19100");
    }

    #[test]
    fn a_single_alert_gets_a_stable_fingerprint() {
        let one = parse(br#"{"labels":{"alertname":"X","b":"2","a":"1"}}"#).expect("alert");
        let two = parse(br#"[{"labels":{"a":"1","alertname":"X","b":"2"}}]"#).expect("alert");
        assert_eq!(one[0].fingerprint, two[0].fingerprint);
        assert_eq!(one[0].fingerprint.len(), 16);
        let other = parse(br#"{"labels":{"alertname":"Y"}}"#).expect("alert");
        assert_ne!(one[0].fingerprint, other[0].fingerprint);
    }

    #[test]
    fn bad_bodies_say_what_is_wrong() {
        let e = parse(b"{\n \"alerts\": [,]}").unwrap_err();
        assert!(matches!(e, IntakeError::Json { line: 2, .. }), "{e}");
        assert_eq!(parse(b"{\"alerts\": []}"), Err(IntakeError::NoAlerts));
        assert_eq!(parse(b"42"), Err(IntakeError::NoAlerts));
        let e = parse(br#"{"alerts":[{"labels":{}}]}"#).unwrap_err();
        assert!(e.to_string().contains("alert 0: no labels"), "{e}");
        let e = parse(br#"{"alerts":[{"labels":{"a":"b"},"status":"pending"}]}"#).unwrap_err();
        assert!(e.to_string().contains("status `pending`"), "{e}");
        let e = parse(br#"[{"labels":{"a":["b"]}}]"#).unwrap_err();
        assert!(e.to_string().contains("`a` is not a string"), "{e}");
    }
}
