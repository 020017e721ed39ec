//! Live Kubernetes evidence for medic: read pods, events, workloads and nodes with
//! `kubectl` ([`collect`]) or from saved `kubectl -o json` files ([`from_dir`]), find
//! what is wrong ([`findings`]), and hand each finding to the matcher as alert-shaped
//! evidence ([`Finding::alert`]).

mod collect;
mod dir;
mod evidence;
mod findings;
pub mod model;
mod state;

pub use collect::{CollectError, Collection, Scope, collect};
pub use dir::{DirError, from_dir};
pub use evidence::namespace_placeholders;
pub use findings::{Finding, Kind, ObjectRef, Options, findings};
pub use state::{Gap, State, WORKLOAD_KINDS};
