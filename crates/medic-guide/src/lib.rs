//! Troubleshooting guides as data: Markdown in, a model of problems out.
//!
//! A guide is parsed into a heading tree whose sections are problems, procedures,
//! categories or reference material; each problem carries its symptoms, checks (the
//! diagnostic commands, each with the comment that describes it), causes, fixes and
//! signals (exact error strings, codes, reasons, metric names), all with line spans.
//! How headings and labels are read is written down in `docs/guide-format.md`.
//!
//! ```
//! let guide = medic_guide::parse(
//!     "db.md",
//!     "# Database\n\n## Connection Exhaustion\n\n**Symptom**: \"FATAL: sorry, too many clients\".\n\n\
//!      **Diagnosis**:\n```sql\n-- Check current connections\nSELECT count(*) FROM pg_stat_activity;\n```\n",
//! );
//! let problem = &guide.problems[0];
//! assert_eq!(problem.id, "db.md#connection-exhaustion");
//! assert_eq!(problem.checks[0].description, "Check current connections");
//! ```

mod anchor;
mod build;
mod check;
mod guide;
mod heading;
mod markdown;
mod problem;
mod section;
mod signal;
mod span;

pub use anchor::slugify;
pub use build::parse;
pub use check::{Check, Command, Fix, Snippet};
pub use guide::Guide;
pub use problem::{Cause, Problem, Procedure, SymptomSource, Text};
pub use section::{Section, SectionKind};
pub use signal::{K8S_REASONS, Signal, SignalKind};
pub use span::Span;
