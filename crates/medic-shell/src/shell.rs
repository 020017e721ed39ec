//! Shell verdicts: parses a command line with `brush-parser` (the parser of
//! the brush shell) and walks the syntax tree.
//!
//! Every simple command in every pipeline, list, subshell, loop body, command
//! substitution and process substitution must be read for the whole to be
//! read. Redirections that write files are writes (`/dev/null` and fd
//! duplication like `2>&1` are fine); here-documents and here-strings are
//! fine, and their text is handed to the command as its standard input (so
//! `psql <<EOF … EOF` is judged by its SQL). Text that does not parse is
//! unknown.

use std::panic::{AssertUnwindSafe, catch_unwind};

use brush_parser::ast::{
    Command, CommandPrefixOrSuffixItem, CompoundCommand, CompoundList, IoFileRedirectKind,
    IoFileRedirectTarget, IoRedirect, Pipeline, SeparatorOperator, SimpleCommand,
};
use brush_parser::word::{WordPiece, WordPieceWithSource};
use brush_parser::{Parser, ParserOptions, Token};

use crate::tools::args::is_harmless_sink;
use crate::tools::{Call, MAX_DEPTH, classify_call, program_name};
use crate::verdict::{Safety, Verdict};

/// Longest command medic parses.
const MAX_LEN: usize = 64 * 1024;

/// Most nesting brackets medic lets the parser see (it recurses on them).
const MAX_BRACKETS: usize = 200;

/// Most `(` operators without a matching `)` medic lets the parser see. For
/// each one brush-parser tries `((…))` arithmetic, then a subshell, then a
/// plain token, so its time doubles with every one (22 of them took seconds).
/// An unclosed `(` never parses in bash, so refusing early loses nothing.
const MAX_UNCLOSED_PARENS: usize = 8;

/// Classifies a shell command line.
pub(crate) fn classify_shell(text: &str, depth: usize) -> Verdict {
    if depth > MAX_DEPTH {
        return Verdict::unknown("commands nest too deeply to analyse");
    }
    if text.len() > MAX_LEN {
        return Verdict::unknown("command is too long to analyse");
    }
    let brackets = text
        .chars()
        .filter(|c| matches!(c, '(' | '{' | '`' | '['))
        .count();
    if brackets > MAX_BRACKETS {
        return Verdict::unknown("command nests too deeply to analyse");
    }
    if text.trim().is_empty() {
        return Verdict::unknown("empty command");
    }
    // brush-parser is not written to be panic-free on every input; a panic in
    // it must become an unknown verdict, never a crash.
    let parsed = catch_unwind(AssertUnwindSafe(|| parse(text)));
    let program = match parsed {
        Ok(Ok(program)) => program,
        Ok(Err(error)) => return Verdict::unknown(format!("shell syntax does not parse: {error}")),
        Err(_) => return Verdict::unknown("shell syntax could not be analysed"),
    };
    let mut walker = Walker {
        depth,
        functions: Vec::new(),
    };
    let mut verdict = Verdict::empty();
    for list in &program.complete_commands {
        verdict.merge(walker.list(list));
    }
    if verdict.reasons.is_empty() {
        return Verdict::unknown("no command");
    }
    verdict
}

/// Parses a command line with brush-parser, refusing token streams it would
/// take exponential time on; errors are messages for a verdict's reason.
fn parse(text: &str) -> Result<brush_parser::ast::Program, String> {
    // brush-parser's tokenizer loops forever, allocating, when the text ends on
    // the line of a here-document whose tag is empty (`cat <<'' `, `<<\x0c `):
    // so end that line. A final line end changes nothing in bash; after an odd
    // run of backslashes it would join lines instead, and there the tokenizer
    // stops with an unterminated escape before it could loop.
    let backslashes = text.len() - text.trim_end_matches('\\').len();
    let mut text = text.to_owned();
    if backslashes.is_multiple_of(2) {
        text.push('\n');
    }
    let options = ParserOptions::default();
    match brush_parser::uncached_tokenize_str(&text, &options.tokenizer_options()) {
        Ok(tokens) => {
            let unclosed = unclosed_parens(&tokens);
            if unclosed > MAX_UNCLOSED_PARENS {
                return Err(format!("{unclosed} `(` are never closed"));
            }
            brush_parser::parse_tokens(&tokens, &options).map_err(|e| e.to_string())
        }
        // Parse again for the error message with its position.
        Err(_) => Parser::new(std::io::Cursor::new(&text), &options)
            .parse_program()
            .map_err(|e| e.to_string()),
    }
}

