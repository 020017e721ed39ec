//! Text filters that usually sit at the end of a pipeline (`jq`, `grep`,
//! `awk`, `sed`, `sort`, `tee`, …). They read, unless they edit files in place
//! (`sed -i`, `yq -i`), write output files (`sort -o`, `tee file`, `uniq in out`)
//! or run commands (`awk 'system(…)'`, `sed 'e'`).

use crate::tools::Call;
use crate::tools::args::{FlagSpec, is_harmless_sink, parse};
use crate::verdict::Verdict;

/// Filters that only read, whatever their arguments: (program, what).
pub(crate) const PURE: &[(&str, &str)] = &[
    ("grep", "filters text"),
    ("egrep", "filters text"),
    ("fgrep", "filters text"),
    ("zgrep", "filters text"),
    ("head", "prints the start of its input"),
    ("wc", "counts"),
    ("cut", "selects columns"),
    ("tr", "translates characters"),
    ("base64", "encodes or decodes base64"),
    ("echo", "prints text"),
    ("printf", "prints text"),
    ("column", "formats columns"),
    ("cat", "prints files"),
    ("tac", "prints files"),
    ("zcat", "prints compressed files"),
    ("nl", "numbers lines"),
    ("rev", "reverses lines"),
    ("paste", "joins lines"),
    ("fold", "wraps lines"),
    ("fmt", "formats text"),
    ("comm", "compares files"),
    ("diff", "compares files"),
    ("cmp", "compares files"),
    ("md5sum", "computes checksums"),
    ("sha1sum", "computes checksums"),
    ("sha256sum", "computes checksums"),
    ("sha512sum", "computes checksums"),
    ("cksum", "computes checksums"),
    ("seq", "prints numbers"),
    ("strings", "prints strings"),
    ("od", "dumps bytes"),
    ("hexdump", "dumps bytes"),
    ("expand", "converts tabs"),
    ("unexpand", "converts tabs"),
    ("numfmt", "formats numbers"),
    ("bc", "calculates"),
    ("expr", "evaluates expressions"),
    ("jq", "filters JSON"),
    ("gojq", "filters JSON"),
    ("jless", "views JSON"),
    ("join", "joins files"),
    ("shuf", "shuffles lines"),
    ("iconv", "converts encodings"),
    ("dos2unix", "converts line endings"),
    ("envsubst", "substitutes variables"),
];

/// Filters whose verdict depends on their arguments.
pub(crate) const SPECIAL: &[&str] = &[
    "yq", "rg", "awk", "gawk", "mawk", "nawk", "sed", "gsed", "sort", "uniq", "tail", "tee", "xxd",
    "less", "more", "yes", "gzip", "gunzip", "tar",
];

