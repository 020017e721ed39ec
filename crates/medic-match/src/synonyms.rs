//! Query expansion: words on-call engineers use for the same thing (`sluggish` for
//! latency, `throttled` for rate limiting), from `synonyms.txt`, searched at a lower
//! weight so a paraphrased symptom still finds the section that names it differently.

use std::collections::HashMap;

use tantivy::tokenizer::TextAnalyzer;

use crate::analyzer::terms;
use crate::signals::word_boundary;

/// HTTP statuses' reason phrases, as servers and clients print them.
const REASON_PHRASES: [(u16, &str); 12] = [
    (400, "bad request"),
    (401, "unauthorized"),
    (403, "forbidden"),
    (404, "not found"),
    (405, "method not allowed"),
    (408, "request timeout"),
    (413, "payload too large"),
    (429, "too many requests"),
    (500, "internal server error"),
    (502, "bad gateway"),
    (503, "service unavailable"),
    (504, "gateway timeout"),
];

/// How much an expansion counts next to the word the evidence used.
const EXPANSION_WEIGHT: f32 = 0.25;

pub(crate) struct Synonyms {
    /// Analysed term → the groups it belongs to.
    groups_of: HashMap<String, Vec<usize>>,
    /// Each group's analysed terms (a multi-word entry contributes all its words).
    groups: Vec<Vec<String>>,
    /// Multi-word entries (`does not exist`) as their terms, with their group: the group
    /// applies when the evidence has all of the terms.
    phrases: Vec<(Vec<String>, usize)>,
    /// Entries that stop words leave one word of (`log in`, `not found`), lower-case, with
    /// their term and group: the group applies when the evidence has the words as written.
    literals: Vec<(String, String, usize)>,
}

