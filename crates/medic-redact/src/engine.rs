//! The compiled rule set and the line engine that applies it.
//!
//! Speed comes from not looking at most lines. One [`Prefilter`] pass over a
//! block of whole lines finds the trigger words (`password`, `eyJ`,
//! `authorization`, `@`, …); the bytes between lines holding one are copied
//! untouched, and only those lines run the regexes of the rules their
//! triggers name (Aho–Corasick over the line tells which). Custom rules have
//! no trigger words: each is searched over the block (multi-line mode, so `^`
//! and `$` still mean a line) and the lines where it matches are treated the
//! same way.
//!
//! Multi-line constructs (PEM key bodies, Kubernetes `data:` blocks) are a
//! small state machine in [`Scanner`]: while a block is open every line goes
//! to its handler, whatever its triggers.
//!
//! Lines longer than [`MAX_LINE`] are cut into pieces at a blank or comma
//! where possible, the same way whether the line came in one chunk or many.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex::bytes::{Regex, RegexBuilder};

use crate::builtin::{self, K8S_TRIGGERS, KIND_K8S_SECRET, KIND_PRIVATE_KEY, PEM_TRIGGERS};
use crate::error::Error;
use crate::k8s::{self, BlockLine, JsonData, YamlData};
use crate::pem::{self, PemBody, PemLine};
use crate::prefilter::Prefilter;
use crate::rule::{Group, Rule};
use crate::rule_config::RuleConfig;
use crate::scanner::{Mode, Scanner};
use crate::span::{KindId, Span, settle};

/// Longest line handled whole; longer ones are cut (see [`cut`]).
pub(crate) const MAX_LINE: usize = 1 << 20;

/// Trigger bit of the PEM block handler.
const BIT_PEM: u64 = 1 << 62;
/// Trigger bit of the Kubernetes `data:` handlers.
const BIT_K8S: u64 = 1 << 63;

/// Everything compiled from the built-in and custom rules; shared by all
/// sessions and streams of a [`Redactor`](crate::Redactor).
pub(crate) struct Engine {
    kinds: Vec<String>,
    /// Built-in rules (one trigger bit each) then custom rules.
    rules: Vec<Rule>,
    builtin: usize,
    /// Finds lines holding a trigger in a block.
    prefilter: Prefilter,
    /// Tells which triggers a line holds.
    triggers: AhoCorasick,
    /// For each trigger pattern, the bits of the rules and handlers it wakes.
    trigger_bits: Vec<u64>,
    /// Custom rules compiled in multi-line mode, to search whole blocks.
    custom_finders: Vec<Regex>,
    kind_pem: KindId,
    kind_k8s: KindId,
}

