//! The text analyzer shared by the index and the queries: identifiers are kept whole
//! (`CrashLoopBackOff`, `pg_stat_activity`, `crossplane-system`, `x509`, `5xx`) and also
//! split into their parts (`crash loop back off`, `pg stat activity`), then lower-cased,
//! stop words dropped and English stems taken.

use std::cell::RefCell;
use std::collections::HashMap;

use tantivy::tokenizer::{
    Language, StopWordFilter, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

/// The name the analyzer is registered under in the index.
pub(crate) const ANALYZER: &str = "medic";

/// What is left of a negated auxiliary once the tokenizer splits it at its apostrophe
/// (`isn't` → `isn`): a stop word like `is`. `can`, `don` and `doesn` stay: the synonyms
/// `can't connect` and `doesn't exist` are written with them.
const CONTRACTIONS: [&str; 15] = [
    "isn", "aren", "wasn", "weren", "hasn", "haven", "hadn", "couldn", "wouldn", "shouldn", "didn",
    "won", "ain", "mustn", "needn",
];

/// Builds the analyzer.
pub(crate) fn analyzer() -> TextAnalyzer {
    let builder = TextAnalyzer::builder(IdentifierTokenizer)
        .filter(StopWordFilter::remove(CONTRACTIONS.map(str::to_owned)));
    match StopWordFilter::new(Language::English) {
        Some(stop) => builder.filter(stop).filter(CachedStemmer).build(),
        None => builder.filter(CachedStemmer).build(),
    }
}

thread_local! {
    /// Stems already taken on this thread: guides repeat their words, and stemming is most
    /// of the cost of analysing them.
    static STEMS: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
}

/// How many stems a thread remembers: more than the distinct words of a large guide set.
const MAX_CACHED_STEMS: usize = 200_000;

/// The English (Snowball) stemmer, remembering each word's stem per thread.
#[derive(Clone, Copy)]
struct CachedStemmer;

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter { inner: tokenizer }
    }
}

#[derive(Clone)]
pub(crate) struct CachedStemmerFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            stemmer: frostem::Stemmer::new(frostem::Algorithm::English),
        }
    }
}

pub(crate) struct CachedStemmerStream<T> {
    tail: T,
    stemmer: frostem::Stemmer,
}

impl<T: TokenStream> TokenStream for CachedStemmerStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        STEMS.with_borrow_mut(|stems| {
            if let Some(stem) = stems.get(&token.text) {
                token.text.clone_from(stem);
            } else {
                let stem = self.stemmer.stem(&token.text).into_owned();
                // A long-running server analyses whatever its evidence says: the cache is
                // bounded, and starts over when full.
                if stems.len() >= MAX_CACHED_STEMS {
                    stems.clear();
                }
                stems.insert(std::mem::replace(&mut token.text, stem.clone()), stem);
            }
        });
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// The analysed terms of a text, in order, repeats kept.
pub(crate) fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// The analysed tokens of a text, in order, with their offsets.
pub(crate) fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        out.push(stream.token().clone());
    }
    out
}

/// Splits text into identifiers (runs of letters, digits, `_` and inner `-`), emitting each
/// identifier lower-cased and, when it has parts, each part too.
#[derive(Clone, Default)]
pub(crate) struct IdentifierTokenizer;

pub(crate) struct VecTokenStream {
    tokens: Vec<Token>,
    index: usize,
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        if self.index < self.tokens.len() {
            self.index += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self
            .index
            .saturating_sub(1)
            .min(self.tokens.len().saturating_sub(1))]
    }

    fn token_mut(&mut self) -> &mut Token {
        let i = self
            .index
            .saturating_sub(1)
            .min(self.tokens.len().saturating_sub(1));
        &mut self.tokens[i]
    }
}

impl Tokenizer for IdentifierTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let mut tokens = Vec::new();
        for (position, (start, word)) in identifiers(text).enumerate() {
            let lower = word.to_lowercase();
            let parts = parts(word);
            let whole_is_part = parts.len() == 1 && parts[0].1.eq_ignore_ascii_case(word);
            if lower.len() <= 64 {
                push(&mut tokens, start, word.len(), &lower, position);
            }
            if !whole_is_part {
                for (offset, part) in parts {
                    let lower_part = part.to_lowercase();
                    if lower_part != lower {
                        push(
                            &mut tokens,
                            start + offset,
                            part.len(),
                            &lower_part,
                            position,
                        );
                    }
                }
            }
        }
        VecTokenStream { tokens, index: 0 }
    }
}

