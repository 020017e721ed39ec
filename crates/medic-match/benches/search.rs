//! Matching speed with the public corpus loaded: index build time, and per-query latency
//! (p50, p99, max) over the evaluation queries repeated to at least 1,000.
//! Run: `cargo bench -p medic-match`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use medic_match::{Evidence, Matcher};

/// The allocator the `medic` binary ships with, so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            markdown_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "md") {
            out.push(p);
        }
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let corpus = root.join("testdata/public-runbooks");
    let mut files = Vec::new();
    markdown_files(&corpus, &mut files);
    let start = Instant::now();
    let guides: Vec<_> = files
        .iter()
        .filter_map(|f| {
            let text = std::fs::read_to_string(f).ok()?;
            let rel = f.strip_prefix(&corpus).ok()?.to_string_lossy().into_owned();
            Some(medic_guide::parse(&rel, &text))
        })
        .collect();
    let parse = start.elapsed();
    let start = Instant::now();
    let matcher = Matcher::new(&guides).expect("index builds");
    let build = start.elapsed();

    let mut queries: Vec<Evidence> = Vec::new();
    for set in [
        "eval/corpus.jsonl",
        "eval/seeds.jsonl",
        "eval/examples.jsonl",
    ] {
        let Ok(text) = std::fs::read_to_string(root.join(set)) else {
            continue;
        };
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            match &v["query"] {
                serde_json::Value::String(s) => queries.push(Evidence::Text(s.clone())),
                q => {
                    if let Ok(mut alerts) = medic_match::alerts_in(q) {
                        queries.push(Evidence::Alert(alerts.remove(0)));
                    }
                }
            }
        }
    }
    if queries.is_empty() {
        queries.push(Evidence::Text(
            "FATAL:  sorry, too many clients already".into(),
        ));
    }
    let distinct = queries.len();
    let mut times = Vec::new();
    let mut answered = 0usize;
    while times.len() < 1000.max(distinct) {
        for q in &queries {
            let start = Instant::now();
            let found = matcher.search(q, 5);
            times.push(start.elapsed().as_secs_f64() * 1000.0);
            answered += usize::from(!found.is_empty());
        }
    }
    times.sort_by(f64::total_cmp);
    println!(
        "corpus: {} guides, {} problems; parse {:.1} ms; index build {:.1} ms",
        guides.len(),
        matcher.len(),
        parse.as_secs_f64() * 1000.0,
        build.as_secs_f64() * 1000.0
    );
    println!(
        "queries: {} runs of {} distinct ({} answered): p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        times.len(),
        distinct,
        answered,
        percentile(&times, 0.50),
        percentile(&times, 0.99),
        times.last().copied().unwrap_or(0.0)
    );
}
