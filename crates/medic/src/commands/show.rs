//! `medic show`: one problem or procedure, laid out for a person, with `file:line` on every item.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Result, bail};
use medic_guide::{Check, Command, Guide, Problem, Procedure, SymptomSource};

use crate::cli::ShowArgs;
use crate::library::Library;
use crate::term;

pub(crate) enum Found<'a> {
    Problem(&'a Guide, &'a Problem),
    Procedure(&'a Guide, &'a Procedure),
}

pub(crate) fn run(args: &ShowArgs, mut library: Library) -> Result<ExitCode> {
    for guide in &mut library.guides {
        guide.classify();
    }
    let found = find(&library, &args.id)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match found {
        Found::Problem(_, p) if args.json => serde_json::to_writer_pretty(&mut out, p)?,
        Found::Procedure(_, p) if args.json => serde_json::to_writer_pretty(&mut out, p)?,
        Found::Problem(guide, p) => write_problem(&mut out, guide, p)?,
        Found::Procedure(guide, p) => write_procedure(&mut out, guide, p)?,
    }
    writeln!(out)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn find<'a>(library: &'a Library, id: &str) -> Result<Found<'a>> {
    let (path, anchor) = match id.split_once('#') {
        Some((p, a)) => (p, a),
        None => ("", id),
    };
    let mut hits = Vec::new();
    for g in &library.guides {
        if !path.is_empty() && g.path != path {
            continue;
        }
        if let Some(p) = g.problem(anchor) {
            hits.push(Found::Problem(g, p));
        } else if let Some(p) = g.procedure(anchor) {
            hits.push(Found::Procedure(g, p));
        }
    }
    if hits.len() == 1 {
        return Ok(hits.remove(0));
    }
    let ids: Vec<&str> = library
        .guides
        .iter()
        .flat_map(|g| {
            g.problems
                .iter()
                .map(|p| p.id.as_str())
                .chain(g.procedures.iter().map(|p| p.id.as_str()))
        })
        .collect();
    if hits.len() > 1 {
        let names: Vec<String> = hits
            .iter()
            .map(|h| match h {
                Found::Problem(_, p) => p.id.clone(),
                Found::Procedure(_, p) => p.id.clone(),
            })
            .collect();
        bail!(
            "`{id}` names more than one problem; use a full id: {}",
            names.join(", ")
        );
    }
    let nearest = nearest(id, &ids, 5);
    if nearest.is_empty() {
        bail!("no problem or procedure `{id}`: run `medic guides` to list the ids");
    }
    bail!(
        "no problem or procedure `{id}`; did you mean:\n  {}",
        nearest.join("\n  ")
    )
}

