//! The report: what matched, what ran, what it printed (redacted), what each
//! check says, and the guide's causes and fixes. Serialised as the JSON of
//! `medic check --json` / `medic diagnose --json` (schema in `docs/json.md`)
//! and rendered as Markdown and HTML.

use serde::{Deserialize, Serialize};

use crate::vars::Var;

/// A diagnosis report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Version of medic that wrote it.
    pub medic_version: String,
    /// When it was written (RFC 3339, UTC).
    pub generated_at: String,
    /// What the diagnosis started from.
    pub evidence: Evidence,
    /// The problem whose checks ran.
    pub problem: ProblemRef,
    /// Why the problem was chosen, when it was matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched: Option<MatchInfo>,
    /// Other problems that matched, best first.
    pub runners_up: Vec<Candidate>,
    /// Placeholder values used (redacted).
    pub vars: Vec<Var>,
    /// Each check, in the guide's order.
    pub checks: Vec<CheckReport>,
    /// Causes the guide lists.
    pub causes: Vec<CauseReport>,
    /// Fixes the guide lists (never run by medic).
    pub fixes: Vec<FixReport>,
    /// Counts per check status.
    pub summary: Summary,
}

/// What a diagnosis started from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Evidence {
    /// A problem named by id (`medic check`).
    Problem {
        /// The id given.
        id: String,
    },
    /// Free text: a symptom, an error message, log lines.
    Text {
        /// The text (redacted).
        text: String,
    },
    /// An alert.
    Alert {
        /// `alertname`.
        name: String,
        /// `firing` or `resolved`.
        status: String,
        /// Labels.
        labels: Vec<(String, String)>,
        /// Annotations (redacted).
        annotations: Vec<(String, String)>,
    },
    /// A failure found in a Kubernetes cluster (`medic diagnose --kube`).
    Finding {
        /// Its name (`CrashLoopBackOff`, `OOMKilled`, `FailedScheduling` …).
        name: String,
        /// The object it was seen on (`Pod lab/oom`).
        object: String,
        /// The workload that owns it (`Deployment lab/api`).
        workload: String,
        /// One line, for a person (redacted).
        summary: String,
        /// The messages behind it: waiting message, last termination, events (redacted).
        details: Vec<String>,
        /// The labels it was matched with and that filled placeholders.
        labels: Vec<(String, String)>,
    },
}

/// The problem a report is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemRef {
    /// `guide.md#anchor`.
    pub id: String,
    /// Its heading.
    pub title: String,
    /// The guide's path.
    pub guide: String,
    /// The guide's title.
    pub guide_title: String,
    /// The heading's line.
    pub line: usize,
    /// Headings above it.
    pub breadcrumb: Vec<String>,
}

/// Why a problem matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchInfo {
    /// The matcher's score.
    pub score: f32,
    /// Reasons, in words.
    pub reasons: Vec<String>,
}

/// Another problem that matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its score.
    pub score: f32,
}

/// How a check ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum CheckStatus {
    /// Every command succeeded.
    Ok,
    /// A command exited non-zero.
    Failed {
        /// Its exit code (none when a signal ended it).
        exit_code: Option<i32>,
    },
    /// A command ran out of time; its process group was killed.
    TimedOut,
    /// A command may change state, or medic cannot show it does not.
    Refused {
        /// Why.
        reason: String,
    },
    /// A placeholder has no value.
    NeedsValues {
        /// The placeholders (`<pod-name>`).
        placeholders: Vec<String>,
        /// How to give them.
        hint: String,
    },
    /// It could not run here (a tool not installed, no database, nothing to
    /// run, out of time).
    Skipped {
        /// Why.
        reason: String,
    },
}

impl CheckStatus {
    /// The status's name as the JSON `status` field gives it (`ok`, `failed`,
    /// `timed_out`, `refused`, `needs_values`, `skipped`): for CSS classes and metric labels.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Failed { .. } => "failed",
            Self::TimedOut => "timed_out",
            Self::Refused { .. } => "refused",
            Self::NeedsValues { .. } => "needs_values",
            Self::Skipped { .. } => "skipped",
        }
    }

    /// A short word for the status (`ok`, `failed`, `timed out`, …).
    #[must_use]
    pub fn label(&self) -> String {
        match self {
            Self::Ok => "ok".to_owned(),
            Self::Failed {
                exit_code: Some(code),
            } => format!("failed (exit {code})"),
            Self::Failed { exit_code: None } => "failed (killed by a signal)".to_owned(),
            Self::TimedOut => "timed out".to_owned(),
            Self::Refused { .. } => "refused".to_owned(),
            Self::NeedsValues { .. } => "needs values".to_owned(),
            Self::Skipped { reason } => format!("skipped ({reason})"),
        }
    }

    /// The explanation, when there is one beyond the label.
    #[must_use]
    pub fn detail(&self) -> Option<String> {
        match self {
            Self::Refused { reason } => Some(reason.clone()),
            Self::NeedsValues { placeholders, hint } => {
                Some(format!("needs {}: {hint}", placeholders.join(", ")))
            }
            _ => None,
        }
    }
}

