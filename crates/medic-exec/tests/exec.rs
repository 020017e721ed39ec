//! The executor against real child processes: time limits that kill whole
//! process groups, capped output, the scrubbed environment, parallelism, and
//! placeholder values that must stay data.
#![expect(
    clippy::unwrap_used,
    reason = "a failed setup step should fail the test"
)]

use std::path::Path;
use std::time::{Duration, Instant};

use medic_exec::{EnvPolicy, Executor, Job, Limits, Outcome, Transcript};
use medic_shell::{Lang, render};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn executor(limits: Limits) -> Executor {
    let vars = std::env::vars()
        .filter(|(k, _)| k == "PATH" || k == "HOME")
        .chain([
            ("GITHUB_TOKEN".to_owned(), "ghp_should_not_leak".to_owned()),
            ("PGHOST".to_owned(), "db.internal".to_owned()),
        ]);
    Executor::with_vars(limits, &EnvPolicy::default(), vars)
}

fn run_one(limits: Limits, job: Job) -> Transcript {
    let rt = runtime();
    let mut out = rt.block_on(executor(limits).run_groups(vec![vec![job]]));
    out.remove(0).remove(0)
}

fn stdout(t: &Transcript) -> String {
    String::from_utf8_lossy(&t.stdout.bytes).into_owned()
}

/// Whether a process is still alive a moment after it was killed: a signal is
/// delivered when the process is next scheduled, so a busy machine may show it
/// running for a few milliseconds after `kill` returned.
fn survives(pid: u32) -> bool {
    let deadline = Instant::now() + Duration::from_secs(2);
    while alive(pid) {
        if Instant::now() > deadline {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    false
}

/// Whether a process is alive (exists and is not a zombie waiting for init).
fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => {
            let state = stat
                .rsplit(')')
                .next()
                .and_then(|r| r.split_whitespace().next());
            state != Some("Z")
        }
        Err(_) => false,
    }
}

fn limits(timeout_ms: u64) -> Limits {
    Limits {
        timeout: Duration::from_millis(timeout_ms),
        ..Limits::default()
    }
}

#[test]
fn ok_failed_and_pipefail() {
    let t = run_one(limits(5000), Job::shell("echo hi", "echo hi"));
    assert_eq!(t.outcome, Outcome::Ok);
    assert_eq!(t.exit_code, Some(0));
    assert_eq!(stdout(&t), "hi\n");

    let t = run_one(limits(5000), Job::shell("echo oops >&2; exit 3", "x"));
    assert_eq!(
        t.outcome,
        Outcome::Failed {
            exit_code: Some(3),
            signal: None
        }
    );
    assert_eq!(t.stderr.bytes, b"oops\n");

    let t = run_one(limits(5000), Job::shell("false | cat", "false | cat"));
    assert!(
        !t.outcome.is_ok(),
        "pipefail makes a failing stage fail: {t:?}"
    );
}

#[test]
fn timeout_kills_the_whole_group() {
    let start = Instant::now();
    let t = run_one(
        limits(300),
        Job::shell(
            "sleep 30 & echo $!; sh -c 'sleep 30 & echo $!; wait'",
            "sleeps",
        ),
    );
    assert_eq!(t.outcome, Outcome::TimedOut);
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    let pids: Vec<u32> = stdout(&t)
        .lines()
        .map(|l| l.trim().parse().unwrap())
        .collect();
    assert_eq!(pids.len(), 2, "{t:?}");
    for pid in pids {
        assert!(!survives(pid), "grand-child {pid} survived the timeout");
    }
}

#[test]
fn leftovers_do_not_hold_a_finished_check() {
    let start = Instant::now();
    let t = run_one(limits(10_000), Job::shell("sleep 60 & echo $!", "bg"));
    assert_eq!(t.outcome, Outcome::Ok);
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    let pid: u32 = stdout(&t).trim().parse().unwrap();
    assert!(
        !survives(pid),
        "background process {pid} survived its check"
    );
}

#[test]
fn long_running_reads_are_bounded() {
    let t = run_one(
        limits(300),
        Job::shell("echo line; tail -f /dev/null", "tail -f").long_running(true),
    );
    assert_eq!(t.outcome, Outcome::Bounded);
    assert!(t.outcome.is_ok());
    assert_eq!(stdout(&t), "line\n");
}

#[test]
fn output_is_capped_and_counted() {
    let limits = Limits {
        output_cap: 1000,
        ..limits(10_000)
    };
    let t = run_one(limits, Job::shell("head -c 1000000 /dev/zero", "head"));
    assert_eq!(t.outcome, Outcome::Ok);
    assert_eq!(t.stdout.bytes.len(), 1000);
    assert_eq!(t.stdout.total, 1_000_000);
    assert!(t.stdout.truncated);
    assert!(!t.stderr.truncated);
}

#[test]
fn stdin_is_closed() {
    let start = Instant::now();
    let t = run_one(limits(5000), Job::shell("cat; echo done", "cat"));
    assert_eq!(t.outcome, Outcome::Ok);
    assert_eq!(stdout(&t), "done\n");
    assert!(start.elapsed() < Duration::from_secs(4));
}

