//! Host and network inspection tools (`ps`, `df`, `dig`, `ss`, `ip`, …) and the
//! commands that change a host (`rm`, `kill`, `mkdir`, …).

use crate::tools::Call;
use crate::tools::args::{FlagSpec, parse};
use crate::verdict::{Safety, Verdict};

/// Programs that only read, whatever their arguments: (program, what they do).
pub(crate) const SIMPLE_READS: &[(&str, &str)] = &[
    ("ps", "lists processes"),
    ("free", "reads memory usage"),
    ("df", "reads disk usage"),
    ("du", "reads disk usage"),
    ("uptime", "reads the load"),
    ("uname", "reads system information"),
    ("id", "reads user ids"),
    ("whoami", "reads the user name"),
    ("printenv", "reads the environment"),
    ("ls", "lists files"),
    ("stat", "reads file metadata"),
    ("file", "reads file types"),
    ("which", "finds programs"),
    ("whereis", "finds programs"),
    ("type", "describes commands"),
    ("test", "tests a condition"),
    ("[", "tests a condition"),
    ("[[", "tests a condition"),
    ("true", "does nothing"),
    ("false", "does nothing"),
    (":", "does nothing"),
    ("nproc", "reads the CPU count"),
    ("lsof", "lists open files"),
    ("pgrep", "finds processes"),
    ("pidof", "finds processes"),
    ("getent", "reads name-service entries"),
    (
        "pg_isready",
        "asks a PostgreSQL server whether it accepts connections",
    ),
    ("sleep", "waits"),
    ("dig", "queries DNS"),
    ("nslookup", "queries DNS"),
    ("host", "queries DNS"),
    ("drill", "queries DNS"),
    ("whois", "queries WHOIS"),
    ("traceroute", "traces a network path"),
    ("tracepath", "traces a network path"),
    ("netstat", "lists sockets"),
    ("lscpu", "reads CPU information"),
    ("lsblk", "lists block devices"),
    ("lsmod", "lists kernel modules"),
    ("lspci", "lists PCI devices"),
    ("lsusb", "lists USB devices"),
    ("findmnt", "lists mounts"),
    ("blkid", "reads block device attributes"),
    ("w", "lists users"),
    ("who", "lists users"),
    ("last", "lists logins"),
    ("groups", "lists groups"),
    ("locale", "reads the locale"),
    ("tty", "prints the terminal"),
    ("pwd", "prints the directory"),
    ("cd", "changes the shell's directory"),
    ("basename", "prints a path part"),
    ("dirname", "prints a path part"),
    ("realpath", "resolves a path"),
    ("readlink", "resolves a link"),
    ("tree", "lists files"),
    ("getconf", "reads configuration values"),
    ("ulimit", "reads resource limits"),
    ("exit", "ends the shell"),
    ("read", "reads a line into a variable"),
    ("wait", "waits for jobs"),
    ("unset", "unsets a shell variable"),
    ("set", "sets shell options"),
    ("shopt", "sets shell options"),
    ("declare", "sets a shell variable"),
    ("local", "sets a shell variable"),
    ("readonly", "sets a shell variable"),
    ("alias", "defines an alias"),
    ("hash", "reads the command cache"),
    ("jobs", "lists jobs"),
    ("history", "reads the shell history"),
    ("arch", "prints the architecture"),
    ("nvidia-smi", "reads GPU state"),
    ("iotop", "reads I/O usage"),
    ("pstree", "lists processes"),
    ("curlie", "sends HTTP requests"),
    ("ldd", "lists libraries"),
    ("getenforce", "reads SELinux mode"),
    ("sestatus", "reads SELinux status"),
];

