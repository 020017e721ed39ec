//! Redaction throughput on generated mixed log text (see `corpus/mod.rs`),
//! all built-in rules on: MB/s through a [`Stream`] in 256 KiB chunks, the
//! way `redact_io` reads, best of several runs.
//!
//! `cargo bench -p medic-redact [-- MIB]`

#[path = "corpus/mod.rs"]
mod corpus;

use std::time::Instant;

use corpus::Generator;
use medic_redact::Redactor;

fn main() {
    let mib: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(64);
    let redactor = match Redactor::new(&[]) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    for (label, rate) in [
        ("0.5% of lines with a secret", 500),
        ("5% of lines with a secret", 5_000),
        ("no secrets", 0),
    ] {
        let mut input = Vec::with_capacity((mib << 20) + 4096);
        Generator::new(42, rate).fill(&mut input, mib << 20);
        let mut out = Vec::with_capacity(1 << 20);
        let mut best = f64::MAX;
        let mut redactions = 0;
        for _ in 0..5 {
            let start = Instant::now();
            let mut stream = redactor.stream();
            for chunk in input.chunks(256 * 1024) {
                stream.push(chunk, &mut out);
                out.clear();
            }
            let stats = stream.finish(&mut out);
            out.clear();
            best = best.min(start.elapsed().as_secs_f64());
            redactions = stats.total();
        }
        println!(
            "{label:<30} {:>5} MiB  {:>7.0} MB/s  ({redactions} redactions)",
            mib,
            input.len() as f64 / 1e6 / best
        );
    }
}
