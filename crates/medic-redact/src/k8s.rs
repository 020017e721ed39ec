//! Kubernetes Secret values in `kubectl get … -o yaml` and `-o json` output.
//!
//! kubectl sorts keys, so `data:` comes before `kind: Secret`: by the time
//! the kind is known the values are printed. So every value of every `data:`
//! or `stringData:` mapping is redacted, keys kept: ConfigMap data is masked
//! too. Three shapes:
//!
//! - YAML: a line that is only `data:` or `stringData:` (or `- data:`) opens a
//!   block; more indented lines are `key: value` (value redacted), block
//!   scalars (`key: |`, every following deeper line redacted) or anything
//!   else (redacted whole); the first non-blank line at the opening key's
//!   indentation or less closes it.
//! - Pretty-printed JSON: a line ending `"data": {` opens a block; in it the
//!   string value of every `"key": "value"` line is redacted, nested objects
//!   included, until the brace that closes it.
//! - Compact JSON on one line (`kubectl … -o json | jq -c`, or the
//!   `last-applied-configuration` annotation, plain or escaped inside a JSON
//!   string): the string values of `"data":{…}`, on lines that also hold
//!   `apiVersion` so that application logs with a `"data"` field are left
//!   alone.

use memchr::memmem;

use crate::span::{KindId, Span};

/// If `line` is only `data:` / `stringData:` (YAML), the column of that key.
pub(crate) fn yaml_open(line: &[u8]) -> Option<usize> {
    let text = line.trim_ascii_end();
    let indent = leading_spaces(text);
    let mut key = &text[indent..];
    let mut column = indent;
    if let Some(rest) = key.strip_prefix(b"- ") {
        let more = leading_spaces(rest);
        key = &rest[more..];
        column += 2 + more;
    }
    (key == b"data:" || key == b"stringData:").then_some(column)
}

/// An open YAML `data:` block.
pub(crate) struct YamlData {
    /// Column of the `data:` key: lines indented no more than it close the block.
    column: usize,
    /// Indentation of a `key: |` whose block scalar is being read.
    scalar: Option<usize>,
}

/// What a line does to an open block.
pub(crate) enum BlockLine {
    /// The line belongs to the block; this range of it (if any) is a secret.
    Inside(Option<(usize, usize)>),
    /// The line closes the block and is ordinary text.
    Closes,
}

impl YamlData {
    pub(crate) fn new(column: usize) -> YamlData {
        YamlData {
            column,
            scalar: None,
        }
    }

    /// Takes in one line (without its `\n`).
    pub(crate) fn line(&mut self, line: &[u8]) -> BlockLine {
        let text = line.trim_ascii_end();
        let indent = leading_spaces(text);
        if indent == text.len() {
            return BlockLine::Inside(None);
        }
        if indent <= self.column {
            return BlockLine::Closes;
        }
        if let Some(scalar) = self.scalar {
            if indent > scalar {
                return BlockLine::Inside(Some((indent, text.len())));
            }
            self.scalar = None;
        }
        let mut start = indent;
        if text[start] == b'#' {
            return BlockLine::Inside(None);
        }
        if text[start..].starts_with(b"- ") {
            start += 2 + leading_spaces(&text[start + 2..]);
        }
        let Some(colon) = key_end(&text[start..]) else {
            return BlockLine::Inside(Some((start, text.len())));
        };
        let value_at = start + colon + 1;
        let value_start = value_at + leading_spaces(&text[value_at..]);
        let value = &text[value_start..];
        match value.first() {
            None => BlockLine::Inside(None),
            Some(b'|' | b'>') => {
                self.scalar = Some(indent);
                BlockLine::Inside(None)
            }
            Some(&quote @ (b'"' | b'\'')) if value.len() >= 2 && value.ends_with(&[quote]) => {
                let inside = (value_start + 1, text.len() - 1);
                BlockLine::Inside((inside.0 < inside.1).then_some(inside))
            }
            Some(_) => BlockLine::Inside(Some((value_start, text.len()))),
        }
    }
}

