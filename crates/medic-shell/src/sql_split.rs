//! Splitting SQL text into statements, the way psql does: on `;` outside
//! quotes, quoted identifiers, dollar-quoted bodies and comments. A psql
//! meta-command (`\dt`) is a statement of its own that ends with its line.
//!
//! `--` comment lines right above a statement (no blank line between) are kept
//! as its description; `/* … */` comments are skipped.

/// One statement found in SQL text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SqlStatement {
    /// Byte offset of the statement's first character.
    pub(crate) start: usize,
    /// Byte offset one past its last character (after the `;` if any).
    pub(crate) end: usize,
    /// The `--` comment lines right above it, without the `--`.
    pub(crate) comment: Vec<String>,
}

/// Lexer state between characters.
#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    Normal,
    Single,
    Double,
    Dollar(String),
    Block(usize),
    Line,
}

/// Splits `text` into statements.
pub(crate) fn split_sql(text: &str) -> Vec<SqlStatement> {
    let mut out = Vec::new();
    let mut state = State::Normal;
    let mut start: Option<usize> = None;
    let mut comment: Vec<String> = Vec::new();
    let mut line_start = true;
    let mut blank_line = true;
    let mut after_end_same_line = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < text.len() {
        let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        let next = bytes.get(i + 1).copied();
        let width = c.len_utf8();
        match &state {
            State::Line => {
                if c == '\n' {
                    state = State::Normal;
                } else {
                    i += width;
                    continue;
                }
            }
            State::Block(depth) => {
                let depth = *depth;
                if c == '*' && next == Some(b'/') {
                    state = if depth <= 1 {
                        State::Normal
                    } else {
                        State::Block(depth - 1)
                    };
                    i += 2;
                    continue;
                }
                if c == '/' && next == Some(b'*') {
                    state = State::Block(depth + 1);
                    i += 2;
                    continue;
                }
                i += width;
                continue;
            }
            State::Single => {
                if c == '\'' {
                    state = State::Normal;
                }
                i += width;
                continue;
            }
            State::Double => {
                if c == '"' {
                    state = State::Normal;
                }
                i += width;
                continue;
            }
            State::Dollar(tag) => {
                if c == '$' && text.get(i..).is_some_and(|r| r.starts_with(tag.as_str())) {
                    i += tag.len();
                    state = State::Normal;
                } else {
                    i += width;
                }
                continue;
            }
            State::Normal => {}
        }
        // Normal state.
        if c == '\n' {
            if start.is_none() && blank_line && !after_end_same_line {
                comment.clear();
            }
            line_start = true;
            blank_line = true;
            after_end_same_line = false;
            i += 1;
            continue;
        }
        if c.is_whitespace() {
            i += width;
            continue;
        }
        if c == '-' && next == Some(b'-') {
            if start.is_none() && !after_end_same_line {
                let end = text
                    .get(i..)
                    .and_then(|r| r.find('\n'))
                    .map_or(text.len(), |n| i + n);
                let line = text.get(i + 2..end).unwrap_or_default().trim();
                comment.push(line.to_owned());
            }
            blank_line = false;
            state = State::Line;
            i += 2;
            continue;
        }
        if c == '/' && next == Some(b'*') {
            state = State::Block(1);
            blank_line = false;
            i += 2;
            continue;
        }
        blank_line = false;
        if start.is_none() {
            if c == '\\' && line_start {
                let end = text
                    .get(i..)
                    .and_then(|r| r.find('\n'))
                    .map_or(text.len(), |n| i + n);
                let end = i + text.get(i..end).unwrap_or_default().trim_end().len();
                out.push(SqlStatement {
                    start: i,
                    end,
                    comment: std::mem::take(&mut comment),
                });
                after_end_same_line = true;
                line_start = false;
                i = end;
                continue;
            }
            start = Some(i);
        }
        line_start = false;
        match c {
            ';' => {
                if let Some(s) = start.take() {
                    out.push(SqlStatement {
                        start: s,
                        end: i + 1,
                        comment: std::mem::take(&mut comment),
                    });
                }
                after_end_same_line = true;
            }
            '\'' => state = State::Single,
            '"' => state = State::Double,
            '$' => {
                let prev_is_word = i > 0
                    && bytes
                        .get(i - 1)
                        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
                let rest = text.get(i + 1..).unwrap_or_default();
                let tag_len = rest
                    .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                    .unwrap_or(rest.len());
                let tag_ok = rest
                    .get(..tag_len)
                    .is_some_and(|t| !t.starts_with(|ch: char| ch.is_ascii_digit()))
                    && rest.get(tag_len..).is_some_and(|r| r.starts_with('$'));
                if !prev_is_word && tag_ok {
                    let tag = format!("${}$", rest.get(..tag_len).unwrap_or_default());
                    i += tag.len();
                    state = State::Dollar(tag);
                    continue;
                }
            }
            _ => {}
        }
        i += width;
    }
    if let Some(s) = start {
        let end = s + text.get(s..).unwrap_or_default().trim_end().len();
        out.push(SqlStatement {
            start: s,
            end,
            comment,
        });
    }
    out
}

/// The texts of the statements in `text`, without comments above them.
pub(crate) fn statement_texts(text: &str) -> Vec<&str> {
    split_sql(text)
        .into_iter()
        .filter_map(|s| text.get(s.start..s.end))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{split_sql, statement_texts};

    #[test]
    fn splits_on_semicolons_outside_quotes() {
        let sql = "SELECT 'a;b'; SELECT \"x;y\" FROM t;\nSELECT $$;$$; SELECT $f$ ; $f$";
        assert_eq!(
            statement_texts(sql),
            [
                "SELECT 'a;b';",
                "SELECT \"x;y\" FROM t;",
                "SELECT $$;$$;",
                "SELECT $f$ ; $f$"
            ]
        );
    }

    #[test]
    fn comments_above_statements() {
        let sql = "-- Bad: N+1\n-- Multiple SELECT * FROM orders\n\n-- Good: JOIN\nSELECT 1; -- trailing\nSELECT 2 /* ; */;";
        let s = split_sql(sql);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].comment, ["Good: JOIN"]);
        assert!(s[1].comment.is_empty());
        assert_eq!(&sql[s[1].start..s[1].end], "SELECT 2 /* ; */;");
    }

    #[test]
    fn meta_commands_are_their_own_statements() {
        assert_eq!(statement_texts("\\dt+\nSELECT 1"), ["\\dt+", "SELECT 1"]);
    }

    #[test]
    fn unterminated_things_do_not_panic() {
        for sql in [
            "SELECT 'abc",
            "SELECT $$ x",
            "/* open",
            "-- only",
            "é'$",
            "$",
            "$a",
            "SELECT $1",
        ] {
            let _ = split_sql(sql);
        }
        assert!(split_sql("-- only a comment\n").is_empty());
        assert_eq!(statement_texts("SELECT $1, x$y;"), ["SELECT $1, x$y;"]);
    }
}
