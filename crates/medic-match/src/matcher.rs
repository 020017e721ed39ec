//! The matcher: a tantivy index over every problem's fields, the exact-signal index, and
//! the ranking that combines them into scored matches with the reasons for each.

use std::collections::{HashMap, HashSet};

use medic_guide::{Guide, Problem, SignalKind};
use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query as TantivyQuery, TermQuery};
use tantivy::schema::{
    Field, INDEXED, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{TextAnalyzer, Token};
use tantivy::{Index, IndexReader, TantivyDocument, Term, doc};
use thiserror::Error;

use crate::analyzer::{ANALYZER, analyzer};
use crate::english::is_english;
use crate::evidence::{Evidence, Query};
use crate::signals::{Hit, SignalIndex};
use crate::synonyms::Synonyms;

/// What went wrong building the index.
#[derive(Debug, Error)]
pub enum MatchError {
    /// The search index could not be built.
    #[error("cannot build the search index: {0}")]
    Index(#[from] tantivy::TantivyError),
}

/// One ranked match.
#[derive(Debug, Clone, Serialize)]
pub struct Match {
    /// Problem id, `<guide path>#<anchor>`.
    pub id: String,
    /// Problem title.
    pub title: String,
    /// Higher is better; comparable within one query.
    pub score: f32,
    /// Why it matched, in words a person checks at a glance.
    pub reasons: Vec<String>,
}

/// The searchable fields of a problem, with their weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Part {
    Title,
    Symptoms,
    Signals,
    Causes,
    Commands,
    Body,
    Context,
    Snippets,
}

/// Every part in its declared order: a problem's term sets are kept in this order.
const PARTS: [Part; 8] = [
    Part::Title,
    Part::Symptoms,
    Part::Signals,
    Part::Causes,
    Part::Commands,
    Part::Body,
    Part::Context,
    Part::Snippets,
];

impl Part {
    fn name(self) -> &'static str {
        match self {
            Part::Title => "title",
            Part::Symptoms => "symptoms",
            Part::Signals => "signals",
            Part::Causes => "causes",
            Part::Commands => "commands",
            Part::Body => "text",
            Part::Context => "guide",
            Part::Snippets => "code",
        }
    }

    fn boost(self) -> f32 {
        match self {
            Part::Title => 3.0,
            Part::Symptoms => 2.0,
            Part::Signals => 2.0,
            Part::Causes => 1.0,
            Part::Commands => 0.6,
            Part::Body => 0.6,
            Part::Context => 1.0,
            Part::Snippets => 0.3,
        }
    }
}

/// What the matcher keeps about a problem besides the index.
struct Entry {
    id: String,
    title: String,
    path: String,
    line: usize,
    symptoms_line: usize,
    /// Terms of each part, then of the whole problem.
    terms: Vec<TermSet>,
    all: TermSet,
    /// Lower-case names an alert or runbook link may use: title, anchor, file stem.
    names: Vec<String>,
    /// The index of the problem's guide.
    guide: usize,
}

impl Entry {
    /// The terms of one part (`PARTS` lists the parts in their declared order).
    fn part(&self, part: Part) -> &TermSet {
        &self.terms[part as usize]
    }
}

/// Every analysed term of the indexed problems, numbered, with the number of problems that
/// use it.
#[derive(Default)]
struct Vocabulary {
    ids: HashMap<String, u32>,
    df: Vec<u32>,
    /// For each term, the index fields that have it, one bit per part.
    fields: Vec<u8>,
    /// For each term, the number of guides that use it.
    guides: Vec<u32>,
    /// For each term, whether it names what some guide is about (see [`topic_terms`]; also
    /// the names guide introductions give, see [`proper_names`]).
    topic: Vec<bool>,
}

impl Vocabulary {
    fn id(&self, term: &str) -> Option<u32> {
        self.ids.get(term).copied()
    }

    fn intern(&mut self, term: &str) -> u32 {
        if let Some(id) = self.ids.get(term) {
            return *id;
        }
        let id = u32::try_from(self.df.len()).unwrap_or(u32::MAX);
        self.ids.insert(term.to_owned(), id);
        self.df.push(0);
        self.fields.push(0);
        self.guides.push(0);
        self.topic.push(false);
        id
    }

    /// Whether some problem uses the term.
    fn knows(&self, term: &str) -> bool {
        self.ids.contains_key(term)
    }

    fn df(&self, term: &str) -> u32 {
        self.id(term).map_or(0, |id| self.df[id as usize])
    }
}

/// A term of the evidence: its id in the vocabulary (none when no guide uses it) and its
/// weight.
type Weighed = (Option<u32>, f32);

/// A set of terms as sorted ids.
#[derive(Default)]
struct TermSet(Vec<u32>);

impl TermSet {
    fn new(mut ids: Vec<u32>) -> Self {
        ids.sort_unstable();
        ids.dedup();
        Self(ids)
    }

    fn has(&self, id: Option<u32>) -> bool {
        id.is_some_and(|id| self.0.binary_search(&id).is_ok())
    }
}

/// Matches evidence to the problems of a set of guides.
pub struct Matcher {
    reader: IndexReader,
    fields: Vec<Field>,
    pid: Field,
    analyzer: TextAnalyzer,
    entries: Vec<Entry>,
    signals: SignalIndex,
    vocabulary: Vocabulary,
    synonyms: Synonyms,
    /// For each guide, the terms that say which system its problems are about: its folder
    /// path's (`prometheus-operator-runbooks/kubernetes`), the names its introduction gives,
    /// and, for a guide of several problems, every term of its text.
    guide_systems: Vec<TermSet>,
    /// The systems one guide alone is about, with that guide: words of its title, file name
    /// or folder that are not ordinary English, or names its introduction gives, that at
    /// most half of the guides use and no other guide names so.
    sole_systems: HashMap<u32, usize>,
    /// Keep every candidate and say why it would be kept or dropped (MEDIC_MATCH_CALIBRATE=1):
    /// the data the "no match" threshold is set from.
    calibrate: bool,
}

/// Weights of signal kinds when the whole signal is in the evidence.
fn signal_weight(kind: SignalKind, masked_len: usize) -> f32 {
    match kind {
        SignalKind::ErrorText | SignalKind::LogTemplate => {
            3.0 + 4.0 * (masked_len as f32 / 30.0).min(1.0)
        }
        SignalKind::AlertName => 10.0,
        SignalKind::K8sReason => 3.0,
        SignalKind::Metric => 3.0,
        SignalKind::HttpStatus => 1.5,
        SignalKind::ExitCode => 1.0,
        SignalKind::Term => 1.0,
        SignalKind::Threshold => 0.0,
    }
}

fn kind_words(kind: SignalKind) -> &'static str {
    match kind {
        SignalKind::ErrorText => "error text",
        SignalKind::LogTemplate => "log message",
        SignalKind::AlertName => "alert",
        SignalKind::K8sReason => "reason",
        SignalKind::Metric => "metric",
        SignalKind::HttpStatus => "HTTP status",
        SignalKind::ExitCode => "exit code",
        SignalKind::Term => "term",
        SignalKind::Threshold => "threshold",
    }
}