/// Most brackets a here-document body may hold open, inside an expansion, for
/// medic to expand it: brush-parser backtracks over every bracket or quote
/// inside an expansion that fails to parse, so its time doubles or triples with
/// each level (`"$(("$((…))))` fourteen deep took 1.5 seconds).
const MAX_EXPANSION_DEPTH: usize = 8;

/// Whether brush-parser can expand a here-document body in reasonable time:
/// every expansion (`$(`, `$((`, `$[`, `${`) in it is closed, and none nests
/// more than [`MAX_EXPANSION_DEPTH`] brackets deep. bash rejects a body that
/// leaves an expansion open, so refusing it loses nothing. `\` escapes the next
/// character; quotes are not looked at.
fn expandable(body: &str) -> bool {
    // One stack per kind of bracket; an entry says whether it opened an expansion.
    let mut stacks: [Vec<bool>; 3] = Default::default();
    let kind = |c: char| match c {
        '(' | ')' => Some(0),
        '[' | ']' => Some(1),
        '{' | '}' => Some(2),
        _ => None,
    };
    let mut prev = None;
    let mut escaped = false;
    for c in body.chars() {
        if escaped {
            escaped = false;
            prev = None;
            continue;
        }
        if c == '\\' {
            escaped = true;
        } else if let Some(stack) = kind(c).and_then(|k| stacks.get_mut(k)) {
            if matches!(c, '(' | '[' | '{') {
                let expansion = prev == Some('$')
                    || (c == '(' && prev == Some('(') && stack.last() == Some(&true));
                stack.push(expansion);
                let inside = stacks.iter().flatten().any(|e| *e);
                if inside && stacks.iter().map(Vec::len).sum::<usize>() > MAX_EXPANSION_DEPTH {
                    return false;
                }
            } else {
                stack.pop();
            }
        }
        prev = Some(c);
    }
    !stacks.iter().flatten().any(|e| *e)
}

/// How many `(` operators have no `)` after them to match.
fn unclosed_parens(tokens: &[Token]) -> usize {
    let mut open = 0_usize;
    for token in tokens {
        match token {
            Token::Operator(op, _) if op == "(" => open += 1,
            Token::Operator(op, _) if op == ")" => open = open.saturating_sub(1),
            _ => {}
        }
    }
    open
}

/// Walks one parsed program.
struct Walker {
    /// Nesting depth of this program.
    depth: usize,
    /// Functions defined so far, with the verdict of their bodies.
    functions: Vec<(String, Verdict)>,
}

impl Walker {
    /// A list of and-or lists (`a; b && c &`).
    fn list(&mut self, list: &CompoundList) -> Verdict {
        let mut v = Verdict::empty();
        for item in &list.0 {
            let mut part = self.pipeline(&item.0.first);
            for next in &item.0.additional {
                let (brush_parser::ast::AndOr::And(p) | brush_parser::ast::AndOr::Or(p)) = next;
                part.merge(self.pipeline(p));
            }
            if matches!(item.1, SeparatorOperator::Async) {
                part = part.long_running("`&` runs it in the background");
            }
            v.merge(part);
        }
        v
    }

    /// A pipeline: every stage must be read.
    fn pipeline(&mut self, pipeline: &Pipeline) -> Verdict {
        let mut v = Verdict::empty();
        let mut previous_output: Option<String> = None;
        for command in &pipeline.seq {
            let stdin = previous_output.take();
            v.merge(self.command(command, stdin.as_deref()));
            previous_output = static_output(command);
        }
        v
    }

