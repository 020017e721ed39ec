//! The languages a command can be written in: a shell command line or SQL.

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