fn part_texts(guide: &Guide, p: &Problem) -> Vec<String> {
    let join = |items: Vec<&str>| items.join("\n");
    let title = p.title.clone();
    let symptoms = join(
        p.symptoms
            .iter()
            .chain(p.impact.iter())
            .map(|t| t.text.as_str())
            .collect(),
    );
    let signals = join(p.signals.iter().map(|s| s.value.as_str()).collect());
    let causes = p
        .causes
        .iter()
        .map(|c| {
            [
                Some(c.text.as_str()),
                c.error.as_deref(),
                c.solution.as_deref(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n");
    let commands = join(
        p.checks
            .iter()
            .flat_map(|c| &c.commands)
            .chain(p.fixes.iter().flat_map(|f| &f.commands))
            .map(|c| c.text.as_str())
            .collect(),
    );
    let mut body = p.body.clone();
    for c in &p.checks {
        body.push('\n');
        body.push_str(&c.description);
        for n in &c.notes {
            body.push('\n');
            body.push_str(&n.text);
        }
    }
    for f in &p.fixes {
        body.push('\n');
        body.push_str(&f.description);
    }
    let stem = guide.file_stem();
    let mut context = p.breadcrumb.join("\n");
    context.push('\n');
    context.push_str(&guide.title);
    context.push('\n');
    context.push_str(stem);
    vec![
        title,
        symptoms,
        signals,
        causes,
        commands,
        body,
        context,
        p.code.clone(),
    ]
}

impl Matcher {
    /// Indexes every problem of the guides.
    pub fn new(guides: &[Guide]) -> Result<Self, MatchError> {
        let mut schema = Schema::builder();
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqs);
        let options = TextOptions::default().set_indexing_options(indexing);
        let fields: Vec<Field> = PARTS
            .iter()
            .map(|p| schema.add_text_field(p.name(), options.clone()))
            .collect();
        let pid = schema.add_u64_field("pid", INDEXED | STORED);
        let index = Index::create_in_ram(schema.build());
        let mut analyzer = analyzer();
        index.tokenizers().register(ANALYZER, analyzer.clone());
        let mut writer = index.writer_with_num_threads(1, 15_000_000)?;
        let mut entries = Vec::new();
        let mut masked_texts = Vec::new();
        let mut vocabulary = Vocabulary::default();
        // Each guide's folder terms, and its terms when it has several problems; the names
        // its introduction gives.
        let mut guide_systems: Vec<(Vec<String>, Vec<u32>)> = Vec::with_capacity(guides.len());
        // Each guide's own names for what it is about: its title's, file name's and folder's
        // words that are not ordinary English, and its introduction's names; those more than
        // half of the guides use (`http`, `api`) name none of them.
        let mut own_names: Vec<Vec<String>> = Vec::with_capacity(guides.len());
        let mut named: Vec<Vec<String>> = Vec::with_capacity(guides.len());
        for guide in guides {
            let first_entry = entries.len();
            let folder = guide
                .path
                .rsplit_once('/')
                .map(|(dir, _)| crate::analyzer::terms(&mut analyzer, &dir.replace('/', " ")))
                .unwrap_or_default();
            let stem = guide.file_stem().to_lowercase();
            for p in &guide.problems {
                let texts = part_texts(guide, p);
                masked_texts.push(crate::normalize::mask(&texts.join("\n")));
                let mut document = TantivyDocument::default();
                let mut terms = Vec::with_capacity(texts.len());
                let mut all = Vec::new();
                for (bit, (field, text)) in fields.iter().zip(&texts).enumerate() {
                    // The index's own thread analyses the text for the index while this one
                    // takes the term sets: handing it tokens would serialise every token.
                    let mut ids = Vec::new();
                    let mut stream = analyzer.token_stream(text);
                    while tantivy::tokenizer::TokenStream::advance(&mut stream) {
                        let token = tantivy::tokenizer::TokenStream::token(&stream);
                        ids.push(vocabulary.intern(&token.text));
                    }
                    document.add_text(*field, text);
                    let set = TermSet::new(ids);
                    for id in &set.0 {
                        vocabulary.fields[*id as usize] |= 1 << bit;
                    }
                    all.extend_from_slice(&set.0);
                    terms.push(set);
                }
                let all = TermSet::new(all);
                for id in &all.0 {
                    vocabulary.df[*id as usize] += 1;
                }
                document.add_u64(pid, entries.len() as u64);
                writer.add_document(document)?;
                let mut names = vec![
                    p.title
                        .to_lowercase()
                        .chars()
                        .filter(|c| c.is_alphanumeric())
                        .collect::<String>(),
                    p.anchor.replace('-', ""),
                ];
                if guide.problems.len() == 1 {
                    names.push(stem.replace(['-', '_'], ""));
                }
                entries.push(Entry {
                    id: p.id.clone(),
                    title: p.title.clone(),
                    path: guide.path.clone(),
                    line: p.span.line,
                    symptoms_line: p.symptoms.first().map_or(p.span.line, |s| s.span.line),
                    terms,
                    all,
                    names,
                    guide: guide_systems.len(),
                });
            }
            let used = TermSet::new(
                entries[first_entry..]
                    .iter()
                    .flat_map(|e: &Entry| e.all.0.iter().copied())
                    .collect(),
            );
            for id in &used.0 {
                vocabulary.guides[*id as usize] += 1;
            }
            let text = if guide.problems.len() > 1 {
                used.0
            } else {
                Vec::new()
            };
            for id in topic_terms(&entries[first_entry..], &folder, &vocabulary) {
                vocabulary.topic[id as usize] = true;
            }
            guide_systems.push((folder, text));
            // The words of its title, file name and folder that are not ordinary English
            // (`khook`, `etcd`; not `network`, `troubleshooting`), and the names its
            // introduction gives, each as its whole word's term (`ACLs` is not `ls`). A
            // guide without problems is about nothing medic can answer with.
            let (own, intro) = if guide.problems.is_empty() {
                (Vec::new(), Vec::new())
            } else {
                let mut term =
                    |w: &str| crate::analyzer::terms(&mut analyzer, w).into_iter().next();
                let dir = guide.path.rsplit_once('/').map_or("", |(dir, _)| dir);
                let own = format!("{} {} {dir}", guide.title, guide.file_stem())
                    .to_lowercase()
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| w.len() >= 2 && !is_english(w))
                    .filter_map(&mut term)
                    .collect();
                let intro = proper_names(&guide.intro)
                    .into_iter()
                    .filter_map(term)
                    .collect();
                (own, intro)
            };
            own_names.push(own);
            named.push(intro);
        }
        // The names a guide's introduction gives the system it is about (`the Virtual
        // Coffee Platform` under a title that says only `Troubleshooting Guide`) are its
        // topics too, when some problem uses them.
        // A name most guides use (`HTTP`, `API`) is not what one of them is about.
        let few_use = |id: &u32| 2 * vocabulary.guides[*id as usize] as usize <= guides.len();
        let mut own_ids: Vec<Vec<u32>> = own_names
            .iter()
            .map(|own| {
                own.iter()
                    .filter_map(|t| vocabulary.id(t))
                    .filter(few_use)
                    .collect()
            })
            .collect();
        for (g, names) in named.into_iter().enumerate() {
            let ids: Vec<u32> = names
                .iter()
                .filter_map(|t| vocabulary.id(t))
                .filter(few_use)
                .collect();
            for id in ids {
                vocabulary.topic[id as usize] = true;
                guide_systems[g].1.push(id);
                own_ids[g].push(id);
            }
        }
        // A folder's word no problem uses cannot be the system of an alert (only a system
        // some guide names is looked for), so only known terms are kept.
        let guide_systems = guide_systems
            .into_iter()
            .map(|(folder, mut text)| {
                text.extend(folder.iter().filter_map(|t| vocabulary.id(t)));
                TermSet::new(text)
            })
            .collect();
        writer.commit()?;
        let reader = index.reader()?;
        let mut signals = SignalIndex::new(guides);
        // How many problems write each error text anywhere: the more, the more generic.
        signals.spread_in(&masked_texts);
        let mut analyzer_for_synonyms = analyzer.clone();
        Ok(Self {
            reader,
            fields,
            pid,
            analyzer,
            entries,
            signals,
            vocabulary,
            guide_systems,
            sole_systems: sole_systems(own_ids),
            calibrate: std::env::var_os("MEDIC_MATCH_CALIBRATE").is_some(),
            synonyms: Synonyms::new(&mut analyzer_for_synonyms),
        })
    }

    /// Number of problems indexed.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no problem is indexed.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn idf(&self, term: &str) -> f32 {
        let n = self.entries.len().max(1) as f32;
        let df = self.vocabulary.df(term) as f32;
        (1.0 + n / (df + 0.5)).ln()
    }

    /// Whether a term of the evidence is a value rather than a word: addresses, versions,
    /// times and one- or two-digit numbers, and generated ids no guide names (`yk3pq0`).
    /// Longer plain numbers stay: a status, an exit code, a system's error code.
    fn is_value(&self, term: &str) -> bool {
        (crate::normalize::numeric(term) && (term.contains(['.', ':']) || term.len() <= 2))
            || (crate::normalize::generated(term) && !self.vocabulary.knows(term))
    }

    /// The evidence's terms with their weights, the words they were written as, the terms
    /// written as ordinary English, and the terms of each line of multi-line evidence.
    fn evidence_terms(&self, analyzer: &mut TextAnalyzer, query: &Query) -> EvidenceTerms {
        // Query terms with weights, and the words they came from.
        let mut weights: HashMap<String, f32> = HashMap::new();
        let mut surface: HashMap<String, String> = HashMap::new();
        let mut part_surface: HashMap<String, String> = HashMap::new();
        // Terms written as ordinary English words somewhere in the evidence.
        let mut english: HashSet<String> = HashSet::new();
        // The terms of each line of multi-line evidence: its first piece is its lines.
        let mut lines: Vec<Vec<String>> = Vec::new();
        let alert_name = query.alert_name.as_ref().map(|n| n.to_lowercase());
        for (piece, (text, weight)) in query.pieces.iter().enumerate() {
            let text = &crate::normalize::without_values(text);
            let tokens = self.evidence_tokens(analyzer, text);
            if piece == 0 && !query.lines.is_empty() {
                lines = terms_by_line(text, &tokens);
            }
            // The identifier a part token belongs to: parts are weighed but not shown,
            // unless the identifier itself is left out.
            let mut whole = 0..0;
            let mut whole_dropped = false;
            for (i, token) in tokens.iter().enumerate() {
                let span = token.offset_from..token.offset_to;
                let inside = span.start >= whole.start && span.end <= whole.end && whole != span;
                let is_part = inside && !whole_dropped;
                if !inside {
                    whole = span.clone();
                    whole_dropped = false;
                    // An alert's name or a code identifier no guide uses whole
                    // (`HighRequestLatency`, `maxReplicas`) is its parts, which are weighed
                    // on their own: as a whole it is not evidence about something the
                    // guides do not cover. Most tokens are plain words and stop at the first
                    // test.
                    let parts = tokens[i + 1..]
                        .iter()
                        .take_while(|t| t.offset_from >= span.start && t.offset_to <= span.end);
                    let dropped = parts.clone().nth(1).is_some()
                        && !self.vocabulary.knows(&token.text)
                        && self.stands_for_its_parts(
                            text.get(span.clone()).unwrap_or_default(),
                            span.start,
                            parts,
                            alert_name.as_deref(),
                        );
                    if dropped {
                        whole_dropped = true;
                        continue;
                    }
                }
                let w = weights.entry(token.text.clone()).or_insert(0.0);
                *w = (*w + weight).min(3.0);
                if !english.contains(&token.text)
                    && text
                        .get(span.clone())
                        .is_some_and(|word| is_english(&word.to_lowercase()))
                {
                    english.insert(token.text.clone());
                }
                if is_part {
                    part_surface
                        .entry(token.text.clone())
                        .or_insert_with(|| text.get(span).unwrap_or(&token.text).to_owned());
                    continue;
                }
                surface
                    .entry(token.text.clone())
                    .or_insert_with(|| text.get(span).unwrap_or(&token.text).to_owned());
            }
        }
        EvidenceTerms {
            weights,
            surface,
            part_surface,
            english,
            lines,
        }
    }

    /// Whether an identifier of several parts counts as its parts alone: an alert's name,
    /// or a code identifier made of words some guide uses (`maxReplicas`, `slow_threshold`)
    /// — not the name of a thing (`orders-processor`, `orders.v1`, `MySQL`) or of an error
    /// type, which names the system that raises it (`ClusterBlockException`).
    fn stands_for_its_parts<'t>(
        &self,
        written: &str,
        start: usize,
        mut parts: impl Iterator<Item = &'t Token>,
        alert_name: Option<&str>,
    ) -> bool {
        let lower = written.to_lowercase();
        // A part of two letters is a word between underscores (`nf` in `nf_conntrack`), not
        // where a name's capitals happen to split it (`My` in `MySQL`, `MySQL_connections`).
        let bytes = written.as_bytes();
        let long_enough = |t: &Token| {
            let (from, to) = (t.offset_from - start, t.offset_to - start);
            let between_underscores = (from == 0 || bytes.get(from - 1) == Some(&b'_'))
                && (to == bytes.len() || bytes.get(to) == Some(&b'_'));
            to - from >= 3 || (to - from == 2 && between_underscores)
        };
        alert_name == Some(lower.as_str())
            || (!written.contains(['-', '.'])
                && !lower.ends_with("exception")
                && !lower.ends_with("error")
                && parts.all(|t| long_enough(t) && self.vocabulary.knows(&t.text)))
    }

    /// The analysed tokens of evidence text, without the words of its URLs that no guide
    /// uses: hosts, ids and query values are addresses, not evidence.
    fn evidence_tokens(&self, analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
        let mut tokens = crate::analyzer::tokens(analyzer, text);
        let urls = crate::normalize::url_spans(text);
        if !urls.is_empty() {
            tokens.retain(|t| {
                self.vocabulary.knows(&t.text)
                    || !urls
                        .iter()
                        .any(|u| t.offset_from >= u.start && t.offset_to <= u.end)
            });
        }
        tokens
    }

    /// The best `top` problems for the evidence, best first; empty when nothing matches
    /// well enough to trust.
    pub fn search(&self, evidence: &Evidence, top: usize) -> Vec<Match> {
        let query = evidence.query();
        if query.is_empty() || self.entries.is_empty() || top == 0 {
            return Vec::new();
        }
        let mut analyzer = self.analyzer.clone();
        let EvidenceTerms {
            mut weights,
            surface,
            part_surface,
            english,
            lines,
        } = self.evidence_terms(&mut analyzer, &query);
        // Values are not words: addresses, versions, times and one- or two-digit numbers
        // are dropped.
        weights.retain(|t, _| !self.is_value(t));
        // Words that mean the same to an on-call engineer: searched at a lower weight,
        // and a problem using one of them covers the evidence's word.
        let expansions = self.synonyms.expand(&weights, || {
            crate::synonyms::written(query.pieces.iter().map(|(t, _)| t.as_str()))
        });
        let mut ranked: Vec<(String, f32, f32)> = weights
            .into_iter()
            .map(|(t, w)| {
                let weighed = w * self.idf(&t);
                (t, w, weighed)
            })
            .collect();
        ranked.sort_unstable_by(|a, b| b.2.total_cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
        ranked.truncate(256);
        let id = |t: &str| self.vocabulary.id(t);
        // Each term's id and weighed idf, and the ids of the synonyms that cover it: looked
        // up once here, used for every candidate.
        let measured: Vec<(Option<u32>, f32, Vec<Option<u32>>)> = ranked
            .iter()
            .map(|(t, _, weighed)| {
                let synonyms = expansions
                    .iter()
                    .filter(|x| x.of.contains(t))
                    .map(|x| id(&x.term))
                    .collect();
                (id(t), *weighed, synonyms)
            })
            .collect();
        let terms: Vec<(String, f32)> = ranked.into_iter().map(|(t, w, _)| (t, w)).collect();

        let mut searched = terms.clone();
        searched.extend(expansions.iter().map(|x| (x.term.clone(), x.weight)));
        let text_scores = self.text_scores(&searched);
        let tokens = query_tokens(&query);
        let hits = self.signals.find(&query.exact, &tokens);

        let mut candidates: HashMap<usize, Candidate> = HashMap::new();
        for (pid, score) in text_scores {
            candidates.entry(pid).or_default().text = score;
        }
        for hit in &hits {
            let entry = &self.signals.entries[hit.entry];
            candidates
                .entry(entry.problem)
                .or_default()
                .hits
                .push(hit.clone());
        }
        if let Some(name) = &query.alert_name {
            let key: String = name
                .to_lowercase()
                .chars()
                .filter(|c| c.is_alphanumeric())
                .collect();
            for (pid, e) in self.entries.iter().enumerate() {
                if e.names.contains(&key) {
                    candidates.entry(pid).or_default().alert_named = true;
                }
            }
        }
        if let Some(runbook) = &query.runbook {
            let key: String = runbook.chars().filter(|c| c.is_alphanumeric()).collect();
            for (pid, e) in self.entries.iter().enumerate() {
                if e.names.contains(&key) {
                    candidates.entry(pid).or_default().runbook = true;
                }
            }
        }

        let total_idf: f32 = measured.iter().map(|m| m.1).sum::<f32>().max(1e-6);
        // The share of the evidence (idf-weighted) that no guide mentions at all and that is
        // not ordinary English: high when the evidence is about a system the guides do not
        // cover (Kafka, Elasticsearch, ORA-…), not when it is only phrased in other words.
        // A word whose synonym some guide uses (`5xx` for 502) is known.
        let unknown_share = |english_words: bool| {
            terms
                .iter()
                .zip(&measured)
                .filter(|((t, _), m)| {
                    m.0.is_none()
                        && m.2.iter().all(Option::is_none)
                        && english.contains(t) == english_words
                })
                .map(|(_, m)| m.1)
                .sum::<f32>()
                / total_idf
        };
        let unknown = unknown_share(false);
        let phrasing = unknown_share(true);
        // Distinct terms of each evidence line long enough to judge on its own, as ids with
        // their idf, and the line's whole idf.
        let line_terms: Vec<(Vec<Weighed>, f32)> = lines
            .into_iter()
            .map(|mut t| {
                t.retain(|t| !self.is_value(t));
                t.sort_unstable();
                t.dedup();
                t
            })
            .filter(|t| t.len() >= 4)
            .map(|t| {
                let line: Vec<Weighed> = t.iter().map(|t| (id(t), self.idf(t))).collect();
                let all = line.iter().map(|(_, idf)| idf).sum();
                (line, all)
            })
            .collect();
        let best_text = candidates
            .values()
            .map(|c| c.text)
            .fold(0.0f32, f32::max)
            .max(1e-6);
        // The alert's label values, each as the term of its whole value.
        let labels: Vec<(&str, &str, Option<u32>)> = query
            .labels
            .iter()
            .filter_map(|(key, value)| {
                let whole = crate::analyzer::terms(&mut analyzer, value)
                    .into_iter()
                    .next()?;
                Some((key.as_str(), value.as_str(), id(&whole)))
            })
            .collect();
        // The system an alert's name starts with, when it is a name rather than an English
        // word (`Elasticsearch` in `ElasticsearchHealthyNodes`, `Kube` in `KubePodNotReady`;
        // not `High` in `HighErrorRate`), as its term's id. A system no guide names is
        // left to the words, as any evidence about what the guides do not know is.
        let system_named = query
            .alert_name
            .as_deref()
            .and_then(|name| alert_system(&mut analyzer, name));
        let system = system_named.as_ref().and_then(|(term, _)| id(term));
        // The systems text evidence names: its words that name what some guide is about
        // (`redis`, `alertmanager`), unless they are ordinary English that other guides use
        // too (`discord` names a system when one guide alone uses it).
        let topics: Vec<(&str, u32)> = if query.alert_name.is_none() {
            terms
                .iter()
                .zip(&measured)
                .filter_map(|((t, _), m)| Some((t.as_str(), m.0?)))
                .filter(|(t, id)| {
                    let id = *id as usize;
                    self.vocabulary.topic[id]
                        && (!english.contains(*t) || self.vocabulary.guides[id] == 1)
                })
                .collect()
        } else {
            Vec::new()
        };
        // The scores of problems set back for being about something else, before that: the
        // best is far ahead only of what it outscores on the evidence itself.
        let mut topic_free: HashMap<usize, f32> = HashMap::new();
        // The problems set back for being about another system than the alert's.
        let mut foreign: HashSet<usize> = HashSet::new();
        // The problems trusted because their guide alone is about a system the evidence names.
        let mut owned: HashSet<usize> = HashSet::new();
        // Each candidate's score, trust, problem, labels it names and match so far.
        let mut out: Vec<(f32, Trust, usize, LabelsNamed, Match)> = Vec::new();
        for (pid, mut c) in candidates {
            let e = &self.entries[pid];
            let (covered, words) = measured
                .iter()
                .filter(|(term, _, synonyms)| {
                    e.all.has(*term) || synonyms.iter().any(|x| e.all.has(*x))
                })
                .fold((0.0f32, 0usize), |(sum, n), m| (sum + m.1, n + 1));
            c.coverage = covered / total_idf;
            for (line, all) in &line_terms {
                let hit: f32 = line
                    .iter()
                    .filter(|(term, _)| e.all.has(*term))
                    .map(|(_, idf)| idf)
                    .sum();
                if *all > 0.0 {
                    c.coverage = c.coverage.max(LINE_COVERAGE_FACTOR * hit / all);
                }
            }
            let (bonus, strong, mut reasons) = self.signal_bonus(&c, &query, e);
            let named = Self::labels_named(&labels, e);
            let label_bonus = named.len().min(3) as f32 * 0.75;
            // Text relevance relative to the best text match of this query, so exact signals
            // weigh the same against short and long evidence.
            let text = TEXT_SCALE * c.text / best_text;
            // A long section covers more of any evidence by chance, a short one less: the
            // coverage that counts is measured against a section of 100 distinct terms, and
            // a long section's text score counts for less.
            let judged = (c.coverage
                - SIZE_COVERAGE * (e.all.0.len().max(SIZE_FLOOR) as f32 / SIZE_REFERENCE).ln())
            .max(0.0);
            let length = 1.0 + LENGTH_PENALTY * (1.0 + e.all.0.len() as f32 / 100.0).ln();
            let mut score = text * (0.4 + judged).powf(1.5) / length + 2.0 * (bonus + label_bonus);
            // Trusted when exact evidence backs it, or when it covers enough of the evidence
            // and the evidence is not mostly about things no guide mentions.
            // A short section is credited for its size only when it shares more than one
            // word with the evidence: `slow` alone does not make "kafka broker slow on node 3"
            // a guide's three-word "Slow disk".
            let judged = if words >= 2 {
                judged
            } else {
                judged.min(c.coverage)
            };
            // An alert about a system this problem's guide never names (`Elasticsearch…` and
            // a Kubernetes job runbook that mentions Elasticsearch once) is about something
            // else, whatever words they share.
            let is_foreign = !strong && system.is_some_and(|system| !self.names_system(e, system));
            if is_foreign {
                foreign.insert(pid);
                score *= FOREIGN_SYSTEM_FACTOR;
            }
            // Text evidence that names systems (`sessions vanish from redis`) is about none of
            // the problems whose guide never mentions any of them: ranked lower, still
            // trusted on what they cover.
            let off_topic =
                !strong && !topics.is_empty() && topics.iter().all(|t| !self.mentions(e, t.1));
            if off_topic {
                topic_free.insert(pid, score);
                score *= OFF_TOPIC_FACTOR;
            }
            // Evidence that names the system one guide alone is about (`khook`, `virtual
            // coffee`) needs less of its wording in that guide's problems.
            let own_system = topics
                .iter()
                .any(|t| self.sole_systems.get(&t.1) == Some(&e.guide));
            let mut accepted = strong
                || (judged >= COVERAGE_MIN && unknown <= UNKNOWN_MAX)
                || (judged >= COVERAGE_FLOOR && judged / (judged + unknown) >= COVERAGE_SHARE_MIN);
            if !accepted
                && own_system
                && judged >= OWN_SYSTEM_COVERAGE_MIN
                && unknown <= UNKNOWN_MAX
            {
                accepted = true;
                owned.insert(pid);
            }
            // Otherwise trusted only far ahead of every other problem, when it still covers
            // a fair share of evidence that is mostly about what the guides know.
            let trust = if is_foreign {
                Trust::Untrusted
            } else if accepted {
                Trust::Trusted
            } else if judged >= LEAD_COVERAGE_MIN && unknown <= LEAD_UNKNOWN_MAX {
                Trust::IfFarAhead
            } else {
                Trust::Untrusted
            };
            if self.calibrate {
                // The evidence's words this problem lacks, with their weight: K known to some
                // guide, E ordinary English, U unknown.
                let missing: Vec<String> = terms
                    .iter()
                    .filter(|(t, _)| !e.all.has(id(t)))
                    .map(|(t, w)| {
                        let tag = match (self.vocabulary.knows(t), english.contains(t)) {
                            (true, _) => "K",
                            (false, true) => "E",
                            (false, false) => "U",
                        };
                        format!("{t}:{tag}{:.1}", w * self.idf(t))
                    })
                    .collect();
                reasons.push(format!("calibration: missing {}", missing.join(" ")));
                reasons.push(format!(
                    "calibration: text={:.3} coverage={:.3} bonus={:.3} strong={} accepted={} unknown={:.3} english={:.3} size={} label={:.3} words={} foreign={} offtopic={} own={} topics={}",
                    c.text, c.coverage, bonus, strong, accepted, unknown, phrasing,
                    e.all.0.len(), label_bonus, words, is_foreign, off_topic, own_system,
                    topics.iter().map(|t| t.0).collect::<Vec<_>>().join(",")
                ));
            }
            out.push((
                score,
                trust,
                pid,
                named,
                Match {
                    id: e.id.clone(),
                    title: e.title.clone(),
                    score: (score * 100.0).round() / 100.0,
                    reasons,
                },
            ));
        }
        out.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.4.id.cmp(&b.4.id)));
        // The words behind each match shown, and the synonyms when only they matched.
        let explain = |pid: usize, named: LabelsNamed, mut m: Match| {
            let e = &self.entries[pid];
            m.reasons.extend(self.word_reasons(&terms, &surface, e));
            for (i, in_commands) in named {
                let (key, value, _) = labels[i];
                let place = if in_commands { "commands" } else { "text" };
                m.reasons.push(format!(
                    "label {key}={value} ∈ guide {place} ({}:{})",
                    e.path, e.line
                ));
            }
            if m.reasons.is_empty() {
                let mut pairs: Vec<String> = expansions
                    .iter()
                    .filter(|x| e.all.has(id(&x.term)))
                    .map(|x| {
                        let of = &x.of[0];
                        let word = surface.get(of).map_or(of.as_str(), String::as_str);
                        format!("\"{word}\" ~ \"{}\"", x.term)
                    })
                    .collect();
                pairs.truncate(6);
                m.reasons.push(format!(
                    "synonyms {} at {}:{}",
                    pairs.join(", "),
                    e.path,
                    e.line
                ));
            }
            let written = |t: &str| {
                let word = surface.get(t).or_else(|| part_surface.get(t));
                format!("\"{}\"", word.map_or(t, String::as_str))
            };
            if owned.contains(&pid) {
                let named: Vec<String> = topics
                    .iter()
                    .filter(|t| self.sole_systems.get(&t.1) == Some(&e.guide))
                    .map(|(t, _)| written(t))
                    .collect();
                m.reasons.push(format!(
                    "trusted on less of the evidence: it names {}, which only {} is about",
                    named.join(", "),
                    e.path
                ));
            }
            // Why a problem sharing the evidence's words ranks lower than they say.
            if foreign.contains(&pid) {
                if let Some((_, system)) = &system_named {
                    m.reasons.push(format!(
                        "ranked lower, not trusted: the alert is about \"{system}\", which {} \
                         never names",
                        e.path
                    ));
                }
            } else if topic_free.contains_key(&pid) {
                let named: Vec<String> = topics.iter().map(|(t, _)| written(t)).collect();
                m.reasons.push(format!(
                    "ranked lower: the evidence names {}, which {} never mentions",
                    named.join(", "),
                    e.path
                ));
            }
            m
        };
        if self.calibrate {
            return out
                .into_iter()
                .take(top)
                .map(|(_, _, pid, named, m)| explain(pid, named, m))
                .collect();
        }
        // The answer is the best-ranked problem when it can be trusted; a weaker one that
        // happens to pass is not promoted in its place.
        let runner_up = out
            .iter()
            .skip(1)
            .map(|o| topic_free.get(&o.2).copied().unwrap_or(o.0))
            .fold(0.0f32, f32::max);
        match out.first_mut() {
            Some((s, trust @ Trust::IfFarAhead, ..)) if *s >= LEAD_FACTOR * runner_up => {
                *trust = Trust::Trusted;
            }
            Some((_, Trust::Trusted, ..)) => {}
            _ => return Vec::new(),
        }
        // Runners-up far behind the best are noise, not alternatives; one that cannot be
        // trusted on its own is shown only close behind a trusted best.
        let best = out.first().map_or(0.0, |o| o.0);
        out.into_iter()
            .filter(|(s, trust, ..)| {
                *s >= best
                    * if *trust == Trust::Trusted {
                        RUNNER_UP_MIN
                    } else {
                        UNTRUSTED_RUNNER_UP_MIN
                    }
            })
            .take(top)
            .map(|(_, _, pid, named, m)| explain(pid, named, m))
            .collect()
    }

    fn text_scores(&self, terms: &[(String, f32)]) -> Vec<(usize, f32)> {
        let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
        for (term, weight) in terms {
            // Only the fields some problem has the term in: the others would score nothing.
            let Some(id) = self.vocabulary.id(term) else {
                continue;
            };
            let present = self.vocabulary.fields[id as usize];
            for (bit, (part, field)) in PARTS.iter().zip(&self.fields).enumerate() {
                if present & (1 << bit) == 0 {
                    continue;
                }
                let q = TermQuery::new(
                    Term::from_field_text(*field, term),
                    IndexRecordOption::WithFreqs,
                );
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(q), part.boost() * weight)),
                ));
            }
        }
        if clauses.is_empty() {
            return Vec::new();
        }
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let Ok(top) = searcher.search(&query, &TopDocs::with_limit(40).order_by_score()) else {
            return Vec::new();
        };
        top.into_iter()
            .filter_map(|(score, address)| {
                let doc: TantivyDocument = searcher.doc(address).ok()?;
                let pid = doc.get_first(self.pid)?.as_u64()?;
                Some((usize::try_from(pid).ok()?, score))
            })
            .collect()
    }

    fn signal_bonus(&self, c: &Candidate, query: &Query, e: &Entry) -> (f32, bool, Vec<String>) {
        let mut bonus = 0.0f32;
        let mut strong = false;
        let mut reasons = Vec::new();
        if c.runbook {
            bonus += 12.0;
            strong = true;
            reasons.push(format!(
                "runbook_url names this runbook ({}:{})",
                e.path, e.line
            ));
        }
        if c.alert_named {
            bonus += 10.0;
            strong = true;
            reasons.push(format!(
                "alert {} = \"{}\" at {}:{}",
                query.alert_name.as_deref().unwrap_or(""),
                e.title,
                e.path,
                e.line
            ));
        }
        // Heaviest first; among equals the longest, so an error text inside another one
        // meets the one containing it already counted.
        let mut hits: Vec<&Hit> = c.hits.iter().collect();
        hits.sort_by(|a, b| {
            let (sa, sb) = (
                &self.signals.entries[a.entry],
                &self.signals.entries[b.entry],
            );
            let wa = signal_weight(sa.kind, sa.masked.len()) * a.strength;
            let wb = signal_weight(sb.kind, sb.masked.len()) * b.strength;
            wb.total_cmp(&wa)
                .then_with(|| sb.masked.len().cmp(&sa.masked.len()))
        });
        let mut signal_bonus = 0.0f32;
        // The error texts already counted: one a counted text contains
        // (`connection refused` in `connect: connection refused`) is the same evidence.
        let mut counted: Vec<&str> = Vec::new();
        for hit in hits {
            let s = &self.signals.entries[hit.entry];
            if matches!(s.kind, SignalKind::ErrorText | SignalKind::LogTemplate)
                && hit.part_of.is_none()
                && hit.shares.is_none()
            {
                if counted.iter().any(|t| t.contains(s.masked.as_str())) {
                    continue;
                }
                counted.push(&s.masked);
            }
            let alert_term = s.kind == SignalKind::Term
                && query
                    .alert_name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(&s.value));
            let kind = if alert_term {
                SignalKind::AlertName
            } else {
                s.kind
            };
            if kind == SignalKind::AlertName && c.alert_named {
                // Already counted: the alert names this problem.
                continue;
            }
            // A signal in the heading is what the section is about.
            let heading = s.line == e.line
                || e.title
                    .to_lowercase()
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|w| w == s.value.to_lowercase());
            let in_title = if heading { 2.0 } else { 1.0 };
            // An error many guides write somewhere (`context deadline exceeded`) says less
            // about which problem this is than one only this problem has.
            let generic = if matches!(kind, SignalKind::ErrorText | SignalKind::LogTemplate) {
                (s.text_spread as f32).sqrt().recip()
            } else {
                1.0
            };
            let w = signal_weight(kind, s.masked.len()) * hit.strength * in_title * generic;
            signal_bonus += w;
            // Evidence strong enough to trust a match on its own: an alert name, a
            // distinctive Kubernetes reason (`CrashLoopBackOff`, not `Pending`), or an error
            // string of some length that few problems share.
            let distinctive = s.spread <= STRONG_SPREAD_MAX;
            match kind {
                SignalKind::AlertName => strong = true,
                SignalKind::K8sReason
                    if s.value.chars().filter(char::is_ascii_uppercase).count() >= 2 =>
                {
                    strong = true;
                }
                SignalKind::ErrorText | SignalKind::LogTemplate
                    if distinctive
                        && hit.strength >= 0.5
                        && s.masked.len() >= 15
                        && s.masked.split(' ').count() >= 3 =>
                {
                    strong = true;
                }
                _ => {}
            }
            if reasons.len() < 6 {
                let value = shorten(&s.value, 80);
                reasons.push(match (&hit.part_of, kind) {
                    (None, _) if let Some((common, of)) = hit.shares => format!(
                        "{} \"{value}\" at {}:{}: {common} of its {of} words ⊂ evidence",
                        kind_words(kind),
                        e.path,
                        s.line
                    ),
                    (Some(part), _) => format!(
                        "evidence \"{}\" ⊂ {} \"{value}\" at {}:{}",
                        shorten(part, 60),
                        kind_words(kind),
                        e.path,
                        s.line
                    ),
                    (None, SignalKind::ErrorText | SignalKind::LogTemplate) => format!(
                        "{} \"{value}\" at {}:{} ⊂ evidence",
                        kind_words(kind),
                        e.path,
                        s.line
                    ),
                    _ => format!("{} {value} at {}:{}", kind_words(kind), e.path, s.line),
                });
            }
        }
        bonus += signal_bonus.min(20.0);
        (bonus, strong, reasons)
    }

    fn word_reasons(
        &self,
        terms: &[(String, f32)],
        surface: &HashMap<String, String>,
        e: &Entry,
    ) -> Vec<String> {
        let mut per_part: Vec<(f32, Part, Vec<&str>)> = Vec::new();
        let mut used: HashSet<&str> = HashSet::new();
        for part in PARTS {
            let mut words = Vec::new();
            let mut weight = 0.0;
            for (t, w) in terms {
                if e.part(part).has(self.vocabulary.id(t)) && !used.contains(t.as_str()) {
                    if let Some(s) = surface.get(t) {
                        words.push(s.as_str());
                    }
                    weight += w * self.idf(t) * part.boost();
                }
            }
            if !words.is_empty() {
                for (t, _) in terms {
                    if e.part(part).has(self.vocabulary.id(t)) {
                        used.insert(t.as_str());
                    }
                }
                per_part.push((weight, part, words));
            }
        }
        per_part.sort_by(|a, b| b.0.total_cmp(&a.0));
        per_part
            .into_iter()
            .take(2)
            .map(|(_, part, mut words)| {
                words.truncate(6);
                let quoted: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
                let line = if part == Part::Symptoms {
                    e.symptoms_line
                } else {
                    e.line
                };
                format!(
                    "words {} in {} at {}:{}",
                    quoted.join(", "),
                    part.name(),
                    e.path,
                    line
                )
            })
            .collect()
    }

    /// Whether a problem's title, guide, folder, the names its guide's introduction gives
    /// or (for a guide of several problems) the guide's text names a system.
    fn names_system(&self, e: &Entry, system: u32) -> bool {
        let system = Some(system);
        e.part(Part::Title).has(system)
            || e.part(Part::Context).has(system)
            || self.guide_systems[e.guide].has(system)
    }

    /// Whether a problem, its guide (when it has several problems), its guide's introduction
    /// or its folder mentions a term at all. A guide's topics are among these: its folder's,
    /// the names its introduction gives, and its problems' terms.
    fn mentions(&self, e: &Entry, term: u32) -> bool {
        let term = Some(term);
        e.all.has(term) || self.guide_systems[e.guide].has(term)
    }

    /// The alert labels whose value the problem names.
    fn labels_named(labels: &[(&str, &str, Option<u32>)], e: &Entry) -> LabelsNamed {
        let commands = e.part(Part::Commands);
        let text = [e.part(Part::Body), e.part(Part::Context)];
        labels
            .iter()
            .enumerate()
            .filter_map(|(i, (_, _, whole))| {
                if commands.has(*whole) {
                    Some((i, true))
                } else {
                    text.iter().any(|t| t.has(*whole)).then_some((i, false))
                }
            })
            .collect()
    }
}

