//! The trigger scan: where in a block the trigger words are, fast.
//!
//! Nearly every byte of input goes through this loop and nothing else, so it
//! sets the speed of the crate. A DFA (regex-automata's dense DFA for the
//! trigger words, ASCII case-insensitive, unanchored) costs one table lookup
//! per byte, but each lookup waits for the previous one. Aho–Corasick's own
//! DFA runs at about that speed too (~600 MB/s here); its SIMD prefilters
//! are off when matching ignores case. So the block is cut in [`LANES`]
//! pieces and the DFA walks them in one loop: the lookups of one piece do not
//! wait for the other's, and the CPU overlaps them (≈ 1.6× here; four lanes
//! were no faster than two).
//!
//! Each piece after the first starts [`Prefilter::overlap`] bytes early so
//! that a trigger across a cut is still seen; positions found twice are
//! merged.

use regex_automata::dfa::{Automaton, StartKind, dense};
use regex_automata::util::primitives::StateID;
use regex_automata::util::syntax;
use regex_automata::{Anchored, MatchKind};

/// Pieces walked side by side.
const LANES: usize = 2;
/// Blocks shorter than this are walked in one piece.
const MIN_SPLIT: usize = 4096;

pub(crate) struct Prefilter {
    dfa: dense::DFA<Vec<u32>>,
    start: StateID,
    /// Longest trigger, in bytes.
    longest: usize,
}

impl Prefilter {
    /// A scanner for `words` (ASCII case-insensitive).
    pub(crate) fn new(words: &[String]) -> Prefilter {
        let alternation = words
            .iter()
            .map(|w| escape(w))
            .collect::<Vec<_>>()
            .join("|");
        let dfa = dense::Builder::new()
            .configure(
                dense::Config::new()
                    .match_kind(MatchKind::All)
                    .start_kind(StartKind::Unanchored),
            )
            .syntax(
                syntax::Config::new()
                    .case_insensitive(true)
                    .unicode(false)
                    .utf8(false),
            )
            .build(&alternation)
            .unwrap_or_else(|e| panic!("trigger words do not compile to a DFA: {e}"));
        let start = dfa
            .universal_start_state(Anchored::No)
            .unwrap_or_else(|| panic!("trigger words use no look-around, so one start state"));
        Prefilter {
            dfa,
            start,
            longest: words.iter().map(String::len).max().unwrap_or(0),
        }
    }

    /// How far before its cut each piece starts.
    fn overlap(&self) -> usize {
        self.longest.saturating_sub(1)
    }

    /// Appends to `found`, in increasing order, the position of the last byte
    /// of every trigger word in `block` (at least one position per line
    /// holding a trigger, perhaps more).
    pub(crate) fn scan(&self, block: &[u8], found: &mut Vec<usize>) {
        if block.len() < MIN_SPLIT {
            self.walk(block, 0, block.len(), self.start, found);
            return;
        }
        let first = found.len();
        let piece = block.len().div_ceil(LANES);
        let lanes: [(usize, usize); LANES] = std::array::from_fn(|i| {
            let end = ((i + 1) * piece).min(block.len());
            ((i * piece).saturating_sub(self.overlap()).min(end), end)
        });
        self.walk_lanes(block, &lanes, found);
        found[first..].sort_unstable();
        let mut kept = first;
        for i in first..found.len() {
            if kept == first || found[i] != found[kept - 1] {
                found[kept] = found[i];
                kept += 1;
            }
        }
        found.truncate(kept);
    }

    /// Walks `block[start..end]` from `state`, then reports a word ending at `end`.
    fn walk(
        &self,
        block: &[u8],
        start: usize,
        end: usize,
        mut state: StateID,
        found: &mut Vec<usize>,
    ) {
        let dfa = &self.dfa;
        for (i, &byte) in block[start..end].iter().enumerate() {
            state = dfa.next_state(state, byte);
            if dfa.is_special_state(state) && dfa.is_match_state(state) {
                // Matches are reported one byte late: the word ended before `byte`.
                found.push((start + i).saturating_sub(1));
            }
        }
        let next = match block.get(end) {
            Some(&byte) => dfa.next_state(state, byte),
            None => dfa.next_eoi_state(state),
        };
        if end > 0 && dfa.is_match_state(next) {
            found.push(end - 1);
        }
    }

    /// [`Prefilter::walk`] over [`LANES`] pieces side by side, as far as the
    /// shortest goes; each piece then finishes alone.
    fn walk_lanes(&self, block: &[u8], lanes: &[(usize, usize); LANES], found: &mut Vec<usize>) {
        let dfa = &self.dfa;
        let steps = lanes.iter().map(|(s, e)| e - s).min().unwrap_or(0);
        let pieces: [&[u8]; LANES] =
            std::array::from_fn(|i| &block[lanes[i].0..lanes[i].0 + steps]);
        let mut states = [self.start; LANES];
        for step in 0..steps {
            let mut special = false;
            for (state, piece) in states.iter_mut().zip(&pieces) {
                *state = dfa.next_state(*state, piece[step]);
                special |= dfa.is_special_state(*state);
            }
            if special {
                for (state, lane) in states.iter().zip(lanes) {
                    if dfa.is_match_state(*state) {
                        found.push((lane.0 + step).saturating_sub(1));
                    }
                }
            }
        }
        for (state, &(start, end)) in states.into_iter().zip(lanes) {
            self.walk(block, start + steps, end, state, found);
        }
    }
}

/// `word` as a regex matching it literally.
fn escape(word: &str) -> String {
    let mut out = String::new();
    for c in word.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else {
            out.push_str(&format!("\\x{:02x}", c as u32));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::Prefilter;

    fn scan(words: &[&str], text: &str) -> Vec<usize> {
        let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        let mut found = Vec::new();
        Prefilter::new(&words).scan(text.as_bytes(), &mut found);
        found
    }

    #[test]
    fn finds_word_ends_ignoring_case() {
        assert_eq!(scan(&["token", "@"], "a TOKEN b @ c toke"), vec![6, 10]);
        assert_eq!(scan(&["token"], "token"), vec![4]);
    }

    #[test]
    fn halves_find_the_same_as_one_walk() {
        let mut text = String::new();
        for i in 0..3000 {
            text.push_str(if i % 7 == 0 {
                "x PassWord y\n"
            } else {
                "plain line\n"
            });
        }
        let found = scan(&["password"], &text);
        let expected: Vec<usize> = text.match_indices("PassWord").map(|(i, _)| i + 7).collect();
        assert!(text.len() > 2 * 4096);
        assert_eq!(found, expected);
        // A word across the cut, wherever the cut falls in it.
        for shift in 0..10 {
            let mut t = "z".repeat(5000 - shift);
            t.push_str("password");
            t.push_str(&"z".repeat(5000 - 8 + shift));
            assert_eq!(t.len() / 2, 5000);
            let at = t.find("password").unwrap() + 7;
            assert_eq!(scan(&["password", "tokens"], &t), vec![at], "shift {shift}");
        }
    }
}
