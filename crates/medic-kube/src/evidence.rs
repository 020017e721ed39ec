//! A finding as the matcher and the check runner see it: an alert-shaped piece of evidence
//! whose name is the failure (`OOMKilled`), whose labels name the object (`namespace`,
//! `pod`, `container`, `deployment`, `node`, `service_account`) and fill the guide's
//! placeholders, and whose description carries the messages behind it.

use std::collections::{BTreeMap, BTreeSet};

use medic_match::Alert;
use sha2::{Digest, Sha256};

use crate::findings::Finding;

impl Finding {
    /// The finding as an alert: matched like one, deduplicated like one (its fingerprint
    /// is stable from one scan to the next), and its labels fill placeholders.
    #[must_use]
    pub fn alert(&self) -> Alert {
        let mut labels = BTreeMap::new();
        labels.insert("alertname".to_owned(), self.name());
        labels.insert("reason".to_owned(), self.reason.clone());
        if !self.object.namespace.is_empty() {
            labels.insert("namespace".to_owned(), self.object.namespace.clone());
        }
        match self.object.kind.as_str() {
            "Pod" => {
                labels.insert("pod".to_owned(), self.object.name.clone());
            }
            "Node" => {}
            kind => {
                labels.insert(kind.to_lowercase(), self.object.name.clone());
            }
        }
        if self.workload != self.object && self.workload.kind != "Pod" {
            labels.insert(
                self.workload.kind.to_lowercase(),
                self.workload.name.clone(),
            );
        }
        if let Some(c) = &self.container {
            labels.insert("container".to_owned(), c.clone());
        }
        if let Some(n) = &self.node {
            labels.insert("node".to_owned(), n.clone());
        }
        if let Some(sa) = &self.service_account {
            labels.insert("service_account".to_owned(), sa.clone());
        }
        for (k, v) in &self.app_labels {
            labels.entry(k.clone()).or_insert_with(|| v.clone());
        }
        let mut annotations = BTreeMap::new();
        annotations.insert("summary".to_owned(), self.summary.clone());
        if !self.details.is_empty() {
            annotations.insert("description".to_owned(), self.details.join("\n"));
        }
        Alert {
            status: "firing".to_owned(),
            labels,
            annotations,
            starts_at: self.since.clone().unwrap_or_default(),
            fingerprint: self.fingerprint(),
            generator_url: String::new(),
        }
    }

    /// 16 hex digits identifying what failed where: the same kind of failure of the same
    /// object (and container) gives the same fingerprint in every scan.
    #[must_use]
    pub fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        // The kind, not the name: an image pull flips between `ErrImagePull` and
        // `ImagePullBackOff` from one scan to the next and is still one failure.
        let kind = format!("{:?}", self.kind);
        for part in [
            "medic-kube",
            &kind,
            &self.object.kind,
            &self.object.namespace,
            &self.object.name,
            self.container.as_deref().unwrap_or(""),
        ] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        format!("{:x}", h.finalize())[..16].to_owned()
    }
}

/// Placeholder names a guide's commands use for a namespace (`-n <instance>`,
/// `--namespace=<env>`): the finding's namespace fills them too.
#[must_use]
pub fn namespace_placeholders<'a>(commands: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for command in commands {
        let words: Vec<&str> = command.split_whitespace().collect();
        for (i, w) in words.iter().enumerate() {
            let value = if *w == "-n" || *w == "--namespace" {
                words.get(i + 1).copied()
            } else {
                w.strip_prefix("--namespace=")
                    .or_else(|| w.strip_prefix("-n="))
            };
            if let Some(name) = value
                .and_then(|v| v.strip_prefix('<'))
                .and_then(|v| v.strip_suffix('>'))
                .filter(|n| {
                    !n.is_empty()
                        && n.chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                })
            {
                names.insert(name.to_owned());
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::namespace_placeholders;

    #[test]
    fn namespace_placeholders_are_found_after_n_and_namespace() {
        let names = namespace_placeholders([
            "kubectl get pods -n <instance>",
            "kubectl logs deploy/x --namespace=<env> --tail=5",
            "kubectl get pod <pod-name> -n <namespace>",
            "kubectl get ns",
        ]);
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        assert_eq!(names, ["env", "instance", "namespace"]);
    }
}
