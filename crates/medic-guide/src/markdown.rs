//! The Markdown layer: pulldown-cmark events with offsets turned into a small tree of
//! blocks (headings, paragraphs, lists, code, tables, quotes) that carry line numbers.
//!
//! Everything above this module reasons about blocks, never about raw events, so the
//! rules that recognise problems read like the guides they describe.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, MetadataBlockKind, Options, Parser, Tag, TagEnd};

use crate::span::{LineIndex, Span};

/// Inline text with what the rules need to know about it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Inline {
    /// The text as a person reads it; code spans keep their backticks.
    pub(crate) text: String,
    /// The text of a leading bold run (`**Symptoms**:` → `Symptoms`), if the inline starts with one.
    pub(crate) label: Option<String>,
    /// The text after the leading bold run, with a leading `:` removed.
    pub(crate) rest: String,
    /// Code spans, in order.
    pub(crate) code: Vec<String>,
}

/// A block of a Markdown document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Block {
    Heading {
        level: u8,
        inline: Inline,
        span: Span,
    },
    Paragraph {
        inline: Inline,
        span: Span,
    },
    List {
        ordered: bool,
        items: Vec<Item>,
        span: Span,
    },
    Code {
        /// The first word of the fence's info string, lower-cased (`bash`, `sql`, ``).
        lang: String,
        text: String,
        /// Span of the whole block, fences included.
        span: Span,
        /// Line of the first content line.
        content_line: usize,
    },
    Table {
        head: Vec<String>,
        rows: Vec<(Vec<String>, Span)>,
        span: Span,
    },
    Quote {
        blocks: Vec<Block>,
        span: Span,
    },
    FrontMatter {
        text: String,
    },
    Other,
}

/// One item of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Item {
    pub(crate) blocks: Vec<Block>,
    pub(crate) span: Span,
}

impl Item {
    /// The item's own text: its first paragraph.
    pub(crate) fn lead(&self) -> Option<&Inline> {
        self.blocks.iter().find_map(|b| match b {
            Block::Paragraph { inline, .. } => Some(inline),
            _ => None,
        })
    }
}

/// Parses a document into blocks.
pub(crate) fn parse(text: &str, lines: &LineIndex) -> Vec<Block> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    let events: Vec<(Event<'_>, Range<usize>)> =
        Parser::new_ext(text, options).into_offset_iter().collect();
    let mut reader = Reader {
        events,
        pos: 0,
        lines,
    };
    reader.blocks()
}

struct Reader<'a, 'i> {
    events: Vec<(Event<'a>, Range<usize>)>,
    pos: usize,
    lines: &'i LineIndex,
}

fn is_inline(event: &Event<'_>) -> bool {
    match event {
        Event::Text(_)
        | Event::Code(_)
        | Event::InlineHtml(_)
        | Event::InlineMath(_)
        | Event::DisplayMath(_)
        | Event::SoftBreak
        | Event::HardBreak
        | Event::FootnoteReference(_)
        | Event::TaskListMarker(_) => true,
        Event::Start(tag) => matches!(
            tag,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
                | Tag::Image { .. }
        ),
        _ => false,
    }
}

impl Reader<'_, '_> {
    /// Reads blocks until the end tag that closes the current container (consumed) or the end.
    fn blocks(&mut self) -> Vec<Block> {
        let mut out = Vec::new();
        while self.pos < self.events.len() {
            let (event, range) = self.events[self.pos].clone();
            if is_inline(&event) {
                let (inline, span) = self.inline_run(range.start);
                out.push(Block::Paragraph { inline, span });
                continue;
            }
            self.pos += 1;
            match event {
                Event::End(_) => return out,
                Event::Start(tag) => out.push(self.block(tag, range)),
                Event::Rule | Event::Html(_) => out.push(Block::Other),
                _ => {}
            }
        }
        out
    }

