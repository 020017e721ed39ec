//! The command line: every subcommand, flag and the help that teaches them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// medic makes troubleshooting guides executable: it reads the Markdown guides a team
/// already has, finds the problem an incident matches, and runs the diagnostic commands
/// it can prove are read-only.
#[derive(Debug, Parser)]
#[command(name = "medic", version, max_term_width = 100)]
#[command(after_help = "Examples:\n  \
    medic guides examples/guides                 inventory of the bundled example guides\n  \
    medic guides ../seeds --include '*.txt'      guides stored under other names\n  \
    medic show postgresql.md#connection-exhaustion --guides examples/guides\n  \
    medic classify 'kubectl get pods -n shop | grep -v Running'\n\n\
    Exit codes: 0 success, 1 a finding (a failing check, no match), 2 usage or input error.")]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,

    /// Read settings from this file instead of the nearest medic.toml above the current directory.
    #[arg(long, global = true, value_name = "FILE", env = "MEDIC_CONFIG")]
    pub(crate) config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// List the guides, their problems and procedures, and what their commands do.
    ///
    /// Directories are searched recursively for *.md and *.markdown; --include adds other
    /// names (the same globs apply to every directory); a file named directly is always read.
    /// A file that cannot be read is reported and skipped; the rest still load.
    Guides(GuidesArgs),
    /// Show one problem or procedure: symptoms, checks with their safety verdicts, causes,
    /// fixes, each with its line in the guide.
    Show(ShowArgs),
    /// Find the problems that match what an incident shows: a symptom in words, an error
    /// message, log lines, or an Alertmanager alert. Prints the best problems with the
    /// reasons each matched; exits 1 when nothing matches well enough.
    #[command(after_help = "Examples:\n  \
        medic match 'FATAL:  sorry, too many clients already' -g examples/guides\n  \
        kubectl logs deploy/api --tail=200 | medic match - -g runbooks/\n  \
        medic match --alert alertmanager-payload.json -g runbooks/\n  \
        medic match --batch queries.jsonl --json -g runbooks/   (lines: {\"id\":…,\"query\":\"text\"|{alert}})")]
    Match(MatchArgs),
    /// Say whether commands are read-only (safe to run unattended), write, or unknown.
    ///
    /// Unknown is treated as write everywhere. Give one command, or `-` to read one command
    /// per line from standard input.
    Classify(ClassifyArgs),
}

/// Where guides come from; shared by every command that reads them.
#[derive(Debug, Args, Clone, Default)]
pub(crate) struct GuideSource {
    /// A guide file or a directory of guides (repeatable). Default: `guides.paths` in
    /// medic.toml, or MEDIC_GUIDES (paths separated by `:`).
    #[arg(long = "guides", short = 'g', value_name = "PATH")]
    pub(crate) guides: Vec<PathBuf>,

    /// Also read files whose name or relative path matches this glob (repeatable), e.g. '*.txt'.
    #[arg(long, value_name = "GLOB")]
    pub(crate) include: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct GuidesArgs {
    /// Guide files or directories (same as --guides).
    #[arg(value_name = "PATH")]
    pub(crate) paths: Vec<PathBuf>,

    #[command(flatten)]
    pub(crate) source: GuideSource,

    /// Print the parsed model as JSON (schema in docs/json.md).
    #[arg(long)]
    pub(crate) json: bool,

    /// Print one line per guide, without its problems.
    #[arg(long, conflicts_with = "json")]
    pub(crate) summary: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    /// A problem or procedure id: `<guide path>#<anchor>` as `medic guides` lists it.
    /// An anchor alone works when only one guide has it.
    #[arg(value_name = "ID")]
    pub(crate) id: String,

    #[command(flatten)]
    pub(crate) source: GuideSource,

    /// Print the problem as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("evidence").required(true).args(["text", "alert", "batch"]))]
pub(crate) struct MatchArgs {
    /// What the incident shows: a symptom, an error message or log lines (quote it);
    /// `-` reads standard input.
    #[arg(value_name = "TEXT", allow_hyphen_values = true)]
    pub(crate) text: Option<String>,

    /// An Alertmanager webhook payload, a single alert object, or `-` for standard input;
    /// each alert in it is matched on its own.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["text", "batch"])]
    pub(crate) alert: Option<PathBuf>,

    /// JSON lines `{"id": …, "query": "text" | {alert object}}`; prints one JSON line per
    /// query: `{"id": …, "matches": [{"id", "title", "score", "reasons"}]}`.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["text", "alert"])]
    pub(crate) batch: Option<PathBuf>,

    /// How many problems to show.
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub(crate) top: usize,

    /// Print JSON (one object per line; docs/json.md).
    #[arg(long)]
    pub(crate) json: bool,

    #[command(flatten)]
    pub(crate) source: GuideSource,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum LangArg {
    /// A shell command line.
    Bash,
    /// A SQL statement (PostgreSQL).
    Sql,
}

#[derive(Debug, Args)]
pub(crate) struct ClassifyArgs {
    /// The command, or `-` to read commands from standard input, one per line.
    #[arg(value_name = "COMMAND", allow_hyphen_values = true)]
    pub(crate) command: String,

    /// The command's language. Default: SQL when it starts with a SQL keyword, else bash.
    #[arg(long, value_enum)]
    pub(crate) lang: Option<LangArg>,

    /// Print JSON lines: {"command","lang","safety","long_running","reasons"}.
    #[arg(long)]
    pub(crate) json: bool,
}
