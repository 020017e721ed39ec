//! Source positions: 1-based line ranges, and the index that turns byte offsets into them.

use serde::Serialize;

/// A range of lines in a guide, 1-based and inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Span {
    /// First line.
    pub line: usize,
    /// Last line.
    pub end_line: usize,
}

impl Span {
    /// A span covering `line..=end_line`.
    pub fn new(line: usize, end_line: usize) -> Self {
        Self {
            line,
            end_line: end_line.max(line),
        }
    }

    /// A span of one line.
    pub fn line(line: usize) -> Self {
        Self::new(line, line)
    }
}

/// Maps byte offsets of a text to 1-based line numbers.
#[derive(Debug, Clone)]
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { starts }
    }

    /// The 1-based line holding byte `offset`.
    pub(crate) fn line(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    /// The span of a byte range; an end offset just past a newline stays on the line before it.
    pub(crate) fn span(&self, range: &std::ops::Range<usize>) -> Span {
        let end = if range.end > range.start {
            range.end - 1
        } else {
            range.start
        };
        Span::new(self.line(range.start), self.line(end))
    }
}

#[cfg(test)]
mod tests {
    use super::LineIndex;

    #[test]
    fn offsets_map_to_lines() {
        let index = LineIndex::new("ab\ncd\n\nef");
        assert_eq!(index.line(0), 1);
        assert_eq!(index.line(2), 1);
        assert_eq!(index.line(3), 2);
        assert_eq!(index.line(6), 3);
        assert_eq!(index.line(7), 4);
        assert_eq!(index.span(&(0..6)).end_line, 2);
    }
}