impl Synonyms {
    pub(crate) fn new(analyzer: &mut TextAnalyzer) -> Self {
        let mut synonyms = Self {
            groups_of: HashMap::new(),
            groups: Vec::new(),
            phrases: Vec::new(),
            literals: Vec::new(),
        };
        for line in include_str!("synonyms.txt").lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let id = synonyms.groups.len();
            let mut members = Vec::new();
            for entry in line.split(',') {
                members.extend(synonyms.entry(analyzer, entry, id));
            }
            members.sort();
            members.dedup();
            synonyms.groups.push(members);
        }
        // An HTTP status and its class mean the same to a reader: a `5xx` in the evidence
        // is covered by a problem naming 502, and a 503 by one naming `5xx`. Its reason
        // phrase too: `bad gateway` is the 502 a guide names.
        for code in (400..=431).chain([451]).chain(500..=511) {
            let id = synonyms.groups.len();
            let mut members = Vec::new();
            for entry in [code.to_string(), format!("{}xx", code / 100)] {
                members.extend(synonyms.entry(analyzer, &entry, id));
            }
            if let Some((_, phrase)) = REASON_PHRASES.iter().find(|(c, _)| *c == code) {
                members.extend(synonyms.entry(analyzer, phrase, id));
            }
            synonyms.groups.push(members);
        }
        synonyms
    }

    /// Registers one entry of group `id` and returns its terms. A single word triggers an
    /// expansion; a phrase does when the evidence has all its words. A phrase that stop
    /// words leave one word of (`log in` → log, `not found` → found, `over and over` →
    /// over) does only as written: that word alone is too common to stand for the group (a
    /// log is not about logging in, nor disk usage over 90% about anything repeating).
    fn entry(&mut self, analyzer: &mut TextAnalyzer, entry: &str, id: usize) -> Vec<String> {
        let mut entry_terms = terms(analyzer, entry);
        // A phrase of one word repeated (`over and over`) is that word once: found only as
        // written, or any `over` would stand for the group.
        entry_terms.dedup();
        let words: Vec<&str> = entry.split_whitespace().collect();
        match entry_terms.as_slice() {
            [] => {}
            [term] if words.len() == 1 => self.groups_of.entry(term.clone()).or_default().push(id),
            [term] => self
                .literals
                .push((words.join(" ").to_lowercase(), term.clone(), id)),
            _ => self.phrases.push((entry_terms.clone(), id)),
        }
        entry_terms
    }

    /// The expansions of weighted query terms, by term; `text` gives the evidence as
    /// `written` reads it, asked for only when a phrase must be found as written.
    pub(crate) fn expand(
        &self,
        weights: &HashMap<String, f32>,
        text: impl FnOnce() -> String,
    ) -> Vec<Expansion> {
        let mut out: HashMap<String, Expansion> = HashMap::new();
        // In a fixed order, so ties resolve the same way in every process: the evidence's
        // term, its weight, its groups, and the words of the phrase it ends.
        let mut ordered: Vec<(&String, f32, &[usize], &[String])> = weights
            .iter()
            .filter_map(|(t, w)| Some((t, *w, self.groups_of.get(t)?.as_slice(), &[][..])))
            .collect();
        // A phrase the evidence has all the words of stands for its group, through its
        // last word; the group's words cover each of its words.
        for (phrase, g) in &self.phrases {
            let least = phrase
                .iter()
                .map(|t| weights.get(t).copied())
                .try_fold(f32::MAX, |m, w| w.map(|w| m.min(w)));
            if let (Some(weight), Some(last)) = (least, phrase.last())
                && let Some((term, _)) = weights.get_key_value(last)
            {
                ordered.push((term, weight, std::slice::from_ref(g), phrase));
            }
        }
        let mut text = Some(text);
        let mut evidence = String::new();
        for (written, term, g) in &self.literals {
            let Some((term, weight)) = weights.get_key_value(term) else {
                continue;
            };
            if let Some(read) = text.take() {
                evidence = read();
            }
            if contains_words(&evidence, written) {
                ordered.push((term, *weight, std::slice::from_ref(g), &[][..]));
            }
        }
        ordered.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        for (term, weight, groups, phrase) in ordered {
            for &g in groups {
                for member in &self.groups[g] {
                    if member == term || weights.contains_key(member) {
                        continue;
                    }
                    let e = out.entry(member.clone()).or_insert_with(|| Expansion {
                        term: member.clone(),
                        weight: weight * EXPANSION_WEIGHT,
                        of: Vec::new(),
                    });
                    for word in std::iter::once(term).chain(phrase) {
                        if !e.of.contains(word) {
                            e.of.push(word.clone());
                        }
                    }
                }
            }
        }
        let mut v: Vec<Expansion> = out.into_values().collect();
        v.sort_by(|a, b| a.term.cmp(&b.term));
        v
    }
}

/// Whether text has the words, whole, one after the other.
fn contains_words(text: &str, words: &str) -> bool {
    text.match_indices(words)
        .any(|(at, _)| word_boundary(text, at, at + words.len()))
}

