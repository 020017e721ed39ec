//! The environment a check runs with: cleared, then only allowlisted variables
//! are copied from medic's own environment.
//!
//! A command inherits nothing by accident: no `AWS_SECRET_ACCESS_KEY`, no
//! `GITHUB_TOKEN`, no `LD_PRELOAD`. Patterns are exact names or a prefix
//! followed by `*` (`PG*`, `LC_*`).

/// Variables every check may see: what tools need to find their programs,
/// configuration and credentials files, locale, proxies, and PostgreSQL's
/// connection settings.
pub const DEFAULT_ALLOW: &[&str] = &[
    "PATH",
    "HOME",
    "USER",
    "LOGNAME",
    "LANG",
    "LC_*",
    "TZ",
    "KUBECONFIG",
    "PG*",
    "REDISCLI_AUTH",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
];

/// Which of medic's environment variables a check may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvPolicy {
    patterns: Vec<String>,
}

impl Default for EnvPolicy {
    fn default() -> Self {
        Self {
            patterns: DEFAULT_ALLOW.iter().map(|p| (*p).to_owned()).collect(),
        }
    }
}

impl EnvPolicy {
    /// The default allowlist plus `extra` patterns (`AWS_*`, `VAULT_ADDR`).
    #[must_use]
    pub fn with_extra<S: AsRef<str>>(extra: &[S]) -> Self {
        let mut policy = Self::default();
        for p in extra {
            let p = p.as_ref().to_owned();
            if !policy.patterns.contains(&p) {
                policy.patterns.push(p);
            }
        }
        policy
    }

    /// The patterns, in order.
    #[must_use]
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// Whether a variable may be passed on.
    #[must_use]
    pub fn allows(&self, name: &str) -> bool {
        self.patterns.iter().any(|p| match p.strip_suffix('*') {
            Some(prefix) => name.starts_with(prefix),
            None => p == name,
        })
    }

    /// The allowed subset of `vars`, sorted by name.
    pub fn filter<I>(&self, vars: I) -> Vec<(String, String)>
    where
        I: IntoIterator<Item = (String, String)>,
    {
        let mut out: Vec<(String, String)> =
            vars.into_iter().filter(|(k, _)| self.allows(k)).collect();
        out.sort();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::EnvPolicy;

    #[test]
    fn exact_names_and_prefixes() {
        let p = EnvPolicy::with_extra(&["AWS_*"]);
        assert!(p.allows("PATH"));
        assert!(p.allows("PGPASSWORD"));
        assert!(p.allows("LC_ALL"));
        assert!(p.allows("AWS_PROFILE"));
        assert!(!p.allows("PATHX"));
        assert!(!p.allows("GITHUB_TOKEN"));
        assert!(!p.allows("LD_PRELOAD"));
        assert!(!EnvPolicy::default().allows("AWS_SECRET_ACCESS_KEY"));
    }
}
