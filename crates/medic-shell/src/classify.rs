//! The entry point for verdicts: [`classify`] a command in a language.
//!
//! Angle placeholders (`<pod-id>`) are replaced by plain words before the
//! shell parser sees them, so `kubectl logs <pod-id>` is judged by its shape;
//! the verdict assumes every placeholder gets a value before the command runs.

use crate::lang::Lang;
use crate::placeholder::neutralise_angles;
use crate::shell::classify_shell;
use crate::sql::classify_sql;
use crate::verdict::Verdict;

/// Classifies one command.
///
/// Never panics; text that cannot be analysed is [`crate::Safety::Unknown`].
///
/// ```
/// use medic_shell::{Lang, Safety, classify};
/// let v = classify("kubectl logs -n <ns> <pod-id> -f", Lang::Bash);
/// assert_eq!(v.safety, Safety::Read);
/// assert!(v.long_running);
/// ```
#[must_use]
pub fn classify(command: &str, lang: Lang) -> Verdict {
    let text = neutralise_angles(command);
    match lang {
        Lang::Bash => classify_shell(&text, 0),
        Lang::Sql => classify_sql(&text),
    }
}