/// Programs that change a host: (program, what they do).
pub(crate) const WRITES: &[(&str, &str)] = &[
    ("rm", "deletes files"),
    ("rmdir", "deletes directories"),
    ("mv", "moves files"),
    ("cp", "copies files"),
    ("mkdir", "creates directories"),
    ("touch", "creates or changes files"),
    ("chmod", "changes file permissions"),
    ("chown", "changes file owners"),
    ("chgrp", "changes file groups"),
    ("ln", "creates links"),
    ("dd", "writes data"),
    ("truncate", "changes file sizes"),
    ("shred", "destroys files"),
    ("install", "copies files"),
    ("rsync", "copies files"),
    ("scp", "copies files"),
    ("sftp", "copies files"),
    ("unzip", "extracts files"),
    ("zip", "creates archives"),
    ("patch", "changes files"),
    ("kill", "sends signals to processes"),
    ("pkill", "sends signals to processes"),
    ("killall", "sends signals to processes"),
    ("reboot", "restarts the machine"),
    ("shutdown", "stops the machine"),
    ("halt", "stops the machine"),
    ("poweroff", "stops the machine"),
    ("apt", "changes installed packages"),
    ("apt-get", "changes installed packages"),
    ("yum", "changes installed packages"),
    ("dnf", "changes installed packages"),
    ("apk", "changes installed packages"),
    ("pip", "changes installed packages"),
    ("pip3", "changes installed packages"),
    ("npm", "changes installed packages"),
    ("brew", "changes installed packages"),
    ("useradd", "changes users"),
    ("userdel", "changes users"),
    ("usermod", "changes users"),
    ("passwd", "changes passwords"),
    ("umount", "unmounts file systems"),
    ("swapoff", "changes swap"),
    ("swapon", "changes swap"),
    ("modprobe", "changes kernel modules"),
    ("renice", "changes process priorities"),
    ("split", "writes files"),
    ("csplit", "writes files"),
    ("ssh", "runs commands on another machine"),
    ("telnet", "opens a raw connection"),
    ("socat", "opens raw connections"),
];

/// Programs medic knows but cannot see into: (program, why).
pub(crate) const OPAQUE: &[(&str, &str)] = &[
    ("make", "runs build targets medic cannot see"),
    ("export", "changes the environment of later commands"),
    ("eval", "runs text as a command"),
    ("source", "runs a script medic cannot see"),
    (".", "runs a script medic cannot see"),
    ("exec", "replaces the shell with another command"),
    ("sudo", "runs a command with other privileges"),
    ("doas", "runs a command with other privileges"),
    ("su", "runs a command as another user"),
    ("trap", "changes signal handling"),
    ("htop", "is interactive"),
    ("vi", "is an interactive editor"),
    ("vim", "is an interactive editor"),
    ("nano", "is an interactive editor"),
    ("python", "runs a program medic cannot see"),
    ("python3", "runs a program medic cannot see"),
    ("node", "runs a program medic cannot see"),
    ("go", "runs a program medic cannot see"),
    ("java", "runs a program medic cannot see"),
    ("ruby", "runs a program medic cannot see"),
    ("perl", "runs a program medic cannot see"),
    ("terraform", "manages infrastructure"),
];

/// Programs with argument-dependent verdicts handled in this module.
pub(crate) const SPECIAL: &[&str] = &[
    "ping",
    "ping6",
    "top",
    "mtr",
    "hostname",
    "date",
    "ip",
    "nc",
    "ncat",
    "netcat",
    "find",
    "vmstat",
    "iostat",
    "mpstat",
    "pidstat",
    "sar",
    "dmesg",
    "sysctl",
    "mount",
    "arp",
    "iptables",
    "ip6tables",
    "nft",
    "timedatectl",
    "hostnamectl",
    "loginctl",
    "resolvectl",
    "networkctl",
    "tcpdump",
    "ss",
    "crontab",
    "service",
    "git",
    "ifconfig",
];

