//! Command analysis: what a command in a guide is, and whether medic may run it.
//!
//! medic runs a guide's diagnostic commands unattended only when it can show
//! they are read-only. This crate decides that:
//! - [`classify`] gives a [`Verdict`] — [`Safety::Read`], [`Safety::Write`] or
//!   [`Safety::Unknown`] (treated as a write), whether it runs forever, and
//!   the reasons. Shell text is parsed with `brush-parser` and walked: every
//!   simple command, pipeline stage, substitution and redirection counts; SQL
//!   is parsed with `sqlparser` ([`classify_sql`]).
//! - [`placeholders`] finds the values a reader must fill in (`<pod-id>`,
//!   `YOUR_TOKEN_HERE`, `$NAMESPACE`, `{id}`, `my-guild`).
//! - [`render`] fills placeholders so that no value can become shell or SQL
//!   syntax: values are bound to environment variables, or quoted as literals.
//! - [`split_block`] turns a fenced code block into commands with their lines
//!   and describing comments; [`looks_like_command`] recognises commands in
//!   inline code.
//!
//! ```
//! use medic_shell::{Lang, Safety, classify};
//!
//! assert_eq!(classify("kubectl get pods -n prod | grep Crash", Lang::Bash).safety, Safety::Read);
//! assert_eq!(classify("kubectl rollout restart deployment/api", Lang::Bash).safety, Safety::Write);
//! assert_eq!(classify("EXPLAIN ANALYZE DELETE FROM jobs", Lang::Sql).safety, Safety::Write);
//! ```

mod classify;
mod inline;
mod lang;
mod placeholder;
mod render;
mod shell;
mod split;
mod sql;
mod sql_split;
mod tools;
mod verdict;

pub use classify::classify;
pub use inline::looks_like_command;
pub use lang::Lang;
pub use placeholder::{Confidence, Placeholder, PlaceholderKind, placeholders};
pub use render::{Rendered, VALUE_VAR_PREFIX, render};
pub use split::{BlockCommand, BlockHint, split_block};
pub use sql::classify_sql;
pub use verdict::{Safety, Verdict};

/// Whether medic knows a program (`kubectl`, `grep`, `rm`, …), whatever the
/// verdict of its invocations. Useful to tell commands from prose.
#[must_use]
pub fn is_known_program(name: &str) -> bool {
    tools::is_known(tools::program_name(name))
}
