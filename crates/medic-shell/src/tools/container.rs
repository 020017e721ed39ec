//! Container tools: `docker`, `podman`, `nerdctl` and `crictl`. Listing and
//! inspecting read; everything that runs, stops, builds or removes is a write.

use crate::tools::Call;
use crate::tools::args::{FlagSpec, parse};
use crate::verdict::Verdict;

/// docker/podman flags that take a value (global and common).
const DOCKER: FlagSpec = FlagSpec {
    short_values: "Hcfln",
    long_values: &[
        "--host",
        "--context",
        "--config",
        "--log-level",
        "--tlscacert",
        "--tlscert",
        "--tlskey",
        "--format",
        "--filter",
        "--tail",
        "--since",
        "--until",
        "--connection",
        "--url",
        "--root",
        "--runroot",
    ],
};

/// Verbs that read on their own.
const READ_VERBS: &[&str] = &[
    "ps", "info", "inspect", "logs", "stats", "images", "version", "top", "port", "history",
    "diff", "events", "search",
];

/// Management groups whose `ls`/`inspect`-like sub-commands read.
const GROUPS: &[&str] = &[
    "network",
    "volume",
    "image",
    "container",
    "context",
    "node",
    "service",
    "stack",
    "plugin",
    "secret",
    "config",
    "manifest",
    "buildx",
    "system",
    "compose",
    "pod",
    "machine",
];

/// Sub-commands of management groups that read.
const GROUP_READS: &[&str] = &[
    "ls", "list", "inspect", "df", "info", "show", "ps", "logs", "top", "port", "stats", "history",
    "diff", "images", "version", "config", "events", "exists",
];

/// Classifies a `docker`, `podman` or `nerdctl` invocation.
pub(crate) fn docker(call: &Call<'_>) -> Verdict {
    let tool = call.program;
    let p = parse(call.args, &DOCKER);
    let Some(verb) = p.pos(0) else {
        if p.has(&["--version", "-v"]) {
            return Verdict::read(format!("`{tool} --version` prints the version"));
        }
        return Verdict::unknown(format!("`{tool}` without a subcommand"));
    };
    let (name, effective) = if GROUPS.contains(&verb) {
        let sub = p.pos(1).unwrap_or_default();
        if !GROUP_READS.contains(&sub) {
            return Verdict::write(format!(
                "`{tool} {verb} {sub}` changes containers or images"
            ));
        }
        (format!("`{tool} {verb} {sub}`"), sub)
    } else if READ_VERBS.contains(&verb) {
        (format!("`{tool} {verb}`"), verb)
    } else {
        return Verdict::write(format!("`{tool} {verb}` changes containers or images"));
    };
    let v = Verdict::read(format!("{name} reads container state"));
    match effective {
        "logs" if p.has(&["-f", "--follow"]) => {
            v.long_running(format!("{name} --follow does not end by itself"))
        }
        "stats" if !p.has(&["--no-stream"]) => v.long_running(format!(
            "{name} without `--no-stream` does not end by itself"
        )),
        "events" if p.value(&["--until"]).is_none() => {
            v.long_running(format!("{name} without `--until` does not end by itself"))
        }
        _ => v,
    }
}

/// crictl flags that take a value.
const CRICTL: FlagSpec = FlagSpec {
    short_values: "rioc",
    long_values: &[
        "--runtime-endpoint",
        "--image-endpoint",
        "--config",
        "--timeout",
        "--output",
        "--name",
        "--namespace",
        "--label",
        "--tail",
        "--since",
        "--pod",
        "--state",
    ],
};

/// Classifies a `crictl` invocation.
pub(crate) fn crictl(call: &Call<'_>) -> Verdict {
    let p = parse(call.args, &CRICTL);
    let verb = p.pos(0).unwrap_or_default();
    let name = format!("`crictl {verb}`");
    match verb {
        "ps" | "pods" | "images" | "img" | "inspect" | "inspectp" | "inspecti" | "info"
        | "version" | "imagefsinfo" | "statsp" | "stats" | "logs" | "config" => {
            let v = Verdict::read(format!("{name} reads container state"));
            if verb == "logs" && p.has(&["-f", "--follow"]) {
                v.long_running(format!("{name} --follow does not end by itself"))
            } else if (verb == "stats" || verb == "statsp") && p.has(&["-w", "--watch"]) {
                v.long_running(format!("{name} --watch does not end by itself"))
            } else {
                v
            }
        }
        "" => Verdict::unknown("`crictl` without a subcommand"),
        _ => Verdict::write(format!("{name} changes containers or images")),
    }
}