    /// One command of a pipeline.
    fn command(&mut self, command: &Command, stdin: Option<&str>) -> Verdict {
        match command {
            Command::Simple(simple) => self.simple(simple, stdin),
            Command::Compound(compound, redirects) => {
                let mut v = self.compound(compound);
                for r in redirects.iter().flat_map(|r| &r.0) {
                    v.merge(self.redirect(r).0);
                }
                v
            }
            Command::Function(def) => {
                let body = self.compound(&def.body.0);
                let name = def.fname.value.clone();
                self.functions.push((name.clone(), body));
                Verdict::read(format!("defines the function `{name}`"))
            }
            Command::ExtendedTest(test, redirects) => {
                let text = test.expr.to_string();
                let mut v = if text.contains("$(") || text.contains('`') {
                    Verdict::unknown("`[[ … ]]` contains a command substitution")
                } else {
                    Verdict::read("`[[ … ]]` tests a condition")
                };
                for r in redirects.iter().flat_map(|r| &r.0) {
                    v.merge(self.redirect(r).0);
                }
                v
            }
        }
    }

    /// Compound commands: groups, subshells, loops, conditionals.
    fn compound(&mut self, compound: &CompoundCommand) -> Verdict {
        match compound {
            CompoundCommand::BraceGroup(group) => self.list(&group.list),
            CompoundCommand::Subshell(sub) => self.list(&sub.list),
            CompoundCommand::ForClause(f) => {
                let mut v = Verdict::empty();
                for word in f.values.iter().flatten() {
                    v.merge(self.word(&word.value).1);
                }
                v.merge(self.list(&f.body.list));
                v
            }
            CompoundCommand::ArithmeticForClause(f) => self.list(&f.body.list),
            CompoundCommand::CaseClause(c) => {
                let mut v = self.word(&c.value.value).1;
                for item in &c.cases {
                    if let Some(cmd) = &item.cmd {
                        v.merge(self.list(cmd));
                    }
                }
                v
            }
            CompoundCommand::IfClause(i) => {
                let mut v = self.list(&i.condition);
                v.merge(self.list(&i.then));
                for e in i.elses.iter().flatten() {
                    if let Some(cond) = &e.condition {
                        v.merge(self.list(cond));
                    }
                    v.merge(self.list(&e.body));
                }
                v
            }
            CompoundCommand::WhileClause(w) | CompoundCommand::UntilClause(w) => {
                let mut v = self.list(&w.0);
                v.merge(self.list(&w.1.list));
                v.long_running("a `while`/`until` loop may not end by itself")
            }
            CompoundCommand::Arithmetic(a) => arithmetic(&a.expr.value),
            CompoundCommand::Coprocess(_) => {
                Verdict::unknown("`coproc` starts a background process")
            }
        }
    }

    /// A simple command: assignments, redirections, a program and its arguments.
    fn simple(&mut self, cmd: &SimpleCommand, piped: Option<&str>) -> Verdict {
        let mut v = Verdict::empty();
        let mut stdin: Option<String> = piped.map(str::to_owned);
        let mut args: Vec<String> = Vec::new();
        let mut assigns = 0usize;
        let prefix = cmd.prefix.iter().flat_map(|p| &p.0).map(|i| (true, i));
        let suffix = cmd.suffix.iter().flat_map(|s| &s.0).map(|i| (false, i));
        if let Some(name) = &cmd.word_or_name {
            let (text, sub) = self.word(&name.value);
            v.merge(sub);
            args.push(text);
        }
        for (in_prefix, item) in prefix.chain(suffix) {
            match item {
                CommandPrefixOrSuffixItem::IoRedirect(r) => {
                    let (rv, input) = self.redirect(r);
                    v.merge(rv);
                    if input.is_some() {
                        stdin = input;
                    }
                }
                CommandPrefixOrSuffixItem::Word(word) => {
                    let (text, sub) = self.word(&word.value);
                    v.merge(sub);
                    args.push(text);
                }
                CommandPrefixOrSuffixItem::AssignmentWord(_, word) => {
                    let (text, sub) = self.word(&word.value);
                    v.merge(sub);
                    if in_prefix {
                        assigns += 1;
                    } else {
                        args.push(text);
                    }
                }
                CommandPrefixOrSuffixItem::ProcessSubstitution(_, sub) => {
                    let inner = self.nested(|w| w.list(&sub.list));
                    v.merge(prefixed(inner, "process substitution"));
                    args.push("/dev/fd/63".to_owned());
                }
            }
        }
        let Some((program, rest)) = args.split_first() else {
            if assigns > 0 {
                v.push_reason("sets shell variables");
            }
            if v.reasons.is_empty() {
                v.push_reason("empty command");
            }
            return v;
        };
        if let Some((_, body)) = self.functions.iter().rev().find(|(n, _)| n == program) {
            let mut body = body.clone();
            body.push_reason(format!("calls the function `{program}`"));
            v.merge(body);
            return v;
        }
        v.merge(classify_call(&Call {
            program: program_name(program),
            args: rest,
            stdin: stdin.as_deref(),
            depth: self.depth,
        }));
        v
    }

