//! `medic check`: run one problem's read-only checks and report.

use std::process::ExitCode;

use anyhow::{Result, bail};
use medic_check::Evidence;

use crate::cli::CheckArgs;
use crate::commands::checks::{self, Context};
use crate::commands::show::{self, Found};
use crate::library::Library;
use crate::settings::Config;

pub(crate) fn run(args: &CheckArgs, config: &Config, mut library: Library) -> Result<ExitCode> {
    for guide in &mut library.guides {
        guide.classify();
    }
    let (guide, problem) = match show::find(&library, &args.id)? {
        Found::Problem(g, p) => (g, p),
        Found::Procedure(_, p) => bail!(
            "`{}` is a procedure, not a problem: `medic check` runs a problem's diagnosis \
             steps; use `medic show {}` to read it",
            p.id,
            p.id
        ),
    };
    let context = Context::new(config, &args.run)?;
    let vars = context.vars(None);
    let report = context.check(
        guide,
        problem,
        Evidence::Problem {
            id: problem.id.clone(),
        },
        &vars,
    )?;
    checks::output(&[report], &args.format)
}
