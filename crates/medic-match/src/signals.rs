//! Exact evidence: every signal of every problem (error strings, log templates, reasons,
//! alert and metric names, codes), indexed so a query finds in one pass which signals it
//! contains (Aho–Corasick over masked phrases), which contain it, or which error texts it
//! says most of in its own wrapping (their words in order).

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
    /// The words of the signal's message the evidence says in order, and of how many, when
    /// it says most of them but not all together.
    pub(crate) shares: Option<(usize, usize)>,
}

pub(crate) struct SignalIndex {
    pub(crate) entries: Vec<Entry>,
    automaton: Option<AhoCorasick>,
    /// For each automaton pattern: (entry, fragment index).
    owners: Vec<Vec<(usize, usize)>>,
    /// Single-word signals by lower-case value.
    by_token: HashMap<String, Vec<usize>>,
    /// The masked words of each error text's and log template's message (a quoted log line's
    /// time, level and source dropped), for those of [`SHARED_WORDS_MIN`] words or more.
    message_words: HashMap<usize, Vec<String>>,
    /// Those messages by each pair of adjacent words they have.
    by_pair: HashMap<String, Vec<usize>>,
}

/// The fewest words of an error text the evidence must say, in order, for it to count
/// without saying it whole, and the share of its words they must be.
const SHARED_WORDS_MIN: usize = 5;
const SHARED_SHARE_MIN: f32 = 0.7;

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
        let mut message_words = HashMap::new();
        let mut by_pair: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            if !phrase_kind(e.kind) {
                continue;
            }
            let message = mask(&crate::normalize::log_message(&e.value));
            let words: Vec<String> = message.split(' ').map(str::to_owned).collect();
            if words.len() < SHARED_WORDS_MIN {
                continue;
            }
            let mut pairs: Vec<String> = words.windows(2).map(|w| w.join(" ")).collect();
            pairs.sort_unstable();
            pairs.dedup();
            for pair in pairs {
                by_pair.entry(pair).or_default().push(i);
            }
            message_words.insert(i, words);
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
            message_words,
            by_pair,
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
        // The error texts each line says whole.
        let mut whole: Vec<Vec<usize>> = Vec::with_capacity(lines.len());
        for line in lines {
            let contained = self.contained(line);
            for &entry in &contained {
                add(Hit {
                    entry,
                    strength: 1.0,
                    part_of: None,
                    shares: None,
                });
            }
            whole.push(contained);
        }
        // Most of an error text's words, in order, in one line that wraps or words the
        // rest differently: `Unable to authenticate the request due to an error: x509:
        // certificate signed by unknown authority` in `"Unable to authenticate the request"
        // err="verifying certificate …: x509: certificate signed by unknown authority"`.
        // A line that says another error text whole, with as many of this one's words, is
        // that text: `… current time … is after …` is the expired certificate's message, not
        // the not-yet-valid one's `… is before …`.
        for (line, whole) in lines.iter().zip(&whole).take(20) {
            let words: Vec<&str> = line.split(' ').take(80).collect();
            if words.len() < SHARED_WORDS_MIN {
                continue;
            }
            let mut pairs: Vec<String> = words.windows(2).map(|w| w.join(" ")).collect();
            pairs.sort_unstable();
            pairs.dedup();
            let mut shared: HashMap<usize, usize> = HashMap::new();
            for pair in &pairs {
                for &entry in self.by_pair.get(pair).into_iter().flatten() {
                    *shared.entry(entry).or_default() += 1;
                }
            }
            for (entry, n) in shared {
                if n < 2 {
                    continue;
                }
                let message = &self.message_words[&entry];
                let common = common_words(message, &words);
                let strength = common as f32 / message.len() as f32;
                if common < SHARED_WORDS_MIN || !(SHARED_SHARE_MIN..1.0).contains(&strength) {
                    continue;
                }
                let said_by_another = whole.iter().any(|w| {
                    self.message_words
                        .get(w)
                        .is_some_and(|other| common_words(message, other) >= common)
                });
                if !said_by_another {
                    add(Hit {
                        entry,
                        strength,
                        part_of: None,
                        shares: Some((common, message.len())),
                    });
                }
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
                        shares: None,
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
                        shares: None,
                    });
                }
            }
        }
        let mut out: Vec<Hit> = hits.into_values().collect();
        out.sort_unstable_by_key(|h| h.entry);
        out
    }
}

