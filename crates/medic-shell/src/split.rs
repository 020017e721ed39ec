//! Splitting a fenced code block into the commands it holds.
//!
//! Grammar, line by line (lines are 0-based within the block; CRLF is fine):
//! - Shell, console and untagged blocks:
//!   - blank line: ends the comment that was being collected;
//!   - `# text`: a comment; the comment lines right above a command (no blank
//!     line between) describe it (`comment` holds them joined by `\n`);
//!   - `$ cmd` / `% cmd`: a command after a prompt. A block with prompts is a
//!     console transcript: lines without a prompt are output and are skipped;
//!   - a line starting with an upper-case SQL keyword (`SELECT`, `EXPLAIN`,
//!     `UPDATE`, …) starts SQL ([`Lang::Sql`]) that runs to the line ending in
//!     `;` (or to a blank line); it may hold several statements;
//!   - any other line is a command if its first word is a plausible program:
//!     in shell blocks any program-like word (`make`, `./hodei-server`), in
//!     untagged blocks only programs medic knows or paths — so output and
//!     config (`Error: …`, `[logging]`, `level = "debug"`, `key: value`) are
//!     not commands;
//!   - a command continues onto the next line after a trailing `\`, inside an
//!     open quote, after a trailing `|`/`&&`/`||`, and through the bodies of its
//!     here-documents (up to their end marker, or the end of the block).
//!     Its `text` keeps the lines as written, joined by `\n` (so `\`+newline
//!     stays a continuation and the text runs in bash as is). A quote still
//!     open at the end of the block does not swallow the block: the command is
//!     then its first line only.
//! - SQL blocks: statements end with `;` outside quotes, dollar quotes and
//!   comments; `--` lines right above a statement describe it; psql
//!   meta-commands (`\dt`) are statements of one line.

use serde::Serialize;

use crate::lang::Lang;
use crate::sql_split::split_sql;
use crate::tools::{is_assignment, is_known, program_name};

/// What the fence of a code block says about its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BlockHint {
    /// `bash`, `sh`, `shell`, `zsh`.
    Shell,
    /// `console`, `shell-session`: `$ ` prompts with output between.
    Console,
    /// `sql`, `postgresql`, `psql`.
    Sql,
    /// No tag, or `text`: may hold commands, output or anything else.
    Unknown,
}

impl BlockHint {
    /// The hint for a fence's info string (` ```bash `), or `None` when the
    /// block is in a language that holds no commands (`yaml`, `go`, `json`).
    #[must_use]
    pub fn from_fence(info: &str) -> Option<Self> {
        let tag = info
            .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match tag.as_str() {
            "bash" | "sh" | "shell" | "zsh" | "ksh" | "fish" => Some(Self::Shell),
            "console" | "shell-session" | "shellsession" | "terminal" | "bash-session" => {
                Some(Self::Console)
            }
            "sql" | "postgresql" | "postgres" | "psql" | "pgsql" | "plpgsql" | "mysql" => {
                Some(Self::Sql)
            }
            "" | "text" | "txt" | "plain" | "plaintext" => Some(Self::Unknown),
            _ => None,
        }
    }
}

/// One command found in a code block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlockCommand {
    /// The command as it would run (continuations kept, prompt removed).
    pub text: String,
    /// Its language.
    pub lang: Lang,
    /// First line of the command, 0-based within the block.
    pub first_line: usize,
    /// Last line of the command, 0-based within the block.
    pub last_line: usize,
    /// The comment lines right above it that describe it.
    pub comment: Option<String>,
}

/// Upper-case words that start SQL inside a shell block.
const SQL_KEYWORDS: &[&str] = &[
    "SELECT", "EXPLAIN", "WITH", "UPDATE", "INSERT", "DELETE", "ALTER", "SHOW", "CREATE", "DROP",
    "TRUNCATE", "VACUUM", "ANALYZE", "GRANT", "REVOKE", "BEGIN", "COMMIT", "ROLLBACK", "COPY",
    "TABLE", "VALUES", "REINDEX", "CLUSTER", "LOCK", "CALL", "REFRESH", "SET", "DO", "RESET",
];

/// Shell words that start a command without being programs.
const SHELL_KEYWORDS: &[&str] = &[
    "for", "if", "while", "until", "case", "function", "{", "(", "!", "[", "[[", "time", "select",
];

