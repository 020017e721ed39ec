//! `medic guides`: the inventory of guides, problems, procedures and command verdicts.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use medic_guide::{Command, Guide};
use medic_shell::Safety;
use serde::Serialize;

use crate::cli::GuidesArgs;
use crate::library::Library;
use crate::term;

/// Counts for one guide or for all of them.
#[derive(Debug, Default, Clone, Copy, Serialize)]
pub(crate) struct Counts {
    guides: usize,
    problems: usize,
    procedures: usize,
    symptoms: usize,
    checks: usize,
    fixes: usize,
    commands: CommandCounts,
}

#[derive(Debug, Default, Clone, Copy, Serialize)]
struct CommandCounts {
    read: usize,
    write: usize,
    unknown: usize,
}

impl Counts {
    fn of(guide: &Guide) -> Self {
        let mut c = Counts {
            guides: 1,
            problems: guide.problems.len(),
            procedures: guide.procedures.len(),
            ..Counts::default()
        };
        for p in &guide.problems {
            c.symptoms += p.symptoms.len();
            c.checks += p.checks.len();
            c.fixes += p.fixes.len();
            let commands = p
                .checks
                .iter()
                .flat_map(|k| &k.commands)
                .chain(p.fixes.iter().flat_map(|f| &f.commands));
            c.commands.add(commands);
        }
        c.commands.add(
            guide
                .procedures
                .iter()
                .flat_map(|p| &p.steps)
                .flat_map(|s| &s.commands),
        );
        c
    }

    fn add(&mut self, o: &Counts) {
        self.guides += o.guides;
        self.problems += o.problems;
        self.procedures += o.procedures;
        self.symptoms += o.symptoms;
        self.checks += o.checks;
        self.fixes += o.fixes;
        self.commands.read += o.commands.read;
        self.commands.write += o.commands.write;
        self.commands.unknown += o.commands.unknown;
    }
}

impl CommandCounts {
    fn add<'a>(&mut self, commands: impl Iterator<Item = &'a Command>) {
        for cmd in commands {
            match cmd.verdict.as_ref().map(|v| v.safety) {
                Some(Safety::Read) => self.read += 1,
                Some(Safety::Write) => self.write += 1,
                Some(Safety::Unknown) | None => self.unknown += 1,
            }
        }
    }
}

#[derive(Serialize)]
struct GuideEntry<'a> {
    #[serde(flatten)]
    guide: &'a Guide,
    counts: Counts,
}

#[derive(Serialize)]
struct Inventory<'a> {
    guides: Vec<GuideEntry<'a>>,
    totals: Counts,
    warnings: &'a [String],
}

pub(crate) fn run(args: &GuidesArgs, mut library: Library) -> Result<ExitCode> {
    for guide in &mut library.guides {
        guide.classify();
    }
    let mut totals = Counts::default();
    let entries: Vec<GuideEntry<'_>> = library
        .guides
        .iter()
        .map(|guide| {
            let counts = Counts::of(guide);
            totals.add(&counts);
            GuideEntry { guide, counts }
        })
        .collect();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if args.json {
        let inventory = Inventory {
            guides: entries,
            totals,
            warnings: &library.warnings,
        };
        serde_json::to_writer(&mut out, &inventory)?;
        writeln!(out)?;
    } else {
        for e in &entries {
            write_guide(&mut out, e, args.summary)?;
        }
        let c = totals.commands;
        writeln!(
            out,
            "{} guides, {} problems, {} procedures; {} checks, {} fixes; commands: {} read, {} write, {} unknown",
            totals.guides,
            totals.problems,
            totals.procedures,
            totals.checks,
            totals.fixes,
            c.read,
            c.write,
            c.unknown
        )?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn write_guide(out: &mut impl Write, e: &GuideEntry<'_>, summary: bool) -> Result<()> {
    let g = e.guide;
    let c = e.counts;
    writeln!(
        out,
        "{}  {}  {}",
        term::bold(&g.path),
        g.title,
        term::dim(&format!(
            "{} problems, {} procedures · commands {} read, {} write, {} unknown",
            c.problems, c.procedures, c.commands.read, c.commands.write, c.commands.unknown
        ))
    )?;
    if summary {
        return Ok(());
    }
    for p in &g.problems {
        writeln!(
            out,
            "  {}  {}  {}",
            p.id,
            p.title,
            term::dim(&format!(
                "{} symptoms, {} checks, {} fixes, {} causes  :{}",
                p.symptoms.len(),
                p.checks.len(),
                p.fixes.len(),
                p.causes.len(),
                p.span.line
            ))
        )?;
    }
    for p in &g.procedures {
        writeln!(
            out,
            "  {}  {}  {}",
            p.id,
            p.title,
            term::dim(&format!(
                "procedure, {} steps  :{}",
                p.steps.len(),
                p.span.line
            ))
        )?;
    }
    Ok(())
}
