//! The cluster state medic diagnoses: pods, events, workloads and nodes, read from
//! `kubectl get … -o json` documents (a `List`, a typed list such as `PodList`, or one
//! object), and the gaps: what could not be read, and what to do about it.

use serde::Deserialize;
use serde_json::Value;

use crate::model::{Event, Node, Pod, Workload};

/// Workload kinds medic reads.
pub const WORKLOAD_KINDS: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
];

/// What was read.
#[derive(Debug, Clone, Default)]
pub struct State {
    /// Pods.
    pub pods: Vec<Pod>,
    /// Events.
    pub events: Vec<Event>,
    /// Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs.
    pub workloads: Vec<Workload>,
    /// Nodes.
    pub nodes: Vec<Node>,
}

/// Evidence that could not be read: the diagnosis goes on without it, and says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    /// What is missing (`events in namespace shop`, `nodes`, `pods.json`).
    pub what: String,
    /// Why, as the tool or parser said it.
    pub why: String,
    /// What to do about it.
    pub fix: String,
}

impl std::fmt::Display for Gap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} ({})", self.what, self.why, self.fix)
    }
}

impl State {
    /// Adds the objects of one `kubectl … -o json` document. Objects of kinds medic does not
    /// read are ignored; an object of a known kind that does not have the expected shape is
    /// returned as a gap, and the rest is still added.
    pub fn add_document(&mut self, value: Value, source: &str) -> Vec<Gap> {
        let mut gaps = Vec::new();
        self.add_value(value, None, source, &mut gaps);
        gaps
    }

    fn add_value(
        &mut self,
        value: Value,
        list_kind: Option<&str>,
        source: &str,
        gaps: &mut Vec<Gap>,
    ) {
        let kind = value
            .get("kind")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| list_kind.map(str::to_owned))
            .unwrap_or_default();
        if matches!(value.get("items"), Some(Value::Array(_))) {
            // `List` items carry their own kind; `PodList` items may not.
            let item_kind = kind
                .strip_suffix("List")
                .filter(|k| !k.is_empty())
                .map(str::to_owned);
            let Value::Object(mut map) = value else {
                return;
            };
            let Some(Value::Array(items)) = map.remove("items") else {
                return;
            };
            for item in items {
                self.add_value(item, item_kind.as_deref(), source, gaps);
            }
            return;
        }
        let result = match kind.as_str() {
            "Pod" => parse(value).map(|p| self.pods.push(p)),
            "Event" => parse(value).map(|e| self.events.push(e)),
            "Node" => parse(value).map(|n| self.nodes.push(n)),
            k if WORKLOAD_KINDS.contains(&k) => parse::<Workload>(value).map(|mut w| {
                w.kind = kind.clone();
                self.workloads.push(w);
            }),
            _ => Ok(()),
        };
        if let Err(e) = result {
            gaps.push(Gap {
                what: format!("a {kind} in {source}"),
                why: format!("not the shape `kubectl get -o json` prints: {e}"),
                fix: "save objects with `kubectl get … -o json`".to_owned(),
            });
        }
    }

    /// Keeps only what concerns the pods left after `keep` (for a label selector): their
    /// events, their owners, and the nodes they run on.
    pub fn retain_pods(&mut self, keep: impl Fn(&Pod) -> bool) {
        self.pods.retain(keep);
        let pods: std::collections::HashSet<(String, String)> = self
            .pods
            .iter()
            .map(|p| (p.metadata.namespace.clone(), p.metadata.name.clone()))
            .collect();
        let owners: std::collections::HashSet<(String, String, String)> = self
            .pods
            .iter()
            .flat_map(|p| {
                p.metadata
                    .owner_references
                    .iter()
                    .map(|o| (p.metadata.namespace.clone(), o.kind.clone(), o.name.clone()))
            })
            .collect();
        // ReplicaSets' owners (Deployments) too.
        let mut owners2 = owners.clone();
        for w in &self.workloads {
            if owners.contains(&(
                w.metadata.namespace.clone(),
                w.kind.clone(),
                w.metadata.name.clone(),
            )) {
                for o in &w.metadata.owner_references {
                    owners2.insert((w.metadata.namespace.clone(), o.kind.clone(), o.name.clone()));
                }
            }
        }
        self.workloads.retain(|w| {
            owners2.contains(&(
                w.metadata.namespace.clone(),
                w.kind.clone(),
                w.metadata.name.clone(),
            ))
        });
        let nodes: std::collections::HashSet<String> = self
            .pods
            .iter()
            .filter_map(|p| p.spec.node_name.clone())
            .collect();
        self.nodes.retain(|n| nodes.contains(&n.metadata.name));
        self.events.retain(|e| {
            let o = &e.involved_object;
            match o.kind.as_str() {
                "Pod" => pods.contains(&(o.namespace.clone(), o.name.clone())),
                "Node" => nodes.contains(&o.name),
                _ => owners2.contains(&(o.namespace.clone(), o.kind.clone(), o.name.clone())),
            }
        });
    }
}

fn parse<T: for<'de> Deserialize<'de>>(value: Value) -> Result<T, serde_json::Error> {
    T::deserialize(value)
}

#[cfg(test)]
mod tests {
    use super::State;
    use serde_json::json;

    #[test]
    fn reads_lists_typed_lists_and_single_objects() {
        let mut s = State::default();
        let gaps = s.add_document(
            json!({"kind": "List", "items": [
                {"kind": "Pod", "metadata": {"name": "a", "namespace": "n"}},
                {"kind": "Deployment", "metadata": {"name": "d", "namespace": "n"}, "spec": {"replicas": 2}},
                {"kind": "ConfigMap", "metadata": {"name": "c"}}
            ]}),
            "test",
        );
        assert!(gaps.is_empty());
        s.add_document(
            json!({"kind": "PodList", "items": [{"metadata": {"name": "b"}}]}),
            "test",
        );
        s.add_document(json!({"kind": "Node", "metadata": {"name": "n1"}}), "test");
        assert_eq!(s.pods.len(), 2);
        assert_eq!(s.pods[1].metadata.name, "b");
        assert_eq!(s.workloads[0].kind, "Deployment");
        assert_eq!(s.workloads[0].spec.replicas, Some(2));
        assert_eq!(s.nodes.len(), 1);
    }

    #[test]
    fn a_misshapen_object_is_a_gap_and_the_rest_is_kept() {
        let mut s = State::default();
        let gaps = s.add_document(
            json!({"kind": "List", "items": [
                {"kind": "Pod", "metadata": {"name": 7}},
                {"kind": "Pod", "metadata": {"name": "ok"}}
            ]}),
            "pods.json",
        );
        assert_eq!(gaps.len(), 1);
        assert!(gaps[0].what.contains("pods.json"), "{:?}", gaps[0]);
        assert_eq!(s.pods.len(), 1);
    }
}
