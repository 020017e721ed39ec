//! Integration tests: real command outputs through the public API, with a
//! fixed session key so every expected output is exact.

mod config;
mod kubernetes;
mod pem;
mod rules;
mod streaming;

use std::sync::LazyLock;

use medic_redact::Redactor;
use sha2::{Digest, Sha256};

/// The session key of every test.
const KEY: [u8; 32] = [7; 32];

static REDACTOR: LazyLock<Redactor> = LazyLock::new(|| {
    Redactor::new(&[])
        .expect("the built-in rules compile")
        .with_key(KEY)
});

/// `input` redacted with the built-in rules and [`KEY`].
fn redact(input: &str) -> String {
    REDACTOR.redact_str(input).into_owned()
}

/// The token for `value` of `kind` under [`KEY`], computed from the spec:
/// the first two bytes of SHA-256("medic-redact v1\0" ‖ key ‖ value), in hex.
fn tok(kind: &str, value: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"medic-redact v1\0");
    hasher.update(KEY);
    hasher.update(value.as_bytes());
    let digest = hasher.finalize();
    format!("«redacted:{kind}:{:02x}{:02x}»", digest[0], digest[1])
}

/// Asserts each line comes out as it went in.
#[track_caller]
fn unchanged(lines: &[&str]) {
    for line in lines {
        assert_eq!(redact(line), *line, "should be left alone");
    }
}