impl Engine {
    pub(crate) fn new(custom: &[RuleConfig]) -> Result<Engine, Error> {
        let mut kinds: Vec<String> = Vec::new();
        let mut rules = Vec::new();
        let mut words: Vec<(String, u64)> = Vec::new();
        let builtins = builtin::rules();
        debug_assert!(
            builtins.len() < 62,
            "trigger bits 62 and 63 are the handlers'"
        );
        for (bit, b) in builtins.into_iter().enumerate() {
            let regex = RegexBuilder::new(&b.pattern)
                .build()
                .unwrap_or_else(|e| panic!("built-in rule `{}` does not compile: {e}", b.kind));
            let group = if regex.captures_len() > 1 {
                Group::First
            } else {
                Group::Whole
            };
            rules.push(Rule {
                kind: intern(&mut kinds, b.kind),
                regex,
                group,
                accept: b.accept,
            });
            for word in b.triggers {
                add_trigger(&mut words, word, 1 << bit);
            }
        }
        for word in PEM_TRIGGERS {
            add_trigger(&mut words, word, BIT_PEM);
        }
        for word in K8S_TRIGGERS {
            add_trigger(&mut words, word, BIT_K8S);
        }
        let builtin = rules.len();
        let kind_pem = intern(&mut kinds, KIND_PRIVATE_KEY);
        let kind_k8s = intern(&mut kinds, KIND_K8S_SECRET);
        let mut custom_finders = Vec::new();
        for config in custom {
            let (rule, finder) = compile_custom(config, &mut kinds)?;
            rules.push(rule);
            custom_finders.push(finder);
        }
        let (words, trigger_bits): (Vec<String>, Vec<u64>) = words.into_iter().unzip();
        let triggers = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&words)
            .unwrap_or_else(|e| panic!("trigger words do not compile: {e}"));
        Ok(Engine {
            prefilter: Prefilter::new(&words),
            kind_pem,
            kind_k8s,
            kinds,
            rules,
            builtin,
            triggers,
            trigger_bits,
            custom_finders,
        })
    }

    pub(crate) fn kinds(&self) -> &[String] {
        &self.kinds
    }

    pub(crate) fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Redacts `block`, which holds whole lines (the last may lack its `\n`
    /// at the end of input), appending to `out`.
    pub(crate) fn block(&self, sc: &mut Scanner, block: &[u8], out: &mut Vec<u8>) {
        sc.custom_next.clear();
        sc.custom_next.resize(self.custom_finders.len(), None);
        sc.hits.clear();
        self.prefilter.scan(block, &mut sc.hits);
        sc.next_hit = 0;
        let mut pos = 0;
        while pos < block.len() {
            if !matches!(sc.mode, Mode::Normal) {
                let end = line_end(block, pos);
                self.line(sc, &block[pos..end], out);
                pos = end;
                continue;
            }
            let Some(hit) = self.next_hit(sc, block, pos) else {
                break;
            };
            let start = memchr::memrchr(b'\n', &block[pos..hit]).map_or(pos, |i| pos + i + 1);
            out.extend_from_slice(&block[pos..start]);
            let end = line_end(block, hit);
            self.line(sc, &block[start..end], out);
            pos = end;
        }
        if pos < block.len() {
            out.extend_from_slice(&block[pos..]);
        }
    }

    /// A position, at or after `pos`, in the next line worth a look.
    fn next_hit(&self, sc: &mut Scanner, block: &[u8], pos: usize) -> Option<usize> {
        while sc.hits.get(sc.next_hit).is_some_and(|&h| h < pos) {
            sc.next_hit += 1;
        }
        let mut hit = sc.hits.get(sc.next_hit).copied();
        for (finder, next) in self.custom_finders.iter().zip(sc.custom_next.iter_mut()) {
            let found = match *next {
                Some(at) if at == usize::MAX || at >= pos => at,
                _ => finder.find_at(block, pos).map_or(usize::MAX, |m| m.start()),
            };
            *next = Some(found);
            if found != usize::MAX {
                hit = Some(hit.map_or(found, |h| h.min(found)));
            }
        }
        hit
    }

    /// Redacts one line (with its `\n`, if it has one), cutting it if too long.
    pub(crate) fn line(&self, sc: &mut Scanner, line: &[u8], out: &mut Vec<u8>) {
        let content = line.strip_suffix(b"\n").unwrap_or(line);
        if content.len() <= MAX_LINE {
            return self.dispatch(sc, line, out);
        }
        let mut rest = line;
        while rest.strip_suffix(b"\n").unwrap_or(rest).len() > MAX_LINE {
            let at = cut(rest);
            self.dispatch(sc, &rest[..at], out);
            rest = &rest[at..];
        }
        self.dispatch(sc, rest, out);
    }

    /// Hands a line to the open block's handler, or to the rules.
    fn dispatch(&self, sc: &mut Scanner, line: &[u8], out: &mut Vec<u8>) {
        let (content, newline) = match line.strip_suffix(b"\n") {
            Some(content) => (content, &b"\n"[..]),
            None => (line, &b""[..]),
        };
        match std::mem::replace(&mut sc.mode, Mode::Normal) {
            Mode::Normal => self.normal(sc, content, out),
            Mode::Pem(mut body) => match body.line(content) {
                PemLine::Body => {
                    sc.mode = Mode::Pem(body);
                    return;
                }
                PemLine::End(end) => {
                    self.close_pem(sc, body, out);
                    let keep = if content[..end].trim_ascii().is_empty() {
                        0
                    } else {
                        end
                    };
                    self.normal(sc, &content[keep..], out);
                }
                PemLine::Other => {
                    self.close_pem(sc, body, out);
                    self.normal(sc, content, out);
                }
            },
            Mode::Yaml(mut data) => match data.line(content) {
                BlockLine::Inside(secret) => {
                    sc.mode = Mode::Yaml(data);
                    self.emit_one(sc, content, secret, out);
                }
                BlockLine::Closes => self.normal(sc, content, out),
            },
            Mode::Json(mut data) => {
                let secret = data.line(content);
                if !data.is_closed() {
                    sc.mode = Mode::Json(data);
                }
                self.emit_one(sc, content, secret, out);
            }
        }
        out.extend_from_slice(newline);
    }

    /// A line outside any block: the rules its triggers name, then whether it
    /// opens a block.
    fn normal(&self, sc: &mut Scanner, line: &[u8], out: &mut Vec<u8>) {
        let mut bits = 0u64;
        for m in self.triggers.find_overlapping_iter(line) {
            bits |= self.trigger_bits[m.pattern().as_usize()];
        }
        sc.spans.clear();
        let mut rule_bits = bits & !(BIT_PEM | BIT_K8S);
        while rule_bits != 0 {
            let i = rule_bits.trailing_zeros() as usize;
            rule_bits &= rule_bits - 1;
            self.rules[i].collect(line, i as u16, &mut sc.locs[i], &mut sc.spans);
        }
        for i in self.builtin..self.rules.len() {
            self.rules[i].collect(line, i as u16, &mut sc.locs[i], &mut sc.spans);
        }
        if bits & BIT_K8S != 0 {
            k8s::compact_spans(line, self.kind_k8s, 0, &mut sc.spans);
            if let Some(column) = k8s::yaml_open(line) {
                sc.mode = Mode::Yaml(YamlData::new(column));
            } else if k8s::json_open(line) {
                sc.mode = Mode::Json(JsonData::new());
            }
        }
        if bits & BIT_PEM != 0
            && let Some(end) = pem::open(line)
        {
            let rest = line.len() - line[end..].trim_ascii_start().len();
            let tail = line.trim_ascii_end().len();
            if rest < tail {
                sc.spans.push(Span {
                    start: rest,
                    end: tail,
                    kind: self.kind_pem,
                    priority: 0,
                });
            }
            sc.mode = Mode::Pem(PemBody::new(&sc.key));
        }
        self.emit(sc, line, out);
    }

    /// Writes `line` with `sc.spans` replaced by tokens.
    fn emit(&self, sc: &mut Scanner, line: &[u8], out: &mut Vec<u8>) {
        settle(line, &mut sc.spans);
        let mut pos = 0;
        for span in &sc.spans {
            out.extend_from_slice(&line[pos..span.start]);
            let kind = usize::from(span.kind);
            sc.key
                .write(&self.kinds[kind], &line[span.start..span.end], out);
            sc.counts[kind] += 1;
            pos = span.end;
        }
        out.extend_from_slice(&line[pos..]);
    }

    fn emit_one(
        &self,
        sc: &mut Scanner,
        line: &[u8],
        secret: Option<(usize, usize)>,
        out: &mut Vec<u8>,
    ) {
        sc.spans.clear();
        if let Some((start, end)) = secret {
            sc.spans.push(Span {
                start,
                end,
                kind: self.kind_k8s,
                priority: 0,
            });
        }
        self.emit(sc, line, out);
    }

    fn close_pem(&self, sc: &mut Scanner, body: PemBody, out: &mut Vec<u8>) {
        if !body.is_empty() {
            let kind = usize::from(self.kind_pem);
            body.finish(&self.kinds[kind], out);
            sc.counts[kind] += 1;
        }
    }

    /// Ends the input: closes an open PEM body.
    pub(crate) fn finish(&self, sc: &mut Scanner, out: &mut Vec<u8>) {
        if let Mode::Pem(body) = std::mem::replace(&mut sc.mode, Mode::Normal) {
            self.close_pem(sc, body, out);
        }
    }
}

