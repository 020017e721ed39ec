//! `medic config show`: the settings in effect, as TOML, with where they came from.

use std::collections::BTreeMap;
use std::process::ExitCode;

use anyhow::Result;
use medic_check::LabelMap;
use medic_exec::EnvPolicy;
use serde::Serialize;

use crate::commands::checks::{default_limits, show_duration};
use crate::settings::{self, Config};

#[derive(Serialize)]
struct Effective<'a> {
    guides: &'a settings::GuidesConfig,
    vars: &'a BTreeMap<String, String>,
    labels: &'a BTreeMap<String, Vec<String>>,
    exec: ExecView,
    databases: BTreeMap<String, String>,
    redact: RedactView<'a>,
}

#[derive(Serialize)]
struct ExecView {
    timeout: String,
    total_timeout: String,
    concurrency: usize,
    output_cap: usize,
    env: Vec<String>,
}

#[derive(Serialize)]
struct RedactView<'a> {
    builtin: Vec<String>,
    rules: &'a [medic_redact::RuleConfig],
}

pub(crate) fn show(config: &Config, path: Option<&std::path::Path>) -> Result<ExitCode> {
    let defaults = default_limits();
    let timeout = match &config.exec.timeout {
        Some(s) => settings::duration("exec.timeout", s)?,
        None => defaults.timeout,
    };
    let total = match &config.exec.total_timeout {
        Some(s) => settings::duration("exec.total_timeout", s)?,
        None => defaults.total,
    };
    let labels = LabelMap::with(&config.labels);
    let redactor = medic_redact::Redactor::new(&config.redact.rules)?;
    let effective = Effective {
        guides: &config.guides,
        vars: &config.vars,
        labels: labels.entries(),
        exec: ExecView {
            timeout: show_duration(timeout),
            total_timeout: show_duration(total),
            concurrency: config.exec.concurrency.unwrap_or(defaults.concurrency),
            output_cap: config.exec.output_cap.unwrap_or(defaults.output_cap),
            env: EnvPolicy::with_extra(&config.exec.env).patterns().to_vec(),
        },
        databases: config
            .databases
            .iter()
            .map(|(k, v)| (k.clone(), redactor.redact_str(v).into_owned()))
            .collect(),
        redact: RedactView {
            builtin: redactor.kinds().map(str::to_owned).collect(),
            rules: &config.redact.rules,
        },
    };
    match path {
        Some(p) => println!("# settings from `{}`, with defaults filled in", p.display()),
        None => {
            println!("# no medic.toml found above the current directory (or --config): defaults")
        }
    }
    print!("{}", toml::to_string_pretty(&effective)?);
    Ok(ExitCode::SUCCESS)
}
