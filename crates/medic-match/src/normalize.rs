//! Normalising evidence and signals so the same message matches however it was printed:
//! log lines reduced to their message (timestamps, levels, prefixes dropped, the subsystem a
//! syslog program or logfmt component names kept; JSON and logfmt read by their message
//! fields), then text masked (numbers, ids, hashes, IPs,
//! quotes and spacing) on both sides of a comparison.

use std::sync::LazyLock;

use regex::Regex;

/// A syslog time (`Mar 05 02:11:40`, journalctl's `-o short-precise` `02:11:40.123456`).
const SYSLOG_TIME: &str = r"[A-Z][a-z]{2}\s+\d{1,2}\s+\d{2}:\d{2}:\d{2}(?:\.\d+)?";

/// A logfmt value: quoted (the first group, escapes kept) or bare (the second).
const LOGFMT_VALUE: &str = r#"(?:"((?:[^"\\]|\\.)*)"|(\S+))"#;

static TIMESTAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?x)^\s*(?:
            \[?\d{{4}}-\d{{2}}-\d{{2}}[T\s]\d{{2}}:\d{{2}}:\d{{2}}(?:[.,]\d+)?(?:Z|[+-]\d{{2}}:?\d{{2}})?(?:\s+(?:UTC|GMT|CET|CEST|[A-Z][SD]T))?\]?   # ISO 8601
          | \d{{4}}/\d{{2}}/\d{{2}}\s+\d{{2}}:\d{{2}}:\d{{2}}                                                          # nginx, Go's log
          | {SYSLOG_TIME}                                                                             # syslog
          | [IWEF]\d{{4}}\s+\d{{2}}:\d{{2}}:\d{{2}}\.\d+\s+\d+\s+[\w./-]+:\d+\]                                         # klog
          | \d{{2}}:\d{{2}}:\d{{2}}(?:\.\d+)?
        )\s*",
    ))
    .expect("valid regex")
});

/// A syslog line's priority, time, host and program (`Mar 05 02:11:40 worker-4
/// kubelet[1288]: `).
static SYSLOG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^\s*(?:<\d{{1,3}}>)?{SYSLOG_TIME}\s+\S+\s+(?P<program>[\w./-]+)(?:\[\d+\])?:\s*"
    ))
    .expect("valid regex")
});

static LEVEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*[\[(]?(?:level=)?(?:trace|debug|info|notice|warn|warning|error|err|crit|critical|alert|emerg|fatal)[\])]?(?:\s*[:|-]\s*|\s+)")
        .expect("valid regex")
});

/// The logfmt fields that say what happened.
static LOGFMT_MSG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?:^|\s)(?:msg|message|err|error|reason|cause)={LOGFMT_VALUE}"
    ))
    .expect("valid regex")
});

/// A logfmt line's Go kit `component`, which names the subsystem saying it in words
/// (`remote`, `dispatcher`, `tsdb`).
static LOGFMT_COMPONENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?:^|\s)component={LOGFMT_VALUE}")).expect("valid regex")
});

static LOGFMT_LEVEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|\s)(?:level|lvl)=(\w+)").expect("valid regex"));

/// klog's structured form: the message quoted, then `key="value"` pairs
/// (`"Failed to scrape node" err="…" node="worker-1"`).
static KLOG_STRUCTURED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^"((?:[^"\\]|\\.)*)"((?:\s+[\w.-]+=(?:"(?:[^"\\]|\\.)*"|\[[^\]]*\]|\S*))*)\s*$"#)
        .expect("valid regex")
});

/// A logfmt line: it starts with `key=value` pairs and names its time, level or caller.
static LOGFMT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"^(?:\w+=(?:"(?:[^"\\]|\\.)*"|\S*)\s+)*(?:ts|time|t|level|lvl|caller|component)=\S"#,
    )
    .expect("valid regex")
});

/// The characters Kubernetes draws the suffixes of pod and replica-set names from (no
/// vowels, no 0, 1 or 3).
const POD_ALPHABET: &str = "bcdfghjklmnpqrstvwxz2456789";

/// A UUID, as exact comparison masks it and matching blanks it.
const UUID: &str = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

static MASK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?x)
          {UUID}
        | \b(?:\d{{1,3}}\.){{3}}\d{{1,3}}(?::\d+)?\b     # ipv4[:port]
        | \b[0-9a-f]{{12,}}\b                          # hashes, container ids
        | \d+(?:\.\d+)?                              # numbers
        ",
    ))
    .expect("valid regex")
});

/// How loud a log line is, from its level.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Severity {
    /// trace, debug, info, notice.
    Quiet,
    /// No level seen.
    #[default]
    Unknown,
    /// warning, error, critical, fatal, panic.
    Loud,
}

fn severity_of(level: &str) -> Severity {
    let l = level
        .trim_matches(|c: char| !c.is_ascii_alphabetic())
        .to_ascii_lowercase();
    match l.as_str() {
        "trace" | "debug" | "info" | "notice" | "i" | "d" => Severity::Quiet,
        "warn" | "warning" | "error" | "err" | "crit" | "critical" | "alert" | "emerg"
        | "fatal" | "panic" | "w" | "e" | "f" => Severity::Loud,
        _ => Severity::Unknown,
    }
}