fn intern(kinds: &mut Vec<String>, kind: &str) -> KindId {
    let index = kinds.iter().position(|k| k == kind).unwrap_or_else(|| {
        kinds.push(kind.to_owned());
        kinds.len() - 1
    });
    KindId::try_from(index).unwrap_or(KindId::MAX)
}

fn add_trigger(words: &mut Vec<(String, u64)>, word: &str, bits: u64) {
    let word = word.to_ascii_lowercase();
    match words.iter_mut().find(|(w, _)| *w == word) {
        Some((_, b)) => *b |= bits,
        None => words.push((word, bits)),
    }
}

fn compile_custom(config: &RuleConfig, kinds: &mut Vec<String>) -> Result<(Rule, Regex), Error> {
    let name = &config.name;
    let usable = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.');
    if name.is_empty() || !name.bytes().all(usable) {
        return Err(Error::InvalidName { name: name.clone() });
    }
    let invalid = |source| Error::InvalidPattern {
        name: name.clone(),
        source,
    };
    let regex = Regex::new(&config.pattern).map_err(invalid)?;
    let finder = RegexBuilder::new(&config.pattern)
        .multi_line(true)
        .build()
        .map_err(invalid)?;
    if regex.is_match(b"") {
        return Err(Error::EmptyMatch { name: name.clone() });
    }
    let available = regex.captures_len() - 1;
    let group = match config.group {
        None if available == 0 => Group::Whole,
        None => Group::First,
        Some(0) => Group::Whole,
        Some(group) if group <= available => Group::Index(group),
        Some(group) => {
            return Err(Error::NoSuchGroup {
                name: name.clone(),
                group,
                available,
            });
        }
    };
    let rule = Rule {
        kind: intern(kinds, name),
        regex,
        group,
        accept: None,
    };
    Ok((rule, finder))
}

/// The end of the line holding `at`: after its `\n`, or the end of `block`.
fn line_end(block: &[u8], at: usize) -> usize {
    memchr::memchr(b'\n', &block[at..]).map_or(block.len(), |i| at + i + 1)
}

/// Where to cut a line longer than [`MAX_LINE`]: after the last blank or comma
/// in its first [`MAX_LINE`] bytes, else right there. Depends only on those
/// bytes, so a stream cuts a long line the same wherever its chunks end.
pub(crate) fn cut(line: &[u8]) -> usize {
    let window = &line[..MAX_LINE];
    memchr::memrchr3(b' ', b',', b'\t', window).map_or(MAX_LINE, |i| i + 1)
}
