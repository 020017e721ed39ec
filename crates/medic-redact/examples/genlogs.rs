//! Writes deterministic mixed log text to stdout (the bench corpus), for
//! `scripts/bench-redact`.
//!
//! `cargo run --release -p medic-redact --example genlogs -- BYTES [SECRETS_PER_100K_LINES]`

#[path = "../benches/corpus/mod.rs"]
mod corpus;

use std::io::{self, Write};
use std::process::ExitCode;

use corpus::Generator;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(total) = args.next().and_then(|a| a.parse::<usize>().ok()) else {
        eprintln!("usage: genlogs BYTES [SECRETS_PER_100K_LINES]");
        return ExitCode::from(2);
    };
    let rate = args.next().and_then(|a| a.parse().ok()).unwrap_or(500);
    let mut generator = Generator::new(42, rate);
    let mut stdout = io::stdout().lock();
    let mut buf = Vec::with_capacity((4 << 20) + 4096);
    let mut written = 0;
    while written < total {
        buf.clear();
        generator.fill(&mut buf, (4 << 20).min(total - written));
        if let Err(e) = stdout.write_all(&buf) {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
        written += buf.len();
    }
    ExitCode::SUCCESS
}
