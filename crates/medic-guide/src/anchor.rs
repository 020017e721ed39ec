//! GitHub-compatible heading anchors: lower-case, punctuation dropped, spaces to `-`,
//! and `-1`, `-2` … appended to repeats, as github.com renders them.

use std::collections::HashMap;

/// Hands out the anchors of one document, numbering repeats.
#[derive(Debug, Default)]
pub(crate) struct Slugger {
    seen: HashMap<String, usize>,
}

impl Slugger {
    /// The anchor for the next heading with this text.
    pub(crate) fn slug(&mut self, heading: &str) -> String {
        let base = slugify(heading);
        let mut candidate = base.clone();
        loop {
            match self.seen.get_mut(&candidate) {
                None => {
                    self.seen.insert(candidate.clone(), 0);
                    if candidate != base {
                        // Reserve the suffixed name too, as GitHub does.
                        self.seen.entry(base).or_insert(0);
                    }
                    return candidate;
                }
                Some(_) => {
                    let count = self.seen.entry(base.clone()).or_insert(0);
                    *count += 1;
                    candidate = format!("{base}-{count}");
                }
            }
        }
    }
}

/// GitHub's slug of a heading's text (without numbering of repeats).
pub fn slugify(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | '_' => Some(c),
            c if c.is_alphanumeric() => Some(c),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{Slugger, slugify};

    #[test]
    fn github_rules() {
        assert_eq!(
            slugify("1. Provider Not Starting"),
            "1-provider-not-starting"
        );
        assert_eq!(
            slugify("Service Unavailable (503)"),
            "service-unavailable-503"
        );
        assert_eq!(
            slugify("Error: connect: connection refused"),
            "error-connect-connection-refused"
        );
        assert_eq!(
            slugify("Region/Label Filtering Issues"),
            "regionlabel-filtering-issues"
        );
        assert_eq!(
            slugify("Common Causes & Solutions"),
            "common-causes--solutions"
        );
        assert_eq!(slugify("Why Am I Getting x509?"), "why-am-i-getting-x509");
    }

    #[test]
    fn repeats_are_numbered() {
        let mut s = Slugger::default();
        assert_eq!(s.slug("Symptoms"), "symptoms");
        assert_eq!(s.slug("Symptoms"), "symptoms-1");
        assert_eq!(s.slug("Symptoms"), "symptoms-2");
        assert_eq!(s.slug("Symptoms 1"), "symptoms-1-1");
    }
}