/// A Python traceback's frame line (`File "…", line 41, in get_user`): the indented line
/// after it is the frame's source code.
static PYTHON_FRAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^\s*File\s+"[^"]*",\s+line\s+\d+"#).expect("valid regex"));

/// Whether a line is a Python traceback's frame line.
pub(crate) fn python_frame(line: &str) -> bool {
    PYTHON_FRAME.is_match(line)
}

/// A log line reduced to its message, or the line as it is when it is not a log line.
pub(crate) fn log_message(line: &str) -> String {
    log_line(line).message
}

/// A log line reduced to its message, with its severity. The logger's name and structured
/// fields other than the message (`controller`, `request` …) are dropped: measured on the
/// evaluation sets, they pull matches towards whatever the logger is named after. A syslog
/// program (`kubelet[1288]:`) and a logfmt component (`component=remote`) are kept before
/// the message: they name the subsystem in a word rather than a module's path, and the
/// evaluation sets gained from them (docs/matching.md).
pub(crate) fn log_line(line: &str) -> LogLine {
    let (program, body) = match SYSLOG.captures(line) {
        Some(c) => (
            c.name("program").map(|m| m.as_str()),
            &line[c.get(0).map_or(0, |m| m.end())..],
        ),
        None => (None, line),
    };
    let mut reduced = reduce(body);
    if reduced.severity != Severity::Loud && (STACK_FRAME.is_match(body) || python_frame(body)) {
        // A stack frame is where an error happened, not what it is.
        reduced.severity = Severity::Quiet;
    }
    // Go's `panic: …` is the message, not a level.
    if body.trim_start().starts_with("panic: ") {
        reduced.severity = Severity::Loud;
    }
    if let Some(program) = program
        && !reduced.message.is_empty()
    {
        reduced.message = format!("{program} {}", reduced.message);
    }
    reduced
}

/// A reduced log line.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct LogLine {
    /// What the line says.
    pub(crate) message: String,
    /// How loud it is.
    pub(crate) severity: Severity,
}

impl LogLine {
    fn new(message: String, severity: Severity) -> Self {
        Self { message, severity }
    }
}