/// Classifies a filter.
pub(crate) fn classify(call: &Call<'_>) -> Verdict {
    let program = call.program;
    if let Some((_, what)) = PURE.iter().find(|(p, _)| *p == program) {
        return Verdict::read(format!("`{program}` {what}"));
    }
    let name = format!("`{program}`");
    let args = call.args;
    match program {
        "yq" => {
            let p = parse(
                args,
                &FlagSpec {
                    short_values: "oIpe",
                    long_values: &[
                        "--output-format",
                        "--input-format",
                        "--indent",
                        "--expression",
                    ],
                },
            );
            if p.has(&["-i", "--inplace"]) {
                Verdict::write("`yq -i` edits files in place")
            } else {
                Verdict::read("`yq` filters YAML")
            }
        }
        "rg" => {
            let p = parse(
                args,
                &FlagSpec {
                    short_values: "egtTmABCfj",
                    long_values: &[
                        "--pre",
                        "--regexp",
                        "--glob",
                        "--type",
                        "--max-count",
                        "--file",
                    ],
                },
            );
            if p.has(&["--pre"]) {
                Verdict::unknown("`rg --pre` runs a command on every file")
            } else {
                Verdict::read("`rg` searches text")
            }
        }
        "awk" | "gawk" | "mawk" | "nawk" => awk(call),
        "sed" | "gsed" => sed(call),
        "sort" => {
            let p = parse(
                args,
                &FlagSpec {
                    short_values: "ktoST",
                    long_values: &[
                        "--key",
                        "--field-separator",
                        "--output",
                        "--buffer-size",
                        "--temporary-directory",
                        "--parallel",
                    ],
                },
            );
            match p.value(&["-o", "--output"]) {
                Some(file) if !is_harmless_sink(file) => {
                    Verdict::write(format!("`sort -o {file}` writes a file"))
                }
                _ => Verdict::read("`sort` sorts lines"),
            }
        }
        "uniq" => {
            let p = parse(
                args,
                &FlagSpec {
                    short_values: "fsw",
                    long_values: &["--skip-fields", "--skip-chars", "--check-chars"],
                },
            );
            match p.pos(1) {
                Some(file) if !is_harmless_sink(file) => {
                    Verdict::write(format!("`uniq` writes its output to `{file}`"))
                }
                _ => Verdict::read("`uniq` filters repeated lines"),
            }
        }
        "xxd" => {
            let p = parse(
                args,
                &FlagSpec {
                    short_values: "cgloes",
                    long_values: &[],
                },
            );
            match p.pos(1) {
                Some(file) if !is_harmless_sink(file) => {
                    Verdict::write(format!("`xxd` writes its output to `{file}`"))
                }
                _ => Verdict::read("`xxd` dumps bytes"),
            }
        }
        "tail" => {
            let p = parse(
                args,
                &FlagSpec {
                    short_values: "ncs",
                    long_values: &["--lines", "--bytes", "--pid", "--sleep-interval"],
                },
            );
            let v = Verdict::read("`tail` prints the end of its input");
            if p.has(&["-f", "-F", "--follow", "--retry"]) {
                v.long_running("`tail -f` does not end by itself")
            } else {
                v
            }
        }
        "tee" => {
            let p = parse(
                args,
                &FlagSpec {
                    short_values: "",
                    long_values: &["--output-error"],
                },
            );
            let files: Vec<&str> = p
                .positionals
                .iter()
                .copied()
                .filter(|f| !is_harmless_sink(f))
                .collect();
            if files.is_empty() {
                Verdict::read("`tee` copies its input to standard output")
            } else {
                Verdict::write(format!("`tee {}` writes a file", files.join(" ")))
            }
        }
        "less" | "more" => Verdict::unknown(format!("{name} is an interactive pager")),
        "yes" => Verdict::read("`yes` prints a line").long_running("`yes` does not end by itself"),
        "gzip" | "gunzip" => {
            let p = parse(
                args,
                &FlagSpec {
                    short_values: "S",
                    long_values: &["--suffix"],
                },
            );
            if p.has(&["-c", "--stdout", "-l", "--list", "-t", "--test"])
                || p.positionals.is_empty()
            {
                Verdict::read(format!("{name} writes to standard output"))
            } else {
                Verdict::write(format!("{name} replaces files"))
            }
        }
        "tar" => {
            let first = args.first().map(String::as_str).unwrap_or_default();
            let listing = args.iter().any(|a| a == "--list")
                || (!first.starts_with("--") && first.trim_start_matches('-').contains('t'));
            if listing {
                Verdict::read("`tar -t` lists an archive")
            } else {
                Verdict::write("`tar` creates or extracts archives")
            }
        }
        _ => Verdict::unknown(format!("{name} is not a command medic knows")),
    }
}

/// awk flags that take a value.
const AWK: FlagSpec = FlagSpec {
    short_values: "Fvfi",
    long_values: &[
        "--field-separator",
        "--assign",
        "--file",
        "--include",
        "--load",
    ],
};

/// `awk`: reads unless its program runs commands or writes files.
fn awk(call: &Call<'_>) -> Verdict {
    let p = parse(call.args, &AWK);
    if p.has(&["-f", "--file"]) {
        return Verdict::unknown("`awk -f` runs a program file medic cannot see");
    }
    if p.has(&["-i", "--include", "-l", "--load"]) {
        return Verdict::unknown("`awk` loads extensions medic cannot see");
    }
    let Some(program) = p.pos(0) else {
        return Verdict::unknown("`awk` without a program");
    };
    match awk_program_effect(program) {
        Some(effect) => effect,
        None => Verdict::read("`awk` transforms text"),
    }
}