/// Classifies one of [`SPECIAL`], [`SIMPLE_READS`], [`WRITES`] or [`OPAQUE`].
pub(crate) fn classify(call: &Call<'_>) -> Verdict {
    let program = call.program;
    if let Some((_, what)) = SIMPLE_READS.iter().find(|(p, _)| *p == program) {
        return Verdict::read(format!("`{program}` {what}"));
    }
    if let Some((_, what)) = WRITES.iter().find(|(p, _)| *p == program) {
        return Verdict::write(format!("`{program}` {what}"));
    }
    if let Some((_, what)) = OPAQUE.iter().find(|(p, _)| *p == program) {
        return Verdict::unknown(format!("`{program}` {what}"));
    }
    special(call)
}

/// Generic flags: any short flag may take no value.
const NO_VALUES: FlagSpec = FlagSpec {
    short_values: "",
    long_values: &[],
};

/// Tools whose verdict depends on their arguments.
fn special(call: &Call<'_>) -> Verdict {
    let program = call.program;
    let args = call.args;
    let name = format!("`{program}`");
    match program {
        "ping" | "ping6" => {
            let p = parse(
                args,
                &FlagSpec {
                    short_values: "cwWiIstQ",
                    long_values: &[],
                },
            );
            let v = Verdict::read(format!("{name} sends echo requests"));
            if p.has(&["-c", "-w"]) {
                v
            } else {
                v.long_running(format!("{name} without `-c` does not end by itself"))
            }
        }
        "top" => {
            let p = parse(
                args,
                &FlagSpec {
                    short_values: "ndpuUoOw",
                    long_values: &[],
                },
            );
            let v = Verdict::read(format!("{name} reads processes"));
            if p.has(&["-b"]) && p.has(&["-n"]) {
                v
            } else {
                v.long_running(format!("{name} without `-b -n N` does not end by itself"))
            }
        }
        "mtr" => {
            let p = parse(
                args,
                &FlagSpec {
                    short_values: "cioa",
                    long_values: &[],
                },
            );
            let v = Verdict::read(format!("{name} traces a network path"));
            if p.has(&["-r", "--report", "-c", "--report-cycles", "-w"]) {
                v
            } else {
                v.long_running(format!("{name} without `--report` does not end by itself"))
            }
        }
        "hostname" | "ifconfig" | "mount" => {
            let p = parse(args, &NO_VALUES);
            let limit = usize::from(program == "ifconfig");
            if p.positionals.len() <= limit {
                Verdict::read(format!("{name} reads system state"))
            } else {
                Verdict::write(format!("{name} with arguments changes system state"))
            }
        }
        "date" => {
            let p = parse(
                args,
                &FlagSpec {
                    short_values: "dsfrI",
                    long_values: &["--date", "--set", "--file", "--reference"],
                },
            );
            if p.has(&["-s", "--set"]) || p.positionals.iter().any(|a| !a.starts_with('+')) {
                Verdict::write(format!("{name} with a time sets the clock"))
            } else {
                Verdict::read(format!("{name} prints the time"))
            }
        }
        "ip" => ip(args),
        "nc" | "ncat" | "netcat" => {
            let p = parse(
                args,
                &FlagSpec {
                    short_values: "wipsxXe",
                    long_values: &[],
                },
            );
            if p.has(&["-z"]) && !p.has(&["-l", "-e", "-c"]) {
                Verdict::read(format!("`{program} -z` only checks that a port is open"))
            } else {
                Verdict::unknown(format!("{name} sends or serves raw data"))
            }
        }
        "find" => find(call),
        "vmstat" | "iostat" | "mpstat" | "pidstat" | "sar" => {
            let numbers = args
                .iter()
                .filter(|a| !a.is_empty() && a.chars().all(|c| c.is_ascii_digit()))
                .count();
            let v = Verdict::read(format!("{name} reads system statistics"));
            if numbers == 1 {
                v.long_running(format!("{name} with an interval and no count does not end"))
            } else {
                v
            }
        }
        "dmesg" => {
            let p = parse(args, &NO_VALUES);
            if p.has(&[
                "-C",
                "-c",
                "--clear",
                "--read-clear",
                "-D",
                "-E",
                "--console-off",
                "--console-on",
            ]) {
                Verdict::write(format!("{name} with this flag changes the kernel log"))
            } else if p.has(&["-w", "-W", "--follow", "--follow-new"]) {
                Verdict::read(format!("{name} reads the kernel log"))
                    .long_running(format!("{name} --follow does not end by itself"))
            } else {
                Verdict::read(format!("{name} reads the kernel log"))
            }
        }
        "sysctl" => {
            let p = parse(args, &NO_VALUES);
            if p.has(&["-w", "--write", "-p", "--load", "--system"])
                || p.positionals.iter().any(|a| a.contains('='))
            {
                Verdict::write(format!("{name} sets kernel parameters"))
            } else {
                Verdict::read(format!("{name} reads kernel parameters"))
            }
        }
        "arp" => {
            let p = parse(args, &NO_VALUES);
            if p.has(&["-d", "-s", "-f"]) {
                Verdict::write(format!("{name} changes the ARP cache"))
            } else {
                Verdict::read(format!("{name} reads the ARP cache"))
            }
        }
        "iptables" | "ip6tables" => {
            let p = parse(
                args,
                &FlagSpec {
                    short_values: "t",
                    long_values: &["--table"],
                },
            );
            let writes = [
                "-A", "-D", "-I", "-R", "-F", "-X", "-N", "-P", "-Z", "-E", "--append", "--delete",
                "--insert", "--flush", "--zero",
            ];
            if p.has(&["-L", "-S", "--list", "--list-rules"]) && !p.has(&writes) {
                Verdict::read(format!("{name} lists firewall rules"))
            } else {
                Verdict::write(format!("{name} changes firewall rules"))
            }
        }
        "nft" => {
            let p = parse(args, &NO_VALUES);
            if p.pos(0) == Some("list") {
                Verdict::read("`nft list` lists firewall rules")
            } else {
                Verdict::write(format!("{name} changes firewall rules"))
            }
        }
        "timedatectl" | "hostnamectl" | "loginctl" | "resolvectl" | "networkctl" => {
            let p = parse(args, &NO_VALUES);
            let verb = p.pos(0).unwrap_or("status");
            if verb == "status"
                || verb == "show"
                || verb.starts_with("list")
                || verb == "query"
                || verb == "statistics"
            {
                Verdict::read(format!("`{program} {verb}` reads system state"))
            } else {
                Verdict::write(format!("`{program} {verb}` changes system state"))
            }
        }
        "tcpdump" => {
            let p = parse(
                args,
                &FlagSpec {
                    short_values: "cCiwrsWyEFGMTVz",
                    long_values: &[],
                },
            );
            if p.has(&["-w"]) {
                Verdict::write("`tcpdump -w` writes a capture file")
            } else if p.has(&["-c"]) {
                Verdict::read("`tcpdump` captures packets")
            } else {
                Verdict::read("`tcpdump` captures packets")
                    .long_running("`tcpdump` without `-c` does not end by itself")
            }
        }
        "ss" => {
            let p = parse(
                args,
                &FlagSpec {
                    short_values: "fAF",
                    long_values: &[],
                },
            );
            if p.has(&["-K", "--kill"]) {
                Verdict::write("`ss -K` closes sockets")
            } else {
                Verdict::read("`ss` lists sockets")
            }
        }
        "crontab" => {
            let p = parse(
                args,
                &FlagSpec {
                    short_values: "u",
                    long_values: &[],
                },
            );
            if p.has(&["-l"]) {
                Verdict::read("`crontab -l` lists cron jobs")
            } else {
                Verdict::write("`crontab` changes cron jobs")
            }
        }
        "service" => {
            let action = args.get(1).map(String::as_str).unwrap_or_default();
            if action == "status" || args.first().is_some_and(|a| a == "--status-all") {
                Verdict::read("`service … status` reads service state")
            } else {
                Verdict::write(format!("`service … {action}` changes services"))
            }
        }
        "git" => git(args),
        _ => Verdict::unknown(format!("{name} is not a command medic knows")),
    }
}

