//! Fuzzes medic-shell's entry points on arbitrary text and checks the
//! invariants callers rely on: placeholder offsets slice the command back to
//! the raw text, and split_block's line numbers lie inside the block.

#![no_main]

use libfuzzer_sys::fuzz_target;
use medic_shell::{BlockHint, Lang};

mod panics;

fuzz_target!(|data: &[u8]| {
    panics::install_hook();
    let Ok(cmd) = std::str::from_utf8(data) else {
        return;
    };

    let _ = medic_shell::classify(cmd, Lang::Bash);
    let _ = medic_shell::classify(cmd, Lang::Sql);
    let _ = medic_shell::classify_sql(cmd);
    let _ = medic_shell::looks_like_command(cmd);

    for p in medic_shell::placeholders(cmd) {
        assert!(p.start <= p.end, "reversed placeholder {p:?}");
        assert!(p.end <= cmd.len(), "placeholder {p:?} past end {}", cmd.len());
        assert!(
            cmd.is_char_boundary(p.start) && cmd.is_char_boundary(p.end),
            "placeholder {p:?} not on char boundaries"
        );
        assert_eq!(&cmd[p.start..p.end], p.raw, "placeholder {p:?} does not slice back");
    }

    // split_block splits on '\n', so the block has this many lines (0-based).
    let lines = cmd.split('\n').count();
    for hint in [
        BlockHint::Shell,
        BlockHint::Console,
        BlockHint::Sql,
        BlockHint::Unknown,
    ] {
        for c in medic_shell::split_block(cmd, hint) {
            assert!(
                c.first_line <= c.last_line,
                "{hint:?}: first_line {} > last_line {}",
                c.first_line,
                c.last_line
            );
            assert!(
                c.last_line < lines,
                "{hint:?}: last_line {} outside a block of {lines} lines",
                c.last_line
            );
        }
    }
});
