//! Placeholder values and where they come from.
//!
//! A check's placeholders (`<pod-name>`, `<namespace>`, `$NAMESPACE`) are
//! filled from, in this order: `--var` flags, the alert's labels (through the
//! [label map](LabelMap)), `[vars]` in medic.toml, and `MEDIC_VAR_*`
//! environment variables. Names are compared normalised (lower case, `_` and
//! spaces as `-`), and a few names stand for each other (`pod`, `pod-name`,
//! `pod-id`): see [`ALIASES`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Names that stand for the same value: a value given under any of them fills
/// placeholders written with any other.
pub const ALIASES: &[&[&str]] = &[
    &["pod", "pod-name", "pod-id", "podname", "pod-name-here"],
    &["namespace", "ns", "namespace-name", "your-namespace"],
    &["deployment", "deployment-name", "deploy"],
    &["statefulset", "statefulset-name", "sts"],
    &["daemonset", "daemonset-name", "ds"],
    &["service", "service-name", "svc"],
    &["container", "container-name"],
    &["node", "node-name", "nodename"],
    &[
        "service-account",
        "serviceaccount",
        "service-account-name",
        "sa",
    ],
    &["database", "db", "dbname", "database-name", "datname"],
    &["host", "hostname"],
    &["job", "job-name"],
    &["cluster", "cluster-name"],
];

/// Alert labels and the placeholder names each fills, unless configuration
/// says otherwise. `instance` also gives `host` and `port` when it is
/// `host:port`.
pub const DEFAULT_LABEL_MAP: &[(&str, &[&str])] = &[
    ("instance", &["instance"]),
    ("namespace", &["namespace"]),
    ("exported_namespace", &["namespace"]),
    ("pod", &["pod"]),
    ("exported_pod", &["pod"]),
    ("pod_name", &["pod"]),
    ("deployment", &["deployment"]),
    ("statefulset", &["statefulset"]),
    ("daemonset", &["daemonset"]),
    ("service", &["service"]),
    ("container", &["container"]),
    ("node", &["node"]),
    ("service_account", &["service-account"]),
    ("serviceaccount", &["service-account"]),
    ("job", &["job"]),
    ("job_name", &["job"]),
    ("cluster", &["cluster"]),
    ("datname", &["database"]),
    ("database", &["database"]),
    ("persistentvolumeclaim", &["pvc"]),
    ("severity", &["severity"]),
];

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VarSource {
    /// `--var NAME=VALUE`.
    Flag,
    /// An alert label.
    Label {
        /// The label's name.
        label: String,
    },
    /// Derived from another value (`host` from `instance`).
    Derived {
        /// The value it came from.
        from: String,
    },
    /// `[vars]` in medic.toml.
    Config,
    /// A `MEDIC_VAR_*` environment variable.
    Env {
        /// The variable's name.
        variable: String,
    },
}

/// One value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Var {
    /// Normalised name.
    pub name: String,
    /// The value.
    pub value: String,
    /// Where it came from.
    pub source: VarSource,
}

/// Which placeholder names each alert label fills.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelMap {
    map: BTreeMap<String, Vec<String>>,
}

impl Default for LabelMap {
    fn default() -> Self {
        let map = DEFAULT_LABEL_MAP
            .iter()
            .map(|(label, names)| {
                (
                    (*label).to_owned(),
                    names.iter().map(|n| (*n).to_owned()).collect(),
                )
            })
            .collect();
        Self { map }
    }
}

impl LabelMap {
    /// The default map with `extra` entries added or replaced
    /// (`app_kubernetes_io_name = ["deployment"]`).
    #[must_use]
    pub fn with(extra: &BTreeMap<String, Vec<String>>) -> Self {
        let mut m = Self::default();
        for (label, names) in extra {
            m.map
                .insert(label.clone(), names.iter().map(|n| normalise(n)).collect());
        }
        m
    }

    /// The placeholder names a label fills (the label's own name when the
    /// map does not list it).
    #[must_use]
    pub fn names(&self, label: &str) -> Vec<String> {
        self.map
            .get(label)
            .cloned()
            .unwrap_or_else(|| vec![normalise(label)])
    }

    /// Every entry, for `medic config show`.
    #[must_use]
    pub fn entries(&self) -> &BTreeMap<String, Vec<String>> {
        &self.map
    }
}

/// Placeholder values, highest precedence first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Vars {
    vars: Vec<Var>,
}

