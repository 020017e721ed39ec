//! Byte ranges of one line to replace by tokens, and how overlapping ranges
//! found by different rules are settled.

use std::cmp::Reverse;

use memchr::memmem;

use crate::token::TOKEN_PREFIX;

/// Index of a kind name in the engine's kind table.
pub(crate) type KindId = u16;

/// `line[start..end]` is a secret of `kind`; `priority` settles ties (lower wins).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) kind: KindId,
    pub(crate) priority: u16,
}

/// Sorts `spans` and merges overlaps so they can be replaced left to right.
///
/// Of spans starting at one place the longest wins, then the one of the rule
/// listed first (the specific `jwt` before the generic `token=`). A span that
/// overlaps an earlier one and reaches further extends it: redacting a little
/// too much is better than showing the tail of a secret. Spans inside tokens
/// already in the text (`«redacted:password:ab12»` holds `password:`) are
/// dropped, so redacting twice changes nothing.
pub(crate) fn settle(line: &[u8], spans: &mut Vec<Span>) {
    if spans.is_empty() {
        return;
    }
    drop_inside_tokens(line, spans);
    spans.sort_unstable_by_key(|s| (s.start, Reverse(s.end), s.priority));
    let mut kept = 0;
    for i in 0..spans.len() {
        let span = spans[i];
        if kept > 0 && span.start < spans[kept - 1].end {
            let last = &mut spans[kept - 1];
            last.end = last.end.max(span.end);
        } else {
            spans[kept] = span;
            kept += 1;
        }
    }
    spans.truncate(kept);
}

fn drop_inside_tokens(line: &[u8], spans: &mut Vec<Span>) {
    let finder = memmem::find_iter(line, TOKEN_PREFIX);
    let mut tokens: Vec<(usize, usize)> = Vec::new();
    for start in finder {
        let end = memchr::memchr(0xbb, &line[start..]).map_or(line.len(), |i| start + i + 1);
        tokens.push((start, end));
    }
    if tokens.is_empty() {
        return;
    }
    spans.retain(|s| !tokens.iter().any(|&(a, b)| s.start < b && a < s.end));
}

#[cfg(test)]
mod tests {
    use super::{Span, settle};

    fn span(start: usize, end: usize, priority: u16) -> Span {
        Span {
            start,
            end,
            kind: priority,
            priority,
        }
    }

    #[test]
    fn longest_then_first_listed_wins() {
        let mut spans = vec![span(4, 8, 3), span(0, 2, 1), span(4, 10, 5), span(4, 10, 2)];
        settle(b"0123456789", &mut spans);
        assert_eq!(spans, vec![span(0, 2, 1), span(4, 10, 2)]);
    }

    #[test]
    fn overlaps_merge() {
        let mut spans = vec![span(0, 5, 1), span(3, 9, 0)];
        settle(b"0123456789", &mut spans);
        assert_eq!(spans, vec![span(0, 9, 1)]);
    }

    #[test]
    fn tokens_are_not_redacted_again() {
        let line = "password=«redacted:password:ab12» x".as_bytes();
        let inside = line.len() - " x".len() - "ab12»".len();
        let mut spans = vec![span(inside, inside + 4, 0), span(0, 3, 1)];
        settle(line, &mut spans);
        assert_eq!(spans, vec![span(0, 3, 1)]);
    }
}