#[test]
fn environment_is_an_allowlist() {
    let t = run_one(
        limits(5000),
        Job::shell("env", "env").with_env(vec![("MEDIC_PH_1".to_owned(), "v".to_owned())]),
    );
    let out = stdout(&t);
    assert!(out.contains("PGHOST=db.internal"), "{out}");
    assert!(out.contains("MEDIC_PH_1=v"), "{out}");
    assert!(!out.contains("GITHUB_TOKEN"), "{out}");
    assert!(!out.contains("ghp_should_not_leak"), "{out}");
    for line in out.lines() {
        let name = line.split('=').next().unwrap();
        assert!(
            EnvPolicy::default().allows(name)
                || name == "MEDIC_PH_1"
                || ["PWD", "SHLVL", "_"].contains(&name),
            "unexpected variable {name}"
        );
    }
}

#[test]
fn missing_programs_are_not_failures() {
    let t = run_one(
        limits(5000),
        Job::shell("medic-no-such-tool get pods", "medic-no-such-tool get pods"),
    );
    assert_eq!(
        t.outcome,
        Outcome::NotInstalled {
            program: "medic-no-such-tool".to_owned()
        }
    );
    let t = run_one(
        limits(5000),
        Job::program("medic-no-such-tool", vec![], "medic-no-such-tool"),
    );
    assert_eq!(
        t.outcome,
        Outcome::NotInstalled {
            program: "medic-no-such-tool".to_owned()
        }
    );
}

#[test]
fn groups_run_in_parallel_within_the_limit() {
    let rt = runtime();
    let groups: Vec<Vec<Job>> = (0..8)
        .map(|_| vec![Job::shell("sleep 1", "sleep 1")])
        .collect();
    let start = Instant::now();
    let out = rt.block_on(executor(limits(10_000)).run_groups(groups));
    let wall = start.elapsed();
    assert_eq!(out.len(), 8);
    assert!(out.iter().flatten().all(|t| t.outcome == Outcome::Ok));
    assert!(
        wall < Duration::from_millis(3000),
        "8 × sleep 1 took {wall:?}"
    );

    let serial = Limits {
        concurrency: 1,
        ..limits(10_000)
    };
    let groups: Vec<Vec<Job>> = (0..3)
        .map(|_| vec![Job::shell("sleep 0.3", "sleep 0.3")])
        .collect();
    let start = Instant::now();
    rt.block_on(executor(serial).run_groups(groups));
    assert!(start.elapsed() >= Duration::from_millis(900));
}

#[test]
fn the_overall_limit_stops_what_has_not_started() {
    let rt = runtime();
    let limits = Limits {
        total: Duration::from_millis(400),
        concurrency: 1,
        ..limits(10_000)
    };
    let groups = vec![
        vec![Job::shell("sleep 5", "first")],
        vec![Job::shell("echo never", "second")],
    ];
    let start = Instant::now();
    let out = rt.block_on(executor(limits).run_groups(groups));
    assert!(start.elapsed() < Duration::from_secs(4));
    assert_eq!(out[0][0].outcome, Outcome::TimedOut);
    assert!(matches!(out[1][0].outcome, Outcome::NotStarted { .. }));
}

/// Values that would run something if they became shell syntax.
fn hostile_values(marker: &Path) -> Vec<String> {
    let m = marker.display();
    vec![
        format!("; touch {m}; rm -rf \"$HOME\""),
        format!("$(touch {m})"),
        format!("`touch {m}`"),
        format!("'; touch {m}; echo '"),
        format!("\"; touch {m}; echo \""),
        format!("a\ntouch {m}\n"),
        "-rf".to_owned(),
        format!("x && touch {m} || touch {m}"),
        format!("${{IFS}}touch${{IFS}}{m}"),
        format!("{}{}", "A".repeat(60_000), format_args!("$(touch {m})")),
    ]
}

#[test]
fn placeholder_values_never_become_syntax() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("pwned");
    let rt = runtime();
    let ex = executor(limits(10_000));
    for value in hostile_values(&marker) {
        let shown: String = value.chars().take(60).collect();
        // The same placeholder bare, inside double quotes and inside single quotes.
        let template = "printf '%s\\n' <value> \"<value>\" '<value>'";
        let lookup = |name: &str| (name == "value").then(|| value.clone());
        let r = render(template, Lang::Bash, &lookup);
        assert!(r.is_complete());
        let job = Job::shell(&r.script, &r.display).with_env(r.env.clone());
        let t = rt.block_on(ex.run(&job, Duration::from_secs(10)));
        assert_eq!(t.outcome, Outcome::Ok, "{shown:?}");
        let expected = format!("{value}\n").repeat(3);
        assert!(
            String::from_utf8_lossy(&t.stdout.bytes) == expected,
            "value {shown:?} changed the command"
        );
        assert!(!marker.exists(), "value {shown:?} ran a command");
        // The display text parses into the very same arguments (when it fits in one
        // argument: Linux caps each at 128 KiB; the script passes values in variables).
        if r.display.len() > 100_000 {
            continue;
        }
        let check = Job::shell(&r.display, &r.display);
        let t = rt.block_on(ex.run(&check, Duration::from_secs(10)));
        assert!(
            String::from_utf8_lossy(&t.stdout.bytes) == expected,
            "display of {shown:?}"
        );
        assert!(!marker.exists(), "display of {shown:?} ran a command");
    }
}
