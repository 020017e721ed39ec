//! A report as one self-contained HTML page (inline CSS, no scripts, no
//! external resources): to attach to a ticket or open from a bundle.

use std::fmt::Write;

use crate::report::{Evidence, Report};

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}\
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem}h3{font-size:1rem;margin:1.4rem 0 .4rem}\
code,pre{font:13px/1.4 ui-monospace,monospace}pre{background:#f4f5f7;padding:.6rem .8rem;overflow:auto;white-space:pre-wrap;border-radius:4px}\
pre.cmd{background:#1b1f24;color:#e6edf3}.meta{color:#57606a;font-size:.85rem}\
.badge{display:inline-block;padding:0 .45rem;border-radius:3px;font-size:.8rem;font-weight:600;color:#fff;margin-left:.4rem}\
.ok{background:#1a7f37}.failed,.timed_out{background:#cf222e}.refused{background:#9a6700}.needs_values,.skipped{background:#6e7781}\
table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:.2rem .5rem;text-align:left;vertical-align:top}";

/// Renders a report as a self-contained HTML page.
#[must_use]
pub fn html(report: &Report) -> String {
    let mut h = String::new();
    let p = &report.problem;
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>medic: {}</title><style>{STYLE}</style></head><body>\n",
        esc(&p.title)
    );
    let _ = writeln!(h, "<h1>{}</h1>", esc(&p.title));
    let mut trail = vec![p.guide_title.clone()];
    trail.extend(p.breadcrumb.iter().cloned());
    trail.retain(|t| !t.is_empty());
    let _ = writeln!(
        h,
        "<p class=\"meta\"><code>{}</code> · {}:{} · {}</p>",
        esc(&p.id),
        esc(&p.guide),
        p.line,
        esc(&trail.join(" › "))
    );
    match &report.evidence {
        Evidence::Problem { .. } => {}
        Evidence::Text { text } => {
            let _ = writeln!(h, "<h2>Evidence</h2><pre>{}</pre>", esc(text));
        }
        Evidence::Alert {
            name,
            status,
            labels,
            annotations,
        } => {
            let _ = writeln!(
                h,
                "<h2>Alert <code>{}</code> ({})</h2><table>",
                esc(name),
                esc(status)
            );
            for (k, v) in labels.iter().chain(annotations) {
                let _ = writeln!(h, "<tr><th>{}</th><td>{}</td></tr>", esc(k), esc(v));
            }
            let _ = writeln!(h, "</table>");
        }
        Evidence::Finding {
            name,
            object,
            workload,
            summary,
            details,
            ..
        } => {
            let _ = writeln!(
                h,
                "<h2>Finding <code>{}</code> on {}</h2><p>{}</p><p class=\"meta\">workload {}</p>",
                esc(name),
                esc(object),
                esc(summary),
                esc(workload)
            );
            if !details.is_empty() {
                let _ = writeln!(h, "<pre>{}</pre>", esc(&details.join("\n")));
            }
        }
    }
    if let Some(m) = &report.matched {
        let _ = writeln!(
            h,
            "<h2>Why it matched <span class=\"meta\">score {:.2}</span></h2><ul>",
            m.score
        );
        for r in &m.reasons {
            let _ = writeln!(h, "<li>{}</li>", esc(r));
        }
        let _ = writeln!(h, "</ul>");
    }
    if !report.runners_up.is_empty() {
        let _ = write!(h, "<p class=\"meta\">Also matched: ");
        let others: Vec<String> = report
            .runners_up
            .iter()
            .map(|c| format!("<code>{}</code> ({:.2})", esc(&c.id), c.score))
            .collect();
        let _ = writeln!(h, "{}</p>", others.join(", "));
    }
    if !report.vars.is_empty() {
        let _ = writeln!(h, "<h2>Values</h2><table>");
        for v in &report.vars {
            let source = serde_json::to_value(&v.source)
                .ok()
                .and_then(|s| s.get("kind").and_then(|k| k.as_str()).map(str::to_owned))
                .unwrap_or_default();
            let _ = writeln!(
                h,
                "<tr><th>{}</th><td><code>{}</code></td><td class=\"meta\">{}</td></tr>",
                esc(&v.name),
                esc(&v.value),
                esc(&source)
            );
        }
        let _ = writeln!(h, "</table>");
    }
    let _ = writeln!(h, "<h2>Checks</h2><p class=\"meta\">{}</p>", report.summary);
    for check in &report.checks {
        let class = check.status.kind();
        let _ = writeln!(
            h,
            "<h3 id=\"check-{}\">{}. {}<span class=\"badge {class}\">{}</span></h3>",
            check.index,
            check.index,
            esc(&check.description),
            esc(&check.status.label())
        );
        if let Some(detail) = check.status.detail() {
            let _ = writeln!(h, "<p class=\"meta\">{}</p>", esc(&detail));
        }
        for step in &check.steps {
            let _ = writeln!(h, "<pre class=\"cmd\">{}</pre>", esc(&step.rendered));
            let mut facts = vec![
                format!("{}:{}", p.guide, step.line),
                format!("verdict {}", step.verdict),
            ];
            if let Some(run) = &step.run {
                facts.push(format!("{} in {} ms", run.outcome, run.duration_ms));
                if let Some(code) = run.exit_code {
                    facts.push(format!("exit {code}"));
                }
                if run.truncated {
                    facts.push("output truncated".to_owned());
                }
                facts.push(run.digest.clone());
            }
            let _ = writeln!(h, "<p class=\"meta\">{}</p>", esc(&facts.join(" · ")));
            if let Some(run) = &step.run {
                if !run.stdout.is_empty() {
                    let _ = writeln!(h, "<pre>{}</pre>", esc(&run.stdout));
                }
                if !run.stderr.is_empty() {
                    let _ = writeln!(h, "<pre class=\"stderr\">{}</pre>", esc(&run.stderr));
                }
            }
        }
    }
    if !report.causes.is_empty() {
        let _ = writeln!(h, "<h2>Possible causes</h2><ul>");
        for c in &report.causes {
            let mut item = esc(&c.text);
            if let Some(e) = &c.error {
                item = format!("<code>{}</code> — {item}", esc(e));
            }
            if let Some(s) = &c.solution {
                item.push_str(&format!(" → {}", esc(s)));
            }
            let _ = writeln!(h, "<li>{item}</li>");
        }
        let _ = writeln!(h, "</ul>");
    }
    if !report.fixes.is_empty() {
        let _ = writeln!(
            h,
            "<h2>Fixes <span class=\"meta\">from the guide; medic does not run them</span></h2><ul>"
        );
        for f in &report.fixes {
            let _ = write!(
                h,
                "<li>{} <span class=\"meta\">{}:{}</span>",
                esc(&f.description),
                esc(&p.guide),
                f.line
            );
            for c in &f.commands {
                let _ = write!(h, "<pre class=\"cmd\">{}</pre>", esc(c));
            }
            let _ = writeln!(h, "</li>");
        }
        let _ = writeln!(h, "</ul>");
    }
    let _ = writeln!(
        h,
        "<p class=\"meta\">medic {} · {}</p></body></html>",
        esc(&report.medic_version),
        esc(&report.generated_at)
    );
    h
}

/// HTML-escapes text for element content and attribute values.
#[must_use]
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