/// When no exact signal backs a match: the share of the evidence's (idf-weighted) words it
/// must contain, the most of the evidence that may be unknown to every guide, and the
/// alternative of covering most of what the guides do know. Calibrated on the evaluation
/// sets with MEDIC_MATCH_CALIBRATE=1: see docs/matching.md.
const COVERAGE_MIN: f32 = 0.35;
const UNKNOWN_MAX: f32 = 0.4;
const COVERAGE_FLOOR: f32 = 0.3;
const COVERAGE_SHARE_MIN: f32 = 0.7;
/// The share a problem must cover when the evidence names the system its guide alone is
/// about, with at most [`UNKNOWN_MAX`] unknown.
const OWN_SYSTEM_COVERAGE_MIN: f32 = 0.2;

/// How much a section's length moves the coverage it is judged on: this times the log of
/// its distinct terms over [`SIZE_REFERENCE`] is taken off (a section of 340 terms loses
/// 0.10, one of 30 gains 0.10).
const SIZE_COVERAGE: f32 = 0.08;
const SIZE_REFERENCE: f32 = 100.0;
/// A section is judged as having at least this many distinct terms: a one-line section
/// gains at most 0.11, or a word or two of unrelated evidence would be trusted on it.
const SIZE_FLOOR: usize = 25;