fn push(tokens: &mut Vec<Token>, from: usize, len: usize, text: &str, position: usize) {
    // A single character carries no meaning for matching.
    if text.chars().count() < 2 {
        return;
    }
    tokens.push(Token {
        offset_from: from,
        offset_to: from + len,
        position,
        text: text.to_owned(),
        position_length: 1,
    });
}

/// Identifiers of a text with their byte offsets.
fn identifiers(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let bytes: Vec<(usize, char)> = text.char_indices().collect();
    for (i, &(offset, c)) in bytes.iter().enumerate() {
        let inner_dash = (c == '-' || c == '.')
            && start.is_some()
            && bytes.get(i + 1).is_some_and(|(_, n)| n.is_alphanumeric());
        if c.is_alphanumeric() || c == '_' || inner_dash {
            start.get_or_insert(offset);
        } else if let Some(s) = start.take() {
            out.push((s, &text[s..offset]));
        }
    }
    if let Some(s) = start {
        out.push((s, &text[s..]));
    }
    out.into_iter().map(|(s, w)| {
        let trimmed = w.trim_end_matches(['.', '-', '_']);
        (s, trimmed)
    })
}

/// The parts of an identifier: split at `_`, `-`, `.`, lower→upper case changes
/// (`CrashLoop` → `Crash`, `Loop`) and acronym ends (`OOMKilled` → `OOM`, `Killed`).
/// Digits stay with their letters (`x509`, `5xx`, `http2`), except a status class after a
/// word (`Http5xx` → `Http`, `5xx`).
fn parts(word: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    for (seg_start, seg) in split_keep_offsets(word, &['_', '-', '.']) {
        let chars: Vec<(usize, char)> = seg.char_indices().collect();
        let mut start = 0usize;
        for i in 1..chars.len() {
            let prev = chars[i - 1].1;
            let cur = chars[i].1;
            let next = chars.get(i + 1).map(|(_, c)| *c);
            let boundary = (prev.is_lowercase() && cur.is_uppercase())
                || (prev.is_uppercase()
                    && cur.is_uppercase()
                    && next.is_some_and(char::is_lowercase))
                || (prev.is_alphabetic() && status_class(&chars[i..]));
            if boundary {
                let at = chars[i].0;
                out.push((seg_start + start, &seg[start..at]));
                start = at;
            }
        }
        if start < seg.len() {
            out.push((seg_start + start, &seg[start..]));
        }
    }
    out
}

/// Whether characters begin with an HTTP status class that ends there or at a new word
/// (`5xx` in `Http5xxErrorRate`): a word of its own, unlike the digits of `x509` or `http2`.
fn status_class(chars: &[(usize, char)]) -> bool {
    matches!(
        chars,
        [(_, '1'..='5'), (_, 'x' | 'X'), (_, 'x' | 'X'), rest @ ..]
            if rest.first().is_none_or(|(_, c)| !c.is_lowercase())
    )
}

fn split_keep_offsets<'a>(word: &'a str, seps: &[char]) -> Vec<(usize, &'a str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in word.char_indices() {
        if seps.contains(&c) {
            if i > start {
                out.push((start, &word[start..i]));
            }
            start = i + c.len_utf8();
        }
    }
    if start < word.len() {
        out.push((start, &word[start..]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{analyzer, terms};

    fn t(text: &str) -> Vec<String> {
        terms(&mut analyzer(), text)
    }

    #[test]
    fn identifiers_whole_and_split() {
        assert_eq!(
            t("CrashLoopBackOff"),
            ["crashloopbackoff", "crash", "loop", "back", "off"]
        );
        assert_eq!(
            t("pg_stat_activity"),
            ["pg_stat_act", "pg", "stat", "activ"]
        );
        assert_eq!(t("OOMKilled"), ["oomkil", "oom", "kill"]);
        assert_eq!(
            t("-n crossplane-system"),
            ["crossplane-system", "crossplan", "system"]
        );
        assert_eq!(t("x509 5xx"), ["x509", "5xx"]);
        assert_eq!(
            t("Http5xxErrors http2"),
            ["http5xxerror", "http", "5xx", "error", "http2"]
        );
    }

    #[test]
    fn stop_words_and_stems() {
        assert_eq!(t("the connections are refused"), ["connect", "refus"]);
        assert_eq!(t("isn't accepting"), ["accept"]);
        assert_eq!(t("doesn't exist"), ["doesn", "exist"]);
    }
}