/// What an awk program does beyond printing: `None` if nothing.
fn awk_program_effect(program: &str) -> Option<Verdict> {
    if program.contains("system(") || program.contains("system (") {
        return Some(Verdict::write(
            "`awk` program calls `system()`, which runs commands",
        ));
    }
    if program.contains('@') && program.contains("@load") {
        return Some(Verdict::unknown("`awk` program loads an extension"));
    }
    // Scan outside string literals and regex literals for `print … >`/`|`.
    let chars: Vec<char> = program.chars().collect();
    let mut i = 0;
    let mut in_print = false;
    let mut depth = 0usize;
    let mut prev_significant = ' ';
    while let Some(&c) = chars.get(i) {
        match c {
            '"' => {
                i += 1;
                while let Some(&d) = chars.get(i) {
                    if d == '\\' {
                        i += 1;
                    } else if d == '"' {
                        break;
                    }
                    i += 1;
                }
            }
            '/' if !matches!(prev_significant, ')' | ']')
                && !prev_significant.is_alphanumeric()
                && prev_significant != '_' =>
            {
                i += 1;
                while let Some(&d) = chars.get(i) {
                    if d == '\\' {
                        i += 1;
                    } else if d == '/' {
                        break;
                    }
                    i += 1;
                }
            }
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ';' | '}' | '{' | '\n' => {
                in_print = false;
                depth = 0;
            }
            '|' if chars.get(i + 1) == Some(&'|') => i += 1,
            '|' => {
                let rest: String = chars.get(i + 1..).unwrap_or_default().iter().collect();
                if rest.trim_start().starts_with("getline") {
                    return Some(Verdict::unknown(
                        "`awk` program runs a command with `| getline`",
                    ));
                }
                if in_print && depth == 0 {
                    return Some(Verdict::write("`awk` program pipes output to a command"));
                }
            }
            '>' if in_print && depth == 0 => {
                return Some(Verdict::write(
                    "`awk` program writes to a file with `print >`",
                ));
            }
            c if c.is_alphabetic() => {
                let start = i;
                while chars
                    .get(i + 1)
                    .is_some_and(|d| d.is_alphanumeric() || *d == '_')
                {
                    i += 1;
                }
                let word: String = chars.get(start..=i).unwrap_or_default().iter().collect();
                if word == "print" || word == "printf" {
                    in_print = true;
                    depth = 0;
                }
            }
            _ => {}
        }
        if !c.is_whitespace() {
            prev_significant = chars.get(i).copied().unwrap_or(c);
        }
        i += 1;
    }
    None
}

/// sed flags that take a value.
const SED: FlagSpec = FlagSpec {
    short_values: "efl",
    long_values: &["--expression", "--file", "--line-length"],
};

/// `sed`: reads unless it edits in place or its script writes files or runs
/// commands.
fn sed(call: &Call<'_>) -> Verdict {
    let p = parse(call.args, &SED);
    if sed_in_place(call.args) {
        return Verdict::write("`sed -i` edits files in place");
    }
    if p.has(&["-f", "--file"]) {
        return Verdict::unknown("`sed -f` runs a script file medic cannot see");
    }
    let mut scripts = p.values(&["-e", "--expression"]);
    if scripts.is_empty() {
        match p.pos(0) {
            Some(script) => scripts.push(script),
            None => return Verdict::unknown("`sed` without a script"),
        }
    }
    let mut v = Verdict::read("`sed` transforms text");
    for script in scripts {
        if let Some(effect) = sed_script_effect(script) {
            v.merge(effect);
        }
    }
    v
}

/// Whether sed's arguments ask for in-place editing (`-i`, `-i.bak`, `-ni`,
/// `--in-place`).
fn sed_in_place(args: &[String]) -> bool {
    args.iter().take_while(|a| *a != "--").any(|a| {
        if a == "--in-place" || a.starts_with("--in-place=") {
            return true;
        }
        let Some(cluster) = a.strip_prefix('-').filter(|c| !c.starts_with('-')) else {
            return false;
        };
        for c in cluster.chars() {
            match c {
                'i' => return true,
                'e' | 'f' | 'l' => return false,
                _ => {}
            }
        }
        false
    })
}