/// Stack frames (Java `at …(File.java:12)`, Go `pkg.(*T).m(0xc000…)` and
/// `/src/file.go:123 +0x1d`, `goroutine 87 [running]:`), `… 12 more` and Python's
/// `Traceback (most recent call last):`: where the error happened, not what it is. Python's
/// frame lines are `PYTHON_FRAME`.
static STACK_FRAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?x)^\s*(?:
            at\s+[\w$.<>/-]+\(.*\)\s*$
          | [\w./-]+\.go:\d+(?:\s+\+0x[0-9a-f]+)?\s*$
          | goroutine\s+\d+\s+\[
          | Traceback\s+\(most\s+recent\s+call\s+last\):\s*$
          | [\w./*()-]+\((?:0x[0-9a-f]+|\{[^}]*\}|[,\s.])*\)\s*$
          | \.\.\.\s+\d+\s+more\s*$
        )"#,
    )
    .expect("valid regex")
});

/// `kubectl get events` / `kubectl describe` event rows: the type column says how loud.
static EVENT_ROW: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:\S+\s+)?(Normal|Warning)\s{2,}\S").expect("valid regex"));

/// The header of an events table (`LAST SEEN  TYPE  REASON  OBJECT  MESSAGE`).
static EVENT_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:last\s+seen\s+)?type\s+reason\s+.*message\s*$|^\s*events:\s*$")
        .expect("valid regex")
});

/// A logger's name, and the process id and thread before it: dotted or `::`-separated,
/// then a colon (`backend.api.auth:`, `sqlx::query:`,
/// `1 --- [nio-8080-exec-1] o.a.c.c.C.[.[.[/].[dispatcherServlet] :`).
static LOGGER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:\d+\s+---\s+)?(?:\[[^\]]*\]\s+)?[A-Za-z_][\w$]*(?:(?:\.|::)(?P<last>[\w$\[\]/.]+?))+\s*:\s+",
    )
    .expect("valid regex")
});

/// nginx's error-log prefix after the level: `2143#2143: *99102 `.
static NGINX_WORKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d+#\d+:\s+(?:\*\d+\s+)?").expect("valid regex"));

/// An access-log request and its status (`"GET /x HTTP/1.1" 503`).
static ACCESS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#""(?:GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS) [^"]*HTTP/[\d.]+"\s+(\d{3})\b"#)
        .expect("valid regex")
});

/// The structured fields that carry what went wrong, in the order they are read.
const MESSAGE_FIELDS: [&str; 6] = ["msg", "message", "error", "err", "reason", "log"];

/// Whether a structured field names an error (`error`, `err`) with a value.
fn has_error(map: &serde_json::Map<String, serde_json::Value>) -> bool {
    ["error", "err"].iter().any(|k| {
        map.get(*k)
            .and_then(|v| v.as_str())
            .is_some_and(|v| !v.is_empty())
    })
}

/// The message fields of a JSON object, joined.
fn json_message(map: &serde_json::Map<String, serde_json::Value>) -> Vec<String> {
    MESSAGE_FIELDS
        .iter()
        .filter_map(|k| map.get(*k))
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

/// The value a [`LOGFMT_VALUE`] matched, its quotes' escapes undone.
fn logfmt_value(c: &regex::Captures) -> Option<String> {
    let m = c.get(1).or_else(|| c.get(2))?;
    Some(m.as_str().replace("\\\"", "\""))
}

/// A line that carries an error is loud whatever its level says.
fn at_least_loud(severity: Severity, error: bool) -> Severity {
    if error { Severity::Loud } else { severity }
}

fn reduce(line: &str) -> LogLine {
    let trimmed = line.trim();
    if trimmed.starts_with('{')
        && let Ok(serde_json::Value::Object(map)) =
            serde_json::from_str::<serde_json::Value>(trimmed)
    {
        let fields = json_message(&map);
        if !fields.is_empty() {
            let severity = ["level", "severity", "lvl"]
                .iter()
                .find_map(|k| map.get(*k).and_then(|v| v.as_str()))
                .map_or(Severity::Unknown, severity_of);
            return LogLine::new(fields.join(" "), at_least_loud(severity, has_error(&map)));
        }
    }
    if EVENT_HEADER.is_match(trimmed) {
        return LogLine::new(String::new(), Severity::Quiet);
    }
    if let Some(c) = EVENT_ROW.captures(trimmed) {
        let severity = if &c[1] == "Warning" {
            Severity::Loud
        } else {
            Severity::Quiet
        };
        return LogLine::new(trimmed.to_owned(), severity);
    }
    let mut rest = trimmed;
    let mut severity = Severity::Unknown;
    // klog: the level is the first letter of the date (`E1123 08:34:04.123456 …`); `E2E
    // test failed` and `F5 BIG-IP` are not klog.
    if let Some(first) = rest.chars().next()
        && matches!(first, 'I' | 'W' | 'E' | 'F')
        && rest
            .get(1..5)
            .is_some_and(|d| d.bytes().all(|b| b.is_ascii_digit()))
        && rest.as_bytes().get(5) == Some(&b' ')
    {
        severity = severity_of(&first.to_string());
    }
    for _ in 0..2 {
        if let Some(m) = TIMESTAMP.find(rest) {
            rest = &rest[m.end()..];
        }
        if let Some(m) = LEVEL.find(rest) {
            severity = severity_of(m.as_str().trim_start_matches("level="));
            rest = &rest[m.end()..];
        }
    }
    // After a level, the logger's name and thread (`backend.api.auth:`,
    // `hodei_server::scheduler:`, `[exec-12] o.a.c.c.C.[/].[dispatcherServlet] :`) say where
    // the message comes from, not what it says. An exception's class
    // (`java.lang.OutOfMemoryError:`) names what happened and stays.
    if severity != Severity::Unknown
        && let Some(c) = LOGGER.captures(rest)
        && !c["last"].starts_with(|ch: char| ch.is_ascii_uppercase())
    {
        rest = &rest[c.get(0).map_or(0, |m| m.end())..];
    }
    // nginx's error log: the worker's pid#tid and the connection's number.
    if let Some(m) = NGINX_WORKER.find(rest) {
        rest = &rest[m.end()..];
    }
    if let Some(c) = ACCESS.captures(rest) {
        severity = match c[1].as_bytes()[0] {
            b'4' | b'5' => Severity::Loud,
            _ => Severity::Quiet,
        };
    }
    if let Some(c) = KLOG_STRUCTURED.captures(rest) {
        // The quoted message and the fields that say what went wrong; the other fields
        // (`pod=`, `node=`) name objects, not the problem.
        let mut parts = vec![c[1].replace("\\\"", "\"")];
        let mut error = false;
        for f in LOGFMT_MSG.captures_iter(&c[2]) {
            error |= f[0].trim_start().starts_with("err");
            parts.extend(logfmt_value(&f));
        }
        return LogLine::new(parts.join(" "), at_least_loud(severity, error));
    }
    if LOGFMT.is_match(rest) && LOGFMT_MSG.is_match(rest) {
        if let Some(level) = LOGFMT_LEVEL.captures(rest).and_then(|c| c.get(1)) {
            severity = severity_of(level.as_str());
        }
        let mut error = false;
        let mut fields: Vec<String> = LOGFMT_MSG
            .captures_iter(rest)
            .filter_map(|c| {
                error |= c[0].trim_start().starts_with("err");
                logfmt_value(&c)
            })
            .collect();
        if !fields.is_empty() {
            if let Some(component) = LOGFMT_COMPONENT
                .captures(rest)
                .and_then(|c| logfmt_value(&c))
            {
                fields.insert(0, component);
            }
            return LogLine::new(fields.join(" "), at_least_loud(severity, error));
        }
    }
    // zap's console encoder: `logger<TAB>message<TAB>{"key": …}`: the message, and the
    // fields that say what went wrong; the logger's name and the other fields are context.
    if rest.contains('\t')
        && let Some(at) = rest.find("\t{")
        && let Ok(serde_json::Value::Object(map)) =
            serde_json::from_str::<serde_json::Value>(rest[at + 1..].trim())
    {
        let message = rest[..at].rsplit('\t').next().unwrap_or_default();
        let mut parts: Vec<String> = vec![message.trim().to_owned()];
        parts.extend(json_message(&map));
        return LogLine::new(parts.join(" "), at_least_loud(severity, has_error(&map)));
    }
    if let Some((logger, message)) = rest.split_once('\t')
        && !logger.contains(' ')
        && !message.trim().is_empty()
    {
        return LogLine::new(message.trim().to_owned(), severity);
    }
    LogLine::new(rest.to_owned(), severity)
}

/// Text for exact comparison: lower-case, numbers/ids/IPs/hashes as `#`, quotes dropped,
/// punctuation runs and spaces collapsed to one space.
pub(crate) fn mask(text: &str) -> String {
    let lower = text.to_lowercase();
    let masked = MASK.replace_all(&lower, "#");
    let mut out = String::with_capacity(masked.len());
    let mut space = true;
    for c in masked.chars() {
        if matches!(c, '"' | '\'' | '`' | '“' | '”' | '‘' | '’') {
            continue;
        }
        let keep = c.is_alphanumeric() || c == '#' || c == '_' || c == '/' || c == '-' || c == ':';
        if keep {
            out.push(c);
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    out.trim_end().to_owned()
}

/// Ids and quantities in evidence: UUIDs, hex ids of eight or more characters, dates, and
/// numbers with a unit (`0.47s`, `3.9G`, `95th`, `13.1%`, Go's `3m14.603125s`), times
/// (ISO 8601, access logs', HTTP's), versions (`1.11.1`, `go1.20.7`) and numbers of seven
/// or more digits (ids; codes are shorter), and structured fields' numbers. Hex codes
/// stay: `0x0000007E` and `0xC0000005` name errors.
static VALUES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?xi)
          \b{UUID}\b
        | \b\d{{4}}-\d{{2}}-\d{{2}}(?:[T\s]\d{{2}}:\d{{2}}(?::\d{{2}}(?:[.,]\d+)?)?(?:Z|[+-]\d{{2}}:?\d{{2}})?)?\b  # dates, times
        | \b\d{{1,2}}/[A-Z][a-z]{{2}}/\d{{4}}:\d{{2}}:\d{{2}}:\d{{2}}(?:\s[+-]\d{{4}})?        # access logs' times
        | \b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),\s\d{{1,2}}\s[A-Z][a-z]{{2}}\s\d{{4}}\s\d{{2}}:\d{{2}}:\d{{2}}(?:\s+GMT)?  # HTTP dates
        | \b[0-9a-f]{{8,}}\b
        | \b[0-9a-f]{{2}}(?::[0-9a-f]{{2}}){{3,}}\b             # key ids, fingerprints, MACs: 3A:1F:9C:44
        | \b(?:\d+h)?(?:\d+m)?\d+(?:\.\d+)?(?:(?:ms|s|m|h|d|k|ki|kb|kib|mi|mb|mib|gi|gb|gib|g|th|st|nd|rd)\b|%)
        | \(x\d+\s+over\s+[\dhms]+\)                       # event counts: (x12 over 9m)
        | \b(?:\d{{1,3}}\.){{3}}\d{{1,3}}(?::(?P<port>\d+))?\b   # ipv4[:port]
        | \b(?:go|v)?\d{{1,3}}\.\d+\.\d+(?:-[\w.]+)?\b       # versions: 1.11.1, go1.20.7, v0.29.2-rc.1
        | \b\d{{7,}}\b                                     # long numbers are ids, not codes
        | -(?P<generated>[{POD_ALPHABET}]{{5}}|[{POD_ALPHABET}]{{8,10}})\b  # pod and replica-set suffixes
        | \b(?P<key>[a-z][a-z_]*)=\d+\b                      # a field's number: rows=184
        ",
    ))
    .expect("valid regex")
});

/// Ports below this are services' own (5432, 6379, 9093); above it they are a client's
/// ephemeral end of a connection.
const EPHEMERAL_PORTS: u32 = 32768;

/// The services that listen on well-known ports, by the name guides call them: a dial to
/// `10.0.2.9:6379` that times out is evidence about Redis, and is written so. Ports many
/// services share (80, 443, 8080, 9090; 9093 is Alertmanager's and Kafka's TLS listener's)
/// name none and stay numbers.
const SERVICE_PORTS: [(&str, &str); 14] = [
    ("53", "dns"),
    ("2379", "etcd"),
    ("2380", "etcd"),
    ("3306", "mysql"),
    ("5432", "postgresql"),
    ("5672", "rabbitmq"),
    ("6379", "redis"),
    ("8500", "consul"),
    ("9092", "kafka"),
    ("9200", "elasticsearch"),
    ("10250", "kubelet"),
    ("11211", "memcached"),
    ("26379", "redis sentinel"),
    ("27017", "mongodb"),
];

/// Evidence text with its ids and quantities blanked: a request id or a latency of
/// `0.47s` says nothing about which problem it is, and no guide names it.
pub(crate) fn without_values(text: &str) -> std::borrow::Cow<'_, str> {
    VALUES.replace_all(text, |c: &regex::Captures| {
        let m = &c[0];
        // An address is a value; the port it names may say which service it is.
        if let Some(port) = c.name("port") {
            let service = port
                .as_str()
                .parse::<u32>()
                .is_ok_and(|p| p < EPHEMERAL_PORTS);
            let port = port.as_str();
            return if service {
                match SERVICE_PORTS.iter().find(|(p, _)| *p == port) {
                    Some((_, name)) => format!(" {name} "),
                    None => format!(" {port} "),
                }
            } else {
                " ".to_owned()
            };
        }
        // A structured field's number is a measurement (`rows_returned=184`,
        // `elapsed_ms=4113`), unless the field holds a code (`status=502`, `exit_code=137`).
        if let Some(key) = c.name("key") {
            let key = key.as_str();
            let code = ["code", "status", "errno", "exit", "signal"]
                .iter()
                .any(|k| key.contains(k));
            return if code {
                m.to_owned()
            } else {
                format!("{key}= ")
            };
        }
        // Kubernetes draws the suffixes of pod names from an alphabet without vowels; one
        // with a digit is generated (`-tx4lm`), one without may be a word (`-crash`).
        if c.name("generated").is_some() {
            return if m.bytes().any(|b| b.is_ascii_digit()) {
                " ".to_owned()
            } else {
                m.to_owned()
            };
        }
        // A run of hex characters is an id only with both digits and letters, or as a long
        // number: `deadbeef` may be a word, `1040` is a code, `4547991504243258144` an id.
        let hex_run = m.bytes().all(|b| b.is_ascii_hexdigit());
        let digits = m.bytes().any(|b| b.is_ascii_digit());
        let letters = m.bytes().any(|b| b.is_ascii_alphabetic());
        if hex_run && !(digits && letters) && !(digits && m.len() >= 7) {
            m.to_owned()
        } else {
            " ".to_owned()
        }
    })
}

/// A URL (scheme, host, path and query), or a host's domain name under a common top-level
/// domain (`api.partner-payments.com`).
static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?xi)
          \b[a-z][a-z0-9+.-]*://[^\s"'<>),]+
        | \b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:com|net|org|io|dev|app|cloud|co|us|eu|de|uk)\b
        "#,
    )
    .expect("valid regex")
});

/// Where the URLs and domain names of a text are: their words count only where some guide
/// uses them too (`storage.googleapis.com`, `/healthz`); the rest are addresses and ids
/// (`/e/20/3o7r`, `api.partner-payments.com`). A bare `host:port` without a domain is not
/// one: its host names what runs there (`mysql-replica-2:9104`).
pub(crate) fn url_spans(text: &str) -> Vec<std::ops::Range<usize>> {
    URL.find_iter(text).map(|m| m.range()).collect()
}

/// Whether an analysed term is a number, an address or a version (`90`, `41234`,
/// `10.96.0.10`, `1.2.3`, `10:53`): a value, not a word.
pub(crate) fn numeric(term: &str) -> bool {
    term.bytes().any(|b| b.is_ascii_digit())
        && term
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b':')
}

/// Whether a term looks generated rather than written: letters and digits mixed back and
/// forth (`yk3pq0`, `3o7r`, `2f0adqt8qh`), as in request ids, tokens and state values.
/// Words with a number in them (`x509`, `k8s`, `sha256`, `log4j`) and API versions
/// (`v1beta1`) are written.
pub(crate) fn generated(term: &str) -> bool {
    // API versions mix them too: `v1beta1`, `v2alpha3`.
    let api_version = term.strip_prefix('v').is_some_and(|rest| {
        let rest = rest.trim_matches(|c: char| c.is_ascii_digit());
        rest.is_empty() || rest == "alpha" || rest == "beta"
    });
    if api_version {
        return false;
    }
    let mut switches = 0;
    let mut last: Option<bool> = None;
    for c in term.chars().filter(char::is_ascii_alphanumeric) {
        let digit = c.is_ascii_digit();
        if last.is_some_and(|l| l != digit) {
            switches += 1;
        }
        last = Some(digit);
    }
    switches >= 3
}

/// A guide's pod name with the replica-set hash and pod suffix dropped
/// (`api-7d9c8b5f4-x2x7q` → `api`), or `None` when it has none.
pub(crate) fn workload_of_pod(pod: &str) -> Option<&str> {
    let mut parts: Vec<&str> = pod.split('-').collect();
    let mut stripped = false;
    while parts.len() > 1 {
        let last = parts[parts.len() - 1];
        // Kubernetes draws pod and replica-set suffixes from an alphabet without vowels.
        let generated = (last.len() == 5 || (8..=10).contains(&last.len()))
            && last.chars().all(|c| POD_ALPHABET.contains(c));
        let hashy = generated || last.chars().all(|c| c.is_ascii_digit());
        if hashy {
            parts.pop();
            stripped = true;
        } else {
            break;
        }
    }
    if !stripped {
        return None;
    }
    let len: usize = parts.iter().map(|p| p.len()).sum::<usize>() + parts.len() - 1;
    pod.get(..len)
}

#[cfg(test)]
mod tests {
    use super::{
        LogLine, Severity, generated, log_line, log_message, mask, numeric, url_spans,
        without_values, workload_of_pod,
    };

    #[test]
    fn log_lines_reduce_to_messages() {
        assert_eq!(
            log_message(
                "2026-11-23 07:04:30.193 UTC [4242] FATAL:  sorry, too many clients already"
            ),
            "[4242] FATAL:  sorry, too many clients already"
        );
        assert_eq!(
            log_message(
                r#"{"level":"error","ts":1700000000,"msg":"Reconciler error","error":"x509: certificate has expired"}"#
            ),
            "Reconciler error x509: certificate has expired"
        );
        assert_eq!(
            log_message(
                r#"ts=2026-11-23T07:04:30Z level=error msg="failed to send" err="context deadline exceeded""#
            ),
            "failed to send context deadline exceeded"
        );
        // A Go kit component names the subsystem in words (`remote` is remote write).
        assert_eq!(
            log_message(
                r#"ts=2024-08-01T12:00:03Z caller=dedupe.go:112 component=remote level=warn remote_name=mimir msg="Failed to send batch, retrying" err="context deadline exceeded""#
            ),
            "remote Failed to send batch, retrying context deadline exceeded"
        );
        assert_eq!(
            log_message(
                "E1123 08:34:04.123456       1 reflector.go:138] pods is forbidden: User cannot list"
            ),
            "pods is forbidden: User cannot list"
        );
        assert_eq!(
            log_message(
                r#"I1102 16:20:11.004990    1911 eviction_manager.go:377] "Eviction manager: must evict pod(s) to reclaim" resourceName="memory" pods=["a/b-5b8c7d9f6-q2m4x"]"#
            ),
            "Eviction manager: must evict pod(s) to reclaim"
        );
        let scrape = log_line(
            r#"E0524 11:02:17.662301       1 scraper.go:140] "Failed to scrape node" err="request failed, status: \"403 Forbidden\"" node="worker-1""#,
        );
        assert_eq!(
            scrape.message,
            r#"Failed to scrape node request failed, status: "403 Forbidden""#
        );
        assert_eq!(scrape.severity, Severity::Loud);
        assert_eq!(
            log_message(
                "2026-11-23 08:02:14,902 ERROR backend.api.auth: OAuth token exchange failed"
            ),
            "OAuth token exchange failed"
        );
        assert_eq!(
            log_message("2026-11-23T13:22:14.116Z  WARN sqlx::query: slow statement"),
            "slow statement"
        );
        assert_eq!(
            log_message(
                "2026-11-23 15:41:17.552 ERROR 1 --- [http-nio-8080-exec-12] o.a.c.c.C.[.[.[/].[dispatcherServlet] : Servlet.service() threw exception"
            ),
            "Servlet.service() threw exception"
        );
        // An exception's class is what happened.
        assert_eq!(
            log_message("ERROR java.lang.OutOfMemoryError: Java heap space"),
            "java.lang.OutOfMemoryError: Java heap space"
        );
        assert_eq!(
            log_line(
                "2026/11/23 14:02:12 [error] 2143#2143: *99102 connect() failed (111: Connection refused) while connecting to upstream"
            ),
            LogLine::new(
                "connect() failed (111: Connection refused) while connecting to upstream".into(),
                Severity::Loud
            )
        );
        assert_eq!(
            log_message("ERROR: connection refused"),
            "connection refused"
        );
        // `key=value` inside a message is not logfmt.
        assert_eq!(
            log_message("Error: accumulating resources: accumulation err='accumulating'"),
            "accumulating resources: accumulation err='accumulating'"
        );
    }

    #[test]
    fn severities() {
        assert_eq!(
            log_line("2026-11-23T07:04:30Z INFO started").severity,
            Severity::Quiet
        );
        assert_eq!(
            log_line(r#"{"level":"error","msg":"x"}"#).severity,
            Severity::Loud
        );
        assert_eq!(
            log_line("ts=1 level=warn msg=\"x\"").severity,
            Severity::Loud
        );
        assert_eq!(
            log_line("I0611 09:12:30.000341       1 serving.go:374] ok").severity,
            Severity::Quiet
        );
        assert_eq!(
            log_line("E0611 09:12:30.000341       1 serving.go:374] bad").severity,
            Severity::Loud
        );
        assert_eq!(log_line("plain text").severity, Severity::Unknown);
    }

    #[test]
    fn a_syslog_line_keeps_its_program_and_the_level_after_it() {
        let kubelet = log_line(
            r#"Mar 05 02:11:40 worker-4 kubelet[1288]: E0305 02:11:40.311874    1288 certificate_manager.go:562] Failed while requesting a signed certificate"#,
        );
        assert_eq!(
            kubelet.message,
            "kubelet Failed while requesting a signed certificate"
        );
        assert_eq!(kubelet.severity, Severity::Loud);
        let rotating = log_line(
            "Mar 05 02:11:40 worker-4 kubelet[1288]: I0305 02:11:40.100213    1288 certificate_manager.go:356] Rotating certificates",
        );
        assert_eq!(rotating.severity, Severity::Quiet);
        assert_eq!(
            log_message("Nov 23 18:40:02 build-07 kernel: Out of memory: Killed process 4242"),
            "kernel Out of memory: Killed process 4242"
        );
        // journalctl's precise time, a priority, and JSON or logfmt after the prefix.
        assert_eq!(
            log_message("<34>Mar 05 02:11:40.123456 worker-4 app[7]: disk full"),
            "app disk full"
        );
        let json = log_line(
            r#"Mar 05 02:11:40 worker-4 app[7]: {"level":"error","msg":"db down","error":"x"}"#,
        );
        assert_eq!(json.message, "app db down x");
        assert_eq!(json.severity, Severity::Loud);
        let logfmt = log_line(
            r#"Mar 05 02:11:40 mon-1 prometheus[9]: ts=2024-08-01T12:00:03Z component=remote level=warn msg="Failed to send batch""#,
        );
        assert_eq!(logfmt.message, "prometheus remote Failed to send batch");
        assert_eq!(logfmt.severity, Severity::Loud);
        // A Go panic and a stack frame are read as such behind the prefix.
        assert_eq!(
            log_line("Mar 05 02:11:40 worker-4 khook[1]: panic: runtime error: nil map").severity,
            Severity::Loud
        );
        assert_eq!(
            log_line(
                "Mar 05 02:11:40 worker-4 app[1]: \tat java.util.Arrays.copyOf(Arrays.java:3537)"
            )
            .severity,
            Severity::Quiet
        );
    }

    #[test]
    fn klog_levels_are_a_letter_and_a_date() {
        assert_eq!(
            log_line("E0305 02:11:40.311874    1288 certificate_manager.go:562] failed").severity,
            Severity::Loud
        );
        assert_eq!(log_line("E2E test failed").severity, Severity::Unknown);
        assert_eq!(log_line("F5 BIG-IP pool down").severity, Severity::Unknown);
        // A level already read stays: `E1234` here is a code in an info line.
        assert_eq!(
            log_line("2024-01-01T00:00:00Z INFO E1234 was the error code").severity,
            Severity::Quiet
        );
    }

    #[test]
    fn a_logfmt_component_is_read_only_with_a_message() {
        assert_eq!(
            log_message("ts=1 level=info component=tsdb event=compaction"),
            "ts=1 level=info component=tsdb event=compaction"
        );
        assert_eq!(
            log_message(
                r#"ts=1 level=error component="rule manager" msg="Evaluating rule failed""#
            ),
            "rule manager Evaluating rule failed"
        );
    }

    #[test]
    fn what_makes_a_line_loud_or_quiet() {
        // An error field makes a debug line loud.
        assert_eq!(
            log_line(
                r#"{"level":"debug","msg":"requeue","error":"x509: certificate has expired"}"#
            )
            .severity,
            Severity::Loud
        );
        // Event rows: the type column.
        assert_eq!(
            log_line("2m   Warning   FailedScheduling   pod/api-0   0/3 nodes are available")
                .severity,
            Severity::Loud
        );
        assert_eq!(
            log_line("  Normal  Pulled  4m  kubelet  Container image already present").severity,
            Severity::Quiet
        );
        assert_eq!(
            log_line("LAST SEEN   TYPE      REASON    OBJECT    MESSAGE").message,
            ""
        );
        // Stack frames are context; a Go panic is the message.
        for frame in [
            "\tat java.base/java.util.Arrays.copyOf(Arrays.java:3537)",
            r#"  File "/app/api/users.py", line 41, in get_user"#,
            "github.com/acme/khook/internal/plugin.(*Source).handle(0xc000512000, {0x1f3e2a0, 0xc0004a6000})",
            "\t/src/internal/plugin/webhook.go:88 +0x1d",
            "goroutine 87 [running]:",
            "Traceback (most recent call last):",
        ] {
            assert_eq!(log_line(frame).severity, Severity::Quiet, "{frame}");
        }
        let panic =
            log_line("panic: runtime error: invalid memory address or nil pointer dereference");
        assert_eq!(panic.severity, Severity::Loud);
        assert!(panic.message.starts_with("panic: "), "{panic:?}");
        // Access logs: the status.
        assert_eq!(
            log_line(r#"10.0.0.1 - - [23/Nov/2026:11:00:01 +0000] "GET /healthz HTTP/1.1" 200 2"#)
                .severity,
            Severity::Quiet
        );
        assert_eq!(
            log_line(
                r#"INFO:     10.0.0.1:5123 - "GET /api/me HTTP/1.1" 500 Internal Server Error"#
            )
            .severity,
            Severity::Loud
        );
    }

    #[test]
    fn console_encoded_lines_keep_message_and_error() {
        let line = log_line(
            "2026-11-23T08:12:03.870Z\tDEBUG\tcrossplane\tCannot unpack package\t{\"request\": \"/p\", \"error\": \"failed to fetch package digest\"}",
        );
        assert_eq!(
            line.message,
            "Cannot unpack package failed to fetch package digest"
        );
        assert_eq!(line.severity, Severity::Loud);
        let line =
            log_line("2026-11-23T08:00:01.102Z\tINFO\tplugin-manager\tregistered webhook plugin");
        assert_eq!(line.message, "registered webhook plugin");
    }

    #[test]
    fn masking() {
        assert_eq!(
            mask("0/3 nodes are available: 3 Insufficient cpu."),
            "#/# nodes are available: # insufficient cpu"
        );
        assert_eq!(mask("FATAL:  sorry,   too many"), "fatal: sorry too many");
        assert_eq!(
            mask("dial tcp 10.0.0.1:5432: connect"),
            "dial tcp #: connect"
        );
    }

    #[test]
    fn ids_and_quantities_are_blanked() {
        assert_eq!(
            without_values("job 3f1c9a7e-52b4-4d8e-9b61-0c2a7d5e8f10 took 0.47s, heap 3.9G/4.0G"),
            "job   took  , heap  / "
        );
        assert_eq!(
            without_values(
                "x509 on ec2 at deadbeef 503 p95th 95th 13.1% 2026-10-01 sha 3f9a1c2b ffffff01"
            ),
            "x509 on ec2 at deadbeef 503 p95th       sha    "
        );
        // Key ids, fingerprints and MAC addresses; not a time.
        assert_eq!(
            without_values("AKID=3A:1F:9C:44 mac 02:42:ac:11:00:02 at 10:53"),
            "AKID=  mac   at 10:53"
        );
    }

    #[test]
    fn a_fields_number_is_a_value_unless_the_field_holds_a_code() {
        assert_eq!(
            without_values(
                "slow statement rows_returned=184 elapsed_ms=4113 status=502 exit_code=137"
            ),
            "slow statement rows_returned=  elapsed_ms=  status=502 exit_code=137"
        );
    }

    #[test]
    fn addresses_are_blanked_but_service_ports_kept() {
        assert_eq!(
            without_values("read tcp 10.0.1.5:51234->10.0.2.9:6379: i/o timeout"),
            "read tcp  -> redis : i/o timeout"
        );
        assert_eq!(
            without_values("Get \"http://10.244.2.31:8080/health\" from 10.0.0.1"),
            "Get \"http:// 8080 /health\" from  "
        );
        assert_eq!(
            without_values("last seen active 3m14.603125s ago; threshold is 1h3m0s")
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["last", "seen", "active", "ago;", "threshold", "is"]
        );
        for (text, left) in [
            (
                "pod/virtual-coffee-api-6d8f7c9b5-tx4lm created",
                "pod/virtual-coffee-api created",
            ),
            (
                "deployment/api-worker-sync ready",
                "deployment/api-worker-sync ready",
            ),
            (
                "CoreDNS-1.11.1 linux/amd64, go1.20.7",
                "CoreDNS- linux/amd64,",
            ),
            (
                "HINFO 4547991504243258144.3688648895315093531. ERROR 1040",
                "HINFO . . ERROR 1040",
            ),
            ("at 2026-11-20T14:03:11.044Z started", "at started"),
            ("[23/Nov/2026:11:00:01 +0000] \"GET", "[ ] \"GET"),
            ("Date: Mon, 23 Nov 2026 08:00:00 GMT", "Date:"),
        ] {
            assert_eq!(
                without_values(text).split_whitespace().collect::<Vec<_>>(),
                left.split_whitespace().collect::<Vec<_>>(),
                "{text}"
            );
        }
        let events = without_values("Unhealthy  3m (x12 over 9m)   kubelet");
        assert_eq!(
            events.split_whitespace().collect::<Vec<_>>(),
            ["Unhealthy", "kubelet"]
        );
    }

    #[test]
    fn urls_are_found_whole() {
        let text = "timed out (at: https://sqlalche.me/e/20/3o7r), GET http://10.0.0.1:8080/health?x=1 \
             ok; HTTPSConnectionPool(host='api.partner-payments.com', port=443) \
             requests.exceptions.ReadTimeout mysql-replica-2:9104";
        let urls: Vec<&str> = url_spans(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(
            urls,
            [
                "https://sqlalche.me/e/20/3o7r",
                "http://10.0.0.1:8080/health?x=1",
                "api.partner-payments.com"
            ]
        );
    }

    #[test]
    fn generated_ids_are_told_from_words() {
        for t in ["yk3pq0", "3o7r", "2f0adqt8qh", "3qj6k0m2example"] {
            assert!(generated(t), "{t}");
        }
        for t in [
            "x509", "k8s", "sha256", "log4j", "v1beta1", "v2alpha1", "oauth2", "timeout",
        ] {
            assert!(!generated(t), "{t}");
        }
    }

    #[test]
    fn values_are_numeric() {
        for t in ["90", "41234", "10.96.0.10", "1.2.3", "10:53"] {
            assert!(numeric(t), "{t}");
        }
        for t in ["x509", "5xx", "ora-01017", "v10"] {
            assert!(!numeric(t), "{t}");
        }
    }

    #[test]
    fn pod_names_to_workloads() {
        assert_eq!(workload_of_pod("api-7d9c8b5f4-x2x7q"), Some("api"));
        assert_eq!(
            workload_of_pod("data-processor-6c9f8b7d5-7xk9p"),
            Some("data-processor")
        );
        assert_eq!(workload_of_pod("data-store"), None);
        assert_eq!(workload_of_pod("postgres-0"), Some("postgres"));
        assert_eq!(workload_of_pod("crossplane"), None);
    }
}
