//! Command analysis: what a command in a guide is, and whether medic may run it.
//!
//! This is a placeholder skeleton fixing the public API; the implementation
//! lives in the modules that replace it.

use serde::Serialize;

/// The language a command is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// A POSIX/bash shell command line.
    Bash,
    /// A SQL statement (PostgreSQL dialect).
    Sql,
}

/// Whether a command changes state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Safety {
    /// Proven read-only.
    Read,
    /// Known to change state.
    Write,
    /// Not proven either way; treated as a write everywhere.
    Unknown,
}

/// The result of classifying one command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// read, write or unknown.
    pub safety: Safety,
    /// The command does not end by itself (`-f`, `--watch`, `watch`, `port-forward`).
    pub long_running: bool,
    /// Why, in words a person checks at a glance.
    pub reasons: Vec<String>,
}

/// Classifies one command.
pub fn classify(_command: &str, _lang: Lang) -> Verdict {
    Verdict {
        safety: Safety::Unknown,
        long_running: false,
        reasons: vec!["not analysed".to_owned()],
    }
}

/// How a placeholder is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceholderKind {
    /// `<pod-id>`
    Angle,
    /// `YOUR_TOKEN_HERE`, `your_key`
    Your,
    /// `{id}`
    Brace,
    /// `$NAMESPACE`, `${POD}`
    EnvVar,
    /// `my-guild`
    Example,
}

/// How sure the detector is that a placeholder is one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Certainly a placeholder.
    High,
    /// Probably an example value.
    Low,
}

/// A value the reader is expected to fill in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Placeholder {
    /// Normalised name (`pod-id`, `token`, `namespace`).
    pub name: String,
    /// The text as written (`<pod-id>`).
    pub raw: String,
    /// How it is written.
    pub kind: PlaceholderKind,
    /// Byte offset of `raw` in the command.
    pub start: usize,
    /// Byte offset one past the end of `raw`.
    pub end: usize,
    /// How sure the detector is.
    pub confidence: Confidence,
}

/// Finds the placeholders in a command.
pub fn placeholders(_command: &str) -> Vec<Placeholder> {
    Vec::new()
}

/// What the fence of a code block says about its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BlockHint {
    /// `bash`, `sh`, `shell`, `zsh`.
    Shell,
    /// `console`, `shell-session`: `$ ` prompts with output between.
    Console,
    /// `sql`, `postgresql`, `psql`.
    Sql,
    /// No tag, or `text`: may hold commands, output or anything else.
    Unknown,
}

/// One command found in a code block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlockCommand {
    /// The command as it would run (continuations kept, prompt removed).
    pub text: String,
    /// Its language.
    pub lang: Lang,
    /// First line of the command, 0-based within the block.
    pub first_line: usize,
    /// Last line of the command, 0-based within the block.
    pub last_line: usize,
    /// The comment lines right above it that describe it.
    pub comment: Option<String>,
}

/// Splits a code block into commands.
pub fn split_block(text: &str, _hint: BlockHint) -> Vec<BlockCommand> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|(i, l)| BlockCommand {
            text: l.trim().to_owned(),
            lang: Lang::Bash,
            first_line: i,
            last_line: i,
            comment: None,
        })
        .collect()
}

/// Whether a short text (inline code in prose) is a command line.
pub fn looks_like_command(_text: &str) -> bool {
    false
}