    /// A redirection's verdict, and the text it feeds to standard input.
    fn redirect(&mut self, redirect: &IoRedirect) -> (Verdict, Option<String>) {
        match redirect {
            IoRedirect::File(fd, kind, target) => {
                let writes = matches!(
                    kind,
                    IoFileRedirectKind::Write
                        | IoFileRedirectKind::Append
                        | IoFileRedirectKind::Clobber
                        | IoFileRedirectKind::ReadAndWrite
                        | IoFileRedirectKind::DuplicateOutput
                );
                let fd = fd.map(|n| n.to_string()).unwrap_or_default();
                match target {
                    IoFileRedirectTarget::Filename(word)
                    | IoFileRedirectTarget::Duplicate(word) => {
                        let (text, sub) = self.word(&word.value);
                        let fd_dup = matches!(target, IoFileRedirectTarget::Duplicate(_))
                            && (text == "-" || text.chars().all(|c| c.is_ascii_digit()));
                        let mut v = sub;
                        if writes && !fd_dup && !is_harmless_sink(&text) {
                            v.downgrade(
                                Safety::Write,
                                format!("redirection `{fd}{kind} {text}` writes a file"),
                            );
                        } else {
                            v.push_reason(format!("redirection `{fd}{kind} {text}` is harmless"));
                        }
                        (v, None)
                    }
                    IoFileRedirectTarget::Fd(_) => (
                        Verdict::read("file descriptor duplication is harmless"),
                        None,
                    ),
                    IoFileRedirectTarget::ProcessSubstitution(_, sub) => {
                        let inner = self.nested(|w| w.list(&sub.list));
                        (prefixed(inner, "process substitution"), None)
                    }
                }
            }
            IoRedirect::OutputAndError(word, append) => {
                let (text, mut v) = self.word(&word.value);
                let op = if *append { "&>>" } else { "&>" };
                if is_harmless_sink(&text) {
                    v.push_reason(format!("redirection `{op} {text}` is harmless"));
                } else {
                    v.downgrade(
                        Safety::Write,
                        format!("redirection `{op} {text}` writes a file"),
                    );
                }
                (v, None)
            }
            IoRedirect::HereDocument(_, doc) => {
                let mut v = Verdict::read("here-document feeds standard input");
                let mut text = doc.doc.value.clone();
                if doc.requires_expansion && !expandable(&doc.doc.value) {
                    v.downgrade(
                        Safety::Unknown,
                        "here-document leaves a `$(`, `$[` or `${` open, or nests them too deeply",
                    );
                } else if doc.requires_expansion {
                    match brush_parser::word::parse_heredoc(
                        &doc.doc.value,
                        &ParserOptions::default(),
                    ) {
                        Ok(pieces) => {
                            let (expanded, sub) = self.pieces(&doc.doc.value, &pieces);
                            text = expanded;
                            v.merge(sub);
                        }
                        Err(_) => v.downgrade(Safety::Unknown, "here-document does not parse"),
                    }
                }
                (v, Some(text))
            }
            IoRedirect::HereString(_, word) => {
                let (text, mut v) = self.word(&word.value);
                v.push_reason("here-string feeds standard input");
                (v, Some(text))
            }
        }
    }

