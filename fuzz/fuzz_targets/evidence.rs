//! Fuzzes the evidence readers: arbitrary text read as an Alertmanager document
//! (`parse_alerts`), as `medic match --batch` lines (`{"id": …, "query": "text" | {alert}}`
//! through `alerts_in`), and as free text or log lines, each searched against a few
//! real guides. Checks that nothing panics and that every answer is well formed: at
//! most `top` matches, finite scores, best first, no problem twice.

#![no_main]

use std::collections::HashSet;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use medic_match::{Evidence, Match, Matcher};
use serde_json::Value;

const TOP: usize = 5;

static MATCHER: LazyLock<Matcher> = LazyLock::new(|| {
    let guides = [
        ("seeds/000.txt", include_str!("../../testdata/seeds/000_5a2fd40b88a89dd5.txt")),
        ("seeds/003.txt", include_str!("../../testdata/seeds/003_f49a088b457f2bc5.txt")),
        ("kubernetes-pods.md", include_str!("../../examples/guides/kubernetes-pods.md")),
        ("postgresql.md", include_str!("../../examples/guides/postgresql.md")),
    ]
    .map(|(path, text)| medic_guide::parse(path, text));
    Matcher::new(&guides).expect("the guides index")
});

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let matcher = &*MATCHER;
    if let Ok(alerts) = medic_match::parse_alerts(text) {
        for alert in alerts.into_iter().take(4) {
            check(&matcher.search(&Evidence::Alert(alert), TOP));
        }
    }
    for line in text.lines().take(8) {
        if let Some(evidence) = batch_evidence(line) {
            check(&matcher.search(&evidence, TOP));
        }
    }
    check(&matcher.search(&Evidence::Text(text.to_owned()), TOP));
});

/// A batch line as `medic match --batch` reads it.
fn batch_evidence(line: &str) -> Option<Evidence> {
    let value: Value = serde_json::from_str(line).ok()?;
    match value.get("query")? {
        Value::String(s) if !s.trim().is_empty() => Some(Evidence::Text(s.clone())),
        q @ (Value::Object(_) | Value::Array(_)) => {
            let alerts = medic_match::alerts_in(q).ok()?;
            alerts.into_iter().next().map(Evidence::Alert)
        }
        _ => None,
    }
}

fn check(matches: &[Match]) {
    assert!(matches.len() <= TOP, "{} matches for top {TOP}", matches.len());
    let mut seen = HashSet::new();
    for m in matches {
        assert!(m.score.is_finite(), "score {} of {}", m.score, m.id);
        assert!(seen.insert(&m.id), "{} twice", m.id);
        assert!(!m.reasons.is_empty(), "{} without a reason", m.id);
    }
    assert!(
        matches.windows(2).all(|w| w[0].score >= w[1].score),
        "not best first: {:?}",
        matches.iter().map(|m| m.score).collect::<Vec<_>>()
    );
}
