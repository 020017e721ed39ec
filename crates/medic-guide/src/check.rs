//! Checks and fixes: steps of a guide, each a description and the commands it runs.

use medic_shell::{Lang, Verdict};
use serde::Serialize;

use crate::problem::Text;
use crate::span::Span;

/// A command found in a code block or in inline code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Command {
    /// The command as it would run.
    pub text: String,
    /// Bash or SQL.
    pub lang: Lang,
    /// The fence's language tag (`bash`, `sql`, `` for none; `inline` for inline code).
    pub block_lang: String,
    /// The comment lines right above it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Its lines in the guide.
    pub span: Span,
    /// Whether it is safe to run; filled by [`crate::Guide::classify`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
}

impl Command {
    /// Classifies the command (read/write/unknown) and keeps the verdict.
    pub fn classify(&mut self) -> &Verdict {
        self.verdict
            .get_or_insert_with(|| medic_shell::classify(&self.text, self.lang))
    }
}

/// A code block that is not commands: configuration, source, sample output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snippet {
    /// The fence's language tag.
    pub lang: String,
    /// The block's text.
    pub text: String,
    /// Its lines, fences included.
    pub span: Span,
}

/// A diagnostic step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// What the step does, from its list item, bold label or comment.
    pub description: String,
    /// Where the step is written.
    pub span: Span,
    /// Its commands, in order.
    pub commands: Vec<Command>,
    /// Code that is not commands (expected output, config to look at).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub snippets: Vec<Snippet>,
    /// Instructions in prose that are part of the step (`Go to Discord server settings`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Text>,
}

/// A solution or mitigation step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// What the step does.
    pub description: String,
    /// Where it is written.
    pub span: Span,
    /// Its commands, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub commands: Vec<Command>,
    /// Configuration or code to apply.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub snippets: Vec<Snippet>,
}
