//! Custom rules as they come from a config file, and the errors a bad one gives.

use medic_redact::{Error, Redactor, RuleConfig};
use serde::Deserialize;

use crate::{KEY, tok};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    rules: Vec<RuleConfig>,
}

fn load(text: &str) -> Result<Vec<RuleConfig>, toml::de::Error> {
    toml::from_str::<Config>(text).map(|c| c.rules)
}

#[test]
fn custom_rules_from_toml() {
    let rules = load(
        r#"
[[rules]]
name = "acme-key"
pattern = 'acme_key=(\w+)'

[[rules]]
name = "employee-id"
pattern = 'EMP-\d{6}'

[[rules]]
name = "session"
pattern = '(sid)=([0-9a-f]{8})'
group = 2
"#,
    )
    .unwrap();
    let redactor = Redactor::new(&rules).unwrap().with_key(KEY);
    assert_eq!(
        redactor.redact_str("acme_key=k3y ok; by EMP-004211 sid=deadbeef password=x"),
        format!(
            "acme_key={} ok; by {} sid={} password={}",
            tok("acme-key", "k3y"),
            tok("employee-id", "EMP-004211"),
            tok("session", "deadbeef"),
            tok("password", "x"),
        )
    );
    let kinds: Vec<&str> = redactor.kinds().collect();
    assert!(
        kinds.ends_with(&["acme-key", "employee-id", "session"]),
        "{kinds:?}"
    );
    assert!(kinds.contains(&"jwt") && kinds.contains(&"k8s-secret"));
}

#[test]
fn unknown_fields_are_refused() {
    let err = load("[[rules]]\nname = \"x\"\npattern = \"y\"\nreplace = \"z\"\n")
        .err()
        .unwrap();
    assert!(err.to_string().contains("unknown field `replace`"), "{err}");
}

#[test]
fn a_bad_regex_names_the_rule() {
    let err = Redactor::new(&[RuleConfig::new("acme-key", "acme_key=(\\w+")]).unwrap_err();
    assert!(matches!(&err, Error::InvalidPattern { name, .. } if name == "acme-key"));
    let message = err.to_string();
    assert!(
        message.starts_with("redaction rule `acme-key` has an invalid `pattern`: "),
        "{message}"
    );
    assert!(message.contains("unclosed group"), "{message}");
}

#[test]
fn other_bad_rules() {
    let err = Redactor::new(&[RuleConfig::new("opt", "x*")]).unwrap_err();
    assert!(matches!(err, Error::EmptyMatch { .. }), "{err}");
    let err = Redactor::new(&[RuleConfig {
        group: Some(2),
        ..RuleConfig::new("grp", "a(b)")
    }])
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "redaction rule `grp` asks for capture group 2 but its pattern has 1: set `group` to at most 1 or leave it out"
    );
    let err = Redactor::new(&[RuleConfig::new("has space", "abc")]).unwrap_err();
    assert!(matches!(err, Error::InvalidName { .. }), "{err}");
}

#[test]
fn group_zero_is_the_whole_match() {
    let rule = RuleConfig {
        group: Some(0),
        ..RuleConfig::new("acme", r"acme_(\d+)")
    };
    let redactor = Redactor::new(&[rule]).unwrap().with_key(KEY);
    assert_eq!(
        redactor.redact_str("id acme_42"),
        format!("id {}", tok("acme", "acme_42"))
    );
}
