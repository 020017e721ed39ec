//! `redis-cli` (and `valkey-cli`): which Redis commands only read.
//!
//! Connection flags (`-h`, `-p`, `-a`, `-n`, `-u`, `--user`, `--pass`) are
//! skipped; the first positional is the Redis command, the second its
//! sub-command for container commands (`CONFIG GET`, `CLIENT LIST`). Modes like
//! `--scan` and `--bigkeys` read; `--stat`, `--latency` and `MONITOR` read but
//! never end.

use crate::tools::Call;
use crate::tools::args::{FlagSpec, parse};
use crate::verdict::{Safety, Verdict};

/// redis-cli flags that take a value.
const SPEC: FlagSpec = FlagSpec {
    short_values: "hpasnuridt",
    long_values: &[
        "--user",
        "--pass",
        "--askpass",
        "--cacert",
        "--cacertdir",
        "--cert",
        "--key",
        "--sni",
        "--pattern",
        "--count",
        "--eval",
        "--rdb",
        "--functions-rdb",
        "--cluster",
        "--intrinsic-latency",
        "--memkeys-samples",
        "--quoted-pattern",
        "--tls-ciphers",
        "--tls-ciphersuites",
    ],
};

/// Commands that read, with no sub-command needed.
const READ_COMMANDS: &[&str] = &[
    "INFO",
    "GET",
    "MGET",
    "EXISTS",
    "TTL",
    "PTTL",
    "EXPIRETIME",
    "PEXPIRETIME",
    "TYPE",
    "STRLEN",
    "GETRANGE",
    "HGET",
    "HGETALL",
    "HMGET",
    "HKEYS",
    "HVALS",
    "HLEN",
    "HEXISTS",
    "HSTRLEN",
    "HSCAN",
    "HRANDFIELD",
    "LRANGE",
    "LLEN",
    "LINDEX",
    "LPOS",
    "SCARD",
    "SMEMBERS",
    "SISMEMBER",
    "SMISMEMBER",
    "SRANDMEMBER",
    "SSCAN",
    "SINTER",
    "SUNION",
    "SDIFF",
    "SINTERCARD",
    "ZRANGE",
    "ZRANGEBYSCORE",
    "ZRANGEBYLEX",
    "ZREVRANGE",
    "ZREVRANGEBYSCORE",
    "ZREVRANGEBYLEX",
    "ZCARD",
    "ZCOUNT",
    "ZLEXCOUNT",
    "ZSCORE",
    "ZMSCORE",
    "ZRANK",
    "ZREVRANK",
    "ZSCAN",
    "ZRANDMEMBER",
    "SCAN",
    "DBSIZE",
    "PING",
    "ECHO",
    "ROLE",
    "TIME",
    "LASTSAVE",
    "KEYS",
    "RANDOMKEY",
    "XLEN",
    "XRANGE",
    "XREVRANGE",
    "XPENDING",
    "GETBIT",
    "BITCOUNT",
    "BITPOS",
    "PFCOUNT",
    "GEOPOS",
    "GEODIST",
    "GEOHASH",
    "GEOSEARCH",
    "DUMP",
    "LOLWUT",
    "HELLO",
    "READONLY",
    "SUBSTR",
    "TOUCH",
];

/// Container commands: (command, read sub-commands).
const READ_SUBCOMMANDS: &[(&str, &[&str])] = &[
    (
        "CLIENT",
        &["LIST", "INFO", "GETNAME", "ID", "TRACKINGINFO", "GETREDIR"],
    ),
    ("CONFIG", &["GET"]),
    ("SLOWLOG", &["GET", "LEN", "HELP"]),
    (
        "MEMORY",
        &["USAGE", "STATS", "DOCTOR", "MALLOC-STATS", "HELP"],
    ),
    (
        "LATENCY",
        &["LATEST", "DOCTOR", "HISTORY", "GRAPH", "HISTOGRAM", "HELP"],
    ),
    (
        "CLUSTER",
        &[
            "INFO",
            "NODES",
            "SLOTS",
            "SHARDS",
            "MYID",
            "COUNTKEYSINSLOT",
            "KEYSLOT",
            "GETKEYSINSLOT",
            "REPLICAS",
            "LINKS",
        ],
    ),
    ("COMMAND", &["COUNT", "DOCS", "INFO", "LIST", "GETKEYS"]),
    (
        "OBJECT",
        &["ENCODING", "FREQ", "IDLETIME", "REFCOUNT", "HELP"],
    ),
    ("XINFO", &["STREAM", "GROUPS", "CONSUMERS", "HELP"]),
    ("ACL", &["LIST", "USERS", "WHOAMI", "CAT", "GETUSER", "LOG"]),
    ("MODULE", &["LIST"]),
    ("FUNCTION", &["LIST", "STATS", "DUMP"]),
    ("SCRIPT", &["EXISTS"]),
    (
        "PUBSUB",
        &[
            "CHANNELS",
            "NUMSUB",
            "NUMPAT",
            "SHARDCHANNELS",
            "SHARDNUMSUB",
        ],
    ),
];

