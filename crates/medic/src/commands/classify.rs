//! `medic classify`: safety verdicts for commands given on the command line or stdin.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use anyhow::{Context, Result};
use medic_shell::Lang;
use serde::Serialize;

use crate::cli::{ClassifyArgs, LangArg};
use crate::term;

#[derive(Serialize)]
struct Line<'a> {
    command: &'a str,
    lang: Lang,
    safety: medic_shell::Safety,
    long_running: bool,
    reasons: &'a [String],
}

const SQL_KEYWORDS: &[&str] = &[
    "select", "with", "explain", "show", "insert", "update", "delete", "alter", "create", "drop",
    "truncate", "vacuum", "analyze", "grant", "revoke", "copy", "set", "begin", "commit", "table",
    "values", "reindex", "cluster", "refresh", "call", "do", "lock",
];

fn detect(command: &str) -> Lang {
    let first = command
        .trim_start()
        .split(|c: char| c.is_whitespace() || c == '(' || c == ';')
        .next()
        .unwrap_or("")
        .to_lowercase();
    if SQL_KEYWORDS.contains(&first.as_str()) {
        Lang::Sql
    } else {
        Lang::Bash
    }
}

pub(crate) fn run(args: &ClassifyArgs) -> Result<ExitCode> {
    let commands: Vec<String> = if args.command == "-" {
        std::io::stdin()
            .lock()
            .lines()
            .collect::<std::io::Result<Vec<_>>>()
            .context("cannot read commands from standard input (expected UTF-8 text, one command per line)")?
            .into_iter()
            .filter(|l| !l.trim().is_empty())
            .collect()
    } else {
        vec![args.command.clone()]
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for command in &commands {
        let lang = match args.lang {
            Some(LangArg::Bash) => Lang::Bash,
            Some(LangArg::Sql) => Lang::Sql,
            None => detect(command),
        };
        let verdict = medic_shell::classify(command, lang);
        if args.json {
            serde_json::to_writer(
                &mut out,
                &Line {
                    command,
                    lang,
                    safety: verdict.safety,
                    long_running: verdict.long_running,
                    reasons: &verdict.reasons,
                },
            )?;
            writeln!(out)?;
        } else {
            let long = if verdict.long_running {
                term::dim(" (long-running)")
            } else {
                String::new()
            };
            writeln!(out, "{} {}{long}", term::safety(verdict.safety), command)?;
            for r in &verdict.reasons {
                writeln!(out, "        {}", term::dim(&format!("- {r}")))?;
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
