//! Tool knowledge: for every program medic knows, which invocations only
//! read. [`classify_call`] dispatches on the program's name to the module
//! that knows it; a program nobody knows is unknown.

pub(crate) mod args;
mod cloud;
mod container;
mod database;
mod filter;
mod http;
mod kubectl;
mod platform;
mod redis;
mod system;
mod wrapper;

use crate::verdict::Verdict;

/// How deep wrappers and substitutions may nest before medic gives up.
pub(crate) const MAX_DEPTH: usize = 16;

/// One program invocation, after the shell has been parsed away.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Call<'a> {
    /// The program's base name (`kubectl`, not `/usr/bin/kubectl`).
    pub(crate) program: &'a str,
    /// Its arguments, unquoted.
    pub(crate) args: &'a [String],
    /// Text known to arrive on its standard input (a here-document or `echo`).
    pub(crate) stdin: Option<&'a str>,
    /// Nesting depth (wrappers, `sh -c`, substitutions).
    pub(crate) depth: usize,
}

/// The base name of a program word (`/usr/local/bin/kubectl` → `kubectl`).
pub(crate) fn program_name(word: &str) -> &str {
    if word.starts_with("./") || word.starts_with("../") {
        return word;
    }
    word.rsplit('/')
        .next()
        .filter(|n| !n.is_empty())
        .unwrap_or(word)
}

/// Which module handles a program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Handler {
    Kubectl,
    Curl,
    Wget,
    Psql,
    Mysql,
    Aws,
    Grouped,
    Redis,
    Docker,
    Crictl,
    Helm,
    Argocd,
    Etcdctl,
    Promtool,
    Amtool,
    Systemctl,
    Journalctl,
    Openssl,
    Filter,
    Wrapper,
    System,
}

/// The handler for a program name, if medic knows it.
fn handler(program: &str) -> Option<Handler> {
    let h = match program {
        "kubectl" | "oc" => Handler::Kubectl,
        "curl" => Handler::Curl,
        "wget" => Handler::Wget,
        "psql" => Handler::Psql,
        "mysql" | "mariadb" => Handler::Mysql,
        "aws" => Handler::Aws,
        "gcloud" | "az" => Handler::Grouped,
        "redis-cli" | "valkey-cli" => Handler::Redis,
        "docker" | "podman" | "nerdctl" => Handler::Docker,
        "crictl" => Handler::Crictl,
        "helm" => Handler::Helm,
        "argocd" => Handler::Argocd,
        "etcdctl" => Handler::Etcdctl,
        "promtool" => Handler::Promtool,
        "amtool" => Handler::Amtool,
        "systemctl" => Handler::Systemctl,
        "journalctl" => Handler::Journalctl,
        "openssl" => Handler::Openssl,
        _ if filter::PURE.iter().any(|(p, _)| *p == program)
            || filter::SPECIAL.contains(&program) =>
        {
            Handler::Filter
        }
        _ if wrapper::PROGRAMS.contains(&program) => Handler::Wrapper,
        _ if system::SIMPLE_READS.iter().any(|(p, _)| *p == program)
            || system::WRITES.iter().any(|(p, _)| *p == program)
            || system::OPAQUE.iter().any(|(p, _)| *p == program)
            || system::SPECIAL.contains(&program) =>
        {
            Handler::System
        }
        _ => return None,
    };
    Some(h)
}

/// Whether medic knows a program (whatever its verdict).
pub(crate) fn is_known(program: &str) -> bool {
    handler(program).is_some()
}

/// Classifies one program invocation.
pub(crate) fn classify_call(call: &Call<'_>) -> Verdict {
    if call.depth > MAX_DEPTH {
        return Verdict::unknown("commands nest too deeply to analyse");
    }
    let program = call.program;
    let Some(handler) = handler(program) else {
        if program.contains('$') || program.contains('`') {
            return Verdict::unknown(format!(
                "the program name `{program}` is only known when the command runs"
            ));
        }
        return Verdict::unknown(format!("`{program}` is not a command medic knows"));
    };
    match handler {
        Handler::Kubectl => kubectl::classify(call),
        Handler::Curl => http::curl(call),
        Handler::Wget => http::wget(call),
        Handler::Psql => database::psql(call),
        Handler::Mysql => database::mysql(call),
        Handler::Aws => cloud::aws(call),
        Handler::Grouped => cloud::grouped(call),
        Handler::Redis => redis::classify(call),
        Handler::Docker => container::docker(call),
        Handler::Crictl => container::crictl(call),
        Handler::Helm => platform::helm(call),
        Handler::Argocd => platform::argocd(call),
        Handler::Etcdctl => platform::etcdctl(call),
        Handler::Promtool => platform::promtool(call),
        Handler::Amtool => platform::amtool(call),
        Handler::Systemctl => platform::systemctl(call),
        Handler::Journalctl => platform::journalctl(call),
        Handler::Openssl => platform::openssl(call),
        Handler::Filter => filter::classify(call),
        Handler::Wrapper => wrapper::classify(call),
        Handler::System => system::classify(call),
    }
}

pub(crate) use wrapper::is_assignment;

#[cfg(test)]
mod tests {
    use super::program_name;

    #[test]
    fn program_names() {
        assert_eq!(program_name("/usr/bin/kubectl"), "kubectl");
        assert_eq!(program_name("kubectl"), "kubectl");
        assert_eq!(program_name("./hodei-server"), "./hodei-server");
        assert_eq!(program_name("/"), "/");
    }
}