/// Where a YAML key ends: the first `:` followed by a blank or the end,
/// outside a quoted key.
fn key_end(text: &[u8]) -> Option<usize> {
    let mut i = 0;
    if let Some(&quote @ (b'"' | b'\'')) = text.first() {
        i = 1 + memchr::memchr(quote, &text[1..])? + 1;
    }
    while i < text.len() {
        if text[i] == b':' && text.get(i + 1).is_none_or(|b| b.is_ascii_whitespace()) {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// If `line` ends with `"data": {` or `"stringData": {` (pretty-printed JSON).
pub(crate) fn json_open(line: &[u8]) -> bool {
    let text = line.trim_ascii();
    let Some(text) = text.strip_suffix(b"{") else {
        return false;
    };
    let Some(text) = text.trim_ascii_end().strip_suffix(b":") else {
        return false;
    };
    let text = text.trim_ascii_end();
    text.ends_with(b"\"data\"") || text.ends_with(b"\"stringData\"")
}

/// An open pretty-printed JSON `"data": {` block.
pub(crate) struct JsonData {
    depth: usize,
}

impl JsonData {
    pub(crate) fn new() -> JsonData {
        JsonData { depth: 1 }
    }

    /// Takes in one line (without its `\n`) and returns the range of its
    /// secret, if any. [`JsonData::is_closed`] tells when the block is over.
    pub(crate) fn line(&mut self, line: &[u8]) -> Option<(usize, usize)> {
        let text = line.trim_ascii();
        if text.starts_with(b"}") || text.starts_with(b"]") {
            self.depth -= 1;
            return None;
        }
        let start = line.len() - line.trim_ascii_start().len();
        let key = string_at(line, start, b"\"")?;
        let mut at = key.1 + 1;
        at += leading_blanks(&line[at..]);
        if line.get(at) != Some(&b':') {
            return None;
        }
        at += 1;
        at += leading_blanks(&line[at..]);
        match line.get(at) {
            Some(b'"') => string_at(line, at, b"\"").filter(|(s, e)| s < e),
            Some(b'{' | b'[') if text.ends_with(b"{") || text.ends_with(b"[") => {
                self.depth += 1;
                None
            }
            _ => None,
        }
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.depth == 0
    }
}

/// The string values of compact `"data":{…}` objects on a line that also
/// holds `apiVersion`, plain or escaped (`\"data\":{\"k\":\"v\"}`).
pub(crate) fn compact_spans(line: &[u8], kind: KindId, priority: u16, spans: &mut Vec<Span>) {
    if memmem::find(line, b"apiVersion").is_none() {
        return;
    }
    for found in memmem::find_iter(line, b"ata") {
        let Some(key_start) = found.checked_sub(1) else {
            continue;
        };
        let before = &line[..key_start];
        let key_ok = matches!(line[key_start], b'd') && before.ends_with(b"\"")
            || line[key_start] == b'D' && before.ends_with(b"\"string");
        if !key_ok {
            continue;
        }
        let quote: &[u8] = if before.ends_with(b"\\\"") || before.ends_with(b"\\\"string") {
            b"\\\""
        } else {
            b"\""
        };
        let mut at = found + 3;
        if !line[at..].starts_with(quote) {
            continue;
        }
        at += quote.len();
        at += leading_blanks(&line[at..]);
        if line.get(at) != Some(&b':') {
            continue;
        }
        at += 1;
        at += leading_blanks(&line[at..]);
        if line.get(at) != Some(&b'{') {
            continue;
        }
        at += 1;
        object_values(line, at, quote, kind, priority, spans);
    }
}

/// Reads `"k":"v", …}` from `at`, pushing the value ranges; stops at the first
/// thing that is not a string pair.
fn object_values(
    line: &[u8],
    mut at: usize,
    quote: &[u8],
    kind: KindId,
    priority: u16,
    spans: &mut Vec<Span>,
) {
    loop {
        at += line[at..]
            .iter()
            .take_while(|b| b.is_ascii_whitespace() || **b == b',')
            .count();
        let Some(key) = string_at(line, at, quote) else {
            return;
        };
        at = key.1 + quote.len();
        at += leading_blanks(&line[at..]);
        if line.get(at) != Some(&b':') {
            return;
        }
        at += 1;
        at += leading_blanks(&line[at..]);
        let Some(value) = string_at(line, at, quote) else {
            return;
        };
        if value.0 < value.1 {
            spans.push(Span {
                start: value.0,
                end: value.1,
                kind,
                priority,
            });
        }
        at = value.1 + quote.len();
    }
}

/// The contents of the string opening with `quote` at `at`: `"` strings end at
/// an unescaped `"`, `\"` strings at the next `\"`.
fn string_at(line: &[u8], at: usize, quote: &[u8]) -> Option<(usize, usize)> {
    if !line[at..].starts_with(quote) {
        return None;
    }
    let start = at + quote.len();
    if quote.len() > 1 {
        let len = memmem::find(&line[start..], quote)?;
        return Some((start, start + len));
    }
    let mut i = start;
    while i < line.len() {
        match line[i] {
            b'\\' => i += 2,
            b'"' => return Some((start, i)),
            _ => i += 1,
        }
    }
    None
}

fn leading_spaces(text: &[u8]) -> usize {
    text.iter().take_while(|&&b| b == b' ').count()
}

fn leading_blanks(text: &[u8]) -> usize {
    text.iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count()
}

#[cfg(test)]
mod tests {
    use super::{json_open, yaml_open};

    #[test]
    fn opening_lines() {
        assert_eq!(yaml_open(b"data:"), Some(0));
        assert_eq!(yaml_open(b"  stringData:  \r"), Some(2));
        assert_eq!(yaml_open(b"- data:"), Some(2));
        assert_eq!(yaml_open(b"metadata:"), None);
        assert_eq!(yaml_open(b"data: {}"), None);
        assert!(json_open(b"    \"data\": {"));
        assert!(!json_open(b"    \"data\": {},"));
        assert!(!json_open(b"    \"metadata\": {"));
    }
}