/// One check's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckReport {
    /// Position among the problem's checks, from 1.
    pub index: usize,
    /// What the guide says the step does.
    pub description: String,
    /// Its line in the guide.
    pub line: usize,
    /// How it ended.
    #[serde(flatten)]
    pub status: CheckStatus,
    /// Its commands.
    pub steps: Vec<StepReport>,
}

impl CheckReport {
    /// Whether any of its commands ran.
    #[must_use]
    pub fn ran(&self) -> bool {
        self.steps.iter().any(|s| s.run.is_some())
    }

    /// Time its commands took, in milliseconds.
    #[must_use]
    pub fn duration_ms(&self) -> u64 {
        self.steps
            .iter()
            .filter_map(|s| s.run.as_ref().map(|r| r.duration_ms))
            .sum()
    }
}

/// One command of a check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepReport {
    /// As the guide writes it.
    pub command: String,
    /// With values filled in, as it ran (or would run).
    pub rendered: String,
    /// `bash` or `sql`.
    pub lang: String,
    /// Its line in the guide.
    pub line: usize,
    /// `read`, `write` or `unknown`.
    pub verdict: String,
    /// Why.
    pub reasons: Vec<String>,
    /// Whether it runs until stopped (`-f`, `--watch`).
    pub long_running: bool,
    /// Whether a person allowed it although it was refused.
    pub consented: bool,
    /// The run, when it ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run: Option<RunReport>,
}

/// The transcript of one run, output redacted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunReport {
    /// `ok`, `failed`, `timed_out`, `bounded`, `not_installed`, `not_started`.
    pub outcome: String,
    /// When it started (RFC 3339, UTC).
    pub started_at: String,
    /// How long it ran, in milliseconds.
    pub duration_ms: u64,
    /// Exit code, when it exited.
    pub exit_code: Option<i32>,
    /// Standard output (redacted, capped).
    pub stdout: String,
    /// Standard error (redacted, capped).
    pub stderr: String,
    /// Bytes the command wrote to stdout.
    pub stdout_bytes: u64,
    /// Bytes the command wrote to stderr.
    pub stderr_bytes: u64,
    /// Whether either stream was cut at the cap.
    pub truncated: bool,
    /// `sha256:…` of the redacted stdout, a NUL, and the redacted stderr.
    pub digest: String,
}

/// A cause the guide lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CauseReport {
    /// The cause.
    pub text: String,
    /// The error it shows, when the guide says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The guide's solution for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub solution: Option<String>,
    /// Its line.
    pub line: usize,
}

/// A fix the guide lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixReport {
    /// What it does.
    pub description: String,
    /// Its line.
    pub line: usize,
    /// Its commands (shown, never run).
    pub commands: Vec<String>,
}

/// How many checks ended each way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// `ok`.
    pub ok: usize,
    /// `failed`.
    pub failed: usize,
    /// `timed_out`.
    pub timed_out: usize,
    /// `refused`.
    pub refused: usize,
    /// `needs_values`.
    pub needs_values: usize,
    /// `skipped`.
    pub skipped: usize,
}

impl std::fmt::Display for Summary {
    /// `2 ok, 1 failed, 0 timed out, 1 refused, 0 need values, 0 skipped`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ok, {} failed, {} timed out, {} refused, {} need values, {} skipped",
            self.ok, self.failed, self.timed_out, self.refused, self.needs_values, self.skipped
        )
    }
}

impl Summary {
    /// Counts the checks.
    #[must_use]
    pub fn of(checks: &[CheckReport]) -> Self {
        let mut s = Self::default();
        for c in checks {
            match c.status {
                CheckStatus::Ok => s.ok += 1,
                CheckStatus::Failed { .. } => s.failed += 1,
                CheckStatus::TimedOut => s.timed_out += 1,
                CheckStatus::Refused { .. } => s.refused += 1,
                CheckStatus::NeedsValues { .. } => s.needs_values += 1,
                CheckStatus::Skipped { .. } => s.skipped += 1,
            }
        }
        s
    }

    /// Whether a check failed or timed out: the diagnosis found something.
    #[must_use]
    pub fn found_failure(&self) -> bool {
        self.failed + self.timed_out > 0
    }
}
