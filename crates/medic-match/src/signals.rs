//! Exact evidence: every signal of every problem (error strings, log templates, reasons,
//! alert and metric names, codes), indexed so a query finds in one pass which signals it
//! contains (Aho–Corasick over masked phrases) or which contain it.

use std::collections::HashMap;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};
use medic_guide::{Guide, SignalKind};
use regex::Regex;

use crate::normalize::mask;

/// One signal of one problem.
#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) problem: usize,
    pub(crate) kind: SignalKind,
    /// As the guide writes it.
    pub(crate) value: String,
    /// Masked, for containment.
    pub(crate) masked: String,
    /// Masked fragments between placeholders; all must appear for a hit.
    pub(crate) fragments: Vec<String>,
    pub(crate) line: usize,
    /// How many problems state the same (masked) signal: the fewer, the more telling.
    pub(crate) spread: usize,
    /// How many problems' text has it anywhere (prose, commands, output), at least 1.
    pub(crate) text_spread: usize,
}

/// A signal found in the evidence.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub(crate) entry: usize,
    /// 1.0 when the whole signal is in the evidence; less when the evidence is a part of it.
    pub(crate) strength: f32,
    /// The evidence line contained in the signal, when it is the evidence that is the part.
    pub(crate) part_of: Option<String>,
}

pub(crate) struct SignalIndex {
    pub(crate) entries: Vec<Entry>,
    automaton: Option<AhoCorasick>,
    /// For each automaton pattern: (entry, fragment index).
    owners: Vec<Vec<(usize, usize)>>,
    /// Single-word signals by lower-case value.
    by_token: HashMap<String, Vec<usize>>,
}

fn phrase_kind(kind: SignalKind) -> bool {
    matches!(kind, SignalKind::ErrorText | SignalKind::LogTemplate)
}

/// Splits a signal at its placeholders (`<pod>`, `{name}`, `…`, `xxx`). A quoted name in
/// a message is a value too (`by zone "one"`, `for user 'app'`), when the words around it
/// are each telling enough to stand as fragments: `limiting requests, excess: 1.000 by zone
/// "one"` then meets the same line with zone `"api_per_ip"`. `column "x" does not exist`
/// keeps its name: `column` alone would not say which message it is.
fn fragments(value: &str) -> Vec<String> {
    let unquoted = unquote(value);
    if unquoted != value {
        let pieces: Vec<String> = placeheld(&unquoted)
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect();
        let words: usize = pieces.iter().map(|p| p.split(' ').count()).sum();
        if !pieces.is_empty() && pieces.iter().all(|p| specific(p)) && words >= 4 {
            return pieces;
        }
    }
    placeheld(value)
        .into_iter()
        .filter(|p| specific(p))
        .collect()
}

/// A fragment long enough to say which message it is part of.
fn specific(fragment: &str) -> bool {
    !fragment.is_empty() && (fragment.split(' ').count() >= 2 || fragment.len() >= 8)
}

/// The signal with each quoted span (`"one"`, `'app'`) as a placeholder. An apostrophe
/// inside a word (`can't`) is not a quote.
fn unquote(value: &str) -> String {
    static QUOTED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#""[^"\n]{1,80}"|(?:^|[\s(=:])'[^'\n]{1,80}'"#).expect("valid regex")
    });
    QUOTED
        .replace_all(value, |c: &regex::Captures| {
            let m = &c[0];
            let lead: String = m.chars().take_while(|c| !matches!(c, '"' | '\'')).collect();
            format!("{lead}<>")
        })
        .into_owned()
}