/// The ids closest to `query`: sharing its words first, then by edit distance.
fn nearest<'a>(query: &str, ids: &[&'a str], n: usize) -> Vec<&'a str> {
    let q = query.to_lowercase();
    let words: Vec<&str> = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 2)
        .collect();
    let mut scored: Vec<(usize, usize, &str)> = ids
        .iter()
        .map(|id| {
            let lower = id.to_lowercase();
            let shared = words.iter().filter(|w| lower.contains(*w)).count();
            let anchor = lower.rsplit('#').next().unwrap_or(&lower);
            let qa = q.rsplit('#').next().unwrap_or(&q);
            (shared, levenshtein(qa, anchor), *id)
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored
        .into_iter()
        .filter(|(shared, dist, _)| *shared > 0 || *dist <= q.len() / 2)
        .take(n)
        .map(|(_, _, id)| id)
        .collect()
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn write_problem(out: &mut impl Write, guide: &Guide, p: &Problem) -> Result<()> {
    writeln!(out, "{}", term::bold(&p.title))?;
    writeln!(
        out,
        "{}",
        term::dim(&format!(
            "{}:{}  {}  ({})",
            guide.path,
            p.span.line,
            p.id,
            p.breadcrumb.join(" › ")
        ))
    )?;
    let stated = match p.symptom_source {
        SymptomSource::Stated => "Symptoms",
        SymptomSource::Inferred => "Symptoms (from the title and lead; the guide lists none)",
    };
    section(out, stated)?;
    for s in &p.symptoms {
        writeln!(out, "  • {}  {}", one_line(&s.text), at(guide, s.span.line))?;
    }
    if !p.impact.is_empty() {
        section(out, "Impact")?;
        for s in &p.impact {
            writeln!(out, "  • {}  {}", one_line(&s.text), at(guide, s.span.line))?;
        }
    }
    if !p.checks.is_empty() {
        section(out, "Checks")?;
        write_steps(out, guide, &p.checks)?;
    }
    if !p.causes.is_empty() {
        section(out, "Causes")?;
        for c in &p.causes {
            let mut line = one_line(&c.text);
            if let Some(e) = &c.error {
                line = format!("{line} (error: {})", one_line(e));
            }
            if let Some(s) = &c.solution {
                line = format!("{line} → {}", one_line(s));
            }
            writeln!(out, "  • {line}  {}", at(guide, c.span.line))?;
        }
    }
    if !p.fixes.is_empty() {
        section(out, "Fixes")?;
        for (i, f) in p.fixes.iter().enumerate() {
            writeln!(
                out,
                "  {}. {}  {}",
                i + 1,
                one_line(&f.description),
                at(guide, f.span.line)
            )?;
            for c in &f.commands {
                write_command(out, c)?;
            }
            for s in &f.snippets {
                writeln!(
                    out,
                    "     {}",
                    term::dim(&format!(
                        "[{} snippet, lines {}–{}]",
                        lang_name(&s.lang),
                        s.span.line,
                        s.span.end_line
                    ))
                )?;
            }
        }
    }
    if !p.signals.is_empty() {
        section(out, "Signals")?;
        for s in &p.signals {
            let kind = serde_json::to_value(s.kind)?;
            let kind = kind.as_str().unwrap_or("").replace('_', " ");
            writeln!(
                out,
                "  {kind} {}  {}",
                one_line(&s.value),
                at(guide, s.span.line)
            )?;
        }
    }
    Ok(())
}

fn write_procedure(out: &mut impl Write, guide: &Guide, p: &Procedure) -> Result<()> {
    writeln!(out, "{}", term::bold(&p.title))?;
    writeln!(
        out,
        "{}",
        term::dim(&format!(
            "{}:{}  {}  procedure  ({})",
            guide.path,
            p.span.line,
            p.id,
            p.breadcrumb.join(" › ")
        ))
    )?;
    section(out, "Steps")?;
    write_steps(out, guide, &p.steps)
}

fn write_steps(out: &mut impl Write, guide: &Guide, steps: &[Check]) -> Result<()> {
    for (i, c) in steps.iter().enumerate() {
        writeln!(
            out,
            "  {}. {}  {}",
            i + 1,
            one_line(&c.description),
            at(guide, c.span.line)
        )?;
        for n in &c.notes {
            writeln!(out, "     - {}", one_line(&n.text))?;
        }
        for cmd in &c.commands {
            write_command(out, cmd)?;
        }
        if c.commands.is_empty() && c.notes.is_empty() {
            writeln!(out, "     {}", term::dim("(manual step: no command)"))?;
        }
    }
    Ok(())
}

fn write_command(out: &mut impl Write, c: &Command) -> Result<()> {
    let lang = match c.lang {
        medic_shell::Lang::Bash => "$",
        medic_shell::Lang::Sql => "sql>",
    };
    let text = c.text.lines().collect::<Vec<_>>().join("\n       ");
    writeln!(
        out,
        "     {lang} {text}  {}",
        term::dim(&format!(":{}", c.span.line))
    )?;
    if let Some(v) = &c.verdict {
        let long = if v.long_running { ", long-running" } else { "" };
        writeln!(
            out,
            "       {}{}{}",
            term::safety(v.safety).trim_end(),
            term::dim(long),
            term::dim(&format!(" — {}", v.reasons.join("; ")))
        )?;
    }
    Ok(())
}

fn section(out: &mut impl Write, title: &str) -> Result<()> {
    writeln!(out, "\n{}", term::bold(title))?;
    Ok(())
}

fn at(guide: &Guide, line: usize) -> String {
    term::dim(&format!("{}:{line}", guide.path))
}

fn lang_name(lang: &str) -> &str {
    if lang.is_empty() { "text" } else { lang }
}

fn one_line(text: &str) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if joined.chars().count() > 160 {
        let cut: String = joined.chars().take(157).collect();
        format!("{cut}…")
    } else {
        joined
    }
}