/// Splits a code block into commands.
pub fn split_block(text: &str, hint: BlockHint) -> Vec<BlockCommand> {
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    if hint == BlockHint::Sql {
        return sql_block(&lines, 0, None);
    }
    let prompts = hint == BlockHint::Console || lines.iter().any(|l| prompt(l).is_some());
    let mut out = Vec::new();
    let mut comment: Vec<String> = Vec::new();
    let mut i = 0;
    while let Some(&line) = lines.get(i) {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            comment.clear();
            i += 1;
            continue;
        }
        let content = if prompts {
            match prompt(line) {
                Some(content) => content,
                None if trimmed.starts_with('#') => trimmed,
                None => {
                    comment.clear();
                    i += 1;
                    continue;
                }
            }
        } else {
            trimmed
        };
        if let Some(body) = content.strip_prefix('#') {
            if !body.starts_with('!') {
                comment.push(body.trim().to_owned());
            }
            i += 1;
            continue;
        }
        if starts_sql(content) {
            let end = sql_end(&lines, i);
            let mut chunk: Vec<&str> = vec![content];
            chunk.extend(lines.get(i + 1..=end).unwrap_or_default().iter().copied());
            let pending = (!comment.is_empty()).then(|| comment.join("\n"));
            out.extend(sql_block(&chunk, i, pending));
            comment.clear();
            i = end + 1;
            continue;
        }
        let lenient = hint != BlockHint::Unknown || prompts;
        if !plausible_command(content, lenient) {
            comment.clear();
            i += 1;
            continue;
        }
        let end = command_end(&lines, i, content, prompts);
        let mut text_lines: Vec<String> = vec![content.trim_end().to_owned()];
        for next in lines.get(i + 1..=end).unwrap_or_default() {
            let next = if prompts {
                next.strip_prefix("> ").unwrap_or(next)
            } else {
                next
            };
            text_lines.push(next.to_owned());
        }
        out.push(BlockCommand {
            text: text_lines.join("\n"),
            lang: Lang::Bash,
            first_line: i,
            last_line: end,
            comment: (!comment.is_empty()).then(|| comment.join("\n")),
        });
        comment.clear();
        i = end + 1;
    }
    out
}

/// The command after a `$ ` or `% ` prompt.
fn prompt(line: &str) -> Option<&str> {
    let t = line.trim_start();
    let rest = t.strip_prefix("$ ").or_else(|| t.strip_prefix("% "))?;
    Some(rest.trim()).filter(|r| !r.is_empty())
}

/// Whether a line starts SQL.
fn starts_sql(content: &str) -> bool {
    let first = content
        .split(|c: char| c.is_whitespace() || c == ';' || c == '(')
        .next()
        .unwrap_or_default();
    SQL_KEYWORDS.contains(&first)
}

/// The last line of SQL starting at line `start`: the first line ending in
/// `;`, or the line before a blank line, or the last line.
fn sql_end(lines: &[&str], start: usize) -> usize {
    let mut end = start;
    for (at, line) in lines.iter().enumerate().skip(start) {
        if line.trim().is_empty() {
            break;
        }
        end = at;
        let code = line.split("--").next().unwrap_or_default();
        if code.trim_end().ends_with(';') {
            break;
        }
    }
    end
}

/// Splits SQL lines (starting at block line `offset`) into commands.
fn sql_block(lines: &[&str], offset: usize, first_comment: Option<String>) -> Vec<BlockCommand> {
    let text = lines.join("\n");
    // Counts bytes, not chars: `end - 1` may fall inside a multi-byte char, and
    // a `\n` byte is never part of one.
    let line_of = |byte: usize| {
        let before = text.as_bytes().get(..byte).unwrap_or(text.as_bytes());
        before.iter().filter(|b| **b == b'\n').count()
    };
    let mut first_comment = first_comment;
    split_sql(&text)
        .into_iter()
        .filter_map(|s| {
            let body = text.get(s.start..s.end)?;
            let comment = if s.comment.is_empty() {
                first_comment.take()
            } else {
                first_comment = None;
                Some(s.comment.join("\n"))
            };
            Some(BlockCommand {
                text: body.trim().to_owned(),
                lang: Lang::Sql,
                first_line: offset + line_of(s.start),
                last_line: offset + line_of(s.end.saturating_sub(1).max(s.start)),
                comment,
            })
        })
        .collect()
}

/// Whether a line's first word is a plausible program.
fn plausible_command(content: &str, lenient: bool) -> bool {
    let mut words = content.split_whitespace().peekable();
    // Leading assignments (`RUST_LOG=debug ./server`).
    let mut assigned = false;
    while let Some(word) = words.peek() {
        if is_assignment(word) {
            assigned = true;
            words.next();
        } else {
            break;
        }
    }
    let Some(first) = words.next() else {
        return assigned && lenient;
    };
    if words.peek().is_some_and(|w| w.starts_with('=')) || first.ends_with(':') {
        return false;
    }
    if SHELL_KEYWORDS.contains(&first) {
        return lenient || first == "[" || first == "[[";
    }
    let path = first.starts_with("./") || first.starts_with('/') || first.starts_with("~/");
    if is_known(program_name(first)) || (path && first.len() > 1) {
        return true;
    }
    if !lenient {
        return false;
    }
    first.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        && first
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | '+'))
}

