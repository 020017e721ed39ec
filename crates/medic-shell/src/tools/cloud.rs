//! Cloud CLIs: `aws`, `gcloud`, `az`. Operations named `describe…`, `get…`,
//! `list…` (and `show`) read; operations that create, delete, change, start or
//! stop write; anything else is unknown.

use crate::tools::Call;
use crate::tools::args::{FlagSpec, parse};
use crate::verdict::Verdict;

/// aws global options that take a value.
const AWS: FlagSpec = FlagSpec {
    short_values: "",
    long_values: &[
        "--region",
        "--profile",
        "--output",
        "--query",
        "--endpoint-url",
        "--color",
        "--ca-bundle",
        "--cli-read-timeout",
        "--cli-connect-timeout",
        "--cli-binary-format",
        "--table-name",
        "--user-name",
        "--service-code",
        "--quota-code",
        "--bucket",
        "--key",
        "--cluster",
        "--name",
        "--log-group-name",
        "--instance-ids",
        "--filters",
    ],
};

/// Operation prefixes that change state.
const WRITE_PREFIXES: &[&str] = &[
    "delete",
    "create",
    "put",
    "update",
    "modify",
    "run",
    "start",
    "stop",
    "terminate",
    "reboot",
    "attach",
    "detach",
    "associate",
    "disassociate",
    "register",
    "deregister",
    "enable",
    "disable",
    "tag",
    "untag",
    "set",
    "reset",
    "restore",
    "invoke",
    "send",
    "publish",
    "import",
    "export",
    "copy",
    "replace",
    "revoke",
    "authorize",
    "cancel",
    "execute",
    "add",
    "remove",
    "rotate",
    "upload",
    "sync",
    "mv",
    "rm",
    "cp",
    "mb",
    "rb",
    "deploy",
    "apply",
    "scale",
    "resize",
    "restart",
    "rollback",
    "purge",
    "promote",
    "failover",
    "login",
    "logout",
    "deallocate",
    "patch",
    "change",
    "allocate",
    "release",
    "accept",
    "reject",
];

/// Classifies an `aws` invocation.
pub(crate) fn aws(call: &Call<'_>) -> Verdict {
    let p = parse(call.args, &AWS);
    let (Some(service), Some(op)) = (p.pos(0), p.pos(1)) else {
        if p.has(&["--version"]) {
            return Verdict::read("`aws --version` prints the version");
        }
        return Verdict::unknown("`aws` without a service and operation");
    };
    let name = format!("`aws {service} {op}`");
    match (service, op) {
        ("s3api", op) if op.starts_with("get-object") => {
            return Verdict::write(format!("{name} writes the object to a local file"));
        }
        ("s3", "ls" | "presign") | ("logs", "filter-log-events" | "start-query") => {
            return Verdict::read(format!("{name} reads cloud state"));
        }
        ("logs", "tail") => {
            let v = Verdict::read(format!("{name} reads logs"));
            return if p.has(&["--follow"]) {
                v.long_running(format!("{name} --follow does not end by itself"))
            } else {
                v
            };
        }
        ("dynamodb", "scan" | "query" | "batch-get-item") => {
            return Verdict::read(format!("{name} reads table data"));
        }
        ("configure", "list" | "get" | "list-profiles") => {
            return Verdict::read(format!("{name} reads the local configuration"));
        }
        ("configure", _) => {
            return Verdict::write(format!("{name} changes the local configuration"));
        }
        _ => {}
    }
    verb_verdict(&name, op)
}

/// Read, write or unknown by the operation's name.
fn verb_verdict(name: &str, op: &str) -> Verdict {
    let first = op.split('-').next().unwrap_or_default();
    if matches!(first, "describe" | "get" | "list" | "show") {
        Verdict::read(format!("{name} reads cloud state"))
    } else if WRITE_PREFIXES.contains(&first) {
        Verdict::write(format!("{name} changes cloud state"))
    } else {
        Verdict::unknown(format!("{name} is not an operation medic knows"))
    }
}

/// gcloud and az flags that take a value.
const GCLOUD_AZ: FlagSpec = FlagSpec {
    short_values: "gno",
    long_values: &[
        "--project",
        "--format",
        "--filter",
        "--limit",
        "--zone",
        "--region",
        "--account",
        "--configuration",
        "--verbosity",
        "--impersonate-service-account",
        "--sort-by",
        "--page-size",
        "--resource-group",
        "--name",
        "--subscription",
        "--output",
        "--query",
        "--location",
        "--cluster",
    ],
};

/// Command words that read, for gcloud and az.
const GROUP_READ_VERBS: &[&str] = &[
    "list",
    "describe",
    "show",
    "get-iam-policy",
    "read",
    "info",
    "version",
    "get-value",
    "get-versions",
    "get-upgrades",
    "list-tags",
    "show-tags",
    "get-server-config",
];

/// Command words that write, for gcloud and az.
const GROUP_WRITE_VERBS: &[&str] = &[
    "create",
    "delete",
    "update",
    "set",
    "patch",
    "deploy",
    "add-iam-policy-binding",
    "remove-iam-policy-binding",
    "set-iam-policy",
    "start",
    "stop",
    "reset",
    "resize",
    "restart",
    "rollback",
    "import",
    "export",
    "ssh",
    "scp",
    "get-credentials",
    "login",
    "activate-service-account",
    "revoke",
    "enable",
    "disable",
    "apply",
    "submit",
    "cancel",
    "execute",
    "call",
    "publish",
    "upload",
    "copy",
    "cp",
    "mv",
    "rm",
    "deallocate",
    "add",
    "remove",
    "invoke",
    "run-command",
    "scale",
    "upgrade",
    "purge",
    "failover",
    "promote",
];

/// Classifies a `gcloud` or `az` invocation: the first command word that is a
/// known verb decides.
pub(crate) fn grouped(call: &Call<'_>) -> Verdict {
    let tool = call.program;
    let p = parse(call.args, &GCLOUD_AZ);
    if p.positionals.is_empty() && p.has(&["--version"]) {
        return Verdict::read(format!("`{tool} --version` prints the version"));
    }
    for (at, word) in p.positionals.iter().enumerate() {
        let path = p.positionals.get(..=at).unwrap_or_default().join(" ");
        if GROUP_READ_VERBS.contains(word) {
            return Verdict::read(format!("`{tool} {path}` reads cloud state"));
        }
        if GROUP_WRITE_VERBS.contains(word) {
            return Verdict::write(format!("`{tool} {path}` changes cloud state"));
        }
    }
    let path = p.positionals.join(" ");
    Verdict::unknown(format!("`{tool} {path}` is not a command medic knows"))
}
