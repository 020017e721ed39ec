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
    medic classify 'kubectl get pods -n shop | grep -v Running'\n  \
    medic diagnose 'FATAL:  sorry, too many clients already' --db postgres://postgres@db1/postgres\n  \
    medic check kubernetes-pods.md#crashloopbackoff --var namespace=shop --var pod=api-7d9c\n\n\
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
    /// Run one problem's read-only checks and report what they show.
    ///
    /// Placeholders (`<pod-name>`, `$NAMESPACE`) are filled from --var, then `[vars]` in
    /// medic.toml, then MEDIC_VAR_* (MEDIC_VAR_POD_NAME fills <pod-name>). A check runs only
    /// when every command in it is read-only, before and after its values are filled in, and
    /// every placeholder has a value; the report says why any other check did not run.
    /// Exits 1 when a check failed or timed out.
    #[command(after_help = "Examples:\n  \
        medic check postgresql.md#connection-exhaustion --db postgres://postgres@127.0.0.1:5432/postgres\n  \
        medic check kubernetes-pods.md#crashloopbackoff --var namespace=shop --var pod=api-7d9c --markdown\n  \
        medic check http-service.md#health-check-failing --var host=api.internal --html report.html")]
    Check(CheckArgs),
    /// Match the evidence to a problem, then run that problem's read-only checks.
    ///
    /// Takes the same evidence as `medic match`. Alert labels fill placeholders
    /// (namespace, pod, instance → host and port, …; `[labels]` in medic.toml extends the
    /// map). Each alert of a payload gets its own report. Exits 1 when nothing matches or a
    /// check failed or timed out.
    ///
    /// With --kube, medic looks for itself: it reads pods, events, workloads and nodes with
    /// kubectl (your kubeconfig, context and auth plugins), finds what is wrong
    /// (CrashLoopBackOff, OOMKilled, image pulls, unschedulable pods, failing probes,
    /// sandbox errors, evictions, restarts, not-ready nodes, RBAC refusals, unavailable
    /// replicas), and diagnoses each finding: its namespace, pod, container, workload and
    /// node fill the guide's placeholders, and the checks run against the same cluster.
    /// --from-dir diagnoses saved `kubectl get … -o json` files instead, offline. With
    /// --kube, the exit code is 0 only when everything was read and nothing was found.
    #[command(after_help = "Examples:\n  \
        medic diagnose 'FATAL:  sorry, too many clients already' --db postgres://postgres@db1/postgres\n  \
        medic diagnose --alert payload.json --json\n  \
        kubectl logs deploy/api --tail=100 | medic diagnose - --var namespace=shop\n  \
        medic diagnose --kube -n shop\n  \
        medic diagnose --kube -A --context prod --markdown > findings.md\n  \
        medic diagnose --kube --from-dir captured/          # kubectl get pods,events,nodes -A -o json > captured/state.json")]
    Diagnose(DiagnoseArgs),
    /// Write a diagnosis bundle (.tar.gz): manifest, one file per check output, report.md,
    /// report.html — every output redacted. Written to a temporary file and renamed, so a
    /// bundle is whole or absent.
    #[command(after_help = "Examples:\n  \
        medic bundle postgresql.md#connection-exhaustion -o incident-42.tar.gz\n  \
        medic bundle --alert payload.json -o incident-42.tar.gz\n  \
        medic bundle 'FATAL:  sorry, too many clients already' -o incident-42.tar.gz")]
    Bundle(BundleArgs),
    /// Replace secrets in a file or standard input (tokens, passwords in URLs, private keys,
    /// Kubernetes Secret data, …) with `«redacted:kind:hash»`, the same hash for the same
    /// value within one run. Custom rules come from `[[redact.rules]]` in medic.toml.
    #[command(after_help = "Examples:\n  \
        kubectl get secret db -o yaml | medic redact -\n  \
        medic redact app.log > app.redacted.log")]
    Redact(RedactArgs),
    /// Serve Alertmanager webhooks, diagnose every alert in background workers, keep the
    /// incident history, and show it in a web UI.
    ///
    /// Point Alertmanager's webhook receiver at `http://ADDR/api/v1/alerts`. Each firing
    /// alert becomes an incident (repeats update it; `resolved` closes it); workers match it
    /// to a problem and run that problem's read-only checks — never a write step. Incidents
    /// live in SQLite by default (in the user's data directory) or in PostgreSQL, which
    /// several `medic serve` processes can share. Write endpoints need the token from
    /// --token-file or MEDIC_TOKEN; --no-auth is accepted on a loopback address only.
    /// SIGHUP reloads the guides; SIGTERM finishes running diagnoses, then exits.
    #[command(after_help = "Examples:\n  \
        medic serve -g runbooks/ --no-auth                     try it on 127.0.0.1:8080\n  \
        medic serve -g runbooks/ --listen 0.0.0.0:8080 --token-file /etc/medic/token\n  \
        medic serve -g runbooks/ --db postgres://medic@db/medic --token-file token --log-format json\n\n\
        Alertmanager receiver:\n  \
        receivers:\n  \
        - name: medic\n    \
          webhook_configs:\n    \
          - url: http://medic:8080/api/v1/alerts\n      \
            send_resolved: true\n      \
            http_config: { authorization: { credentials_file: /etc/alertmanager/medic-token } }\n\n\
        Endpoints: / (UI), /api/v1/… (JSON API; /api/v1/openapi.json), /metrics, /healthz, /readyz.")]
    Serve(ServeArgs),
    /// Inspect settings.
    #[command(subcommand)]
    Config(ConfigCommand),
}

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on. Default: `[serve] listen` in medic.toml, else 127.0.0.1:8080.
    #[arg(long, value_name = "ADDR", env = "MEDIC_SERVE_LISTEN")]
    pub(crate) listen: Option<String>,

    /// Incident store: `sqlite://PATH` or `postgres://USER@HOST/DB`. Default: `[serve] db`,
    /// else SQLite in the user's data directory (~/.local/share/medic/medic.db).
    #[arg(long, value_name = "URL", env = "MEDIC_SERVE_DB")]
    pub(crate) db: Option<String>,

    /// File holding the token write requests must carry (`Authorization: Bearer TOKEN`, or
    /// basic auth with it as password). MEDIC_TOKEN gives the token itself.
    #[arg(
        long,
        value_name = "FILE",
        env = "MEDIC_TOKEN_FILE",
        conflicts_with = "no_auth"
    )]
    pub(crate) token_file: Option<PathBuf>,

    /// Accept write requests without a token. Only on a loopback address.
    #[arg(long)]
    pub(crate) no_auth: bool,

    /// Diagnoses at once in this process. Default 4.
    #[arg(long, value_name = "N", env = "MEDIC_SERVE_WORKERS")]
    pub(crate) workers: Option<usize>,

    /// How long incidents are kept (e.g. 30d; 0 keeps them forever). Default 30d.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub(crate) retention: Option<std::time::Duration>,

    /// How long a worker's claim on an incident holds without renewal; a crashed process's
    /// incidents are diagnosed again after it. Default 30s.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub(crate) lease: Option<std::time::Duration>,

    /// Log format on standard error (MEDIC_LOG sets the level: info, debug, …).
    #[arg(long, value_enum, default_value_t = LogFormat::Text, env = "MEDIC_LOG_FORMAT")]
    pub(crate) log_format: LogFormat,

    /// Most time one check command may run. Default 10s.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub(crate) timeout: Option<std::time::Duration>,

    /// Most time all checks of one diagnosis may take. Default 60s.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub(crate) total_timeout: Option<std::time::Duration>,

    /// Most checks running at once per diagnosis. Default 8.
    #[arg(long, value_name = "N")]
    pub(crate) concurrency: Option<usize>,

    /// Scan a Kubernetes cluster with kubectl every DURATION (e.g. 1m) and open an incident
    /// for each finding, like `medic diagnose --kube`: the same failure of the same object
    /// stays one incident, and it resolves when the failure is gone.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub(crate) kube_scan: Option<std::time::Duration>,

    /// The kubeconfig context to scan (and the checks' kubectl reads).
    #[arg(long, value_name = "NAME", requires = "kube_scan")]
    pub(crate) kube_context: Option<String>,

    /// The namespace to scan; all namespaces when not given.
    #[arg(long, value_name = "NAMESPACE", requires = "kube_scan")]
    pub(crate) kube_namespace: Option<String>,

    #[command(flatten)]
    pub(crate) source: GuideSource,
}