/// `ip OBJECT [ACTION]`: show/list/get read, everything else writes.
fn ip(args: &[String]) -> Verdict {
    let p = parse(
        args,
        &FlagSpec {
            short_values: "fbn",
            long_values: &["--family", "--batch", "--netns"],
        },
    );
    if p.has(&["-b", "--batch"]) {
        return Verdict::unknown("`ip -batch` runs commands from a file");
    }
    let object = p.pos(0).unwrap_or_default();
    let action = p.pos(1).unwrap_or("show");
    let known_object = matches!(
        object,
        "a" | "addr"
            | "address"
            | "r"
            | "ro"
            | "route"
            | "l"
            | "link"
            | "n"
            | "neigh"
            | "neighbour"
            | "neighbor"
            | "ru"
            | "rule"
            | "maddr"
            | "maddress"
            | "netns"
            | "tunnel"
            | "tun"
            | "xfrm"
            | "mroute"
            | "monitor"
    );
    if !known_object {
        return Verdict::unknown(format!("`ip {object}` is not an object medic knows"));
    }
    if object == "monitor" {
        return Verdict::read("`ip monitor` reads network events")
            .long_running("`ip monitor` does not end by itself");
    }
    let is_read = p.pos(1).is_none()
        || matches!(
            action,
            "show" | "list" | "ls" | "lst" | "sh" | "s" | "get" | "dev"
        );
    if is_read {
        Verdict::read(format!(
            "`ip {object} {action}` reads network configuration"
        ))
    } else {
        Verdict::write(format!(
            "`ip {object} {action}` changes network configuration"
        ))
    }
}

