//! Sections: the heading tree of a guide, each heading with the role medic gave it.

use serde::Serialize;

use crate::span::Span;

/// What a section is to medic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    /// A problem: something that goes wrong, with symptoms, checks, causes, fixes.
    Problem,
    /// A part of a problem (`Symptoms`, `Diagnosis`, `Solutions`, `Meaning` …).
    Part,
    /// A procedure to follow on purpose (emergency rollback, disable a provider).
    Procedure,
    /// A heading that groups problems or procedures (`Database Problems`).
    Category,
    /// Reference material that is neither: table of contents, getting help,
    /// prevention, diagnostic tools, debug mode.
    Reference,
}

/// A heading and what it contains.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    /// The heading's text as a person reads it.
    pub title: String,
    /// The GitHub anchor of the heading.
    pub anchor: String,
    /// 1 for `#`, 2 for `##` …
    pub level: u8,
    /// From the heading line to the line before the next heading of the same or a higher level.
    pub span: Span,
    /// Its role.
    pub kind: SectionKind,
    /// Sub-headings.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Section>,
}
