//! Matching: an incident's evidence — a symptom in words, an error message, log lines, a
//! firing alert — to the problem sections of a set of guides, ranked, each with the
//! reasons it matched. Deterministic, offline, milliseconds.
//!
//! ```
//! use medic_match::{Evidence, Matcher};
//!
//! let guide = medic_guide::parse(
//!     "db.md",
//!     "# DB\n\n## Connection Exhaustion\n\n**Symptom**: \"FATAL: sorry, too many clients already\"\n",
//! );
//! let matcher = Matcher::new(&[guide]).unwrap();
//! let found = matcher.search(&Evidence::Text("FATAL:  sorry, too many clients already".into()), 5);
//! assert_eq!(found[0].id, "db.md#connection-exhaustion");
//! ```

mod alert;
mod analyzer;
mod english;
mod evidence;
mod matcher;
mod normalize;
mod signals;
mod synonyms;

pub use alert::{Alert, AlertError, alerts_in, parse_alerts};
pub use evidence::Evidence;
pub use matcher::{Match, MatchError, Matcher};