/// `find`: reads unless it deletes, writes lists to files, or runs commands
/// that are not reads.
fn find(call: &Call<'_>) -> Verdict {
    let mut v = Verdict::read("`find` lists files");
    let mut args = call.args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-delete" => v.downgrade(Safety::Write, "`find -delete` deletes files"),
            "-fprint" | "-fprint0" | "-fprintf" | "-fls" => {
                v.downgrade(Safety::Write, format!("`find {arg}` writes a file"));
            }
            "-exec" | "-execdir" | "-ok" | "-okdir" => {
                let inner: Vec<String> = args
                    .by_ref()
                    .take_while(|a| *a != ";" && *a != "+")
                    .cloned()
                    .collect();
                let (Some(program), Some(rest)) = (inner.first(), inner.get(1..)) else {
                    v.downgrade(Safety::Unknown, format!("`find {arg}` without a command"));
                    continue;
                };
                let inner_verdict = crate::tools::classify_call(&Call {
                    program: crate::tools::program_name(program),
                    args: rest,
                    stdin: None,
                    depth: call.depth + 1,
                });
                v.merge(inner_verdict);
            }
            _ => {}
        }
    }
    v
}

/// `git`: inspecting history reads; everything else writes.
fn git(args: &[String]) -> Verdict {
    let p = parse(
        args,
        &FlagSpec {
            short_values: "C",
            long_values: &["--git-dir", "--work-tree"],
        },
    );
    let verb = p.pos(0).unwrap_or_default();
    match verb {
        "status" | "log" | "diff" | "show" | "blame" | "rev-parse" | "describe" | "ls-files"
        | "grep" | "shortlog" | "reflog" | "ls-remote" | "cat-file" | "version" => {
            Verdict::read(format!("`git {verb}` reads the repository"))
        }
        "branch" | "tag" | "remote" if p.pos(1).is_none() => {
            Verdict::read(format!("`git {verb}` lists"))
        }
        "stash" | "remote" if matches!(p.pos(1), Some("list" | "show")) => {
            Verdict::read(format!("`git {verb}` lists"))
        }
        _ => Verdict::write(format!("`git {verb}` changes the repository")),
    }
}
