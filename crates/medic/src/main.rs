//! The `medic` binary: parses the command line, loads settings, runs one command, and
//! turns the outcome into an exit code (0 success, 1 a finding, 2 usage or input error).

mod cli;
mod commands;
mod library;
mod parallel;
mod settings;
mod term;

use std::process::ExitCode;

use clap::Parser;

/// Loading hundreds of guides and indexing them is mostly small allocations on two or more
/// threads at once: mimalloc serves them without the system allocator's lock contention.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            let mut message = format!("error: {err}");
            for cause in err.chain().skip(1) {
                message.push_str(&format!(": {cause}"));
            }
            eprintln!("{message}");
            ExitCode::from(2)
        }
    }
}