/// Classifies a `redis-cli` invocation.
pub(crate) fn classify(call: &Call<'_>) -> Verdict {
    let p = parse(call.args, &SPEC);
    let mut v = Verdict::empty();
    if p.has(&["--pipe"]) {
        return Verdict::write("`redis-cli --pipe` sends raw commands from standard input");
    }
    if p.has(&["-x"]) {
        v.downgrade(
            Safety::Unknown,
            "`redis-cli -x` reads an argument from standard input",
        );
    }
    if let Some(file) = p.value(&["--eval"]) {
        return Verdict::unknown(format!("`redis-cli --eval {file}` runs a Lua script"));
    }
    if let Some(file) = p.value(&["--rdb", "--functions-rdb"]) {
        return Verdict::write(format!("`redis-cli --rdb {file}` writes a dump file"));
    }
    if let Some(cluster) = p.value(&["--cluster"]) {
        return match cluster {
            "check" | "info" | "help" => Verdict::read(format!(
                "`redis-cli --cluster {cluster}` reads cluster state"
            )),
            _ => Verdict::write(format!(
                "`redis-cli --cluster {cluster}` changes the cluster"
            )),
        };
    }
    let repeat_forever = p.value(&["-r"]).is_some_and(|n| n.starts_with('-'));
    if p.has(&[
        "--scan",
        "--bigkeys",
        "--memkeys",
        "--hotkeys",
        "--keystats",
    ]) {
        v.push_reason(
            "`redis-cli --scan`/`--bigkeys` scans keys (reads; can be slow on big databases)",
        );
        return v;
    }
    if p.has(&[
        "--stat",
        "--latency",
        "--latency-history",
        "--latency-dist",
        "--replica",
        "--slave",
    ]) {
        return v.long_running("`redis-cli --stat`/`--latency` reads until stopped");
    }
    if p.has(&["--intrinsic-latency"]) {
        return Verdict::read("`redis-cli --intrinsic-latency` measures local latency");
    }
    let Some(command) = p.pos(0) else {
        if p.has(&["--version", "-v"]) {
            return Verdict::read("`redis-cli --version` prints the version");
        }
        return Verdict::unknown("`redis-cli` without a command is interactive");
    };
    let command = command.to_ascii_uppercase();
    let sub = p.pos(1).unwrap_or_default().to_ascii_uppercase();
    if command == "MONITOR" || command == "SUBSCRIBE" || command == "PSUBSCRIBE" {
        v.push_reason(format!("`{command}` reads"));
        return v.long_running(format!("`redis-cli {command}` does not end by itself"));
    }
    if let Some((_, subs)) = READ_SUBCOMMANDS.iter().find(|(c, _)| *c == command) {
        if subs.contains(&sub.as_str()) {
            v.push_reason(format!("`{command} {sub}` reads server state"));
        } else {
            v.downgrade(
                Safety::Write,
                format!("`{command} {sub}` changes server state"),
            );
        }
    } else if READ_COMMANDS.contains(&command.as_str()) {
        v.push_reason(format!("`{command}` reads data"));
        if command == "KEYS" {
            v.push_reason("`KEYS` blocks the server on large databases; prefer `--scan`");
        }
    } else {
        v.downgrade(
            Safety::Write,
            format!("`{command}` changes data or server state"),
        );
    }
    if repeat_forever {
        v = v.long_running("`redis-cli -r -1` repeats forever");
    }
    v
}