/// A problem that covers less than that is still trusted when it scores this many times
/// the next one, covers at least this share of the evidence, and at most this share of the
/// evidence is unknown to every guide.
const LEAD_FACTOR: f32 = 2.0;
const LEAD_COVERAGE_MIN: f32 = 0.2;
const LEAD_UNKNOWN_MAX: f32 = 0.3;

/// The terms that name what a guide is about: its folder's, its problems' context (guide
/// title, file name, parent headings), and, when it has three problems or more, the terms
/// at least half of them use in their prose. Commands are left out: `kubectl` in every
/// block is how a guide works, not what it is about. A term may come more than once.
fn topic_terms(entries: &[Entry], folder: &[String], vocabulary: &Vocabulary) -> Vec<u32> {
    let mut topics: Vec<u32> = folder.iter().filter_map(|t| vocabulary.id(t)).collect();
    for e in entries {
        topics.extend_from_slice(&e.part(Part::Context).0);
    }
    if entries.len() >= 3 {
        let mut count: HashMap<u32, usize> = HashMap::new();
        for e in entries {
            let prose = TermSet::new(
                [
                    Part::Title,
                    Part::Symptoms,
                    Part::Signals,
                    Part::Causes,
                    Part::Body,
                ]
                .iter()
                .flat_map(|p| e.part(*p).0.iter().copied())
                .collect(),
            );
            for id in prose.0 {
                *count.entry(id).or_default() += 1;
            }
        }
        topics.extend(
            count
                .into_iter()
                .filter(|(_, n)| 2 * n >= entries.len())
                .map(|(id, _)| id),
        );
    }
    topics
}

