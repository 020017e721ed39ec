//! A problem's checks, run safely, and the report on them.
//!
//! - [`Vars`] collects placeholder values from flags, alert labels, config and
//!   `MEDIC_VAR_*`;
//! - [`plan`] decides for each check whether it may run (every command `read`,
//!   before and after values are filled in; every placeholder known; SQL has
//!   a database) and renders its commands safely;
//! - [`Runner`] runs the runnable checks in parallel through `medic-exec`,
//!   redacts every output with `medic-redact`, and builds the [`Report`];
//! - [`markdown`] and [`html`] render a report; its JSON is its `Serialize`.
//!
//! ```
//! use medic_check::{PlanOptions, StepPlan, Vars, plan};
//!
//! let text = "# DB\n\n## Too many connections\n\n**Symptoms**: `too many clients`\n\n\
//!             **Diagnosis**:\n\n1. Count them:\n```bash\npsql -h <host> -c 'SELECT count(*) FROM pg_stat_activity'\n```\n\
//!             2. Free slots:\n```sql\nSELECT pg_terminate_backend(pid) FROM pg_stat_activity;\n```\n";
//! let mut guide = medic_guide::parse("db.md", text);
//! guide.classify();
//! let mut vars = Vars::new();
//! vars.add_flags([("host", "db1")]);
//! let checks = plan(&guide.problems[0], &vars, &PlanOptions::default());
//! assert_eq!(checks[0].steps[0].plan, StepPlan::Run);
//! assert_eq!(checks[0].steps[0].rendered.display, "psql -h db1 -c 'SELECT count(*) FROM pg_stat_activity'");
//! assert!(matches!(checks[1].steps[0].plan, StepPlan::Refused { .. }));
//! ```

mod bundle;
mod html;
mod markdown;
mod plan;
mod report;
mod run;
mod vars;

pub use bundle::{GuideSource, write_bundle};
pub use html::{esc, html};
pub use markdown::markdown;
pub use plan::{PlanOptions, PlannedCheck, PlannedStep, StepPlan, job, plan, plan_step};
pub use report::{
    Candidate, CauseReport, CheckReport, CheckStatus, Evidence, FixReport, MatchInfo, ProblemRef,
    Report, RunReport, StepReport, Summary,
};
pub use run::{Runner, millis, timestamp};
pub use vars::{ALIASES, DEFAULT_LABEL_MAP, LabelMap, Var, VarSource, Vars, normalise};
