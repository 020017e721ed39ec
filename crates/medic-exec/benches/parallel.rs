//! Executor figures: eight independent `sleep 1` checks (wall time, the target is < 1.3 s),
//! and the overhead of one check (`true` run through bash with a process group, capture and
//! timeout), one at a time and eight at a time. Run: `cargo bench -p medic-exec`.

use std::time::{Duration, Instant};

use medic_exec::{EnvPolicy, Executor, Job, Limits, Outcome};

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let limits = Limits {
        timeout: Duration::from_secs(10),
        ..Limits::default()
    };
    let executor = Executor::new(limits, &EnvPolicy::default());

    let mut walls = Vec::new();
    for _ in 0..5 {
        let groups: Vec<Vec<Job>> = (0..8)
            .map(|_| vec![Job::shell("sleep 1", "sleep 1")])
            .collect();
        let start = Instant::now();
        let out = runtime.block_on(executor.run_groups(groups));
        walls.push(start.elapsed());
        assert!(out.iter().flatten().all(|t| t.outcome == Outcome::Ok));
    }
    walls.sort();
    println!(
        "8 × `sleep 1` in parallel: wall min {:.3} s, median {:.3} s, max {:.3} s",
        walls[0].as_secs_f64(),
        walls[walls.len() / 2].as_secs_f64(),
        walls[walls.len() - 1].as_secs_f64()
    );

    for (concurrency, n) in [(1usize, 200usize), (8, 400)] {
        let executor = Executor::new(
            Limits {
                concurrency,
                ..limits
            },
            &EnvPolicy::default(),
        );
        let groups: Vec<Vec<Job>> = (0..n).map(|_| vec![Job::shell("true", "true")]).collect();
        let start = Instant::now();
        let out = runtime.block_on(executor.run_groups(groups));
        let wall = start.elapsed();
        assert!(out.iter().flatten().all(|t| t.outcome == Outcome::Ok));
        println!(
            "{n} × `true`, concurrency {concurrency}: {:.2} ms per check ({:.0} checks/s)",
            wall.as_secs_f64() * 1000.0 / n as f64,
            n as f64 / wall.as_secs_f64()
        );
    }
}