    /// Unquotes a word; the verdict covers the substitutions inside it.
    fn word(&mut self, raw: &str) -> (String, Verdict) {
        if !raw.contains(['\'', '"', '\\', '$', '`', '~']) {
            return (raw.to_owned(), Verdict::empty());
        }
        match brush_parser::word::parse(raw, &ParserOptions::default()) {
            Ok(pieces) => self.pieces(raw, &pieces),
            Err(_) => (
                raw.to_owned(),
                Verdict::unknown(format!("word `{}` does not parse", short(raw))),
            ),
        }
    }

    /// Unquotes parsed word pieces.
    fn pieces(&mut self, raw: &str, pieces: &[WordPieceWithSource]) -> (String, Verdict) {
        let mut text = String::new();
        let mut v = Verdict::empty();
        for piece in pieces {
            let source = raw
                .get(piece.start_index..piece.end_index)
                .unwrap_or_default();
            match &piece.piece {
                WordPiece::Text(s)
                | WordPiece::SingleQuotedText(s)
                | WordPiece::AnsiCQuotedText(s) => {
                    text.push_str(s);
                }
                WordPiece::DoubleQuotedSequence(inner)
                | WordPiece::GettextDoubleQuotedSequence(inner) => {
                    let (t, sub) = self.pieces(raw, inner);
                    text.push_str(&t);
                    v.merge(sub);
                }
                WordPiece::TildeExpansion(_) => text.push('~'),
                WordPiece::EscapeSequence(s) => text.extend(s.chars().skip(1)),
                WordPiece::ParameterExpansion(_) => {
                    if source.contains("$(") || source.contains('`') {
                        v.downgrade(
                            Safety::Unknown,
                            format!(
                                "parameter expansion `{}` contains a command substitution",
                                short(source)
                            ),
                        );
                    }
                    text.push_str(source);
                }
                WordPiece::CommandSubstitution(inner)
                | WordPiece::BackquotedCommandSubstitution(inner) => {
                    let inner_verdict = self.nested(|w| {
                        let depth = w.depth + 1;
                        classify_shell(inner, depth)
                    });
                    v.merge(prefixed(
                        inner_verdict,
                        &format!("command substitution `{}`", short(source)),
                    ));
                    text.push_str(source);
                }
                WordPiece::ArithmeticExpression(expr) => {
                    v.merge(arithmetic(&expr.value));
                    text.push_str(source);
                }
            }
        }
        (text, v)
    }

    /// Runs `f` one level deeper.
    fn nested(&mut self, f: impl FnOnce(&mut Self) -> Verdict) -> Verdict {
        if self.depth >= MAX_DEPTH {
            return Verdict::unknown("commands nest too deeply to analyse");
        }
        self.depth += 1;
        let v = f(self);
        self.depth -= 1;
        v
    }
}

/// Arithmetic only changes shell variables, unless it hides a substitution.
fn arithmetic(expr: &str) -> Verdict {
    if expr.contains("$(") || expr.contains('`') {
        Verdict::unknown("arithmetic contains a command substitution")
    } else {
        Verdict::empty()
    }
}

/// Prefixes every reason of a nested verdict with where it came from.
fn prefixed(mut v: Verdict, what: &str) -> Verdict {
    v.reasons = v
        .reasons
        .into_iter()
        .map(|r| format!("{what}: {r}"))
        .collect();
    v
}

/// At most 60 characters of `s`, for reasons.
fn short(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if s.chars().nth(60).is_some() {
        out.push('…');
    }
    out
}

