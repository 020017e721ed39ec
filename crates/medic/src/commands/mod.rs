//! One module per subcommand; `run` dispatches and loads what each needs.

mod bundle;
mod check;
mod checks;
mod classify;
mod config;
mod diagnose;
mod guides;
mod kube;
mod matching;
mod redact;
mod serve;
mod show;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::{Cli, Command, ConfigCommand, GuideSource};
use crate::library::Library;
use crate::settings;

/// Runs the command line's command.
pub(crate) fn run(cli: Cli) -> Result<ExitCode> {
    if let Command::Classify(args) = &cli.command {
        return classify::run(args);
    }
    let (config, config_path) = settings::load_config(cli.config.as_deref())?;
    let guides = |paths: &[PathBuf], source: &GuideSource| -> Result<Library> {
        let guide_settings =
            settings::guide_settings(config_path.as_deref(), &config, paths, source)?;
        let library = Library::load(&guide_settings)?;
        library.report_warnings();
        Ok(library)
    };
    match &cli.command {
        Command::Guides(args) => guides::run(args, guides(&args.paths, &args.source)?),
        Command::Show(args) => show::run(args, guides(&[], &args.source)?),
        Command::Match(args) => matching::run(args, &guides(&[], &args.source)?),
        Command::Check(args) => check::run(args, &config, guides(&[], &args.source)?),
        Command::Diagnose(args) if args.kube.kube => {
            kube::run(args, &config, guides(&[], &args.source)?)
        }
        Command::Diagnose(args) => diagnose::run(args, &config, guides(&[], &args.source)?),
        Command::Bundle(args) => bundle::run(args, &config, guides(&[], &args.source)?),
        Command::Redact(args) => redact::run(args, &config),
        Command::Serve(args) => {
            let guide_settings =
                settings::guide_settings(config_path.as_deref(), &config, &[], &args.source)?;
            serve::run(args, &config, config_path.as_deref(), guide_settings)
        }
        Command::Config(ConfigCommand::Show) => config::show(&config, config_path.as_deref()),
        Command::Classify(args) => classify::run(args),
    }
}
