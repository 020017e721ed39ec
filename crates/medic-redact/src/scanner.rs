//! The state of one stream: which multi-line block is open, the session key,
//! counts per kind, and scratch space reused from line to line.

use regex::bytes::CaptureLocations;

use crate::engine::Engine;
use crate::k8s::{JsonData, YamlData};
use crate::pem::PemBody;
use crate::span::Span;
use crate::token::TokenKey;

/// The multi-line block a stream is in.
pub(crate) enum Mode {
    Normal,
    Pem(PemBody),
    Yaml(YamlData),
    Json(JsonData),
}

pub(crate) struct Scanner {
    pub(crate) key: TokenKey,
    pub(crate) mode: Mode,
    /// Redactions so far, per kind id.
    pub(crate) counts: Vec<u64>,
    pub(crate) spans: Vec<Span>,
    /// One per rule, so matching allocates nothing per line.
    pub(crate) locs: Vec<CaptureLocations>,
    /// Per custom rule: where its next match in the current block starts
    /// (`usize::MAX`: none), or `None` before it was searched.
    pub(crate) custom_next: Vec<Option<usize>>,
    /// Trigger positions in the current block, and the first not yet passed.
    pub(crate) hits: Vec<usize>,
    pub(crate) next_hit: usize,
}

impl Scanner {
    pub(crate) fn new(engine: &Engine, key: TokenKey) -> Scanner {
        Scanner {
            key,
            mode: Mode::Normal,
            counts: vec![0; engine.kinds().len()],
            spans: Vec::new(),
            locs: engine
                .rules()
                .iter()
                .map(|rule| rule.regex.capture_locations())
                .collect(),
            custom_next: Vec::new(),
            hits: Vec::new(),
            next_hit: 0,
        }
    }
}
