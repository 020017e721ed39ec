//! One module per subcommand; `run` dispatches and loads what each needs.

mod classify;
mod guides;
mod matching;
mod show;

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::{Cli, Command, GuideSource};
use crate::library::Library;
use crate::settings;

/// Runs the command line's command.
pub(crate) fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Guides(args) => {
            let library = load(cli.config.as_deref(), &args.paths, &args.source)?;
            guides::run(&args, library)
        }
        Command::Show(args) => {
            let library = load(cli.config.as_deref(), &[], &args.source)?;
            show::run(&args, library)
        }
        Command::Match(args) => {
            let library = load(cli.config.as_deref(), &[], &args.source)?;
            matching::run(&args, &library)
        }
        Command::Classify(args) => classify::run(&args),
    }
}

fn load(
    config: Option<&std::path::Path>,
    paths: &[std::path::PathBuf],
    source: &GuideSource,
) -> Result<Library> {
    let (config_file, config_path) = settings::load_config(config)?;
    let guide_settings =
        settings::guide_settings(config_path.as_deref(), &config_file, paths, source)?;
    let library = Library::load(&guide_settings)?;
    library.report_warnings();
    Ok(library)
}
