//! Ordinary English: a word list (`english.txt`, SCOWL's common words) that tells an
//! engineer's phrasing (`someone`, `renamed`, `everywhere`) from the names of systems and
//! their terms (`kafka`, `elasticsearch`, `ora-00257`). A word of the evidence that no guide
//! uses says the evidence is about something the guides do not cover only when it is not
//! ordinary English. Read once per process, on first use.

use std::sync::LazyLock;

/// The sorted words, borrowed from the embedded list.
static WORDS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    include_str!("english.txt")
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
});

/// Whether a lower-case word is ordinary English.
pub(crate) fn is_english(word: &str) -> bool {
    WORDS.binary_search(&word).is_ok()
}

#[cfg(test)]
mod tests {
    use super::{WORDS, is_english};

    #[test]
    fn list_is_sorted_and_lower_case() {
        assert!(WORDS.len() > 30_000);
        assert!(WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(
            WORDS
                .iter()
                .all(|w| w.chars().all(|c| c.is_ascii_lowercase()))
        );
    }

    #[test]
    fn phrasing_is_english_system_names_are_not() {
        for w in ["someone", "renamed", "everywhere", "slow", "channel"] {
            assert!(is_english(w), "{w}");
        }
        for w in ["kafka", "elasticsearch", "postgres", "nginx", "Someone"] {
            assert!(!is_english(w), "{w}");
        }
    }
}