impl Vars {
    /// No values.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a value unless one of the same name is already there (earlier
    /// sources win).
    pub fn add(&mut self, name: &str, value: &str, source: VarSource) {
        let name = normalise(name);
        if name.is_empty() || self.vars.iter().any(|v| v.name == name) {
            return;
        }
        self.vars.push(Var {
            name,
            value: value.to_owned(),
            source,
        });
    }

    /// Adds `--var` values.
    pub fn add_flags<'a, I: IntoIterator<Item = (&'a str, &'a str)>>(&mut self, flags: I) {
        for (k, v) in flags {
            self.add(k, v, VarSource::Flag);
        }
    }

    /// Adds an alert's labels through `map`; `instance=host:port` also gives
    /// `host` and `port`.
    pub fn add_labels<'a, I>(&mut self, labels: I, map: &LabelMap)
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let labels: Vec<(&str, &str)> = labels.into_iter().collect();
        for (label, value) in &labels {
            for name in map.names(label) {
                self.add(
                    &name,
                    value,
                    VarSource::Label {
                        label: (*label).to_owned(),
                    },
                );
            }
        }
        for (label, value) in &labels {
            if map.names(label).iter().any(|n| n == "instance")
                && let Some((host, port)) = split_host_port(value)
            {
                let from = format!("label {label}");
                self.add("host", host, VarSource::Derived { from: from.clone() });
                self.add("port", port, VarSource::Derived { from });
            }
        }
    }

    /// Adds `[vars]` from medic.toml.
    pub fn add_config<'a, I: IntoIterator<Item = (&'a str, &'a str)>>(&mut self, vars: I) {
        for (k, v) in vars {
            self.add(k, v, VarSource::Config);
        }
    }

    /// Adds `MEDIC_VAR_*` variables from an environment (`MEDIC_VAR_POD_NAME`
    /// fills `pod-name`).
    pub fn add_env<I: IntoIterator<Item = (String, String)>>(&mut self, env: I) {
        let mut found: Vec<(String, String)> = env
            .into_iter()
            .filter(|(k, _)| k.starts_with("MEDIC_VAR_"))
            .collect();
        found.sort();
        for (k, v) in found {
            let name = k.trim_start_matches("MEDIC_VAR_");
            self.add(
                name,
                &v,
                VarSource::Env {
                    variable: k.clone(),
                },
            );
        }
    }

    /// The value for a placeholder name, trying its aliases.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&Var> {
        let name = normalise(name);
        if let Some(v) = self.vars.iter().find(|v| v.name == name) {
            return Some(v);
        }
        let group = ALIASES.iter().find(|g| g.contains(&name.as_str()))?;
        group
            .iter()
            .find_map(|alias| self.vars.iter().find(|v| v.name == *alias))
    }

    /// Every value, in precedence order.
    #[must_use]
    pub fn all(&self) -> &[Var] {
        &self.vars
    }
}

/// Lower case, `_` and spaces as `-`.
#[must_use]
pub fn normalise(name: &str) -> String {
    name.trim()
        .chars()
        .map(|c| match c {
            '_' | ' ' => '-',
            c => c.to_ascii_lowercase(),
        })
        .collect::<String>()
        .trim_matches('-')
        .to_owned()
}

/// `10.0.0.1:9100` → (`10.0.0.1`, `9100`); `[::1]:80` → (`::1`, `80`).
fn split_host_port(value: &str) -> Option<(&str, &str)> {
    let (host, port) = value.rsplit_once(':')?;
    if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    (!host.is_empty() && !host.contains('/')).then_some((host, port))
}

#[cfg(test)]
mod tests {
    use super::{LabelMap, VarSource, Vars};

    #[test]
    fn precedence_aliases_and_instance() {
        let mut vars = Vars::new();
        vars.add_flags([("namespace", "from-flag")]);
        vars.add_labels(
            [
                ("namespace", "from-label"),
                ("pod", "api-7d9c8b-x2x1"),
                ("instance", "10.0.3.12:5432"),
            ],
            &LabelMap::default(),
        );
        vars.add_config([("namespace", "from-config"), ("user", "postgres")]);
        vars.add_env([("MEDIC_VAR_POD_NAME".to_owned(), "env-pod".to_owned())]);
        assert_eq!(vars.get("namespace").unwrap().value, "from-flag");
        assert_eq!(vars.get("pod-id").unwrap().value, "api-7d9c8b-x2x1");
        assert_eq!(vars.get("pod-name").unwrap().value, "env-pod");
        assert_eq!(vars.get("host").unwrap().value, "10.0.3.12");
        assert_eq!(vars.get("port").unwrap().value, "5432");
        assert_eq!(vars.get("USER").unwrap().source, VarSource::Config);
        assert!(vars.get("container").is_none());
    }
}