/// The first word of an alert's name of several words, as a term and as written, when it
/// is not ordinary English: the system the alert is about, by the naming convention of rule
/// sets.
fn alert_system(analyzer: &mut TextAnalyzer, name: &str) -> Option<(String, String)> {
    let tokens = crate::analyzer::tokens(analyzer, name);
    let whole = tokens.first()?;
    let first = tokens.get(1)?;
    if whole.offset_from != 0 || whole.offset_to != name.len() || first.offset_from != 0 {
        return None;
    }
    // A two-letter first part is an acronym's start: `HAProxy` splits as `HA` `Proxy`.
    let end = if first.offset_to < 3 {
        tokens.get(2)?.offset_to
    } else {
        first.offset_to
    };
    let written = name.get(..end)?;
    let lower = written.to_lowercase();
    if end >= name.len() || is_english(&lower) {
        return None;
    }
    let term = if end == first.offset_to {
        first.text.clone()
    } else {
        crate::analyzer::terms(analyzer, &lower)
            .into_iter()
            .next()?
    };
    Some((term, written.to_owned()))
}

/// How much a problem's score counts when its guide never names the system the alert is
/// about: measured on the awesome-prometheus-alerts rule set (see docs/matching.md).
const FOREIGN_SYSTEM_FACTOR: f32 = 0.5;

