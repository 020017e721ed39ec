//! Platform tools: `helm`, `argocd`, `etcdctl`, `promtool`, `amtool`,
//! `systemctl`, `journalctl` and `openssl`. Each reads with a small set of
//! verbs and writes with the rest.

use crate::tools::Call;
use crate::tools::args::{FlagSpec, is_harmless_sink, parse};
use crate::verdict::{Safety, Verdict};

/// helm flags that take a value.
const HELM: FlagSpec = FlagSpec {
    short_values: "nfo",
    long_values: &[
        "--namespace",
        "--kube-context",
        "--kubeconfig",
        "--kube-apiserver",
        "--kube-token",
        "--kube-as-user",
        "--registry-config",
        "--repository-config",
        "--repository-cache",
        "--output",
        "--revision",
        "--values",
        "--set",
        "--version",
        "--max",
        "--filter",
    ],
};

/// Classifies a `helm` invocation.
pub(crate) fn helm(call: &Call<'_>) -> Verdict {
    let p = parse(call.args, &HELM);
    let verb = p.pos(0).unwrap_or_default();
    let sub = p.pos(1).unwrap_or_default();
    match verb {
        "list" | "ls" | "status" | "history" | "hist" | "get" | "show" | "inspect" | "version"
        | "template" | "lint" | "search" | "env" | "verify" => {
            Verdict::read(format!("`helm {verb}` reads releases or charts"))
        }
        "repo" | "plugin" | "dependency" | "dep" | "registry" if sub == "list" || sub == "ls" => {
            Verdict::read(format!("`helm {verb} {sub}` lists"))
        }
        "" => Verdict::unknown("`helm` without a subcommand"),
        _ => Verdict::write(format!("`helm {verb}` changes releases or local files")),
    }
}

/// argocd flags that take a value.
const ARGOCD: FlagSpec = FlagSpec {
    short_values: "opN",
    long_values: &[
        "--server",
        "--auth-token",
        "--config",
        "--context",
        "--output",
        "--revision",
        "--project",
        "--app-namespace",
        "--grpc-web-root-path",
        "--kube-context",
    ],
};

/// Classifies an `argocd` invocation.
pub(crate) fn argocd(call: &Call<'_>) -> Verdict {
    let p = parse(call.args, &ARGOCD);
    let group = p.pos(0).unwrap_or_default();
    let verb = p.pos(1).unwrap_or_default();
    if matches!(group, "version") || (group == "context" && verb.is_empty()) {
        return Verdict::read(format!("`argocd {group}` reads"));
    }
    if group == "account" && matches!(verb, "get-user-info" | "list" | "get" | "can-i") {
        return Verdict::read(format!("`argocd account {verb}` reads"));
    }
    let name = format!("`argocd {group} {verb}`");
    match verb {
        "get" | "list" | "history" | "diff" | "manifests" | "resources" | "wait" => {
            Verdict::read(format!("{name} reads application state"))
        }
        "logs" => {
            let v = Verdict::read(format!("{name} reads logs"));
            if p.has(&["-f", "--follow"]) {
                v.long_running(format!("{name} --follow does not end by itself"))
            } else {
                v
            }
        }
        "sync" | "delete" | "set" | "unset" | "rollback" | "create" | "patch" | "edit"
        | "terminate-op" | "add" | "rm" | "remove" | "actions" | "add-source" => {
            Verdict::write(format!("{name} changes Argo CD state"))
        }
        _ => Verdict::unknown(format!("{name} is not a command medic knows")),
    }
}

/// etcdctl flags that take a value.
const ETCDCTL: FlagSpec = FlagSpec {
    short_values: "w",
    long_values: &[
        "--endpoints",
        "--cacert",
        "--cert",
        "--key",
        "--user",
        "--password",
        "--command-timeout",
        "--dial-timeout",
        "--write-out",
        "--prefix-range",
    ],
};

/// Classifies an `etcdctl` invocation.
pub(crate) fn etcdctl(call: &Call<'_>) -> Verdict {
    let p = parse(call.args, &ETCDCTL);
    let verb = p.pos(0).unwrap_or_default();
    let sub = p.pos(1).unwrap_or_default();
    let read = match verb {
        "get" | "version" => true,
        "endpoint" => matches!(sub, "status" | "health" | "hashkv"),
        "member" | "alarm" | "user" | "role" => matches!(sub, "list" | "get"),
        "lease" => matches!(sub, "list" | "timetolive"),
        "auth" | "snapshot" => sub == "status",
        "watch" => {
            return Verdict::read("`etcdctl watch` reads changes")
                .long_running("`etcdctl watch` does not end by itself");
        }
        _ => false,
    };
    if read {
        Verdict::read(format!("`etcdctl {verb}` reads cluster state"))
    } else if verb == "snapshot" && sub == "save" {
        Verdict::write("`etcdctl snapshot save` writes a file")
    } else {
        let words = format!("{verb} {sub}");
        Verdict::write(format!("`etcdctl {}` changes etcd", words.trim()))
    }
}

/// Classifies a `promtool` invocation.
pub(crate) fn promtool(call: &Call<'_>) -> Verdict {
    let verb = call.args.first().map(String::as_str).unwrap_or_default();
    let sub = call.args.get(1).map(String::as_str).unwrap_or_default();
    match (verb, sub) {
        ("check" | "query" | "test" | "debug", _) | ("tsdb", "analyze" | "list" | "dump") => {
            Verdict::read(format!("`promtool {verb}` reads"))
        }
        ("push" | "tsdb", _) => Verdict::write(format!("`promtool {verb} {sub}` writes data")),
        _ => Verdict::unknown(format!("`promtool {verb}` is not a command medic knows")),
    }
}