/// Evidence text as `expand` reads it: lower-case, words separated by single spaces.
pub(crate) fn written<'a>(texts: impl IntoIterator<Item = &'a str>) -> String {
    texts
        .into_iter()
        .flat_map(str::split_whitespace)
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A term searched for because the evidence has a synonym of it.
#[derive(Debug)]
pub(crate) struct Expansion {
    pub(crate) term: String,
    /// The weight of the strongest evidence term it stands for, times `EXPANSION_WEIGHT`.
    pub(crate) weight: f32,
    /// The evidence's terms it stands for, strongest first: a problem using the expansion
    /// covers them. A phrase (`does not exist`) is covered word by word.
    pub(crate) of: Vec<String>,
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::Synonyms;
    use crate::analyzer::analyzer;

    #[test]
    fn paraphrases_expand() {
        let mut a = analyzer();
        let s = Synonyms::new(&mut a);
        let mut w = HashMap::new();
        w.insert("sluggish".to_owned(), 1.0);
        let e = s.expand(&w, || "sluggish".to_owned());
        assert!(
            e.iter().any(|x| x.term == "latenc" && x.of == ["sluggish"]),
            "{e:?}"
        );
        assert!(e.iter().all(|x| x.weight < 0.5));
    }

    /// The terms the synonyms add to a text's own.
    fn expanded(text: &str) -> Vec<String> {
        let mut a = analyzer();
        let words: HashMap<String, f32> = crate::analyzer::terms(&mut a, text)
            .into_iter()
            .map(|t| (t, 1.0))
            .collect();
        Synonyms::new(&mut a)
            .expand(&words, || super::written([text]))
            .into_iter()
            .map(|x| x.term)
            .collect()
    }

    #[test]
    fn an_http_status_and_its_reason_phrase_cover_each_other() {
        let e = expanded("the upstream answered bad gateway");
        assert!(e.iter().any(|t| t == "502"), "{e:?}");
        assert!(e.iter().any(|t| t == "5xx"), "{e:?}");
        let e = expanded("HTTP 504");
        assert!(e.iter().any(|t| t == "gateway"), "{e:?}");
        // A reason that stop words shrink expands only as written.
        assert!(expanded("page not found").iter().any(|t| t == "404"));
        assert!(!expanded("nothing found").iter().any(|t| t == "404"));
    }

    #[test]
    fn abbreviations_and_spellings_are_their_words() {
        // Each evidence, and a term its expansion must have.
        for (text, term) in [
            // `PrometheusConfigurationReloadFailure` and a runbook named
            // `PrometheusBadConfig`: the stemmer leaves `configur` and `config` apart.
            ("PrometheusConfigurationReloadFailure", "config"),
            // node_exporter's `NodeNetworkReceiveErrs` and an alert about receive errors.
            ("HostNetworkReceiveErrors", "err"),
            ("k8s api down", "kubernet"),
            // A pod not healthy is one not ready.
            ("Kubernetes Pod not healthy", "readi"),
            // A configuration not synced is one that drifted.
            ("alertmanager config not synced", "inconsist"),
            // What happens over and over happens too often.
            ("a VM keeps live migrating over and over", "excess"),
        ] {
            let e = expanded(text);
            assert!(e.iter().any(|t| t == term), "{text}: {e:?}");
        }
        // What is over a limit, or done again, is not repeating.
        for text in ["disk usage over 90 percent", "please try again"] {
            let e = expanded(text);
            assert!(!e.iter().any(|t| t == "excess"), "{text}: {e:?}");
        }
    }

    #[test]
    fn a_phrase_expands_only_when_all_its_words_are_there() {
        let e = expanded("column \"region\" does not exist");
        assert!(e.iter().any(|t| t == "miss"), "{e:?}");
        let e = expanded("the region column exists");
        assert!(!e.iter().any(|t| t == "miss"), "{e:?}");
    }

    #[test]
    fn a_problem_using_the_group_covers_every_word_of_the_phrase() {
        let mut a = analyzer();
        let words: HashMap<String, f32> =
            crate::analyzer::terms(&mut a, "column \"region\" does not exist")
                .into_iter()
                .map(|t| (t, 1.0))
                .collect();
        let e = Synonyms::new(&mut a).expand(&words, String::new);
        let missing = e
            .iter()
            .find(|x| x.term == "miss")
            .expect("expands to missing");
        // `does` and `exist`: the section titled "Missing columns" covers both.
        assert_eq!(missing.of, ["exist", "doe"]);
    }

    #[test]
    fn a_phrase_stop_words_leave_one_word_of_expands_only_as_written() {
        // `log in` is in the sign-in group; a log is not about signing in.
        let e = expanded("the api logs show errors");
        assert!(!e.iter().any(|t| t == "authent"), "{e:?}");
        let e = expanded("users cannot sign in");
        assert!(e.iter().any(|t| t == "authent"), "{e:?}");
        let e = expanded("the sign shows in red");
        assert!(!e.iter().any(|t| t == "authent"), "{e:?}");
        let e = expanded("users cannot login");
        assert!(e.iter().any(|t| t == "authent"), "{e:?}");
    }
}
