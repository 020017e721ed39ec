//! Fuzzes the guide parser: arbitrary text → `medic_guide::parse` → `classify`,
//! then walks the model and checks every span against the text's line count,
//! so mistakes in line math show up as crashes, not just panics inside parse.

#![no_main]

use libfuzzer_sys::fuzz_target;
use medic_guide::{Check, Fix, Guide, Section, Span};

mod panics;

fuzz_target!(|data: &[u8]| {
    panics::install_hook();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut guide = medic_guide::parse("fuzz.md", text);
    guide.classify();
    walk(&guide, text);
});

/// Checks every span in the guide and touches every lookup.
fn walk(guide: &Guide, text: &str) {
    // `guide.lines` is `text.lines().count()`; a span may also name the empty
    // line after a trailing newline, so allow one more than that.
    let last = text.split('\n').count();
    assert!(guide.lines <= last, "lines {} > {last}", guide.lines);
    let check = |what: &str, span: Span| {
        assert!(span.line >= 1, "{what}: line 0 in {span:?}");
        assert!(span.line <= span.end_line, "{what}: reversed {span:?}");
        assert!(span.end_line <= last, "{what}: {span:?} past line {last}");
    };
    for section in guide.all_sections() {
        check("section", section.span);
        section_children(section, &check);
    }
    for signal in &guide.signals {
        check("guide signal", signal.span);
    }
    for problem in &guide.problems {
        check("problem", problem.span);
        assert!(guide.problem(&problem.anchor).is_some());
        for text in problem.symptoms.iter().chain(&problem.impact).chain(&problem.lead) {
            check("problem text", text.span);
        }
        for cause in &problem.causes {
            check("cause", cause.span);
        }
        for step in &problem.checks {
            check_step("check", step, &check);
        }
        for fix in &problem.fixes {
            fix_step(fix, &check);
        }
        for signal in &problem.signals {
            check("signal", signal.span);
        }
    }
    for procedure in &guide.procedures {
        check("procedure", procedure.span);
        assert!(guide.procedure(&procedure.anchor).is_some());
        for step in &procedure.steps {
            check_step("step", step, &check);
        }
    }
}

fn section_children(section: &Section, check: &impl Fn(&str, Span)) {
    for child in &section.children {
        check("child section", child.span);
        assert!(child.level > section.level, "child level {} <= {}", child.level, section.level);
    }
}

fn check_step(what: &str, step: &Check, check: &impl Fn(&str, Span)) {
    check(what, step.span);
    for command in &step.commands {
        check("command", command.span);
        assert!(command.verdict.is_some(), "command left unclassified");
    }
    for snippet in &step.snippets {
        check("snippet", snippet.span);
    }
    for note in &step.notes {
        check("note", note.span);
    }
}

fn fix_step(fix: &Fix, check: &impl Fn(&str, Span)) {
    check("fix", fix.span);
    for command in &fix.commands {
        check("fix command", command.span);
        assert!(command.verdict.is_some(), "fix command left unclassified");
    }
    for snippet in &fix.snippets {
        check("fix snippet", snippet.span);
    }
}
