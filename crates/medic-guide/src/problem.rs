//! Problems and procedures: the units medic matches, checks and reports on.

use serde::Serialize;

use crate::check::{Check, Fix};
use crate::signal::Signal;
use crate::span::Span;

/// A piece of prose with its position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Text {
    /// The text, code spans in backticks.
    pub text: String,
    /// Where it is written.
    pub span: Span,
}

/// A documented cause, with its solution when the guide pairs them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cause {
    /// The cause.
    pub text: String,
    /// The error the cause produces, from `| Error | Cause | Solution |` tables.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The solution the guide pairs with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub solution: Option<String>,
    /// Where it is written.
    pub span: Span,
}

/// Where a problem's symptom text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SymptomSource {
    /// The guide lists symptoms (a heading, a bold label, or inline).
    Stated,
    /// The guide does not: the title and lead paragraph stand in.
    Inferred,
}

/// A problem a guide documents.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    /// `<guide path>#<anchor>`.
    pub id: String,
    /// The heading's GitHub anchor.
    pub anchor: String,
    /// The heading's text, without a leading number (`1. `).
    pub title: String,
    /// The guide title and the headings above this one.
    pub breadcrumb: Vec<String>,
    /// The whole section.
    pub span: Span,
    /// Symptoms.
    pub symptoms: Vec<Text>,
    /// Whether symptoms were stated or inferred from the title and lead.
    pub symptom_source: SymptomSource,
    /// The first paragraph under the heading, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead: Option<Text>,
    /// What the problem does to users (`Impact` in alert runbooks).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub impact: Vec<Text>,
    /// Documented causes.
    pub causes: Vec<Cause>,
    /// Diagnostic steps, in order.
    pub checks: Vec<Check>,
    /// Solutions and mitigations, in order.
    pub fixes: Vec<Fix>,
    /// Exact evidence the problem names.
    pub signals: Vec<Signal>,
    /// All prose of the section, for full-text matching.
    #[serde(skip)]
    pub body: String,
    /// The section's code blocks that are not commands (sample output, configuration), for
    /// full-text matching.
    #[serde(skip)]
    pub code: String,
}

/// A procedure: steps to follow on purpose, not a problem to match.
#[derive(Debug, Clone, Serialize)]
pub struct Procedure {
    /// `<guide path>#<anchor>`.
    pub id: String,
    /// The heading's GitHub anchor.
    pub anchor: String,
    /// The heading's text.
    pub title: String,
    /// The guide title and the headings above this one.
    pub breadcrumb: Vec<String>,
    /// The whole section.
    pub span: Span,
    /// Its steps, in order.
    pub steps: Vec<Check>,
}