    fn block(&mut self, tag: Tag<'_>, range: Range<usize>) -> Block {
        let span = self.lines.span(&range);
        match tag {
            Tag::Paragraph => {
                let inline = self.inline_until_end();
                Block::Paragraph { inline, span }
            }
            Tag::Heading { level, .. } => {
                let inline = self.inline_until_end();
                Block::Heading {
                    level: level as u8,
                    inline,
                    span,
                }
            }
            Tag::List(start) => {
                let mut items = Vec::new();
                while self.pos < self.events.len() {
                    let (event, range) = self.events[self.pos].clone();
                    self.pos += 1;
                    match event {
                        Event::Start(Tag::Item) => {
                            let blocks = self.blocks();
                            items.push(Item {
                                blocks,
                                span: self.lines.span(&range),
                            });
                        }
                        Event::End(_) => break,
                        _ => {}
                    }
                }
                Block::List {
                    ordered: start.is_some(),
                    items,
                    span,
                }
            }
            Tag::CodeBlock(kind) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
                        .next()
                        .unwrap_or("")
                        .to_lowercase(),
                    CodeBlockKind::Indented => String::new(),
                };
                let mut text = String::new();
                let mut content_line = None;
                while self.pos < self.events.len() {
                    let (event, r) = self.events[self.pos].clone();
                    self.pos += 1;
                    match event {
                        Event::Text(t) => {
                            content_line.get_or_insert_with(|| self.lines.line(r.start));
                            text.push_str(&t);
                        }
                        Event::End(_) => break,
                        _ => {}
                    }
                }
                Block::Code {
                    lang,
                    text,
                    content_line: content_line.unwrap_or(span.line + 1),
                    span,
                }
            }
            Tag::Table(_) => self.table(span),
            Tag::BlockQuote(_) => {
                let blocks = self.blocks();
                Block::Quote { blocks, span }
            }
            Tag::MetadataBlock(MetadataBlockKind::YamlStyle | MetadataBlockKind::PlusesStyle) => {
                let mut text = String::new();
                while self.pos < self.events.len() {
                    let (event, _) = self.events[self.pos].clone();
                    self.pos += 1;
                    match event {
                        Event::Text(t) => text.push_str(&t),
                        Event::End(_) => break,
                        _ => {}
                    }
                }
                Block::FrontMatter { text }
            }
            _ => {
                // HTML blocks, footnotes, definition lists: keep any blocks inside, drop the wrapper.
                self.skip_container();
                Block::Other
            }
        }
    }

    fn skip_container(&mut self) {
        let mut depth = 1usize;
        while self.pos < self.events.len() && depth > 0 {
            match &self.events[self.pos].0 {
                Event::Start(_) => depth += 1,
                Event::End(_) => depth -= 1,
                _ => {}
            }
            self.pos += 1;
        }
    }

    fn table(&mut self, span: Span) -> Block {
        let mut head = Vec::new();
        let mut rows = Vec::new();
        let mut row: Vec<String> = Vec::new();
        let mut row_start = 0;
        let mut in_head = false;
        while self.pos < self.events.len() {
            let (event, range) = self.events[self.pos].clone();
            self.pos += 1;
            match event {
                Event::Start(Tag::TableHead) => {
                    in_head = true;
                    row.clear();
                }
                Event::End(TagEnd::TableHead) => {
                    in_head = false;
                    head = std::mem::take(&mut row);
                }
                Event::Start(Tag::TableRow) => {
                    row.clear();
                    row_start = range.start;
                }
                Event::End(TagEnd::TableRow) if !in_head => {
                    let row_span = self.lines.span(&(row_start..range.end));
                    rows.push((std::mem::take(&mut row), row_span));
                }
                Event::Start(Tag::TableCell) => {
                    let inline = self.inline_until_end();
                    row.push(inline.text);
                }
                Event::End(TagEnd::Table) => break,
                _ => {}
            }
        }
        Block::Table { head, rows, span }
    }

    /// Collects inline events until the end tag of the current container (consumed).
    fn inline_until_end(&mut self) -> Inline {
        let mut builder = InlineBuilder::default();
        let mut depth = 0usize;
        while self.pos < self.events.len() {
            let (event, _) = self.events[self.pos].clone();
            self.pos += 1;
            match event {
                Event::End(_) if depth == 0 => break,
                event => builder.push(&event, &mut depth),
            }
        }
        builder.finish()
    }

    /// Collects a run of inline events that is not wrapped in a paragraph (tight list items).
    fn inline_run(&mut self, start: usize) -> (Inline, Span) {
        let mut builder = InlineBuilder::default();
        let mut depth = 0usize;
        let mut end = start;
        while self.pos < self.events.len() {
            let (event, range) = self.events[self.pos].clone();
            if depth == 0 && !is_inline(&event) {
                break;
            }
            self.pos += 1;
            end = range.end;
            builder.push(&event, &mut depth);
        }
        (builder.finish(), self.lines.span(&(start..end)))
    }
}

