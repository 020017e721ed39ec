//! One compiled rule: a regex over a line, the capture group holding the
//! secret, an optional check that the captured text is a secret and not a
//! placeholder, and the spans it finds.

use regex::bytes::{CaptureLocations, Regex};

use crate::span::{KindId, Span};
use crate::token::TOKEN_PREFIX;

/// Which part of a match is the secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Group {
    /// The whole match.
    Whole,
    /// This capture group; no span when it did not take part.
    Index(usize),
    /// The first capture group that took part, else the whole match. Rules
    /// written as alternatives (`"quoted"` or `bare`) use one group each.
    First,
}

/// A predicate on the captured text: `false` means it is not a secret.
pub(crate) type Accept = fn(&[u8]) -> bool;

pub(crate) struct Rule {
    pub(crate) kind: KindId,
    pub(crate) regex: Regex,
    pub(crate) group: Group,
    pub(crate) accept: Option<Accept>,
}

impl Rule {
    /// Appends the secrets this rule finds in `line` to `spans`.
    pub(crate) fn collect(
        &self,
        line: &[u8],
        priority: u16,
        locs: &mut CaptureLocations,
        spans: &mut Vec<Span>,
    ) {
        if self.group == Group::Whole {
            for m in self.regex.find_iter(line) {
                self.push(line, m.start(), m.end(), priority, spans);
            }
            return;
        }
        let mut at = 0;
        while at <= line.len() {
            let Some(m) = self.regex.captures_read_at(locs, line, at) else {
                break;
            };
            let found = match self.group {
                Group::Whole => Some((m.start(), m.end())),
                Group::Index(i) => locs.get(i),
                Group::First => (1..locs.len())
                    .find_map(|i| locs.get(i))
                    .or(Some((m.start(), m.end()))),
            };
            if let Some((start, end)) = found {
                self.push(line, start, end, priority, spans);
            }
            at = if m.end() > m.start() {
                m.end()
            } else {
                m.end() + 1
            };
        }
    }

    fn push(&self, line: &[u8], start: usize, end: usize, priority: u16, spans: &mut Vec<Span>) {
        let value = &line[start..end];
        if value.is_empty() || value.starts_with(TOKEN_PREFIX) {
            return;
        }
        if self.accept.is_some_and(|accept| !accept(value)) {
            return;
        }
        spans.push(Span {
            start,
            end,
            kind: self.kind,
            priority,
        });
    }
}
