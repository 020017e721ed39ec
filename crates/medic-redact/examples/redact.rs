//! Redacts a file (or stdin) to stdout with the built-in rules and prints
//! what it did, with the throughput, to stderr.
//!
//! `cargo run --release -p medic-redact --example redact [FILE]`

use std::fs::File;
use std::io::{self, BufWriter, Read};
use std::process::ExitCode;
use std::time::Instant;

use medic_redact::Redactor;

fn main() -> ExitCode {
    let path = std::env::args_os().nth(1);
    let redactor = match Redactor::new(&[]) {
        Ok(redactor) => redactor,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let input: Box<dyn Read> = match &path {
        Some(path) => match File::open(path) {
            Ok(file) => Box::new(file),
            Err(e) => {
                eprintln!("error: cannot read `{}`: {e}", path.to_string_lossy());
                return ExitCode::from(2);
            }
        },
        None => Box::new(io::stdin().lock()),
    };
    let stdout = io::stdout().lock();
    let start = Instant::now();
    match redactor.redact_io(input, BufWriter::with_capacity(1 << 20, stdout)) {
        Ok(stats) => {
            let secs = start.elapsed().as_secs_f64();
            eprintln!(
                "{stats}; {:.3} s, {:.0} MB/s",
                secs,
                stats.bytes_in as f64 / 1e6 / secs
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