/// The text a pipeline stage prints, when it is fixed: `echo …`, `printf …`,
/// `cat <<EOF`. Used to see the SQL piped into `psql`.
fn static_output(command: &Command) -> Option<String> {
    let Command::Simple(simple) = command else {
        return None;
    };
    let name = simple.word_or_name.as_ref()?.value.as_str();
    let items: Vec<&CommandPrefixOrSuffixItem> = simple.suffix.iter().flat_map(|s| &s.0).collect();
    match name {
        "echo" | "printf" => {
            let words: Vec<String> = items
                .iter()
                .filter_map(|i| match i {
                    CommandPrefixOrSuffixItem::Word(w) => Some(w.value.as_str()),
                    _ => None,
                })
                .filter(|w| !w.starts_with('-'))
                .map(brush_parser::unquote_str)
                .collect();
            if words.iter().any(|w| w.contains('$') || w.contains('`')) {
                return None;
            }
            Some(words.join(" "))
        }
        "cat" => items.iter().find_map(|i| match i {
            CommandPrefixOrSuffixItem::IoRedirect(IoRedirect::HereDocument(_, doc)) => {
                Some(doc.doc.value.clone())
            }
            _ => None,
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::classify_shell;
    use crate::verdict::Safety;

    fn safety(cmd: &str) -> Safety {
        classify_shell(cmd, 0).safety
    }

    #[test]
    fn redirections() {
        assert_eq!(safety("kubectl get pods > out.txt"), Safety::Write);
        assert_eq!(safety("kubectl get pods >> out.txt"), Safety::Write);
        assert_eq!(safety("kubectl get pods &> out.txt"), Safety::Write);
        assert_eq!(safety("kubectl get pods >& out.txt"), Safety::Write);
        assert_eq!(safety("kubectl get pods 2>&1 >/dev/null"), Safety::Read);
        assert_eq!(safety("kubectl get pods 2>/dev/null"), Safety::Read);
        assert_eq!(safety("grep x < in.txt"), Safety::Read);
        assert_eq!(safety("echo x 1>&2 2>&-"), Safety::Read);
    }

    #[test]
    fn substitutions() {
        assert_eq!(safety("kubectl get pods $(rm -rf ~)"), Safety::Write);
        assert_eq!(safety("kubectl get pods `rm -rf ~`"), Safety::Write);
        assert_eq!(safety("echo \"$(date)\""), Safety::Read);
        assert_eq!(safety("X=$(rm x) ls"), Safety::Write);
        assert_eq!(safety("echo ${X:-$(rm x)}"), Safety::Unknown);
        assert_eq!(safety("diff <(ls a) <(ls b)"), Safety::Read);
        assert_eq!(safety("cat <<EOF\n$(rm -rf /)\nEOF"), Safety::Write);
        assert_eq!(safety("cat <<'EOF'\n$(rm -rf /)\nEOF"), Safety::Read);
    }

    #[test]
    fn compound_commands() {
        assert_eq!(
            safety("for p in a b; do kubectl logs $p; done"),
            Safety::Read
        );
        assert_eq!(
            safety("for p in a b; do kubectl delete pod $p; done"),
            Safety::Write
        );
        assert_eq!(safety("if true; then ls; else rm x; fi"), Safety::Write);
        assert_eq!(safety("f() { ls; }; f"), Safety::Read);
        assert_eq!(safety("ls() { rm -rf /; }; ls"), Safety::Write);
        assert_eq!(safety("(cd /tmp && ls)"), Safety::Read);
        let v = classify_shell("while true; do date; sleep 1; done", 0);
        assert!(v.safety.is_read() && v.long_running);
    }

    #[test]
    fn heredoc_sql_goes_to_psql() {
        assert_eq!(safety("psql <<EOF\nSELECT 1;\nEOF"), Safety::Read);
        assert_eq!(safety("psql <<EOF\nDELETE FROM t;\nEOF"), Safety::Write);
        assert_eq!(safety("echo 'SELECT 1' | psql"), Safety::Read);
        assert_eq!(safety("psql <<< 'DROP TABLE t'"), Safety::Write);
    }

    #[test]
    fn garbage_is_unknown() {
        assert_eq!(safety("echo 'unterminated"), Safety::Unknown);
        assert_eq!(safety("cat <<EOF\nno end"), Safety::Unknown);
        assert_eq!(safety("(((((("), Safety::Unknown);
        assert_eq!(safety(&"$(".repeat(500)), Safety::Unknown);
        assert_eq!(safety(""), Safety::Unknown);
    }

    #[test]
    fn empty_here_document_tags_at_the_end_terminate() {
        // Found by fuzzing: each of these sent brush-parser's tokenizer into an
        // endless loop that allocated until it ran out of memory.
        for cmd in [
            "<<\x0c ",
            "<<\r ",
            "cat <<-\x0c x ",
            "cat <<\r\\\n ls ",
            "cat <<'' ",
            "cat <<-\"\"\"\" ",
            "cat <<'' \\\n",
        ] {
            assert!(!classify_shell(cmd, 0).reasons.is_empty(), "{cmd:?}");
        }
        assert_eq!(safety("cat <<'' "), Safety::Read);
        assert_eq!(safety("ls \\"), Safety::Unknown);
    }

    #[test]
    fn here_documents_with_open_substitutions_are_not_expanded() {
        // Found by fuzzing (minimised): brush-parser took more than 10 seconds
        // to expand this here-document body.
        let fuzzed = "p<<EOF\n\x07\x00$(($o$(\x00\x00\x00\x00\x00(j (\x05Rj (($o$((-{;$s$\n\
                      ( ESFo(j \\Mo$(s${;${;\nEOF${;\nEOF";
        let v = classify_shell(fuzzed, 0);
        assert_eq!(v.safety, Safety::Unknown);
        assert!(
            v.reasons.iter().any(|r| r.contains("leaves a `$(`")),
            "{v:?}"
        );
        let many = format!("cat <<EOF\n{}\nEOF", "$((".repeat(20));
        assert_eq!(safety(&many), Safety::Unknown);
        let one = "p <<EOF\n$(x ( ( ( ( ( ( ( ( ( ( ( ( ( ( ( ( ( ( ( ( ( ( ( ( (\nEOF";
        assert_eq!(safety(one), Safety::Unknown);
        // Closed and escaped substitutions are still expanded.
        assert_eq!(safety("cat <<EOF\n$(rm -rf /)\nEOF"), Safety::Write);
        assert_eq!(safety("cat <<EOF\n$(( (1 + 2) ))\nEOF"), Safety::Read);
        assert_eq!(
            safety("cat <<EOF\n\\$( \\$( \\$(\n$(rm x)\nEOF"),
            Safety::Write
        );
        // Found by fuzzing: the same with `$[` (5 seconds for 644 bytes).
        assert_eq!(
            safety("psql <<EOF\n$[PPID $[x || y $[\nEOF"),
            Safety::Unknown
        );
        // And with expansions that close but nest deeply (1.5 seconds).
        let deep = format!("cat <<EOF\n{}{}\nEOF", "\"$((".repeat(14), "))".repeat(14));
        assert_eq!(safety(&deep), Safety::Unknown);
        assert!(!super::expandable("$( $(( ( x )"));
        assert!(!super::expandable("${a} $[1"));
        assert!(super::expandable("$(a) $((1)) $[2] ${c} (( [ { \\$("));
        assert!(super::expandable(
            "$(kubectl get -o jsonpath='{.items[*].name}')"
        ));
    }

    #[test]
    fn unclosed_parens_are_refused_before_parsing() {
        // Found by fuzzing: brush-parser's time doubles with each unclosed `(`;
        // this one ran for more than 10 seconds.
        let fuzzed = "(((((((((((((((((((((( +short api.ex:INSERT INTO au((((((((((((( \
                      +short api.ex:INSERT INTO audit VALUdit VALUES (1)";
        let v = classify_shell(fuzzed, 0);
        assert_eq!(v.safety, Safety::Unknown);
        assert!(
            v.reasons.iter().any(|r| r.contains("are never closed")),
            "{v:?}"
        );
        assert_eq!(safety(&format!("{} x", "( ".repeat(40))), Safety::Unknown);
        // Balanced ones, however deep, still parse.
        assert_eq!(
            safety(&format!("{}ls{}", "(ls; ".repeat(30), ")".repeat(30))),
            Safety::Read
        );
    }
}