/// Scanner state carried from line to line.
#[derive(Debug, Default)]
struct LineState {
    /// Quote left open at the end of the line.
    quote: Option<char>,
    /// Here-document end markers still expected, in order.
    heredocs: Vec<String>,
    /// The line ends with a `\` continuation.
    backslash: bool,
    /// The line ends with `|`, `&&` or `||`.
    operator: bool,
}

impl LineState {
    /// Whether the command goes on after this line.
    fn continues(&self) -> bool {
        self.quote.is_some() || !self.heredocs.is_empty() || self.backslash || self.operator
    }

    /// Feeds one line.
    fn feed(&mut self, line: &str) {
        if let Some(marker) = self.heredocs.first() {
            if line.trim() == marker {
                self.heredocs.remove(0);
            }
            self.backslash = false;
            self.operator = false;
            return;
        }
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        let mut last_code = None;
        let mut escaped_end = false;
        while let Some(&c) = chars.get(i) {
            escaped_end = false;
            match self.quote {
                Some('\'') => {
                    if c == '\'' {
                        self.quote = None;
                    }
                }
                Some(q) => {
                    if c == '\\' {
                        i += 1;
                        if i >= chars.len() {
                            escaped_end = true;
                        }
                    } else if c == q {
                        self.quote = None;
                    }
                }
                None => match c {
                    '\\' => {
                        i += 1;
                        if i >= chars.len() {
                            escaped_end = true;
                        }
                    }
                    '\'' | '"' | '`' => self.quote = Some(c),
                    '#' if i == 0 || chars.get(i - 1).is_some_and(|p| p.is_whitespace()) => break,
                    '<' if chars.get(i + 1) == Some(&'<') && chars.get(i + 2) != Some(&'<') => {
                        i += 2;
                        if chars.get(i) == Some(&'-') {
                            i += 1;
                        }
                        while chars.get(i).is_some_and(|c| *c == ' ') {
                            i += 1;
                        }
                        let marker: String = chars
                            .get(i..)
                            .unwrap_or_default()
                            .iter()
                            .take_while(|c| {
                                !c.is_whitespace()
                                    && !matches!(c, ';' | '|' | '&' | ')' | '<' | '>')
                            })
                            .filter(|c| !matches!(c, '\'' | '"' | '\\'))
                            .collect();
                        if !marker.is_empty() {
                            self.heredocs.push(marker);
                        }
                        continue;
                    }
                    _ => {}
                },
            }
            if !c.is_whitespace() {
                last_code = Some(i);
            }
            i += 1;
        }
        self.backslash = escaped_end && self.quote.is_none();
        let code: String = chars
            .get(..last_code.map_or(0, |n| n + 1))
            .unwrap_or_default()
            .iter()
            .collect();
        let code = code.trim_end();
        self.operator = self.quote.is_none()
            && !self.backslash
            && (code.ends_with('|') || code.ends_with("&&"));
    }
}

