//! How medic reads a heading or a bold label: which part of a problem it opens
//! (`Symptoms`, `Diagnosis`, `Solutions` …), and whether its title reads like a problem,
//! a procedure or reference material. The rules are written down in docs/guide-format.md.

/// The parts a problem is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PartKind {
    /// What is seen: `Symptoms`, `Symptom`, `Signs`, `Meaning`, `Description`.
    Symptoms,
    /// A single stated issue or error: `Issue: …`, `Error: …`, `Problem: …`.
    Error,
    /// `Impact`.
    Impact,
    /// `Diagnosis`, `Diagnostic Steps`, `Diagnosis Steps`, `Investigation`, `How to check`.
    Diagnosis,
    /// `Possible Causes`, `Common Causes`, `Root Cause`, `Cause 1: …`.
    Causes,
    /// `Common Causes & Solutions`, `Common Issues` inside a problem.
    CausesAndFixes,
    /// `Solutions`, `Solution`, `Fix`, `Resolution`, `Mitigation`, `Remediation`, `Workaround`.
    Fixes,
    /// `Prevention`: kept as prose, not as fixes.
    Prevention,
}

/// Lower-cases a heading or label and drops numbering, emphasis marks and a trailing colon:
/// `### 1. Provider Not Starting` → `provider not starting`.
pub(crate) fn normalize(title: &str) -> String {
    let mut t = title.trim();
    // Leading emoji and symbols.
    t = t.trim_start_matches(|c: char| !c.is_alphanumeric() && c != '`' && c != '"' && c != '<');
    // Numbering: `1.`, `1)`, `2.3`, `Step 1:`.
    let lower = t.to_lowercase();
    let mut s: &str = &lower;
    if let Some(rest) = s.strip_prefix("step ") {
        s = rest;
    }
    let digits = s
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .count();
    if digits > 0 {
        let numbered = &s[..digits];
        let rest = &s[digits..];
        let (marked, rest) = match rest.strip_prefix(')').or_else(|| rest.strip_prefix(':')) {
            Some(r) => (true, r),
            None => (numbered.ends_with('.'), rest),
        };
        if marked && (rest.starts_with(' ') || rest.is_empty()) {
            s = rest;
        }
    }
    s.trim()
        .trim_end_matches([':', '.', ' '])
        .trim()
        .replace(['*', '_'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A heading's text without its leading number: `1. Provider Not Starting` → `Provider Not Starting`.
pub(crate) fn strip_number(title: &str) -> &str {
    let t = title.trim();
    let digits = t
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .count();
    if digits > 0 {
        let rest = &t[digits..];
        let (marked, rest) = match rest.strip_prefix(')') {
            Some(r) => (true, r),
            None => (t[..digits].ends_with('.'), rest),
        };
        if marked && rest.starts_with(' ') {
            return rest.trim();
        }
    }
    t
}

fn starts_with_word(s: &str, words: &[&str]) -> bool {
    words.iter().any(|w| {
        s.strip_prefix(w)
            .is_some_and(|rest| rest.is_empty() || !rest.starts_with(|c: char| c.is_alphanumeric()))
    })
}

/// Whether any word of `s` is one of `words`; an entry ending in `*` matches as a prefix.
fn contains_word_prefix(s: &str, words: &[&str]) -> bool {
    s.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-')
        .any(|w| {
            words.iter().any(|p| match p.strip_suffix('*') {
                Some(prefix) => w.starts_with(prefix),
                None => w == *p,
            })
        })
}

/// The part a heading or label opens, with the text after `Issue:`/`Error:`/`Cause 1:` if any.
pub(crate) fn part_kind(label: &str) -> Option<(PartKind, Option<String>)> {
    let norm = normalize(label);
    // `Issue: No events`, `Error: \`x\``, `Cause 1: GKE private cluster`.
    if let Some((head, tail)) = label.split_once(':') {
        let head_norm = normalize(head);
        let tail = tail.trim().trim_end_matches('*').trim();
        if !tail.is_empty() {
            let payload = Some(tail.to_owned());
            if starts_with_word(
                &head_norm,
                &["issue", "problem", "error", "symptom", "symptoms"],
            ) {
                return Some((PartKind::Error, payload));
            }
            if starts_with_word(&head_norm, &["cause", "possible cause", "root cause"]) {
                return Some((PartKind::Causes, payload));
            }
            if starts_with_word(&head_norm, &["solution", "fix", "workaround", "resolution"]) {
                return Some((PartKind::Fixes, payload));
            }
        }
    }
    let n = norm.as_str();
    let kind = if starts_with_word(
        n,
        &[
            "symptoms",
            "symptom",
            "signs",
            "meaning",
            "what it means",
            "alert description",
            "description",
            "what you see",
            "what happens",
            "observed behavior",
            "observed behaviour",
            "problem description",
            "issue description",
            "error message",
            "error messages",
        ],
    ) {
        PartKind::Symptoms
    } else if matches!(n, "error" | "errors" | "issue" | "problem") {
        PartKind::Error
    } else if starts_with_word(n, &["impact"]) {
        PartKind::Impact
    } else if (n.contains("cause") || n.contains("issues") || n.contains("reasons"))
        && (n.contains("solution") || n.contains("fix") || n.contains("resolution"))
    {
        PartKind::CausesAndFixes
    } else if starts_with_word(
        n,
        &[
            "possible causes",
            "possible cause",
            "common causes",
            "common cause",
            "probable causes",
            "likely causes",
            "potential causes",
            "root cause",
            "root causes",
            "causes",
            "cause",
            "other causes",
            "reasons",
            "why this happens",
        ],
    ) {
        PartKind::Causes
    } else if starts_with_word(
        n,
        &[
            "common issues",
            "possible issues",
            "known causes",
            "common problems",
        ],
    ) || (n.starts_with("common ") && n.ends_with(" issues"))
    {
        PartKind::CausesAndFixes
    } else if starts_with_word(
        n,
        &[
            "diagnosis",
            "diagnostic steps",
            "diagnostics",
            "diagnosis steps",
            "diagnose",
            "investigation",
            "investigate",
            "how to check",
            "how to diagnose",
            "how to investigate",
            "how to debug",
            "how to troubleshoot",
            "troubleshooting steps",
            "troubleshooting",
            "investigation steps",
            "diagnosis and mitigation",
            "debugging steps",
            "triage",
            "checks",
            "verification",
            "steps to diagnose",
            "identify the cause",
        ],
    ) {
        PartKind::Diagnosis
    } else if starts_with_word(
        n,
        &[
            "solutions",
            "solution",
            "fix",
            "fixes",
            "quick fix",
            "resolution",
            "resolve",
            "resolving",
            "remediation",
            "mitigation",
            "mitigations",
            "mitigating",
            "workaround",
            "workarounds",
            "how to fix",
            "how do i fix",
            "how to resolve",
            "steps to fix",
            "steps to resolve",
            "recovery",
            "what to do",
            "immediate actions",
            "actions",
        ],
    ) {
        PartKind::Fixes
    } else if starts_with_word(
        n,
        &["prevention", "preventing", "how to prevent", "avoiding"],
    ) {
        PartKind::Prevention
    } else {
        return None;
    };
    Some((kind, None))
}

/// Words that make a title read like a problem (`Provider Not Starting`, `High Latency`).
const PROBLEM_WORDS: &[&str] = &[
    "error*",
    "fail*",
    "not",
    "no",
    "cannot",
    "can't",
    "cant",
    "unable",
    "won't",
    "doesn't",
    "isn't",
    "aren't",
    "don't",
    "didn't",
    "slow*",
    "high",
    "higher",
    "low",
    "crash*",
    "stuck",
    "denied",
    "deny",
    "timeout*",
    "timed",
    "exhaust*",
    "lag",
    "lagging",
    "leak*",
    "refus*",
    "unavailab*",
    "unreachable",
    "down",
    "missing",
    "invalid",
    "expire*",
    "expiring",
    "forbidden",
    "oom*",
    "conflict*",
    "broken",
    "hang*",
    "hung",
    "degraded",
    "saturat*",
    "throttl*",
    "full",
    "pressure",
    "lost",
    "loss",
    "drift*",
    "corrupt*",
    "mismatch*",
    "unhealthy",
    "pending",
    "backoff",
    "crashloop*",
    "evict*",
    "wrong",
    "unexpected*",
    "too",
    "exceed*",
    "latency",
    "spike*",
    "killed",
    "terminat*",
    "flapping",
    "reject*",
    "panic*",
    "unknown",
    "unsupported",
    "deadlock*",
    "blocked",
    "overload*",
    "overwhelm*",
    "stale",
    "inconsisten*",
    "unschedulable",
    "notready",
    "issue",
    "issues",
    "problem",
    "problems",
    "x509",
    "429",
    "5xx",
    "4xx",
    "outofsync",
    "warning*",
    "insufficient",
    "overcommit*",
    "quota",
    "unauthori*",
    "incorrect*",
    "disconnect*",
    "certificate*",
    "losing",
    "bug",
    "bugs",
    "troubles",
    "unstable",
    "outage*",
    "trouble",
    "delay*",
    "disk",
    "filling",
    "restarts",
    "restarting",
    "mis-*",
    "misconfigur*",
];

/// Whether a normalised title reads like a problem.
pub(crate) fn problem_like(norm: &str) -> bool {
    if norm.ends_with('?') || norm.starts_with("why ") || norm.starts_with("error") {
        return true;
    }
    if starts_with_word(
        norm,
        &[
            "diagnosing",
            "troubleshooting",
            "debugging",
            "reporting",
            "preventing",
            "avoiding",
            "understanding",
        ],
    ) {
        return false;
    }
    let bare = norm.replace(['(', ')', '`', '"'], " ");
    // `Service Unavailable (503)`, `Invalid JWT Token (401)`.
    if bare.split_whitespace().any(|w| {
        w.len() == 3
            && (w.starts_with('4') || w.starts_with('5'))
            && w.chars().all(|c| c.is_ascii_digit())
    }) {
        return true;
    }
    contains_word_prefix(&bare, PROBLEM_WORDS)
}

/// Whether a title names a group of problems (`Common Issues`, `Database Problems`, `FAQ`).
pub(crate) fn problem_group(norm: &str) -> bool {
    contains_word_prefix(
        norm,
        &[
            "issues", "problems", "errors", "faq", "faqs", "failures", "gotchas", "pitfalls",
        ],
    ) || norm.contains("frequently asked")
        || norm.starts_with("known issues")
}

/// Whether a title names a procedure or a group of them.
pub(crate) fn procedure_like(norm: &str) -> bool {
    starts_with_word(
        norm,
        &[
            "rollback",
            "roll back",
            "disable",
            "enable",
            "force",
            "reset",
            "restart",
            "recreate",
            "restore",
            "rotate",
            "scale",
            "drain",
            "upgrade",
            "migrate",
            "backup",
            "back up",
            "re-run",
            "rerun",
            "recover",
            "reinstall",
            "failover",
            "promote",
            "rebuild",
            "reindex",
            "clear",
            "flush",
            "kill",
            "terminate",
            "emergency",
            "replace",
            "remove",
            "delete",
            "redeploy",
            "switch",
        ],
    ) || contains_word_prefix(norm, &["procedure*", "runbook*", "playbook*"])
        || starts_with_word(norm, &["recovery", "maintenance", "disaster recovery"])
}

/// How a title is reference material.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reference {
    /// Not reference material.
    No,
    /// A table of contents: reference itself, but the headings under it are not its content.
    Contents,
    /// Help, prevention, best practices, see also: everything under it is reference too.
    Owning,
    /// Overview, tools, monitoring, debug mode: reference itself; headings under it are judged
    /// on their own.
    Plain,
}

/// Whether and how a title is reference material: contents, help, prevention, tools.
pub(crate) fn reference(norm: &str) -> Reference {
    if starts_with_word(norm, &["table of contents", "contents", "toc"]) {
        return Reference::Contents;
    }
    let owning = starts_with_word(
        norm,
        &[
            "getting help",
            "get help",
            "help",
            "support",
            "community",
            "contact",
            "prevention",
            "preventive",
            "preventing",
            "best practices",
            "prevention best practices",
            "see also",
            "references",
            "related",
            "further reading",
            "further info",
            "additional resources",
            "next steps",
            "what's next",
            "whats next",
            "reporting bugs",
            "reporting issues",
            "feedback",
            "appendix",
            "glossary",
            "license",
            "changelog",
            "escalation",
        ],
    ) || norm.ends_with("best practices");
    if owning {
        return Reference::Owning;
    }
    let plain = starts_with_word(
        norm,
        &[
            "overview",
            "introduction",
            "about",
            "summary",
            "diagnostic tools",
            "quick diagnostic",
            "diagnostic commands",
            "useful commands",
            "debug mode",
            "monitoring",
            "logging",
            "metrics",
            "prerequisites",
            "before you begin",
            "conclusion",
            "advanced troubleshooting",
            "general",
            "diagnosing",
            "tools",
            "configuration best",
            "operational",
            "proactive",
            "notes",
            "additional notes",
        ],
    ) && !problem_like(norm);
    if plain {
        Reference::Plain
    } else {
        Reference::No
    }
}

#[cfg(test)]
pub(crate) fn reference_like(norm: &str) -> bool {
    reference(norm) != Reference::No
}

/// Whether a description starts like a diagnostic step (`Check …`, `Verify …`).
pub(crate) fn check_like(description: &str) -> bool {
    let n = normalize(description);
    starts_with_word(
        &n,
        &[
            "check",
            "checking",
            "verify",
            "view",
            "inspect",
            "list",
            "show",
            "get",
            "see",
            "look",
            "find",
            "confirm",
            "test",
            "validate",
            "examine",
            "monitor",
            "watch",
            "describe",
            "query",
            "review",
            "analyze",
            "analyse",
            "identify",
            "count",
            "measure",
            "compare",
            "debug",
            "diagnose",
            "determine",
            "print",
            "display",
            "read",
            "fetch",
            "search",
            "grep",
            "trace",
            "manual",
            "is",
            "are",
            "does",
            "do",
            "what",
            "which",
            "how many",
            "make sure",
            "ensure",
            "filter",
            "parse",
            "access",
            "collect",
            "probe",
        ],
    )
}

/// Whether a description starts like a change (`Restart …`, `Apply …`).
pub(crate) fn fix_like(description: &str) -> bool {
    let n = normalize(description);
    starts_with_word(
        &n,
        &[
            "apply",
            "fix",
            "create",
            "delete",
            "remove",
            "restart",
            "update",
            "set",
            "increase",
            "decrease",
            "add",
            "enable",
            "disable",
            "scale",
            "patch",
            "rollback",
            "roll back",
            "recreate",
            "force",
            "kill",
            "terminate",
            "reset",
            "clear",
            "flush",
            "rotate",
            "upgrade",
            "install",
            "change",
            "edit",
            "re-run",
            "rerun",
            "re-invite",
            "regenerate",
            "move",
            "configure",
            "use",
            "adjust",
            "reduce",
            "raise",
            "close",
            "trigger",
            "copy",
            "deploy",
            "redeploy",
            "drain",
            "cordon",
            "evict",
            "replace",
            "grant",
            "revoke",
            "migrate",
            "upgrade",
            "downgrade",
            "backup",
            "restore",
            "run",
            "execute",
            "start",
            "stop",
            "allow",
            "implement",
            "temporarily",
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::{PartKind, normalize, part_kind, problem_like, reference_like, strip_number};

    #[test]
    fn normalisation() {
        assert_eq!(
            normalize("1. Provider Not Starting"),
            "provider not starting"
        );
        assert_eq!(normalize("Symptoms:"), "symptoms");
        assert_eq!(normalize("Step 2: Check logs"), "check logs");
        assert_eq!(
            strip_number("3. Permission Denied Errors"),
            "Permission Denied Errors"
        );
        assert_eq!(strip_number("503 errors"), "503 errors");
    }

    #[test]
    fn parts_in_the_seeds() {
        let kind = |s: &str| part_kind(s).map(|(k, _)| k);
        assert_eq!(kind("Symptoms"), Some(PartKind::Symptoms));
        assert_eq!(kind("Symptom"), Some(PartKind::Symptoms));
        assert_eq!(kind("Diagnostic Steps:"), Some(PartKind::Diagnosis));
        assert_eq!(kind("Diagnosis Steps"), Some(PartKind::Diagnosis));
        assert_eq!(
            kind("Common Causes & Solutions"),
            Some(PartKind::CausesAndFixes)
        );
        assert_eq!(
            kind("Common Causes and Solutions"),
            Some(PartKind::CausesAndFixes)
        );
        assert_eq!(kind("Possible Causes"), Some(PartKind::Causes));
        assert_eq!(kind("Solutions:"), Some(PartKind::Fixes));
        assert_eq!(kind("Mitigation"), Some(PartKind::Fixes));
        assert_eq!(kind("Meaning"), Some(PartKind::Symptoms));
        assert_eq!(
            kind("Common Health Check Issues"),
            Some(PartKind::CausesAndFixes)
        );
        assert_eq!(
            part_kind("Issue: No Kubernetes Events Detected"),
            Some((
                PartKind::Error,
                Some("No Kubernetes Events Detected".to_owned())
            ))
        );
        assert_eq!(kind("Cause 1: GKE Private Cluster"), Some(PartKind::Causes));
        assert_eq!(kind("Health Status Meanings"), None);
        assert_eq!(kind("Missing RBAC Permissions"), None);
    }

    #[test]
    fn titles() {
        assert!(problem_like(&normalize("Provider Not Starting")));
        assert!(problem_like(&normalize("Service Unavailable (503)")));
        assert!(problem_like(&normalize(
            "Why is my application stuck in `Progressing` state?"
        )));
        assert!(problem_like(&normalize(
            "Error: `connect: connection refused`"
        )));
        assert!(problem_like(&normalize("Memory Leaks")));
        assert!(!problem_like(&normalize("Debug Mode")));
        assert!(!problem_like(&normalize("Diagnosing Issues")));
        assert!(reference_like(&normalize("Table of Contents")));
        assert!(reference_like(&normalize("Getting Help")));
        assert!(reference_like(&normalize("Monitoring and Debugging")));
        assert!(!reference_like(&normalize(
            "8. Monitoring and Observability Issues"
        )));
    }
}
