//! Terminal styling: colour only when standard output is a terminal and NO_COLOR is unset.

use std::io::IsTerminal;
use std::sync::OnceLock;

use medic_shell::Safety;

fn enabled() -> bool {
    static ENABLED: OnceLock<bool> = OnceLock::new();
    *ENABLED
        .get_or_init(|| std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none())
}

fn paint(code: &str, text: &str) -> String {
    if enabled() {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}

pub(crate) fn bold(text: &str) -> String {
    paint("1", text)
}

pub(crate) fn dim(text: &str) -> String {
    paint("2", text)
}

/// The verdict word, padded to the width of the longest one, coloured.
pub(crate) fn safety(s: Safety) -> String {
    match s {
        Safety::Read => paint("32", "read   "),
        Safety::Write => paint("31", "write  "),
        Safety::Unknown => paint("33", "unknown"),
    }
}

/// A check status word, coloured by how it ended.
pub(crate) fn status(text: &str, status: &medic_check::CheckStatus) -> String {
    paint(status_colour(status), text)
}

/// A one-character mark for a check status.
pub(crate) fn status_mark(status: &medic_check::CheckStatus) -> String {
    use medic_check::CheckStatus;
    let mark = match status {
        CheckStatus::Ok => "✓",
        CheckStatus::Failed { .. } | CheckStatus::TimedOut => "✗",
        CheckStatus::Refused { .. } => "⊘",
        CheckStatus::NeedsValues { .. } | CheckStatus::Skipped { .. } => "·",
    };
    paint(status_colour(status), mark)
}

fn status_colour(status: &medic_check::CheckStatus) -> &'static str {
    use medic_check::CheckStatus;
    match status {
        CheckStatus::Ok => "32",
        CheckStatus::Failed { .. } | CheckStatus::TimedOut => "31",
        CheckStatus::Refused { .. } => "33",
        CheckStatus::NeedsValues { .. } | CheckStatus::Skipped { .. } => "2",
    }
}