/// The last line of the shell command starting at line `start`.
fn command_end(lines: &[&str], start: usize, first: &str, prompts: bool) -> usize {
    let mut state = LineState::default();
    state.feed(first.trim_end());
    let mut end = start;
    while state.continues() {
        let Some(next) = lines.get(end + 1) else {
            break;
        };
        if state.heredocs.is_empty() && next.trim().is_empty() && state.quote.is_none() {
            break;
        }
        let next = if prompts {
            next.strip_prefix("> ").unwrap_or(next)
        } else {
            next
        };
        end += 1;
        let line = if state.heredocs.is_empty() {
            next.trim_end()
        } else {
            next
        };
        state.feed(line);
    }
    if state.quote.is_some() && state.heredocs.is_empty() {
        // An unterminated quote would swallow the rest of the block.
        return start;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::{BlockHint, split_block};
    use crate::lang::Lang;

    fn texts(block: &str, hint: BlockHint) -> Vec<String> {
        split_block(block, hint)
            .into_iter()
            .map(|c| c.text)
            .collect()
    }

    #[test]
    fn comments_describe_the_next_command() {
        let block = "# Check provider installation\nkubectl get providers\n\n# Check provider configuration\nkubectl get providerconfigs\nkubectl describe providerconfig default\n";
        let cmds = split_block(block, BlockHint::Shell);
        assert_eq!(cmds.len(), 3);
        assert_eq!(
            cmds[0].comment.as_deref(),
            Some("Check provider installation")
        );
        assert_eq!((cmds[0].first_line, cmds[0].last_line), (1, 1));
        assert_eq!(
            cmds[1].comment.as_deref(),
            Some("Check provider configuration")
        );
        assert_eq!(cmds[2].comment, None);
        assert_eq!(cmds[2].first_line, 5);
    }

    #[test]
    fn blank_line_breaks_a_comment() {
        let block = "# Check bot permissions\n# - Go to settings\n\n# Check specific resource permissions\nkubectl describe guild my-guild";
        let cmds = split_block(block, BlockHint::Shell);
        assert_eq!(
            cmds[0].comment.as_deref(),
            Some("Check specific resource permissions")
        );
    }

    #[test]
    fn backslash_continuations_join_lines() {
        let block = "# Update secret with correct token\r\nkubectl create secret generic discord-creds \\\r\n  -n crossplane-system \\\r\n  --from-literal=token=YOUR_ACTUAL_TOKEN \\\r\n  --dry-run=client -o yaml | kubectl apply -f -\r\n";
        let cmds = split_block(block, BlockHint::Shell);
        assert_eq!(cmds.len(), 1);
        assert_eq!((cmds[0].first_line, cmds[0].last_line), (1, 4));
        assert!(
            cmds[0]
                .text
                .starts_with("kubectl create secret generic discord-creds \\\n  -n")
        );
        assert!(cmds[0].text.ends_with("kubectl apply -f -"));
        let block =
            "kubectl logs x | \\\n  jq -r 'select(.level==\"error\") | .msg' | sort | uniq -c";
        assert_eq!(split_block(block, BlockHint::Shell).len(), 1);
    }

    #[test]
    fn indented_list_blocks() {
        let block = "   kubectl logs -n <instance> <pod-name>\n   # For previous container instances\n   kubectl logs -n <instance> <pod-name> --previous\n";
        let cmds = split_block(block, BlockHint::Shell);
        assert_eq!(cmds.len(), 2);
        assert_eq!(
            cmds[1].comment.as_deref(),
            Some("For previous container instances")
        );
        assert_eq!(
            cmds[1].text,
            "kubectl logs -n <instance> <pod-name> --previous"
        );
    }

    #[test]
    fn sql_inside_a_bash_block() {
        let block = "# Check database query performance\nEXPLAIN ANALYZE SELECT * FROM provider_configs WHERE status = 'ACTIVE';\nkubectl get pods";
        let cmds = split_block(block, BlockHint::Shell);
        assert_eq!(cmds.len(), 2);
        assert_eq!(cmds[0].lang, Lang::Sql);
        assert_eq!(
            cmds[0].comment.as_deref(),
            Some("Check database query performance")
        );
        assert_eq!(cmds[1].lang, Lang::Bash);
        let block = "SELECT a,\n  b\nFROM t;\n";
        let cmds = split_block(block, BlockHint::Shell);
        assert_eq!((cmds[0].first_line, cmds[0].last_line), (0, 2));
    }

    #[test]
    fn sql_blocks_split_on_semicolons() {
        let block = "-- Check current connections\nSELECT count(*) FROM pg_stat_activity;\n\n-- Check by application\nSELECT application_name, count(*)\nFROM pg_stat_activity\nGROUP BY application_name;\nALTER SYSTEM SET max_connections = 300; SELECT pg_reload_conf();";
        let cmds = split_block(block, BlockHint::Sql);
        assert_eq!(cmds.len(), 4);
        assert_eq!(
            cmds[0].comment.as_deref(),
            Some("Check current connections")
        );
        assert_eq!((cmds[1].first_line, cmds[1].last_line), (4, 6));
        assert_eq!(cmds[1].comment.as_deref(), Some("Check by application"));
        assert_eq!(cmds[3].text, "SELECT pg_reload_conf();");
        assert_eq!(cmds[3].first_line, 7);
        assert!(cmds.iter().all(|c| c.lang == Lang::Sql));
    }

    #[test]
    fn sql_lines_end_inside_multibyte_chars() {
        // Found by fuzzing: a statement ending in `«` put its last line before
        // its first, because the byte before its end is not a char boundary.
        let cmds = split_block("\n\u{ab}", BlockHint::Sql);
        assert_eq!(cmds.len(), 1);
        assert_eq!((cmds[0].first_line, cmds[0].last_line), (1, 1));
        let cmds = split_block("SELECT 1;\nSELECT 'é'\nFROM t;", BlockHint::Sql);
        assert_eq!((cmds[1].first_line, cmds[1].last_line), (1, 2));
    }

    #[test]
    fn console_prompts_and_output() {
        let block = "$ kubectl get pods\nNAME   READY   STATUS\napi-1  1/1     Running\n$ kubectl logs api-1 \\\n> --tail=10\nline\n";
        let cmds = split_block(block, BlockHint::Console);
        assert_eq!(cmds.len(), 2);
        assert_eq!(cmds[0].text, "kubectl get pods");
        assert_eq!(cmds[1].text, "kubectl logs api-1 \\\n--tail=10");
        assert_eq!((cmds[1].first_line, cmds[1].last_line), (3, 4));
        // A bash block with prompts is a transcript too.
        assert_eq!(texts("$ ls\nfile.txt", BlockHint::Shell), ["ls"]);
    }

    #[test]
    fn output_and_config_are_not_commands() {
        assert!(
            split_block(
                "Last State:     Terminated\n  Reason:       OOMKilled\n  Exit Code:    137",
                BlockHint::Unknown
            )
            .is_empty()
        );
        assert!(split_block("Error: Cannot connect to database", BlockHint::Unknown).is_empty());
        assert!(
            split_block(
                "Error:Unable to connect to the server: x509\nSolution: Regenerate kubeconfig",
                BlockHint::Unknown
            )
            .is_empty()
        );
        assert!(
            split_block(
                "   https://discord.com/api/oauth2/authorize?client_id=YOUR_BOT_ID",
                BlockHint::Unknown
            )
            .is_empty()
        );
        assert_eq!(
            texts(
                "# Environment variable\nexport RUST_LOG=debug,hodei_server=debug\n\n# Or in config\n[logging]\nlevel = \"debug\"",
                BlockHint::Shell
            ),
            ["export RUST_LOG=debug,hodei_server=debug"]
        );
        assert_eq!(
            texts("kubectl get pods", BlockHint::Unknown),
            ["kubectl get pods"]
        );
    }

    #[test]
    fn lenient_shell_blocks_accept_unknown_programs() {
        assert_eq!(
            texts("make deploy-instance INSTANCE=<instance>", BlockHint::Shell),
            ["make deploy-instance INSTANCE=<instance>"]
        );
        assert_eq!(
            texts(
                "go tool pprof http://localhost:6060/debug/pprof/heap",
                BlockHint::Shell
            )
            .len(),
            1
        );
        assert_eq!(
            texts("RUST_LOG=hodei=debug ./hodei-server", BlockHint::Shell).len(),
            1
        );
    }

    #[test]
    fn heredocs_stay_in_one_command() {
        let block = "cat <<EOF | psql\nSELECT 1;\n\n# not a comment\nEOF\nkubectl get pods";
        let cmds = split_block(block, BlockHint::Shell);
        assert_eq!(cmds.len(), 2);
        assert_eq!((cmds[0].first_line, cmds[0].last_line), (0, 4));
        let cmds = split_block("psql <<'SQL'\nSELECT 1;\n", BlockHint::Shell);
        assert_eq!(cmds.len(), 1, "unterminated heredoc runs to the end");
    }

    #[test]
    fn unterminated_quotes_do_not_swallow_the_block() {
        let cmds = split_block(
            "echo 'oops\nkubectl get pods\nkubectl get nodes",
            BlockHint::Shell,
        );
        assert_eq!(cmds.len(), 3);
        let cmds = split_block("echo 'multi\nline'\nls", BlockHint::Shell);
        assert_eq!(cmds.len(), 2);
        assert_eq!(cmds[0].text, "echo 'multi\nline'");
    }

    #[test]
    fn odd_input_never_panics() {
        for t in [
            "",
            "\n\n",
            "\\",
            "'",
            "<<",
            "<<'",
            "$ ",
            "é\\\né",
            "SELECT 'x",
            "\t\tls\t",
            "# only",
            "cat <<-",
            ";;",
        ] {
            for h in [
                BlockHint::Shell,
                BlockHint::Console,
                BlockHint::Sql,
                BlockHint::Unknown,
            ] {
                let _ = split_block(t, h);
            }
        }
    }

    #[test]
    fn fence_tags() {
        assert_eq!(BlockHint::from_fence("bash"), Some(BlockHint::Shell));
        assert_eq!(BlockHint::from_fence(""), Some(BlockHint::Unknown));
        assert_eq!(BlockHint::from_fence("SQL"), Some(BlockHint::Sql));
        assert_eq!(BlockHint::from_fence("yaml"), None);
    }
}