/// What a sed script does beyond printing: `None` if nothing.
fn sed_script_effect(script: &str) -> Option<Verdict> {
    let chars: Vec<char> = script.chars().collect();
    let mut i = 0;
    let skip_regex = |i: &mut usize, delim: char| {
        while let Some(&c) = chars.get(*i) {
            if c == '\\' {
                *i += 2;
                continue;
            }
            if c == delim {
                *i += 1;
                return;
            }
            *i += 1;
        }
    };
    while i < chars.len() {
        // Skip separators and addresses.
        loop {
            match chars.get(i) {
                Some(c)
                    if c.is_whitespace() || *c == ';' || *c == '{' || *c == '}' || *c == '!' =>
                {
                    i += 1
                }
                Some(c) if c.is_ascii_digit() || matches!(c, '$' | ',' | '~' | '+') => i += 1,
                Some('/') => {
                    i += 1;
                    skip_regex(&mut i, '/');
                    while matches!(chars.get(i), Some('I' | 'M')) {
                        i += 1;
                    }
                }
                Some('\\') => {
                    let delim = chars.get(i + 1).copied().unwrap_or('/');
                    i += 2;
                    skip_regex(&mut i, delim);
                }
                _ => break,
            }
        }
        let Some(&command) = chars.get(i) else {
            break;
        };
        i += 1;
        match command {
            's' | 'y' => {
                let Some(&delim) = chars.get(i) else {
                    return Some(Verdict::unknown("`sed` script does not parse"));
                };
                i += 1;
                skip_regex(&mut i, delim);
                skip_regex(&mut i, delim);
                if command == 's' {
                    while let Some(&flag) = chars.get(i) {
                        match flag {
                            'w' | 'W' => {
                                return Some(Verdict::write("`sed` `s///w` writes a file"));
                            }
                            'e' => return Some(Verdict::unknown("`sed` `s///e` runs a command")),
                            'g' | 'p' | 'i' | 'I' | 'm' | 'M' => i += 1,
                            c if c.is_ascii_digit() => i += 1,
                            _ => break,
                        }
                    }
                }
            }
            'w' | 'W' => return Some(Verdict::write("`sed` `w` command writes a file")),
            'e' => return Some(Verdict::unknown("`sed` `e` command runs a command")),
            'a' | 'i' | 'c' | 'r' | 'R' | 'b' | 't' | 'T' | ':' | 'q' | 'Q' | 'l' | 'L' => {
                while chars.get(i).is_some_and(|c| {
                    *c != '\n' && (*c != ';' || matches!(command, 'a' | 'i' | 'c'))
                }) {
                    i += 1;
                }
            }
            'p' | 'P' | 'd' | 'D' | 'n' | 'N' | 'g' | 'G' | 'h' | 'H' | 'x' | '=' | 'z' | 'F' => {}
            '#' => {
                while chars.get(i).is_some_and(|c| *c != '\n') {
                    i += 1;
                }
            }
            other => {
                return Some(Verdict::unknown(format!(
                    "`sed` command `{other}` is not one medic knows"
                )));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{awk_program_effect, sed_script_effect};
    use crate::verdict::Safety;

    #[test]
    fn awk_programs() {
        assert!(awk_program_effect("{print $1}").is_none());
        assert!(awk_program_effect("$3 > 100 {print $1}").is_none());
        assert!(awk_program_effect("{print ($1 > 2)}").is_none());
        assert!(awk_program_effect("/a|b/ {print}").is_none());
        assert!(awk_program_effect("$1 == \"x>y\" || $2 {print}").is_none());
        let w = |p: &str| awk_program_effect(p).map(|v| v.safety);
        assert_eq!(w("{system(\"rm x\")}"), Some(Safety::Write));
        assert_eq!(w("{print $1 > \"out\"}"), Some(Safety::Write));
        assert_eq!(w("{print $1 | \"sh\"}"), Some(Safety::Write));
        assert_eq!(w("{\"date\" | getline d}"), Some(Safety::Unknown));
    }

    #[test]
    fn sed_scripts() {
        assert!(sed_script_effect("s/a/b/g").is_none());
        assert!(sed_script_effect("s/w/e/").is_none());
        assert!(sed_script_effect("/x/d; 1,5p").is_none());
        assert!(sed_script_effect("s|/a|/b|2").is_none());
        let w = |p: &str| sed_script_effect(p).map(|v| v.safety);
        assert_eq!(w("s/a/b/w out"), Some(Safety::Write));
        assert_eq!(w("1w out"), Some(Safety::Write));
        assert_eq!(w("s/a/b/e"), Some(Safety::Unknown));
        assert_eq!(w("e ls"), Some(Safety::Unknown));
    }
}
