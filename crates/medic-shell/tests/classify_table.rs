//! The classification table: every row's command must get exactly the
//! expected verdict, and no write or unknown row may ever come out read.

#[path = "support/table.rs"]
mod table;

use medic_shell::{Safety, classify};
use table::TABLE;

#[test]
fn table_has_enough_rows() {
    assert!(TABLE.len() >= 100, "only {} rows", TABLE.len());
}

#[test]
fn every_row_gets_its_expected_verdict() {
    let mut failures = Vec::new();
    for (command, lang, safety, long_running) in TABLE {
        let v = classify(command, *lang);
        if v.safety != *safety || v.long_running != *long_running {
            failures.push(format!(
                "{command:?}\n   expected {safety:?} long={long_running}, got {:?} long={} {:?}",
                v.safety, v.long_running, v.reasons
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} rows differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn no_write_or_unknown_row_comes_out_read() {
    let leaked: Vec<&str> = TABLE
        .iter()
        .filter(|(_, _, expected, _)| *expected != Safety::Read)
        .filter(|(command, lang, _, _)| classify(command, *lang).safety == Safety::Read)
        .map(|(command, _, _, _)| *command)
        .collect();
    assert!(
        leaked.is_empty(),
        "non-read commands classified read: {leaked:#?}"
    );
}

#[test]
fn every_verdict_has_a_reason() {
    for (command, lang, _, _) in TABLE {
        assert!(!classify(command, *lang).reasons.is_empty(), "{command}");
    }
}

/// A small deterministic generator of shell-ish noise (no external crates).
fn noise(seed: &mut u64, len: usize) -> String {
    const ALPHABET: &[&str] = &[
        "kubectl", " ", "get", "'", "\"", "$(", ")", "`", "<", ">", "<<", "EOF", "\n", "\\", "|",
        "&&", ";", "{", "}", "$", "#", "SELECT", "--", "é", "\r\n", "-f", "=", "*", "(", "rm",
        "<pod-id>", "YOUR_", "$$", "/*", "*/", "\t", "psql -c", "${", "[", "]", "~", "&",
    ];
    let mut out = String::new();
    for _ in 0..len {
        *seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let pick = usize::try_from(*seed >> 33).unwrap_or(0) % ALPHABET.len();
        out.push_str(ALPHABET[pick]);
    }
    out
}

#[test]
fn arbitrary_text_never_panics() {
    use medic_shell::{BlockHint, Lang, looks_like_command, placeholders, split_block};
    let mut seed = 7;
    for round in 0..1500 {
        let text = noise(&mut seed, 1 + round % 40);
        for c in split_block(&text, BlockHint::Shell) {
            let _ = classify(&c.text, c.lang);
        }
        let _ = split_block(&text, BlockHint::Unknown);
        let _ = split_block(&text, BlockHint::Console);
        let _ = split_block(&text, BlockHint::Sql);
        let v = classify(&text, Lang::Bash);
        assert!(!v.reasons.is_empty());
        let _ = classify(&text, Lang::Sql);
        for p in placeholders(&text) {
            assert_eq!(text.get(p.start..p.end), Some(p.raw.as_str()));
        }
        let _ = looks_like_command(&text);
    }
}

/// The seed guides shipped with the repository (`testdata/seeds`).
fn seed_blocks() -> Vec<(String, medic_shell::BlockHint)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/seeds");
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read seed guides in {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    let mut blocks = Vec::new();
    for path in entries {
        let text = std::fs::read_to_string(&path).expect("seed guide is readable");
        let mut open: Option<(Option<medic_shell::BlockHint>, String)> = None;
        for line in text.lines() {
            let trimmed = line.trim_start();
            if let Some(info) = trimmed.strip_prefix("```") {
                match open.take() {
                    Some((Some(hint), body)) => blocks.push((body, hint)),
                    Some((None, _)) => {}
                    None => open = Some((medic_shell::BlockHint::from_fence(info), String::new())),
                }
            } else if let Some((_, body)) = open.as_mut() {
                body.push_str(line);
                body.push('\n');
            }
        }
    }
    blocks
}

#[test]
fn seed_writes_are_never_read() {
    const WRITES: &[&str] = &[
        "rollout restart",
        "rollout undo",
        "FLUSHDB",
        "kubectl scale",
        "kubectl patch",
        "kubectl annotate",
        "kubectl apply",
        "kubectl delete",
        "kubectl create",
        "kubectl exec",
        "kubectl cp",
        "kubectl run",
        "kubectl set",
        "ALTER ",
        "UPDATE ",
        "CREATE INDEX",
        "pg_terminate_backend",
        "pg_reload_conf",
        "make ",
        "curl -X POST",
        "mkdir",
        "psql -h localhost -U hodei -d hodei -f",
        "port-forward",
        "export ",
    ];
    let mut commands = 0;
    let mut leaked = Vec::new();
    for (block, hint) in seed_blocks() {
        for command in medic_shell::split_block(&block, hint) {
            commands += 1;
            let verdict = classify(&command.text, command.lang);
            let redirects = command.lang == medic_shell::Lang::Bash && command.text.contains(" > ");
            if verdict.safety == Safety::Read
                && (redirects || WRITES.iter().any(|w| command.text.contains(w)))
            {
                leaked.push(command.text);
            }
        }
    }
    assert!(
        commands > 150,
        "only {commands} commands found in the seeds"
    );
    assert!(
        leaked.is_empty(),
        "seed writes classified read: {leaked:#?}"
    );
}

#[test]
fn seed_explain_analyze_update_is_a_write() {
    let v = classify(
        "EXPLAIN ANALYZE UPDATE provider_configs SET max_workers = 1",
        medic_shell::Lang::Sql,
    );
    assert_eq!(v.safety, Safety::Write);
    assert!(
        v.reasons
            .iter()
            .any(|r| r.contains("executes the `UPDATE`")),
        "{:?}",
        v.reasons
    );
}
