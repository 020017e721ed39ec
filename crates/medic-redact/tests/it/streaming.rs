//! Streams: the output does not depend on how the input is chunked; tokens
//! are stable within a session and differ across keys; stats; bytes that are
//! not UTF-8; very long lines.

use std::io::Cursor;

use medic_redact::{Redactor, RuleConfig};

use crate::{KEY, REDACTOR, tok};

/// A bit of everything, multi-line blocks included, ending without a newline:
/// the test sources themselves (`full`) or a few lines of each construct.
fn corpus(full: bool) -> Vec<u8> {
    let mut text = String::new();
    if full {
        for file in [
            include_str!("rules.rs"),
            include_str!("kubernetes.rs"),
            include_str!("pem.rs"),
        ] {
            text.push_str(file);
        }
    } else {
        text.push_str("Authorization: Bearer abc.def\nGET https://u:p@h/x 200\n");
        text.push_str("{\"apiVersion\":\"v1\",\"data\":{\"k\":\"dg==\"}}\n");
        text.push_str("stringData:\n  c: |\n    line one\n  d: x\nkind: Secret\n");
    }
    text.push_str("apiVersion: v1\ndata:\n  password: cGFzcw==\n  user: dXNlcg==\nkind: Secret\n");
    text.push_str("{\n  \"data\": {\n    \"token\": \"dG9rZW4=\"\n  }\n}\n");
    text.push_str("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n");
    text.push_str("id=1 password=hunter2 token: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln");
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(b"\nraw \xff\xfe password=\xc3\x28 bytes\n\x80\x81 tail");
    bytes
}

fn whole(redactor: &Redactor, input: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut stream = redactor.stream();
    stream.push(input, &mut out);
    stream.finish(&mut out);
    out
}

fn chunked(redactor: &Redactor, input: &[u8], sizes: &mut dyn FnMut() -> usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut stream = redactor.stream();
    let mut rest = input;
    while !rest.is_empty() {
        let n = sizes().clamp(1, rest.len());
        stream.push(&rest[..n], &mut out);
        rest = &rest[n..];
    }
    stream.finish(&mut out);
    out
}

/// A small deterministic generator (xorshift), so failures reproduce.
fn xorshift(mut state: u64) -> impl FnMut() -> u64 {
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}

#[test]
fn split_at_every_byte_gives_the_same_output() {
    let input = corpus(false);
    let expected = whole(&REDACTOR, &input);
    assert_ne!(expected, input, "the corpus holds secrets");
    for at in 0..=input.len() {
        let mut out = Vec::new();
        let mut stream = REDACTOR.stream();
        stream.push(&input[..at], &mut out);
        stream.push(&input[at..], &mut out);
        stream.finish(&mut out);
        assert!(out == expected, "split at byte {at} changed the output");
    }
}

#[test]
fn random_chunk_sizes_give_the_same_output() {
    let custom = [RuleConfig::new("ticket", r"^(?:id)=(\d+)")];
    let redactor = Redactor::new(&custom).unwrap().with_key(KEY);
    let input = corpus(true);
    let expected = whole(&redactor, &input);
    for seed in 1..=40u64 {
        let mut next = xorshift(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let max = [1, 3, 17, 200, 4096][(seed % 5) as usize];
        let out = chunked(&redactor, &input, &mut || (next() % max) as usize + 1);
        assert!(
            out == expected,
            "seed {seed} (chunks up to {max}) changed the output"
        );
    }
    let out = chunked(&redactor, &input, &mut || 1);
    assert!(out == expected, "one byte at a time changed the output");
}

#[test]
fn bytes_that_are_not_utf8_pass_through() {
    let out = whole(&REDACTOR, b"\xff\xfe password=hunter2 \x80\n\xc3\x28");
    let mut expected = b"\xff\xfe password=".to_vec();
    expected.extend_from_slice(tok("password", "hunter2").as_bytes());
    expected.extend_from_slice(b" \x80\n\xc3\x28");
    assert_eq!(out, expected);
}

#[test]
fn same_value_same_token_within_a_session() {
    let a = REDACTOR.redact_str("password=hunter2");
    let clone = REDACTOR.clone();
    let b = clone.redact_str("postgres://app:hunter2@db/app");
    assert_eq!(a, format!("password={}", tok("password", "hunter2")));
    assert_eq!(
        b,
        format!("postgres://app:{}@db/app", tok("url-password", "hunter2"))
    );
    let hex = |s: &str| {
        let end = s.find('»').unwrap();
        s[end - 4..end].to_owned()
    };
    assert_eq!(
        hex(&a),
        hex(&b),
        "the hash is of the value, whatever its kind"
    );
    assert_ne!(
        REDACTOR.redact_str("password=hunter3"),
        a,
        "another value, another token"
    );
}

#[test]
fn tokens_differ_across_keys_and_random_sessions() {
    let text = "password=hunter2 token=abc123 secret=s3cr3t";
    let fixed = REDACTOR.redact_str(text).into_owned();
    let other = Redactor::new(&[]).unwrap().with_key([8; 32]);
    assert_ne!(other.redact_str(text), fixed);
    let first = Redactor::new(&[]).unwrap();
    let second = Redactor::new(&[]).unwrap();
    assert_eq!(first.redact_str(text), first.redact_str(text));
    assert_ne!(first.redact_str(text), second.redact_str(text));
}

#[test]
fn stats_count_kinds_and_bytes() {
    let input = "password=a password=b\nAuthorization: Bearer abc.def\nplain\n";
    let mut out = Vec::new();
    let stats = REDACTOR.redact_io(Cursor::new(input), &mut out).unwrap();
    assert_eq!(stats.bytes_in, input.len() as u64);
    assert_eq!(stats.bytes_out, out.len() as u64);
    assert_eq!(
        stats
            .redactions
            .iter()
            .map(|(k, n)| (k.as_str(), *n))
            .collect::<Vec<_>>(),
        [("bearer", 1), ("password", 2)]
    );
    assert_eq!(stats.total(), 3);
    assert_eq!(
        stats.to_string(),
        format!(
            "3 redactions (bearer 1, password 2); {} bytes in, {} out",
            input.len(),
            out.len()
        )
    );
}

#[test]
fn nothing_to_redact_borrows() {
    let text = "GET /healthz 200\n";
    assert!(matches!(
        REDACTOR.redact_str(text),
        std::borrow::Cow::Borrowed(_)
    ));
}

/// Lines over 1 MiB are cut at a blank, the same way however they arrive.
#[test]
fn very_long_lines_are_cut_the_same_way() {
    let mut line = String::new();
    let mut i = 0;
    while line.len() < 3 << 20 {
        line.push_str(&format!("field{i}=value{i} "));
        if i % 50_000 == 7 {
            line.push_str(&format!("password=pw{i} "));
        }
        i += 1;
    }
    let input = format!("before\n{line}\nafter password=last\n");
    let expected = whole(&REDACTOR, input.as_bytes());
    let text = String::from_utf8(expected.clone()).unwrap();
    assert!(text.contains(&format!("password={}", tok("password", "pw7"))));
    assert!(text.ends_with(&format!("after password={}\n", tok("password", "last"))));
    assert!(!text.contains("password=pw"));
    for max in [1000, 65536, 1 << 20, 3 << 20] {
        let mut next = xorshift(max);
        let out = chunked(&REDACTOR, input.as_bytes(), &mut || {
            (next() % max) as usize + 1
        });
        assert!(out == expected, "chunks up to {max} changed the output");
    }
}