/// How much a problem's score counts when text evidence names systems its guide never
/// mentions: measured on the evaluation sets (see docs/matching.md).
const OFF_TOPIC_FACTOR: f32 = 0.5;

/// Each system one guide alone names as its own (see [`Matcher::sole_systems`]), with the
/// guide: from each guide's own names, in guide order.
fn sole_systems(own_names: Vec<Vec<u32>>) -> HashMap<u32, usize> {
    let mut owners: HashMap<u32, Option<usize>> = HashMap::new();
    for (g, mut names) in own_names.into_iter().enumerate() {
        names.sort_unstable();
        names.dedup();
        for id in names {
            owners
                .entry(id)
                .and_modify(|owner| *owner = None)
                .or_insert(Some(g));
        }
    }
    owners
        .into_iter()
        .filter_map(|(id, owner)| Some((id, owner?)))
        .collect()
}

/// The alert labels a problem names: each label's index, and whether the problem's
/// commands name it (rather than its text).
type LabelsNamed = Vec<(usize, bool)>;

/// Whether a candidate can be the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trust {
    Trusted,
    /// Only when it scores far above every other candidate.
    IfFarAhead,
    Untrusted,
}

/// How much a section's length (distinct terms, per hundred) discounts its text score.
const LENGTH_PENALTY: f32 = 0.15;

/// The text score of the best text match of a query, against which signal bonuses add up.
const TEXT_SCALE: f32 = 100.0;

/// An error string stated by more problems than this does not decide a match alone.
const STRONG_SPREAD_MAX: usize = 3;

/// Multi-line evidence: how much one line's coverage counts, and how many lines are read.
const LINE_COVERAGE_FACTOR: f32 = 0.85;
const MAX_LINES_COVERED: usize = 200;

/// Runners-up must score at least this share of the best match, or this share when they
/// could not be trusted on their own.
const UNTRUSTED_RUNNER_UP_MIN: f32 = 0.3;

/// Runners-up must score at least this share of the best match.
const RUNNER_UP_MIN: f32 = 0.15;

#[derive(Default)]
struct Candidate {
    text: f32,
    coverage: f32,
    hits: Vec<Hit>,
    alert_named: bool,
    runbook: bool,
}

/// What the evidence says, as terms.
struct EvidenceTerms {
    /// Each term's weight.
    weights: HashMap<String, f32>,
    /// The word each term was first written as, for reasons.
    surface: HashMap<String, String>,
    /// The same for terms written only as parts of an identifier (`coffee` in
    /// `virtual-coffee`), for reasons that name a term rather than list what matched.
    part_surface: HashMap<String, String>,
    /// Terms written as ordinary English words somewhere in the evidence.
    english: HashSet<String>,
    /// The terms of each of the first lines of multi-line evidence.
    lines: Vec<Vec<String>>,
}

/// The tokens of a text grouped by the line they are on, for its first
/// `MAX_LINES_COVERED` lines.
fn terms_by_line(text: &str, tokens: &[Token]) -> Vec<Vec<String>> {
    let mut lines: Vec<Vec<String>> = vec![Vec::new()];
    let mut breaks = text.match_indices('\n').map(|(at, _)| at).peekable();
    for token in tokens {
        while breaks.next_if(|at| *at < token.offset_from).is_some() {
            lines.push(Vec::new());
        }
        if lines.len() > MAX_LINES_COVERED {
            break;
        }
        if let Some(line) = lines.last_mut() {
            line.push(token.text.clone());
        }
    }
    lines.truncate(MAX_LINES_COVERED);
    lines
}

/// Lower-case words of the evidence for single-word signals (reasons, metrics, codes).
fn query_tokens(query: &Query) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    let mut push = |t: String| {
        if seen.insert(t.clone()) {
            out.push(t);
        }
    };
    for (text, _) in &query.pieces {
        for w in text
            .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':' || c == '-' || c == '.'))
        {
            let w = w.trim_matches(['.', ':', '-']);
            if w.len() >= 3 {
                push(w.to_lowercase());
            }
            // An HTTP status also names its class: 503 → 5xx.
            if w.len() == 3
                && w.chars().all(|c| c.is_ascii_digit())
                && matches!(w.as_bytes()[0], b'4' | b'5')
            {
                push(format!("{}xx", &w[..1]));
            }
        }
    }
    if let Some(name) = &query.alert_name {
        push(name.to_lowercase());
    }
    for m in &query.metrics {
        push(m.to_lowercase());
    }
    out
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let cut: String = s.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

