//! The five seed guides the product was conceived from: problems, counts, and the verdict
//! of every command, as a snapshot a person can review line by line.

#![expect(
    clippy::unwrap_used,
    reason = "rendering helpers outside #[test] functions fail loudly"
)]

use std::fmt::Write;
use std::path::Path;

use medic_guide::{Command, Guide};

fn render_command(out: &mut String, c: &Command) {
    let v = c.verdict.as_ref().unwrap();
    let safety = serde_json::to_value(v.safety).unwrap();
    let first = c.text.lines().next().unwrap_or("");
    let more = if c.text.lines().count() > 1 {
        " …"
    } else {
        ""
    };
    writeln!(
        out,
        "      {:7} {first}{more}  :{}",
        safety.as_str().unwrap(),
        c.span.line
    )
    .unwrap();
}

fn render(guide: &Guide) -> String {
    let mut out = String::new();
    writeln!(out, "{} — {}", guide.path, guide.title).unwrap();
    for p in &guide.problems {
        writeln!(
            out,
            "  {}  [{}] symptoms {} ({:?}) checks {} fixes {} causes {} signals {}",
            p.id,
            p.title,
            p.symptoms.len(),
            p.symptom_source,
            p.checks.len(),
            p.fixes.len(),
            p.causes.len(),
            p.signals.len()
        )
        .unwrap();
        for c in &p.checks {
            writeln!(out, "    check: {}", c.description).unwrap();
            for cmd in &c.commands {
                render_command(&mut out, cmd);
            }
        }
        for f in &p.fixes {
            writeln!(out, "    fix: {}", f.description).unwrap();
            for cmd in &f.commands {
                render_command(&mut out, cmd);
            }
        }
    }
    for p in &guide.procedures {
        writeln!(
            out,
            "  {}  [{}] procedure, steps {}",
            p.id,
            p.title,
            p.steps.len()
        )
        .unwrap();
        for s in &p.steps {
            for cmd in &s.commands {
                render_command(&mut out, cmd);
            }
        }
    }
    out
}

#[test]
fn seeds() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/seeds");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    assert_eq!(names.len(), 5);
    for path in names {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let mut guide = medic_guide::parse(&name, &text);
        guide.classify();
        assert!(
            guide.problems.len() >= 7,
            "{name}: {} problems",
            guide.problems.len()
        );
        insta::assert_snapshot!(name.trim_end_matches(".txt").to_owned(), render(&guide));
    }
}