/// How many of a message's words the line says in the same order (their longest common
/// subsequence).
fn common_words(message: &[impl AsRef<str>], line: &[impl AsRef<str>]) -> usize {
    let mut row = vec![0usize; line.len() + 1];
    for word in message {
        let mut diagonal = 0;
        for (j, other) in line.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if word.as_ref() == other.as_ref() {
                diagonal + 1
            } else {
                above.max(row[j])
            };
            diagonal = above;
        }
    }
    row[line.len()]
}

#[cfg(test)]
mod tests {
    use super::{SignalIndex, common_words, fragments};
    use crate::normalize::mask;

    #[test]
    fn common_words_are_counted_in_order() {
        let message: Vec<String> = "unable to authenticate the request due to an error"
            .split(' ')
            .map(str::to_owned)
            .collect();
        let line: Vec<&str> = "unable to authenticate the request verifying certificate failed"
            .split(' ')
            .collect();
        assert_eq!(common_words(&message, &line), 5);
        let reversed: Vec<&str> = "request the authenticate to unable".split(' ').collect();
        assert_eq!(common_words(&message, &reversed), 2, "`authenticate … to`");
        assert_eq!(common_words(&message, &[] as &[&str]), 0);
    }

    #[test]
    fn an_error_text_mostly_said_in_other_wrapping_is_found() {
        let guide = medic_guide::parse(
            "metrics.md",
            "# Metrics\n\n## Front proxy certificate\n\nThe log shows:\n\n```text\n\
             E0524 01:37:36.055326       1 authentication.go:65] Unable to authenticate the request due to an error: x509: certificate signed by unknown authority\n```\n",
        );
        let index = SignalIndex::new(&[guide]);
        let find = |line: &str| index.find(&[mask(line)], &[]);
        // 11 of the message's 15 words, in order: found, as a share.
        let hits = find(
            r#"Unable to authenticate the request verifying certificate SN=5102938475610293847 failed: x509: certificate signed by unknown authority"#,
        );
        let hit = hits.first().expect("most of the error text");
        assert_eq!(hit.shares, Some((11, 15)));
        assert!((hit.strength - 11.0 / 15.0).abs() < 1e-6);
        // Its last six words alone are under 70% of it (they are a part of it, found as such).
        let part = find("x509: certificate signed by unknown authority");
        assert!(part.iter().all(|h| h.shares.is_none()), "{part:?}");
        assert!(part.iter().any(|h| h.part_of.is_some()), "{part:?}");
        // The same words out of order are not the message.
        assert!(
            find("certificate signed by unknown authority x509 unable to authenticate the request")
                .iter()
                .all(|h| h.shares.is_none_or(|(n, _)| n < 11))
        );
    }

    #[test]
    fn an_error_text_said_whole_outweighs_one_it_mostly_resembles() {
        let guide = medic_guide::parse(
            "tls.md",
            "# TLS\n\n## Certificate expired\n\n**Symptoms**\n\n\
             - `x509: certificate has expired or is not yet valid: current time 2026-11-23T08:41:12Z is after 2020-02-01T00:00:00Z`\n\n\
             ## Certificate not yet valid\n\n**Symptoms**\n\n\
             - `x509: certificate has expired or is not yet valid: current time 2024-01-01T00:00:03Z is before 2026-11-23T08:36:55Z`\n",
        );
        let index = SignalIndex::new(&[guide]);
        let hits = |line: &str| -> Vec<(usize, Option<(usize, usize)>)> {
            index
                .find(&[mask(line)], &[])
                .iter()
                .map(|h| (index.entries[h.entry].problem, h.shares))
                .collect()
        };
        // `is after` is the expired certificate's message whole, and only that.
        assert_eq!(
            hits(
                "x509: certificate has expired or is not yet valid: current time 2026-11-24T10:00:00Z is after 2026-11-20T00:00:00Z"
            ),
            vec![(0, None)]
        );
        // Said in other words, each is mostly said: both count, in part.
        let reworded = hits(
            "tls: x509: certificate has expired or is not yet valid (current time 2026-11-24T10:00:00Z)",
        );
        assert_eq!(reworded.len(), 2, "{reworded:?}");
        assert!(
            reworded.iter().all(|(_, shares)| shares.is_some()),
            "{reworded:?}"
        );
    }

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
