//! A small table-driven scanner for command-line flags, shared by the tool
//! modules.
//!
//! Every tool describes which of its flags take a value ([`FlagSpec`]); the
//! scanner then separates flags from positional arguments the way getopt and
//! cobra do: `-abc` is a cluster of short flags, `-ovalue` / `-o value` give a
//! short flag its value, `--name=value` / `--name value` a long flag, and `--`
//! ends the flags. A flag the table does not know is taken as boolean, so an
//! unknown value-taking flag makes its value look like a positional argument:
//! tools decide on the first positionals, and a wrong word there leads to an
//! unknown verb, never to a read.

/// Which flags of a tool take a value.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FlagSpec {
    /// Short flags (one character after `-`) that take a value.
    pub(crate) short_values: &'static str,
    /// Long flags (with their leading `--`) that take a value.
    pub(crate) long_values: &'static [&'static str],
}

/// One flag as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Flag<'a> {
    /// `-f` or `--follow`.
    pub(crate) name: String,
    /// Its value, if it took one.
    pub(crate) value: Option<&'a str>,
}

/// Arguments split into flags and positionals.
#[derive(Debug, Clone, Default)]
pub(crate) struct Parsed<'a> {
    /// Flags in order.
    pub(crate) flags: Vec<Flag<'a>>,
    /// Positional arguments in order (before `--`).
    pub(crate) positionals: Vec<&'a str>,
    /// Arguments after `--`.
    pub(crate) rest: &'a [String],
}

impl<'a> Parsed<'a> {
    /// Whether any of `names` was given (a `--x=false` value counts as not given).
    pub(crate) fn has(&self, names: &[&str]) -> bool {
        self.flags
            .iter()
            .any(|f| names.contains(&f.name.as_str()) && !matches!(f.value, Some("false" | "0")))
    }

    /// The last value of any of `names`.
    pub(crate) fn value(&self, names: &[&str]) -> Option<&'a str> {
        self.flags
            .iter()
            .rev()
            .find(|f| names.contains(&f.name.as_str()))
            .and_then(|f| f.value)
    }

    /// Every value of any of `names`, in order.
    pub(crate) fn values(&self, names: &[&str]) -> Vec<&'a str> {
        self.flags
            .iter()
            .filter(|f| names.contains(&f.name.as_str()))
            .filter_map(|f| f.value)
            .collect()
    }

    /// The positional at `index`, if any.
    pub(crate) fn pos(&self, index: usize) -> Option<&'a str> {
        self.positionals.get(index).copied()
    }
}

/// Splits `args` into flags and positionals according to `spec`.
pub(crate) fn parse<'a>(args: &'a [String], spec: &FlagSpec) -> Parsed<'a> {
    let mut parsed = Parsed::default();
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        i += 1;
        let arg = arg.as_str();
        if arg == "--" {
            parsed.rest = args.get(i..).unwrap_or_default();
            break;
        }
        if let Some(long) = arg.strip_prefix("--") {
            if let Some((name, value)) = long.split_once('=') {
                parsed.flags.push(Flag {
                    name: format!("--{name}"),
                    value: Some(value),
                });
            } else if spec.long_values.contains(&arg) {
                let value = args.get(i).map(String::as_str);
                i += 1;
                parsed.flags.push(Flag {
                    name: arg.to_owned(),
                    value,
                });
            } else {
                parsed.flags.push(Flag {
                    name: arg.to_owned(),
                    value: None,
                });
            }
            continue;
        }
        let Some(cluster) = arg.strip_prefix('-').filter(|c| !c.is_empty()) else {
            parsed.positionals.push(arg);
            continue;
        };
        for (at, c) in cluster.char_indices() {
            if spec.short_values.contains(c) {
                let attached = cluster.get(at + c.len_utf8()..).unwrap_or_default();
                let value = if attached.is_empty() {
                    let value = args.get(i).map(String::as_str);
                    i += 1;
                    value
                } else {
                    Some(attached.strip_prefix('=').unwrap_or(attached))
                };
                parsed.flags.push(Flag {
                    name: format!("-{c}"),
                    value,
                });
                break;
            }
            parsed.flags.push(Flag {
                name: format!("-{c}"),
                value: None,
            });
        }
    }
    parsed
}

/// Whether `path` names a sink that keeps nothing (`/dev/null`) or a stream.
pub(crate) fn is_harmless_sink(path: &str) -> bool {
    matches!(
        path,
        "/dev/null" | "/dev/stdout" | "/dev/stderr" | "/dev/tty" | "-"
    )
}

#[cfg(test)]
mod tests {
    use super::{FlagSpec, parse};

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| (*s).to_owned()).collect()
    }

    const SPEC: FlagSpec = FlagSpec {
        short_values: "no",
        long_values: &["--namespace"],
    };

    #[test]
    fn separates_flags_values_and_positionals() {
        let args = strings(&[
            "-n",
            "ns",
            "get",
            "--namespace",
            "x",
            "-itoyaml",
            "pods",
            "--",
            "ls",
        ]);
        let p = parse(&args, &SPEC);
        assert_eq!(p.positionals, ["get", "pods"]);
        assert_eq!(p.value(&["-n", "--namespace"]), Some("x"));
        assert_eq!(p.value(&["-o"]), Some("yaml"));
        assert!(p.has(&["-i"]) && p.has(&["-t"]));
        assert_eq!(p.rest, ["ls"]);
    }

    #[test]
    fn long_equals_and_false_values() {
        let args = strings(&["--follow=false", "--dry-run=client", "-n=ns"]);
        let p = parse(&args, &SPEC);
        assert!(!p.has(&["--follow"]));
        assert_eq!(p.value(&["--dry-run"]), Some("client"));
        assert_eq!(p.value(&["-n"]), Some("ns"));
    }

    #[test]
    fn missing_value_and_unicode_do_not_panic() {
        let args = strings(&["-n", "-é", "--namespace"]);
        let p = parse(&args, &SPEC);
        assert_eq!(p.value(&["-n"]), Some("-é"));
        let args = strings(&["-éo", "x"]);
        assert_eq!(parse(&args, &SPEC).value(&["-o"]), Some("x"));
    }
}
