//! Classification throughput: classifies every command of the test table many
//! times and prints commands per second.
//!
//! `cargo run --release -p medic-shell --example throughput [ROUNDS]`

#[path = "../tests/support/table.rs"]
mod table;

use std::time::Instant;

use medic_shell::classify;
use table::TABLE;

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(50);
    let start = Instant::now();
    let mut reads = 0usize;
    for _ in 0..rounds {
        for (command, lang, _, _) in TABLE {
            if classify(command, *lang).safety.is_read() {
                reads += 1;
            }
        }
    }
    let elapsed = start.elapsed();
    let total = rounds * TABLE.len();
    let per_second = total as f64 / elapsed.as_secs_f64();
    println!(
        "classified {total} commands ({} distinct, {reads} read) in {:.3} s: {per_second:.0} commands/s",
        TABLE.len(),
        elapsed.as_secs_f64()
    );
}