/// The words of prose written with a capital inside a sentence: the names it gives
/// (`Virtual Coffee Platform`, `Crossplane`, `AWS`), not the first word of a sentence or a
/// paragraph (paragraphs are separated by a blank line), nor what code spans say.
fn proper_names(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    for paragraph in text.split("\n\n") {
        let mut sentence_start = true;
        // Code spans are odd-numbered pieces between backticks.
        for prose in paragraph.split('`').step_by(2) {
            for word in prose.split_whitespace() {
                let bare = word.trim_matches(|c: char| !c.is_alphanumeric());
                if !sentence_start && bare.starts_with(char::is_uppercase) {
                    names.push(bare);
                }
                // A sentence ends at its full stop, inside quotes or brackets too, but not at
                // an abbreviation's (`e.g. Kubernetes`).
                let end = word.trim_end_matches(['"', '\'', ')', ']', '*', '_']);
                let lower = end.to_lowercase();
                sentence_start = end.ends_with(['.', '!', '?'])
                    && !["e.g.", "i.e.", "etc.", "vs.", "cf."].contains(&lower.as_str());
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use crate::{Evidence, Matcher};

    /// The five seed guides, by their number.
    const SEED_TEXTS: [&str; 5] = [
        include_str!("../../../testdata/seeds/000_5a2fd40b88a89dd5.txt"),
        include_str!("../../../testdata/seeds/001_ed404bc90f76630f.txt"),
        include_str!("../../../testdata/seeds/002_7f3c5c84cff19295.txt"),
        include_str!("../../../testdata/seeds/003_f49a088b457f2bc5.txt"),
        include_str!("../../../testdata/seeds/004_e5546a48ff37e294.txt"),
    ];

    /// Some seed guides, parsed as `000.txt` … `004.txt`.
    fn seed_guides(which: &[usize]) -> Vec<medic_guide::Guide> {
        which
            .iter()
            .map(|&i| medic_guide::parse(&format!("00{i}.txt"), SEED_TEXTS[i]))
            .collect()
    }

    /// The bundled example guides, under their file names.
    fn example_guides() -> Vec<medic_guide::Guide> {
        [
            (
                "http-service.md",
                include_str!("../../../examples/guides/http-service.md"),
            ),
            (
                "kubernetes-pods.md",
                include_str!("../../../examples/guides/kubernetes-pods.md"),
            ),
            (
                "postgresql.md",
                include_str!("../../../examples/guides/postgresql.md"),
            ),
            (
                "prometheus-alertmanager.md",
                include_str!("../../../examples/guides/prometheus-alertmanager.md"),
            ),
            (
                "redis.md",
                include_str!("../../../examples/guides/redis.md"),
            ),
            (
                "tls-certificates.md",
                include_str!("../../../examples/guides/tls-certificates.md"),
            ),
        ]
        .into_iter()
        .map(|(name, text)| medic_guide::parse(name, text))
        .collect()
    }

    fn seeds() -> Matcher {
        Matcher::new(&seed_guides(&[0, 2, 3])).unwrap()
    }

    #[test]
    fn a_problem_far_ahead_of_the_rest_is_trusted_on_less_coverage() {
        // The error line covers under a third of the evidence (the logger's info lines
        // and a provider name no guide uses), but no other problem comes close.
        let logs = "2026-11-23T10:11:02.118Z  INFO hodei_server::providers: loading provider configs count=3\n\
            2026-11-23T10:11:02.120Z ERROR hodei_server::providers: skipping provider \"k8s-eu-west\": invalid config: trailing comma at line 1 column 52\n\
            2026-11-23T10:11:02.121Z  INFO hodei_server::providers: Provider registered: docker-local";
        let found = seeds().search(&Evidence::Text(logs.into()), 3);
        assert_eq!(
            found.first().map(|m| m.id.as_str()),
            Some("002.txt#provider-not-registering"),
            "{found:?}"
        );
        assert!(!found[0].reasons.is_empty());
    }

    #[test]
    fn a_long_section_needs_more_of_the_evidence_than_a_short_one() {
        // The same three words of the evidence, in a section of a few terms and in one of
        // four hundred: the short one is trusted, the long one covers them by chance.
        let short = "# Store\n\n## Quorum lost\n\n**Symptoms**\n\n- Members lose quorum.\n\n\
                     ## Slow disk\n\n**Symptoms**\n\n- Fsync takes long.\n";
        let letter = |i: u32| char::from_digit(10 + i % 26, 36).unwrap_or('z');
        let filler: Vec<String> = (0..400u32)
            .map(|i| format!("term{}{}x", letter(i), letter(i / 26)))
            .collect();
        let long = short.replace(
            "- Members lose quorum.\n",
            &format!("- Members lose quorum.\n\n{}\n", filler.join(" ")),
        );
        let evidence =
            Evidence::Text("quorum lost while members restarted during the storage outage".into());
        let found = |guide: &str| {
            Matcher::new(&[medic_guide::parse("store.md", guide)])
                .unwrap()
                .search(&evidence, 3)
                .first()
                .map(|m| m.id.clone())
        };
        assert_eq!(found(short).as_deref(), Some("store.md#quorum-lost"));
        assert_eq!(found(&long), None);
    }

    #[test]
    fn evidence_naming_the_system_one_guide_alone_is_about_needs_less_wording() {
        // A Go panic from khook: most of its words (`runtime`, `SIGSEGV`, addresses) are in
        // no guide, but it names `khook`, which only the plugin guide's introduction names.
        let panic = "2026-11-23T10:21:44.019Z\tINFO\twebhook-plugin\treceived event\t{\"type\": \"deploy\"}\n\
                     panic: runtime error: invalid memory address or nil pointer dereference\n\
                     [signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x1a2b3c4]\n\n\
                     goroutine 87 [running]:\n\
                     github.com/kagent-dev/khook/internal/plugin/webhook.(*WebhookEventSource).handle(0xc000512000)";
        let evidence = Evidence::Text(panic.into());
        let mut guides = seed_guides(&[0, 1, 2, 3, 4]);
        let found = Matcher::new(&guides).unwrap().search(&evidence, 3);
        let first = found.first().expect("the khook guide is trusted");
        assert_eq!(first.id, "004.txt#plugin-crashes-or-stops");
        assert!(
            first
                .reasons
                .iter()
                .any(|r| r.contains("it names \"khook\"") && r.contains("only 004.txt is about")),
            "{:?}",
            first.reasons
        );
        // Two guides about khook: the name no longer singles one out.
        guides.push(medic_guide::parse("005.txt", SEED_TEXTS[4]));
        let found = Matcher::new(&guides).unwrap().search(&evidence, 3);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn a_guides_own_system_is_a_name_not_an_ordinary_word() {
        let guides: Vec<medic_guide::Guide> = [
            ("net.md", "# Network issues\n\n## Packet loss\n\n**Symptoms**\n\n- Packets drop between nodes.\n"),
            ("db.md", "# Database\n\n## Slow queries\n\n**Symptoms**\n\n- Queries take seconds.\n"),
            ("khook.md", "# Khook\n\n## Plugin crashes\n\n**Symptoms**\n\n- The khook plugin panics.\n"),
        ]
        .iter()
        .map(|(path, text)| medic_guide::parse(path, text))
        .collect();
        let matcher = Matcher::new(&guides).unwrap();
        let id = |t: &str| matcher.vocabulary.id(t).expect(t);
        assert_eq!(matcher.sole_systems.get(&id("khook")), Some(&2));
        // `network` is in one title only, but it is ordinary English: no guide's system.
        assert_eq!(matcher.sole_systems.get(&id("network")), None);
    }

    #[test]
    fn a_word_most_guides_use_is_no_guides_own_system() {
        // `http` is in http-service.md's file name, but five of the six guides use it.
        let guides = example_guides();
        let matcher = Matcher::new(&guides).unwrap();
        let found = matcher.search(
            &Evidence::Text("jenkins agent lost connection over http".into()),
            3,
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn a_short_section_sharing_one_word_with_the_evidence_is_not_trusted() {
        let guide = "# Store\n\n## Quorum lost\n\n**Symptoms**\n\n- Members lose quorum.\n\n\
                     ## Slow disk\n\n**Symptoms**\n\n- Fsync takes long.\n";
        let matcher = Matcher::new(&[medic_guide::parse("store.md", guide)]).unwrap();
        let found = matcher.search(&Evidence::Text("kafka broker slow on node 3".into()), 3);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn an_http_status_and_its_class_cover_each_other() {
        let best = |guide: &str, text: &str| {
            let matcher = Matcher::new(&[medic_guide::parse("web.md", guide)]).unwrap();
            matcher
                .search(&Evidence::Text(text.to_owned()), 3)
                .first()
                .map(|m| (m.id.clone(), m.reasons.join("; ")))
        };
        let guide = |status: &str| {
            format!(
                "# Web\n\n## Upstream errors\n\n**Symptoms**\n\n- The edge answers {status}.\n\n\
                 ## Slow pages\n\n**Symptoms**\n\n- Pages take seconds to load.\n"
            )
        };
        let (id, reasons) = best(&guide("502"), "5xx").expect("5xx is covered by 502");
        assert_eq!(id, "web.md#upstream-errors");
        assert!(reasons.contains("\"5xx\" ~ \"502\""), "{reasons}");
        let (id, _) = best(&guide("5xx"), "503").expect("503 is covered by 5xx");
        assert_eq!(id, "web.md#upstream-errors");
        assert_eq!(best(&guide("502"), "404"), None, "404 is not a 5xx");
    }

    #[test]
    fn an_error_text_inside_a_longer_one_is_the_same_evidence() {
        // The best match of the evidence against the guide lists one `error text` reason,
        // for the longest text the evidence contains.
        let counted_once = |guide: &str, evidence: &str, longest: &str| {
            let matcher = Matcher::new(&[medic_guide::parse("ops.md", guide)]).unwrap();
            let found = matcher.search(&Evidence::Text(evidence.to_owned()), 3);
            let first = found.first().expect("the section quotes the error");
            let found: Vec<&String> = first
                .reasons
                .iter()
                .filter(|r| r.starts_with("error text"))
                .collect();
            assert_eq!(found.len(), 1, "{found:?}");
            assert!(found[0].contains(longest), "{found:?}");
        };
        counted_once(
            "# Web\n\n## Upstream refused\n\n**Symptoms**\n\n\
             - Logs show `dial tcp 10.96.0.1:443: connect: connection refused`.\n\
             - Clients print `connect: connection refused`.\n\
             - Or only `connection refused`.\n\n\
             ## Slow pages\n\n**Symptoms**\n\n- Pages take seconds to load.\n",
            "Post \"https://10.96.0.9:443/hook\": dial tcp 10.96.0.9:443: connect: connection refused",
            "dial tcp",
        );
        // Two texts long enough to weigh the same: the longer still counts alone.
        counted_once(
            "# Proxy\n\n## Upstream slow\n\n**Symptoms**\n\n\
             - The error log shows `upstream timed out while reading response header`.\n\
             - In full, `upstream timed out while reading response header from upstream`.\n\n\
             ## Slow pages\n\n**Symptoms**\n\n- Pages take seconds to load.\n",
            "2026/11/23 11:00:01 [error] 2143#2143: *93110 upstream timed out while reading \
             response header from upstream, client: 10.0.0.1",
            "from upstream",
        );
    }

    #[test]
    fn an_alert_about_a_system_a_runbook_only_mentions_is_not_sent_to_it() {
        let runbook = "# KubeJobFailed\n\n## Meaning\n\nA job failed to complete, for example \
                       the elasticsearch index cleanup job on a node.\n\n## Diagnosis\n\n\
                       Check the healthy nodes and the job's pods and logs.\n";
        let guides = [medic_guide::parse("kubernetes/KubeJobFailed.md", runbook)];
        let matcher = Matcher::new(&guides).unwrap();
        let alert = |name: &str, summary: &str| {
            let text = format!(
                r#"{{"labels":{{"alertname":"{name}","severity":"critical"}},"annotations":{{"summary":"{summary}"}}}}"#
            );
            let alerts = crate::alert::parse_alerts(&text).unwrap();
            matcher.search(&Evidence::Alert(alerts[0].clone()), 3)
        };
        // The same words, about Elasticsearch: the runbook names it once, in passing.
        let found = alert(
            "ElasticsearchHealthyNodes",
            "Missing node in Elasticsearch cluster",
        );
        assert!(found.is_empty(), "{found:?}");
        // About a system no guide names: left to the words, as any evidence is.
        let found = alert("BatchctlJobFailed", "Job failed to complete");
        assert_eq!(
            found.first().map(|m| m.id.as_str()),
            Some("kubernetes/KubeJobFailed.md#kubejobfailed"),
            "{found:?}"
        );
        // About Kubernetes, which the runbook's folder names.
        let found = alert("KubernetesJobFailed", "Job failed to complete");
        assert_eq!(
            found.first().map(|m| m.id.as_str()),
            Some("kubernetes/KubeJobFailed.md#kubejobfailed"),
            "{found:?}"
        );
    }

    #[test]
    fn a_problem_about_another_system_than_the_alerts_says_why_it_ranks_lower() {
        let job = "# KubeJobFailed\n\n## Meaning\n\nA job failed to complete, for example the \
                   elasticsearch index cleanup job on a node.\n\n## Diagnosis\n\nCheck the \
                   healthy nodes and the job's pods and logs.\n";
        let nodes = "# ElasticsearchHealthyNodes\n\n## Meaning\n\nA node left the \
                     Elasticsearch cluster.\n\n## Diagnosis\n\nCheck the healthy nodes.\n";
        let guides = [
            medic_guide::parse("kubernetes/KubeJobFailed.md", job),
            medic_guide::parse("elasticsearch/ElasticsearchHealthyNodes.md", nodes),
        ];
        let mut matcher = Matcher::new(&guides).unwrap();
        // Every candidate, trusted or not, as calibration lists them.
        matcher.calibrate = true;
        let text = r#"{"labels":{"alertname":"ElasticsearchHealthyNodes","severity":"critical"},"annotations":{"summary":"Missing node in Elasticsearch cluster, check the job"}}"#;
        let alerts = crate::alert::parse_alerts(text).unwrap();
        let found = matcher.search(&Evidence::Alert(alerts[0].clone()), 3);
        let job = found
            .iter()
            .find(|m| m.id == "kubernetes/KubeJobFailed.md#kubejobfailed")
            .expect("the job runbook is a candidate");
        assert!(
            job.reasons.iter().any(|r| r
                == "ranked lower, not trusted: the alert is about \"Elasticsearch\", which \
                    kubernetes/KubeJobFailed.md never names"),
            "{:?}",
            job.reasons
        );
    }

    #[test]
    fn text_that_names_a_system_goes_to_a_guide_about_it() {
        let redis = "# Redis\n\n## Evictions\n\nKeys vanish before their TTL when maxmemory \
                     is reached.\n\n## Slow commands\n\nLatency is high.\n";
        let web = "# Web app\n\n## Sessions lost\n\nUsers are logged out at random: their \
                   sessions vanish before the TTL.\n";
        let guides = [
            medic_guide::parse("redis.md", redis),
            medic_guide::parse("web.md", web),
        ];
        let matcher = Matcher::new(&guides).unwrap();
        let ids = |text: &str| -> Vec<String> {
            matcher
                .search(&Evidence::Text(text.to_owned()), 3)
                .into_iter()
                .map(|m| m.id)
                .collect()
        };
        // Naming no system, the section with the most words in common is first.
        let found = ids("sessions vanish before the TTL");
        assert_eq!(
            found.first().map(String::as_str),
            Some("web.md#sessions-lost")
        );
        // Naming Redis, which the web app's guide never mentions: Redis's section first,
        // the other still shown.
        let found = ids("sessions vanish from redis before the TTL");
        assert_eq!(
            found,
            ["redis.md#evictions", "web.md#sessions-lost"],
            "{found:?}"
        );
        // The other says why it ranks lower than its words would.
        let found = matcher.search(
            &Evidence::Text("sessions vanish from redis before the TTL".to_owned()),
            3,
        );
        assert!(
            found[1]
                .reasons
                .iter()
                .any(|r| r
                    == "ranked lower: the evidence names \"redis\", which web.md never mentions"),
            "{:?}",
            found[1].reasons
        );
        assert!(
            !found[0]
                .reasons
                .iter()
                .any(|r| r.starts_with("ranked lower")),
            "{:?}",
            found[0].reasons
        );
    }

    #[test]
    fn the_system_a_guide_introduction_names_is_its_topic() {
        // The seeds: the Virtual Coffee guide's title says only "Troubleshooting Guide";
        // its introduction names the platform. Another guide's section shares more of the
        // words, but not the system.
        let guides = seed_guides(&[0, 1, 2, 3, 4]);
        assert!(guides[1].intro.contains("Virtual Coffee Platform"));
        let matcher = Matcher::new(&guides).unwrap();
        let found = matcher.search(
            &Evidence::Text(
                "nobody can log in to virtual coffee since this morning, google sign-in just \
                 loops back to the login page"
                    .to_owned(),
            ),
            3,
        );
        assert_eq!(
            found.first().map(|m| m.id.as_str()),
            Some("001.txt#authentication-issues"),
            "{:?}",
            found.iter().map(|m| &m.id).collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_one_problem_guide_is_about_what_its_introduction_names() {
        // The billing guide's one problem never says "acme"; its introduction does. The
        // jobs guide shares more of the words, and never names Acme.
        let billing = "# Troubleshooting\n\nThis guide is for the Acme Billing service.\n\n\
                       ## Invoices stuck\n\nInvoices stay pending for hours.\n";
        let queue = "# Jobs\n\n## Invoices stuck in the queue\n\nInvoices stay pending \
                     for hours: the worker queue is full.\n";
        let accounts = "# Accounts\n\n## Login fails\n\nThe acme login page loops.\n";
        let guides = [
            medic_guide::parse("billing.md", billing),
            medic_guide::parse("jobs.md", queue),
            medic_guide::parse("accounts.md", accounts),
        ];
        let matcher = Matcher::new(&guides).unwrap();
        let found = matcher.search(
            &Evidence::Text("acme invoices stuck in the queue, pending for hours".to_owned()),
            3,
        );
        assert_eq!(
            found.first().map(|m| m.id.as_str()),
            Some("billing.md#invoices-stuck"),
            "{found:?}"
        );
        // A guide without problems names nothing.
        let empty = medic_guide::parse("empty.md", "# Notes\n\nAbout the Acme Billing service.\n");
        let guides = [empty, guides[1].clone(), guides[2].clone()];
        let matcher = Matcher::new(&guides).unwrap();
        let acme = matcher.vocabulary.id("acm").expect("a problem uses acme");
        assert!(matcher.guide_systems[0].0.is_empty());
        assert!(!matcher.guide_systems[1].has(Some(acme)));
    }

    #[test]
    fn proper_names_are_the_capitalised_words_inside_sentences() {
        assert_eq!(
            super::proper_names(
                "This guide covers the Virtual Coffee Platform. Pods run on AWS (see the \
                 docs.) Then check `PGHOST` and (Crossplane), e.g. Kubernetes; components: \
                 Redis\n\nWelcome to it"
            ),
            [
                "Virtual",
                "Coffee",
                "Platform",
                "AWS",
                "Crossplane",
                "Kubernetes",
                "Redis"
            ]
        );
    }

    #[test]
    fn a_dial_to_a_well_known_port_names_its_service() {
        // The example guides: the words of the dial are an HTTP gateway's as much as Redis's.
        let guides = example_guides();
        let matcher = Matcher::new(&guides).unwrap();
        let first = |text: &str| {
            matcher
                .search(&Evidence::Text(text.to_owned()), 3)
                .first()
                .map(|m| m.id.clone())
        };
        // Port 6379 is Redis's: the read that timed out was from Redis.
        assert_eq!(
            first("read tcp 10.0.1.5:51234->10.0.2.9:6379: i/o timeout").as_deref(),
            Some("redis.md#high-latency-and-slow-commands")
        );
        // An application's own port names nothing: the same words are a gateway's timeout.
        assert_eq!(
            first("read tcp 10.0.1.5:51234->10.0.2.9:8080: i/o timeout").as_deref(),
            Some("http-service.md#3-504-gateway-timeout")
        );
    }

    #[test]
    fn a_snake_case_identifier_of_known_words_is_its_words() {
        let guide = "# Node\n\n## Conntrack table full\n\nThe kernel conntrack table is full: \
                     raise the nf limits. MySQL exporters are unaffected, my SQL connections \
                     are fine.\n";
        let matcher = Matcher::new(&[medic_guide::parse("node.md", guide)]).unwrap();
        let weighed = |text: &str| {
            let query = Evidence::Text(text.to_owned()).query();
            let mut analyzer = crate::analyzer::analyzer();
            let mut terms: Vec<String> = matcher
                .evidence_terms(&mut analyzer, &query)
                .weights
                .into_keys()
                .collect();
            terms.sort();
            terms
        };
        // `nf_conntrack` no guide writes whole, but both its words: it is them.
        assert_eq!(
            weighed("nf_conntrack: table full"),
            ["conntrack", "full", "nf", "tabl"]
        );
        // A name's capitals do not make words of it: `MySQL` stays a name, underscores or not.
        assert!(weighed("MySQL replica lag").contains(&"mysql".to_owned()));
        assert!(
            weighed("MySQL_connections maxed").contains(&"mysql_connect".to_owned()),
            "{:?}",
            weighed("MySQL_connections maxed")
        );
    }

    #[test]
    fn an_alert_names_its_system_first_unless_it_starts_with_a_word() {
        let mut analyzer = crate::analyzer::analyzer();
        let mut system = |name: &str| super::alert_system(&mut analyzer, name).map(|s| s.0);
        assert_eq!(
            system("ElasticsearchHealthyNodes").as_deref(),
            Some("elasticsearch")
        );
        assert_eq!(system("KubePodCrashLooping").as_deref(), Some("kube"));
        assert_eq!(system("HAProxyBackendDown").as_deref(), Some("haproxi"));
        assert_eq!(system("HighErrorRate"), None);
        assert_eq!(system("Watchdog"), None);
    }

    #[test]
    fn parts_are_listed_in_their_declared_order() {
        for (i, part) in super::PARTS.iter().enumerate() {
            assert_eq!(*part as usize, i, "{}", part.name());
        }
    }

    #[test]
    fn every_match_has_a_reason_even_through_synonyms_only() {
        // Found by the `evidence` fuzz target: a match through synonyms had no reason.
        let matcher = Matcher::new(&seed_guides(&[3])).unwrap();
        let found = matcher.search(&Evidence::Text("liveness        Normal".into()), 5);
        assert!(!found.is_empty());
        for m in &found {
            assert!(!m.reasons.is_empty(), "{m:?}");
        }
    }
}