/// Masked pieces between placeholders, empty ones included.
fn placeheld(value: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    for c in value.chars() {
        match c {
            '<' | '{' => {
                depth += 1;
                parts.push(std::mem::take(&mut current));
            }
            '>' | '}' if depth > 0 => depth -= 1,
            '…' => parts.push(std::mem::take(&mut current)),
            _ if depth == 0 => current.push(c),
            _ => {}
        }
    }
    parts.push(current);
    parts
        .iter()
        .flat_map(|p| p.split("...").map(str::to_owned).collect::<Vec<_>>())
        .map(|p| mask(&p))
        .flat_map(|p| {
            // `xxx` stands for a value like `<name>` does.
            p.split(' ')
                .collect::<Vec<_>>()
                .split(|w| *w == "xxx" || *w == "xxxx")
                .map(|words| words.join(" "))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Whether `text[start..end]` is whole words: no letter or digit right before or after.
pub(crate) fn word_boundary(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let ok = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
    ok(before) && ok(after)
}

impl SignalIndex {
    pub(crate) fn new(guides: &[Guide]) -> Self {
        let mut entries = Vec::new();
        let mut problem = 0usize;
        for guide in guides {
            for p in &guide.problems {
                for s in &p.signals {
                    if s.kind == SignalKind::Threshold {
                        continue;
                    }
                    let masked = mask(&s.value);
                    if masked.is_empty() {
                        continue;
                    }
                    let fragments = if phrase_kind(s.kind) {
                        fragments(&s.value)
                    } else {
                        Vec::new()
                    };
                    entries.push(Entry {
                        problem,
                        kind: s.kind,
                        value: s.value.clone(),
                        masked,
                        fragments,
                        line: s.span.line,
                        spread: 0,
                        text_spread: 1,
                    });
                }
                problem += 1;
            }
        }
        let mut problems_of: HashMap<String, std::collections::HashSet<usize>> = HashMap::new();
        for e in &entries {
            problems_of
                .entry(e.masked.clone())
                .or_default()
                .insert(e.problem);
        }
        for e in &mut entries {
            e.spread = problems_of.get(&e.masked).map_or(1, |p| p.len());
        }
        let mut patterns: Vec<String> = Vec::new();
        let mut pattern_ids: HashMap<String, usize> = HashMap::new();
        let mut owners: Vec<Vec<(usize, usize)>> = Vec::new();
        let mut by_token: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            if phrase_kind(e.kind) && e.fragments.is_empty() {
                // Nothing but placeholders, or too short to be specific.
                continue;
            }
            if matches!(e.kind, SignalKind::HttpStatus | SignalKind::ExitCode) {
                by_token.entry(e.value.to_lowercase()).or_default().push(i);
            } else if phrase_kind(e.kind) {
                for (f, frag) in e.fragments.iter().enumerate() {
                    let id = *pattern_ids.entry(frag.clone()).or_insert_with(|| {
                        patterns.push(frag.clone());
                        owners.push(Vec::new());
                        patterns.len() - 1
                    });
                    owners[id].push((i, f));
                }
            } else if !e.masked.contains(' ') && e.masked.len() >= 3 {
                by_token.entry(e.masked.clone()).or_default().push(i);
            } else if !phrase_kind(e.kind) {
                // A multi-word term: match it as a phrase.
                let id = *pattern_ids.entry(e.masked.clone()).or_insert_with(|| {
                    patterns.push(e.masked.clone());
                    owners.push(Vec::new());
                    patterns.len() - 1
                });
                owners[id].push((i, 0));
            }
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .ok();
        Self {
            entries,
            automaton,
            owners,
            by_token,
        }
    }

    /// The signals whose every fragment is in the masked text, as whole words.
    fn contained(&self, text: &str) -> Vec<usize> {
        let Some(ac) = &self.automaton else {
            return Vec::new();
        };
        let mut found: HashMap<usize, Vec<bool>> = HashMap::new();
        for m in ac.find_overlapping_iter(text) {
            if !word_boundary(text, m.start(), m.end()) {
                continue;
            }
            for &(entry, frag) in &self.owners[m.pattern().as_usize()] {
                let n = self.entries[entry].fragments.len().max(1);
                let seen = found.entry(entry).or_insert_with(|| vec![false; n]);
                if let Some(slot) = seen.get_mut(frag) {
                    *slot = true;
                }
            }
        }
        found
            .into_iter()
            .filter(|(_, seen)| seen.iter().all(|s| *s))
            .map(|(entry, _)| entry)
            .collect()
    }

    /// Counts, for each phrase signal, the problems whose masked text has it.
    pub(crate) fn spread_in(&mut self, texts: &[String]) {
        let mut counts = vec![0usize; self.entries.len()];
        for text in texts {
            for entry in self.contained(text) {
                counts[entry] += 1;
            }
        }
        for (e, c) in self.entries.iter_mut().zip(counts) {
            e.text_spread = c.max(1);
        }
    }

    /// Signals found in the masked evidence lines and tokens.
    pub(crate) fn find(&self, lines: &[String], tokens: &[String]) -> Vec<Hit> {
        let mut hits: HashMap<usize, Hit> = HashMap::new();
        let mut add = |hit: Hit| {
            let e = hits.entry(hit.entry).or_insert(hit.clone());
            if hit.strength > e.strength {
                *e = hit;
            }
        };
        for line in lines {
            for entry in self.contained(line) {
                add(Hit {
                    entry,
                    strength: 1.0,
                    part_of: None,
                });
            }
        }
        // The evidence inside a longer signal: `too many clients` ⊂ `FATAL: sorry, too many clients already`.
        for line in lines.iter().take(20) {
            let words = line.split(' ').count();
            if words < 2 || line.len() < 10 || line.len() > 300 {
                continue;
            }
            for (i, e) in self.entries.iter().enumerate() {
                if !phrase_kind(e.kind) || e.masked.len() <= line.len() {
                    continue;
                }
                if let Some(at) = e.masked.find(line.as_str())
                    && word_boundary(&e.masked, at, at + line.len())
                {
                    let strength = (line.len() as f32 / e.masked.len() as f32).clamp(0.3, 1.0);
                    add(Hit {
                        entry: i,
                        strength,
                        part_of: Some(line.clone()),
                    });
                }
            }
        }
        for t in tokens {
            if let Some(list) = self.by_token.get(t) {
                for &entry in list {
                    add(Hit {
                        entry,
                        strength: 1.0,
                        part_of: None,
                    });
                }
            }
        }
        let mut out: Vec<Hit> = hits.into_values().collect();
        out.sort_unstable_by_key(|h| h.entry);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::{SignalIndex, fragments};
    use crate::normalize::mask;

    #[test]
    fn the_problems_that_write_an_error_anywhere_are_counted() {
        let guide = medic_guide::parse(
            "ops.md",
            "# Ops\n\n## Alpha fails\n\n**Symptoms**\n\n- Alpha stops with `context deadline exceeded`.\n\n\
             ## Beta fails\n\n**Symptoms**\n\n- Beta stops with `quota bucket overflowed`.\n",
        );
        let mut index = SignalIndex::new(std::slice::from_ref(&guide));
        // The problems' texts: the two above, and three more that write the first error
        // in prose (one without a word boundary, which does not count).
        let texts = [
            "Alpha fails: Alpha stops with `context deadline exceeded`.",
            "Beta fails: Beta stops with `quota bucket overflowed`.",
            "Registry hang: calls end with context deadline exceeded.",
            "Etcd hang: writes fail (rpc error: context deadline exceeded)",
            "Lookups hang: see xcontext deadline exceeded",
        ]
        .map(mask);
        index.spread_in(&texts);
        let spread = |value: &str| {
            index
                .entries
                .iter()
                .find(|e| e.value == value)
                .map(|e| (e.spread, e.text_spread))
        };
        // Each stated by one problem; written by three and by one.
        assert_eq!(spread("context deadline exceeded"), Some((1, 3)));
        assert_eq!(spread("quota bucket overflowed"), Some((1, 1)));
    }

    #[test]
    fn placeholders_split_signals() {
        assert_eq!(
            fragments("Provider registered: {name}"),
            ["provider registered:"]
        );
        assert_eq!(
            fragments("Failed to pull image \"<registry>/app:1.0\": connect: connection refused"),
            ["failed to pull image", ": connect: connection refused"]
        );
        // A quoted name is a value when the words around it stand on their own …
        assert_eq!(
            fragments("limiting requests, excess: 1.000 by zone \"one\""),
            ["limiting requests excess: # by zone"]
        );
        assert_eq!(
            fragments("password authentication failed for user 'app'"),
            ["password authentication failed for user"]
        );
        // … and not when they would not: `column` alone says nothing.
        assert_eq!(
            fragments("column \"allowed_regions\" does not exist"),
            ["column allowed_regions does not exist"]
        );
        assert_eq!(fragments("can't connect"), ["cant connect"]);
        assert_eq!(
            fragments("notification service 'xxxx' is not supported"),
            ["notification service", "is not supported"]
        );
        assert!(fragments("x").is_empty());
    }
}
