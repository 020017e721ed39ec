//! A report as Markdown, to paste into a ticket or a chat: the problem, why it
//! matched, every check with its command, verdict and output, then the
//! guide's causes and fixes.

use std::fmt::Write;

use crate::report::{CheckStatus, Evidence, Report};

/// Most output lines shown per command; the JSON and the bundle keep all.
const MAX_OUTPUT_LINES: usize = 60;

/// Renders a report as Markdown.
#[must_use]
pub fn markdown(report: &Report) -> String {
    let mut md = String::new();
    let p = &report.problem;
    let _ = writeln!(md, "## medic diagnosis: {}\n", p.title);
    let mut trail = vec![p.guide_title.clone()];
    trail.extend(p.breadcrumb.iter().cloned());
    trail.retain(|t| !t.is_empty());
    let _ = writeln!(
        md,
        "- **Problem:** {} (`{}`, {}:{}){}",
        p.title,
        p.id,
        p.guide,
        p.line,
        if trail.is_empty() {
            String::new()
        } else {
            format!(" — {}", trail.join(" › "))
        }
    );
    match &report.evidence {
        Evidence::Problem { .. } => {}
        Evidence::Text { text } => {
            let _ = writeln!(md, "- **Evidence:** {}", inline_code(first_lines(text, 3)));
        }
        Evidence::Alert {
            name,
            status,
            labels,
            ..
        } => {
            let labels: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let _ = writeln!(
                md,
                "- **Alert:** `{name}` ({status}) {}",
                inline_code(&labels.join(", "))
            );
        }
        Evidence::Finding {
            name,
            object,
            summary,
            details,
            ..
        } => {
            let _ = writeln!(md, "- **Finding:** `{name}` on {object}: {summary}");
            for d in details {
                let _ = writeln!(md, "  - {}", inline_code(d.trim()));
            }
        }
    }
    if let Some(m) = &report.matched {
        let _ = writeln!(md, "- **Why it matched** (score {:.2}):", m.score);
        for r in &m.reasons {
            let _ = writeln!(md, "  - {r}");
        }
    }
    if !report.runners_up.is_empty() {
        let others: Vec<String> = report
            .runners_up
            .iter()
            .map(|c| format!("`{}` ({:.2})", c.id, c.score))
            .collect();
        let _ = writeln!(md, "- **Also matched:** {}", others.join(", "));
    }
    if !report.vars.is_empty() {
        let vars: Vec<String> = report
            .vars
            .iter()
            .map(|v| format!("{}={}", v.name, v.value))
            .collect();
        let _ = writeln!(md, "- **Values:** {}", inline_code(&vars.join(" ")));
    }
    let _ = writeln!(md, "- **Checks:** {}\n", report.summary);
    for check in &report.checks {
        let _ = writeln!(
            md,
            "### {}. {} — {}\n",
            check.index,
            if check.description.is_empty() {
                "Check"
            } else {
                &check.description
            },
            check.status.label()
        );
        if let Some(detail) = check.status.detail() {
            let _ = writeln!(md, "> {}\n", detail.replace('\n', " "));
        }
        for step in &check.steps {
            let lang = if step.lang == "sql" { "sql" } else { "bash" };
            let _ = writeln!(md, "{}", fenced(lang, &step.rendered));
            let mut facts = vec![format!("{}:{}", report.problem.guide, step.line)];
            facts.push(format!("verdict `{}`", step.verdict));
            if step.long_running {
                facts.push("long-running, bounded by the timeout".to_owned());
            }
            if step.consented {
                facts.push("run with consent".to_owned());
            }
            if let Some(run) = &step.run {
                facts.push(format!("{} in {} ms", run.outcome, run.duration_ms));
                if let Some(code) = run.exit_code {
                    facts.push(format!("exit {code}"));
                }
                if run.truncated {
                    facts.push("output truncated".to_owned());
                }
            }
            let _ = writeln!(md, "_{}_\n", facts.join(" · "));
            if let Some(run) = &step.run {
                let mut output = run.stdout.clone();
                if !run.stderr.is_empty() {
                    if !output.is_empty() && !output.ends_with('\n') {
                        output.push('\n');
                    }
                    output.push_str(&run.stderr);
                }
                if !output.trim().is_empty() {
                    let _ = writeln!(md, "{}", fenced("text", &clip(&output)));
                }
            }
        }
        if matches!(check.status, CheckStatus::Ok) && check.steps.is_empty() {
            let _ = writeln!(md);
        }
    }
    if !report.causes.is_empty() {
        let _ = writeln!(md, "### Possible causes (from the guide)\n");
        for c in &report.causes {
            let mut line = c.text.clone();
            if let Some(e) = &c.error {
                line = format!("{} — {line}", inline_code(e));
            }
            if let Some(s) = &c.solution {
                line.push_str(&format!(" → {s}"));
            }
            let _ = writeln!(md, "- {line}");
        }
        let _ = writeln!(md);
    }
    if !report.fixes.is_empty() {
        let _ = writeln!(md, "### Fixes (from the guide; medic does not run them)\n");
        for f in &report.fixes {
            let _ = writeln!(
                md,
                "- {} ({}:{})",
                f.description, report.problem.guide, f.line
            );
            for c in &f.commands {
                let _ = writeln!(md, "\n{}", indent(&fenced("bash", c), "  "));
            }
        }
        let _ = writeln!(md);
    }
    let _ = writeln!(
        md,
        "<sub>medic {} · {}</sub>",
        report.medic_version, report.generated_at
    );
    md
}

/// A fenced block whose fence is longer than any backtick run inside.
fn fenced(lang: &str, body: &str) -> String {
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let body = body.trim_end_matches('\n');
    format!("{fence}{lang}\n{body}\n{fence}\n")
}

/// Inline code that survives backticks in the text.
fn inline_code(text: &str) -> String {
    let text = text.replace('\n', " ");
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

fn first_lines(text: &str, n: usize) -> &str {
    match text.match_indices('\n').nth(n.saturating_sub(1)) {
        Some((i, _)) => text.get(..i).unwrap_or(text),
        None => text,
    }
}

/// At most [`MAX_OUTPUT_LINES`] lines, saying how many were left out.
fn clip(output: &str) -> String {
    let lines: Vec<&str> = output.lines().collect();
    if lines.len() <= MAX_OUTPUT_LINES {
        return output.to_owned();
    }
    let mut out = lines.get(..MAX_OUTPUT_LINES).unwrap_or_default().join("\n");
    out.push_str(&format!(
        "\n… {} more lines (in the JSON report and the bundle)",
        lines.len() - MAX_OUTPUT_LINES
    ));
    out
}

fn indent(text: &str, by: &str) -> String {
    text.lines()
        .map(|l| format!("{by}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