#[derive(Default)]
struct InlineBuilder {
    text: String,
    code: Vec<String>,
    /// Bold text seen so far at the very start.
    label: Option<String>,
    /// Whether we are inside the leading bold run.
    in_lead_strong: bool,
    /// Whether anything but the leading bold run has been seen.
    started: bool,
    label_end: usize,
}

impl InlineBuilder {
    fn push(&mut self, event: &Event<'_>, depth: &mut usize) {
        match event {
            Event::Start(tag) => {
                *depth += 1;
                if matches!(tag, Tag::Strong) && !self.started && self.label.is_none() {
                    self.in_lead_strong = true;
                    self.label = Some(String::new());
                } else if !self.in_lead_strong {
                    self.started = true;
                }
            }
            Event::End(tag) => {
                *depth = depth.saturating_sub(1);
                if matches!(tag, TagEnd::Strong) && self.in_lead_strong {
                    self.in_lead_strong = false;
                    self.started = true;
                    self.label_end = self.text.len();
                }
            }
            Event::Text(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                self.add(t);
            }
            Event::Code(c) => {
                self.code.push(c.to_string());
                self.add(&format!("`{c}`"));
            }
            Event::SoftBreak | Event::HardBreak => self.add("\n"),
            Event::InlineHtml(_)
            | Event::FootnoteReference(_)
            | Event::TaskListMarker(_)
            | Event::Html(_)
            | Event::Rule => {}
        }
    }

    fn add(&mut self, s: &str) {
        if self.in_lead_strong {
            if let Some(label) = self.label.as_mut() {
                label.push_str(s);
            }
        } else if !s.trim().is_empty() {
            self.started = true;
        }
        self.text.push_str(s);
    }

    fn finish(self) -> Inline {
        let (label, rest) = match self.label {
            Some(label) if !label.trim().is_empty() => {
                let rest = self.text.get(self.label_end..).unwrap_or("");
                let rest = rest.trim_start();
                let rest = rest.strip_prefix(':').unwrap_or(rest).trim();
                (Some(label.trim().to_owned()), rest.to_owned())
            }
            _ => (None, self.text.trim().to_owned()),
        };
        Inline {
            text: self.text.trim().to_owned(),
            label,
            rest,
            code: self.code,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Block, parse};
    use crate::span::LineIndex;

    fn blocks(text: &str) -> Vec<Block> {
        parse(text, &LineIndex::new(text))
    }

    #[test]
    fn bold_labels_are_split_from_their_text() {
        let b = blocks("**Symptom**: API responses are slow.\n\n**Symptoms:**\n- a\n");
        let Block::Paragraph { inline, .. } = &b[0] else {
            panic!("{b:?}")
        };
        assert_eq!(inline.label.as_deref(), Some("Symptom"));
        assert_eq!(inline.rest, "API responses are slow.");
        let Block::Paragraph { inline, .. } = &b[1] else {
            panic!("{b:?}")
        };
        assert_eq!(inline.label.as_deref(), Some("Symptoms:"));
        assert_eq!(inline.rest, "");
    }

    #[test]
    fn tight_list_items_with_code_keep_lines() {
        let text = "1. **Check it**:\n   ```bash\n   kubectl get pods\n   ```\n2. Next\n";
        let b = blocks(text);
        let Block::List { items, ordered, .. } = &b[0] else {
            panic!("{b:?}")
        };
        assert!(ordered);
        assert_eq!(items.len(), 2);
        assert_eq!(
            items[0].lead().and_then(|i| i.label.as_deref()),
            Some("Check it")
        );
        let Block::Code {
            lang,
            text,
            content_line,
            ..
        } = &items[0].blocks[1]
        else {
            panic!("{:?}", items[0].blocks)
        };
        assert_eq!(lang, "bash");
        assert_eq!(text, "kubectl get pods\n");
        assert_eq!(*content_line, 3);
    }

    #[test]
    fn tables_and_front_matter() {
        let text = "---\ntitle: X\n---\n\n| Cause | Solution |\n|---|---|\n| a `b` | c |\n";
        let b = blocks(text);
        assert!(matches!(&b[0], Block::FrontMatter { text } if text.contains("title: X")));
        let Block::Table { head, rows, .. } = &b[1] else {
            panic!("{b:?}")
        };
        assert_eq!(head, &["Cause", "Solution"]);
        assert_eq!(rows[0].0, vec!["a `b`".to_owned(), "c".to_owned()]);
        assert_eq!(rows[0].1.line, 7);
    }
}
