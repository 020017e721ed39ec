//! Recognising command lines in inline code: `kubectl -n $NAMESPACE get pod`
//! in prose is a command, `CrashLoopBackOff` or `pg_stat_activity` is not.

/// CLI tools distinctive enough that `tool arg` in prose is a command.
const CLI_TOOLS: &[&str] = &[
    "kubectl",
    "oc",
    "helm",
    "curl",
    "wget",
    "psql",
    "mysql",
    "redis-cli",
    "aws",
    "gcloud",
    "az",
    "docker",
    "podman",
    "crictl",
    "etcdctl",
    "systemctl",
    "journalctl",
    "openssl",
    "dig",
    "nslookup",
    "ping",
    "traceroute",
    "ss",
    "netstat",
    "jq",
    "yq",
    "grep",
    "awk",
    "sed",
    "promtool",
    "amtool",
    "argocd",
    "make",
    "go",
    "git",
    "cat",
    "ls",
    "tail",
    "head",
    "ps",
    "df",
    "du",
    "free",
    "lsof",
    "tcpdump",
    "nc",
    "sudo",
    "export",
    "terraform",
    "python",
    "python3",
    "npm",
    "cargo",
    "java",
    "ip",
    "uname",
    "env",
    "watch",
    "xargs",
    "find",
    "chmod",
    "rm",
    "mkdir",
    "cp",
    "mv",
    "echo",
    "sort",
    "uniq",
    "wc",
    "dmesg",
    "sysctl",
    "ulimit",
    "top",
    "htop",
    "vmstat",
    "iostat",
    "mtr",
    "kill",
    "pkill",
    "pgrep",
];

/// Whether a short text (inline code in prose) is a command line.
///
/// True when the first word (after an optional `$ ` prompt, `sudo` or
/// `VAR=value` assignments) is a known CLI tool and at least one argument
/// follows.
#[must_use]
pub fn looks_like_command(text: &str) -> bool {
    let text = text.trim();
    let text = text.strip_prefix("$ ").unwrap_or(text);
    if text.contains('\n') {
        return false;
    }
    let mut words = text
        .split_whitespace()
        .skip_while(|w| crate::tools::is_assignment(w) || *w == "sudo");
    let Some(first) = words.next() else {
        return false;
    };
    CLI_TOOLS.contains(&first) && words.next().is_some()
}

#[cfg(test)]
mod tests {
    use super::looks_like_command;

    #[test]
    fn commands() {
        assert!(looks_like_command("kubectl -n $NAMESPACE get pod $POD"));
        assert!(looks_like_command("$ redis-cli INFO memory"));
        assert!(looks_like_command("sudo systemctl status kubelet"));
        assert!(looks_like_command("RUST_LOG=debug cargo run"));
    }

    #[test]
    fn not_commands() {
        for t in [
            "CrashLoopBackOff",
            "list_providers",
            "pg_stat_activity",
            "docker",
            "",
            "spec:",
            "key: value",
            "kubectl",
            "SELECT 1",
        ] {
            assert!(!looks_like_command(t), "{t}");
        }
    }
}
