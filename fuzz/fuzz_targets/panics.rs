//! The panic hook for both targets.
//!
//! libfuzzer-sys installs a hook that aborts on every panic, even one that is
//! caught later. medic-shell runs brush-parser inside `catch_unwind` (brush is
//! not panic-free, and a panic there becomes an unknown verdict), so under that
//! hook a caught brush-parser panic would be reported as a crash. This hook lets
//! panics raised in brush-parser's own source unwind to that `catch_unwind`, and
//! hands every other panic to libfuzzer-sys's hook, which aborts. If a
//! brush-parser panic is ever *not* caught, libfuzzer-sys's `catch_unwind`
//! around the target aborts anyway, so no real crash is hidden.

use std::sync::Once;

/// Installs the hook once per process.
pub fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let abort = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_brush = info
                .location()
                .is_some_and(|l| l.file().contains("brush-parser"));
            if !in_brush {
                abort(info);
            }
        }));
    });
}