/// `medic config` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum ConfigCommand {
    /// Print the settings in effect (medic.toml merged with defaults) as TOML, and where the
    /// file was found.
    Show,
}

/// How checks run; shared by check, diagnose and bundle.
#[derive(Debug, Args, Clone, Default)]
pub(crate) struct RunOptions {
    /// A placeholder value (repeatable): `--var namespace=shop` fills `<namespace>`,
    /// `$NAMESPACE`; `--var pod=api-1` fills `<pod>`, `<pod-name>`, `<pod-id>`.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub(crate) vars: Vec<(String, String)>,

    /// PostgreSQL connection for SQL blocks (`postgres://user@host:5432/db`). Default:
    /// `[databases] default` in medic.toml, else libpq's PG* environment.
    #[arg(long, value_name = "URL", env = "MEDIC_DB")]
    pub(crate) db: Option<String>,

    /// Most time one command may run (e.g. 10s, 500ms). Default 10s.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub(crate) timeout: Option<std::time::Duration>,

    /// Most time all checks together may take. Default 60s.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub(crate) total_timeout: Option<std::time::Duration>,

    /// Most checks running at once. Default 8.
    #[arg(long, value_name = "N")]
    pub(crate) concurrency: Option<usize>,

    /// Ask, for each refused (write or unknown) step, whether to run it, showing the
    /// rendered command. Only on an interactive terminal; never without one.
    #[arg(long)]
    pub(crate) allow_write: bool,
}

