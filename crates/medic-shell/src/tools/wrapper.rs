//! Commands that run other commands: `timeout`, `time`, `nice`, `env`,
//! `watch`, `xargs`, `sh -c`/`bash -c`, `command`. Their verdict is the
//! verdict of the command they run (plus long-running for `watch`); a shell
//! reading commands from standard input is a write (`curl … | sh`).

use crate::tools::{Call, classify_call, program_name};
use crate::verdict::Verdict;

/// The wrapper programs handled here.
pub(crate) const PROGRAMS: &[&str] = &[
    "timeout", "time", "nice", "nohup", "stdbuf", "ionice", "env", "watch", "xargs", "sh", "bash",
    "zsh", "dash", "ksh", "command", "builtin",
];

/// Classifies a wrapper by classifying the command it runs.
pub(crate) fn classify(call: &Call<'_>) -> Verdict {
    let program = call.program;
    let args = call.args;
    match program {
        "timeout" => {
            let inner = skip_flags(args, &["-s", "-k", "--signal", "--kill-after"]);
            let Some(inner) = inner.get(1..) else {
                return Verdict::unknown("`timeout` without a command");
            };
            run_inner(call, "timeout", inner)
        }
        "time" | "nohup" | "builtin" => {
            let inner = skip_flags(args, &[]);
            run_inner(call, program, inner)
        }
        "nice" | "ionice" | "stdbuf" => {
            let inner = skip_flags(
                args,
                &[
                    "-n",
                    "-c",
                    "-p",
                    "-i",
                    "-o",
                    "-e",
                    "--adjustment",
                    "--class",
                    "--classdata",
                ],
            );
            run_inner(call, program, inner)
        }
        "command" => {
            if args.first().is_some_and(|a| a == "-v" || a == "-V") {
                return Verdict::read("`command -v` finds programs");
            }
            run_inner(call, program, skip_flags(args, &[]))
        }
        "env" => {
            let inner = skip_flags(
                args,
                &["-u", "--unset", "-C", "--chdir", "-S", "--split-string"],
            );
            if args
                .iter()
                .any(|a| a == "-S" || a.starts_with("--split-string"))
            {
                return Verdict::unknown("`env -S` splits a string into a command");
            }
            let inner: &[String] = {
                let n = inner.iter().take_while(|a| is_assignment(a)).count();
                inner.get(n..).unwrap_or_default()
            };
            if inner.is_empty() {
                Verdict::read("`env` prints the environment")
            } else {
                run_inner(call, "env", inner)
            }
        }
        "watch" => {
            let inner = skip_flags(args, &["-n", "--interval", "-q", "--equexit"]);
            let exec = args.iter().any(|a| a == "-x" || a == "--exec");
            let verdict = if inner.is_empty() {
                Verdict::unknown("`watch` without a command")
            } else if exec {
                run_inner(call, "watch", inner)
            } else {
                crate::shell::classify_shell(&inner.join(" "), call.depth + 1)
            };
            verdict.long_running("`watch` repeats the command until stopped")
        }
        "xargs" => {
            let inner = skip_flags(
                args,
                &[
                    "-n",
                    "-L",
                    "-I",
                    "-P",
                    "-d",
                    "-E",
                    "-s",
                    "-a",
                    "--max-args",
                    "--max-lines",
                    "--replace",
                    "--max-procs",
                    "--delimiter",
                    "--eof",
                    "--arg-file",
                    "--max-chars",
                ],
            );
            if inner.is_empty() {
                Verdict::read("`xargs` prints its input (`echo`)")
            } else {
                let mut v = run_inner(call, "xargs", inner);
                v.push_reason("`xargs` adds its input as arguments");
                v
            }
        }
        _ => shell(call),
    }
}

/// `sh -c 'cmd'` classifies `cmd`; a shell reading a script or standard
/// input runs commands medic cannot see.
fn shell(call: &Call<'_>) -> Verdict {
    let program = call.program;
    let mut wants_command = false;
    for arg in call.args {
        if let Some(cluster) = arg.strip_prefix('-').filter(|c| !c.starts_with('-')) {
            if cluster.contains('c') {
                wants_command = true;
            }
            continue;
        }
        if arg.starts_with("--") {
            continue;
        }
        if wants_command {
            let mut v = crate::shell::classify_shell(arg, call.depth + 1);
            v.push_reason(format!("`{program} -c` runs the command given to it"));
            return v;
        }
        return Verdict::unknown(format!("`{program} {arg}` runs a script medic cannot see"));
    }
    if call.stdin.is_some() {
        Verdict::unknown(format!(
            "`{program}` runs the commands given on standard input"
        ))
    } else {
        Verdict::write(format!(
            "`{program}` runs whatever commands are piped into it"
        ))
    }
}

/// Classifies the command a wrapper runs.
fn run_inner(call: &Call<'_>, wrapper: &str, inner: &[String]) -> Verdict {
    let Some((program, args)) = inner.split_first() else {
        return Verdict::unknown(format!("`{wrapper}` without a command"));
    };
    classify_call(&Call {
        program: program_name(program),
        args,
        stdin: call.stdin,
        depth: call.depth + 1,
    })
}

/// Skips leading flags (and the values of `valued` flags) and returns the
/// rest: the wrapped command and its arguments.
fn skip_flags<'a>(args: &'a [String], valued: &[&str]) -> &'a [String] {
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        if arg == "--" {
            return args.get(i + 1..).unwrap_or_default();
        }
        if !arg.starts_with('-') || arg == "-" {
            break;
        }
        i += 1;
        if valued.contains(&arg.as_str()) {
            i += 1;
        }
    }
    args.get(i..).unwrap_or_default()
}

/// Whether a word is a variable assignment (`NAME=value`).
pub(crate) fn is_assignment(word: &str) -> bool {
    let Some((name, _)) = word.split_once('=') else {
        return false;
    };
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}
