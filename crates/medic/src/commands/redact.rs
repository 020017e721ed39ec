//! `medic redact`: secrets in a file or standard input replaced by stable tokens, streamed
//! to standard output.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use medic_redact::Redactor;

use crate::cli::RedactArgs;
use crate::settings::Config;

pub(crate) fn run(args: &RedactArgs, config: &Config) -> Result<ExitCode> {
    let redactor =
        Redactor::new(&config.redact.rules).context("invalid `[[redact.rules]]` in medic.toml")?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
    let stats = if args.input == Path::new("-") {
        let stdin = std::io::stdin();
        redactor
            .redact_io(stdin.lock(), &mut out)
            .context("cannot redact standard input")?
    } else {
        let file = std::fs::File::open(&args.input)
            .with_context(|| format!("cannot read `{}`", args.input.display()))?;
        redactor
            .redact_io(file, &mut out)
            .with_context(|| format!("cannot redact `{}`", args.input.display()))?
    };
    out.flush()?;
    if stats.total() > 0 {
        eprintln!("medic redact: {stats}");
    }
    Ok(ExitCode::SUCCESS)
}