/// Report formats; the terminal report is the default.
#[derive(Debug, Args, Clone, Default)]
pub(crate) struct ReportFormat {
    /// Print the report as JSON (schema in docs/json.md).
    #[arg(long, conflicts_with = "markdown")]
    pub(crate) json: bool,

    /// Print the report as Markdown, to paste into a ticket.
    #[arg(long)]
    pub(crate) markdown: bool,

    /// Also write the report as a self-contained HTML page to FILE.
    #[arg(long, value_name = "FILE")]
    pub(crate) html: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// The problem: `<guide path>#<anchor>` as `medic guides` lists it, or a unique anchor.
    #[arg(value_name = "ID")]
    pub(crate) id: String,

    #[command(flatten)]
    pub(crate) run: RunOptions,

    #[command(flatten)]
    pub(crate) format: ReportFormat,

    #[command(flatten)]
    pub(crate) source: GuideSource,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("evidence").required(true).args(["text", "alert", "kube"]))]
pub(crate) struct DiagnoseArgs {
    /// What the incident shows (symptom, error message, log lines); `-` reads standard input.
    #[arg(value_name = "TEXT", allow_hyphen_values = true)]
    pub(crate) text: Option<String>,

    /// An Alertmanager webhook payload or a single alert object (`-` for standard input).
    #[arg(long, value_name = "FILE", conflicts_with = "text")]
    pub(crate) alert: Option<PathBuf>,

    /// How many other matching problems to list.
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub(crate) runners_up: usize,

    #[command(flatten)]
    pub(crate) kube: KubeArgs,

    #[command(flatten)]
    pub(crate) run: RunOptions,

    #[command(flatten)]
    pub(crate) format: ReportFormat,

    #[command(flatten)]
    pub(crate) source: GuideSource,
}

/// Where `--kube` looks.
#[derive(Debug, Args)]
#[command(next_help_heading = "Kubernetes (--kube)")]
pub(crate) struct KubeArgs {
    /// Find what is broken in a Kubernetes cluster (with kubectl) and diagnose each finding.
    #[arg(long, conflicts_with_all = ["text", "alert"])]
    pub(crate) kube: bool,

    /// The kubeconfig context to read (and to run the checks' kubectl against).
    #[arg(long, value_name = "NAME", requires = "kube")]
    pub(crate) context: Option<String>,

    /// The namespace to read; kubectl's current namespace when not given.
    #[arg(
        long,
        short = 'n',
        value_name = "NAMESPACE",
        requires = "kube",
        conflicts_with = "all_namespaces"
    )]
    pub(crate) namespace: Option<String>,

    /// Read every namespace.
    #[arg(long, short = 'A', requires = "kube")]
    pub(crate) all_namespaces: bool,

    /// Only pods with these labels (`app=api,tier!=cache`), with their events, owners and nodes.
    #[arg(long, short = 'l', value_name = "SELECTOR", requires = "kube")]
    pub(crate) selector: Option<String>,

    /// Read saved `kubectl get … -o json` files (every *.json below DIR) instead of a live
    /// cluster. The checks are not run: they would read a cluster that may have changed.
    #[arg(
        long,
        value_name = "DIR",
        requires = "kube",
        conflicts_with = "context"
    )]
    pub(crate) from_dir: Option<PathBuf>,

    /// Restarts at which a container is a finding by itself.
    #[arg(long, value_name = "N", default_value_t = 5, requires = "kube")]
    pub(crate) restarts: i64,

    /// Only list the findings and the problem each matches; run no checks.
    #[arg(long, requires = "kube")]
    pub(crate) findings_only: bool,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("subject").required(true).args(["target", "alert"]))]
pub(crate) struct BundleArgs {
    /// A problem id (`guide.md#anchor`, or a unique anchor) to check, or evidence text to
    /// diagnose.
    #[arg(value_name = "ID|TEXT", allow_hyphen_values = true)]
    pub(crate) target: Option<String>,

    /// An Alertmanager webhook payload or alert object to diagnose (its first firing alert).
    #[arg(long, value_name = "FILE", conflicts_with = "target")]
    pub(crate) alert: Option<PathBuf>,

    /// Where to write the bundle (`.tar.gz`).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub(crate) output: PathBuf,

    #[command(flatten)]
    pub(crate) run: RunOptions,

    #[command(flatten)]
    pub(crate) source: GuideSource,
}

#[derive(Debug, Args)]
pub(crate) struct RedactArgs {
    /// The file to redact, or `-` for standard input. The result goes to standard output.
    #[arg(value_name = "FILE", allow_hyphen_values = true)]
    pub(crate) input: PathBuf,
}

/// `NAME=VALUE` for --var.
fn parse_var(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_owned(), value.to_owned()))
        }
        Some(_) => Err(format!("`{s}` has no name before `=`: write NAME=VALUE")),
        None => Err(format!(
            "`{s}` has no `=`: write NAME=VALUE, e.g. --var namespace=shop"
        )),
    }
}

/// A duration for --timeout (`10s`, `500ms`, `1m`).
fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    humantime::parse_duration(s).map_err(|e| format!("`{s}`: {e} (write e.g. 10s, 500ms or 1m)"))
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