/// amtool flags that take a value.
const AMTOOL: FlagSpec = FlagSpec {
    short_values: "o",
    long_values: &[
        "--alertmanager.url",
        "--output",
        "--config.file",
        "--timeout",
    ],
};

/// Classifies an `amtool` invocation.
pub(crate) fn amtool(call: &Call<'_>) -> Verdict {
    let p = parse(call.args, &AMTOOL);
    let verb = p.pos(0).unwrap_or_default();
    let sub = p.pos(1).unwrap_or_default();
    match verb {
        "alert" | "silence" | "a" | "s" if matches!(sub, "" | "query" | "q") => {
            Verdict::read(format!("`amtool {verb} query` reads"))
        }
        "alert" | "silence" | "a" | "s" => {
            Verdict::write(format!("`amtool {verb} {sub}` changes Alertmanager state"))
        }
        "config" | "check-config" | "cluster" | "template" | "version" => {
            Verdict::read(format!("`amtool {verb}` reads"))
        }
        _ => Verdict::unknown(format!("`amtool {verb}` is not a command medic knows")),
    }
}

/// systemctl flags that take a value.
const SYSTEMCTL: FlagSpec = FlagSpec {
    short_values: "HMtpsno",
    long_values: &[
        "--host",
        "--machine",
        "--type",
        "--property",
        "--state",
        "--lines",
        "--output",
        "--root",
        "--signal",
    ],
};

/// Classifies a `systemctl` invocation.
pub(crate) fn systemctl(call: &Call<'_>) -> Verdict {
    let p = parse(call.args, &SYSTEMCTL);
    let verb = p.pos(0).unwrap_or("list-units");
    match verb {
        "status" | "is-active" | "is-enabled" | "is-failed" | "is-system-running" | "show"
        | "list-units" | "list-unit-files" | "list-sockets" | "list-timers" | "list-jobs"
        | "list-dependencies" | "list-machines" | "list-paths" | "cat" | "get-default"
        | "show-environment" | "help" => {
            Verdict::read(format!("`systemctl {verb}` reads unit state"))
        }
        _ => Verdict::write(format!("`systemctl {verb}` changes services")),
    }
}

/// journalctl flags that take a value.
const JOURNALCTL: FlagSpec = FlagSpec {
    short_values: "unpSUoIbDMtgkcF",
    long_values: &[
        "--unit",
        "--user-unit",
        "--lines",
        "--priority",
        "--since",
        "--until",
        "--output",
        "--boot",
        "--directory",
        "--file",
        "--identifier",
        "--grep",
        "--cursor",
        "--after-cursor",
        "--namespace",
        "--facility",
        "--output-fields",
    ],
};

/// Classifies a `journalctl` invocation.
pub(crate) fn journalctl(call: &Call<'_>) -> Verdict {
    let p = parse(call.args, &JOURNALCTL);
    for flag in [
        "--rotate",
        "--flush",
        "--sync",
        "--relinquish-var",
        "--smart-relinquish-var",
        "--setup-keys",
        "--update-catalog",
        "--vacuum-size",
        "--vacuum-time",
        "--vacuum-files",
    ] {
        if p.has(&[flag]) {
            return Verdict::write(format!("`journalctl {flag}` changes the journal"));
        }
    }
    let v = Verdict::read("`journalctl` reads the system journal");
    if p.has(&["-f", "--follow"]) {
        v.long_running("`journalctl --follow` does not end by itself")
    } else {
        v
    }
}

/// openssl sub-commands that only read or print.
const OPENSSL_READS: &[&str] = &[
    "s_client",
    "x509",
    "verify",
    "version",
    "crl",
    "dgst",
    "asn1parse",
    "ciphers",
    "pkcs7",
    "rsa",
    "pkey",
    "req",
    "sess_id",
    "ec",
    "list",
    "help",
    "errstr",
    "storeutl",
];

/// Classifies an `openssl` invocation: reading sub-commands are reads unless
/// they write a file (`-out`, `-keyout`) or generate keys (`-new`, `-newkey`).
pub(crate) fn openssl(call: &Call<'_>) -> Verdict {
    let verb = call.args.first().map(String::as_str).unwrap_or_default();
    let name = format!("`openssl {verb}`");
    if !OPENSSL_READS.contains(&verb) {
        return Verdict::write(format!("{name} creates keys, certificates or files"));
    }
    let mut v = Verdict::read(format!("{name} reads certificates or connections"));
    let mut args = call.args.iter().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-out" | "-keyout" | "-sess_out" | "-msgfile" | "-keylogfile" | "-trace_out" => {
                let file = args.next().map(String::as_str).unwrap_or_default();
                if !is_harmless_sink(file) {
                    v.downgrade(Safety::Write, format!("{name} {arg} {file} writes a file"));
                }
            }
            "-new" | "-newkey" | "-genkey" | "-signkey" => {
                v.downgrade(
                    Safety::Write,
                    format!("{name} {arg} creates a key or certificate"),
                );
            }
            _ => {}
        }
    }
    v
}
