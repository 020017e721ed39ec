//! The guides a server answers from: parsed, classified and indexed once, swapped whole
//! on reload so a request always sees one consistent set.

use std::sync::Arc;
use std::time::SystemTime;

use medic_check::GuideSource;
use medic_guide::{Guide, Problem};
use medic_match::Matcher;

/// Loads the guides afresh (from disk, in the binary): the guides, where they came from,
/// and warnings about files that were skipped. An error is a message for the operator.
pub type Loader = Arc<dyn Fn() -> Result<Loaded, String> + Send + Sync>;

/// What a [`Loader`] returns.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// Parsed guides.
    pub guides: Vec<Guide>,
    /// Where they were read from.
    pub sources: Vec<GuideSource>,
    /// Files that could not be read.
    pub warnings: Vec<String>,
}

/// Classified guides and their match index.
pub struct Catalog {
    /// The guides, every command classified.
    pub guides: Vec<Guide>,
    /// The match index over their problems.
    pub matcher: Matcher,
    /// Where the guides came from.
    pub sources: Vec<GuideSource>,
    /// Files that could not be read.
    pub warnings: Vec<String>,
    /// When they were loaded.
    pub loaded_at: SystemTime,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog")
            .field("guides", &self.guides.len())
            .field("problems", &self.problems())
            .field("loaded_at", &self.loaded_at)
            .finish_non_exhaustive()
    }
}

impl Catalog {
    /// Classifies and indexes loaded guides.
    ///
    /// # Errors
    /// When the index cannot be built or the guides hold no problem.
    pub fn new(loaded: Loaded) -> Result<Self, String> {
        let mut guides = loaded.guides;
        for guide in &mut guides {
            guide.classify();
        }
        let matcher = Matcher::new(&guides).map_err(|e| format!("cannot index the guides: {e}"))?;
        if matcher.is_empty() {
            return Err("the guides hold no problems to match against".to_owned());
        }
        Ok(Self {
            guides,
            matcher,
            sources: loaded.sources,
            warnings: loaded.warnings,
            loaded_at: SystemTime::now(),
        })
    }

    /// The problem with this id (`guide.md#anchor`), and its guide.
    #[must_use]
    pub fn problem(&self, id: &str) -> Option<(&Guide, &Problem)> {
        let (path, anchor) = id.split_once('#')?;
        let guide = self.guides.iter().find(|g| g.path == path)?;
        guide.problem(anchor).map(|p| (guide, p))
    }

    /// Number of problems.
    #[must_use]
    pub fn problems(&self) -> usize {
        self.guides.iter().map(|g| g.problems.len()).sum()
    }
}
