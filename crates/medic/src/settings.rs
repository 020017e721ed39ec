//! Settings: medic.toml (found upward from the current directory, or --config), the
//! environment (MEDIC_*) and flags, turned into one validated value before any work.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::cli::GuideSource;

/// The file medic looks for.
pub(crate) const CONFIG_FILE: &str = "medic.toml";

/// The contents of medic.toml.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Config {
    /// Where guides are.
    #[serde(default)]
    pub(crate) guides: GuidesConfig,
    /// Placeholder values (`namespace = "shop"`), used after `--var` and alert labels.
    #[serde(default)]
    pub(crate) vars: BTreeMap<String, String>,
    /// Alert label → placeholder names it fills (`app = ["deployment"]`), on top of the
    /// built-in map.
    #[serde(default)]
    pub(crate) labels: BTreeMap<String, Vec<String>>,
    /// How checks run.
    #[serde(default)]
    pub(crate) exec: ExecConfig,
    /// Databases SQL blocks run against: `default = "postgres://…"`.
    #[serde(default)]
    pub(crate) databases: BTreeMap<String, String>,
    /// Redaction.
    #[serde(default)]
    pub(crate) redact: RedactConfig,
    /// `medic serve`.
    #[serde(default)]
    pub(crate) serve: ServeConfig,
}

/// `[serve]` in medic.toml; flags and MEDIC_SERVE_* / MEDIC_TOKEN win over it.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ServeConfig {
    /// Address to listen on (`127.0.0.1:8080`).
    pub(crate) listen: Option<String>,
    /// Incident store: `sqlite:///var/lib/medic/medic.db` or `postgres://…`.
    pub(crate) db: Option<String>,
    /// File holding the token write requests must carry.
    pub(crate) token_file: Option<PathBuf>,
    /// Diagnoses at once in this process.
    pub(crate) workers: Option<usize>,
    /// How long incidents are kept (`"30d"`; `"0"` keeps them forever).
    pub(crate) retention: Option<String>,
    /// How long a worker's claim holds without renewal (`"30s"`).
    pub(crate) lease: Option<String>,
    /// Largest request body in bytes (default 1 MiB).
    pub(crate) body_limit: Option<usize>,
}

/// `[exec]` in medic.toml.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExecConfig {
    /// Most time one command may run (`"10s"`, `"1m"`).
    pub(crate) timeout: Option<String>,
    /// Most time all checks of one run may take (`"60s"`).
    pub(crate) total_timeout: Option<String>,
    /// Most checks running at once.
    pub(crate) concurrency: Option<usize>,
    /// Most bytes kept of each of a command's stdout and stderr.
    pub(crate) output_cap: Option<usize>,
    /// More environment variables checks may see (`["AWS_*", "VAULT_ADDR"]`).
    #[serde(default)]
    pub(crate) env: Vec<String>,
}

/// `[redact]` in medic.toml.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RedactConfig {
    /// Custom rules on top of the built-in ones:
    /// `[[redact.rules]] name = "ticket" pattern = "TCK-[0-9]{6}"`.
    #[serde(default)]
    pub(crate) rules: Vec<medic_redact::RuleConfig>,
}

/// `[guides]` in medic.toml.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GuidesConfig {
    /// Guide files or directories, relative to the config file.
    #[serde(default)]
    pub(crate) paths: Vec<PathBuf>,
    /// Extra globs of file names to read as guides (`*.txt`).
    #[serde(default)]
    pub(crate) include: Vec<String>,
}

/// Where to read guides from, after flags, environment and config are combined.
#[derive(Debug, Clone)]
pub(crate) struct GuideSettings {
    pub(crate) paths: Vec<PathBuf>,
    pub(crate) include: Vec<String>,
}

/// Finds and reads the config file: `explicit` if given, else the nearest medic.toml
/// above the current directory. Reading has no side effects.
pub(crate) fn load_config(explicit: Option<&Path>) -> Result<(Config, Option<PathBuf>)> {
    let path = match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => find_upward(&std::env::current_dir().context("cannot read the current directory")?),
    };
    let Some(path) = path else {
        return Ok((Config::default(), None));
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read config `{}`", path.display()))?;
    let config: Config = toml::from_str(&text).map_err(|e| {
        let place = e
            .span()
            .map(|s| {
                let line = text[..s.start.min(text.len())].matches('\n').count() + 1;
                format!(":{line}")
            })
            .unwrap_or_default();
        anyhow::anyhow!(
            "invalid config `{}{place}`: {}",
            path.display(),
            e.message()
        )
    })?;
    Ok((config, Some(path)))
}

fn find_upward(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(CONFIG_FILE))
        .find(|p| p.is_file())
}

/// Combines guide paths: flags first, then MEDIC_GUIDES, then the config file.
pub(crate) fn guide_settings(
    config_path: Option<&Path>,
    config: &Config,
    extra_paths: &[PathBuf],
    source: &GuideSource,
) -> Result<GuideSettings> {
    let mut paths: Vec<PathBuf> = extra_paths
        .iter()
        .chain(source.guides.iter())
        .cloned()
        .collect();
    if paths.is_empty()
        && let Some(env) = std::env::var_os("MEDIC_GUIDES")
    {
        paths = std::env::split_paths(&env)
            .filter(|p| !p.as_os_str().is_empty())
            .collect();
    }
    let base = config_path
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    if paths.is_empty() {
        paths = config.guides.paths.iter().map(|p| base.join(p)).collect();
    }
    if paths.is_empty() {
        bail!(
            "no guides given: name a guide file or directory (`medic guides docs/runbooks`), \
             pass --guides PATH, set MEDIC_GUIDES, or add `[guides] paths = [\"…\"]` to {CONFIG_FILE}"
        );
    }
    let mut include = source.include.clone();
    include.extend(config.guides.include.iter().cloned());
    Ok(GuideSettings { paths, include })
}

/// Parses a duration setting (`"10s"`, `"1m 30s"`, `"500ms"`), naming the setting on error.
pub(crate) fn duration(setting: &str, value: &str) -> Result<Duration> {
    humantime::parse_duration(value.trim()).map_err(|e| {
        anyhow::anyhow!(
            "invalid `{setting}` `{value}` in {CONFIG_FILE}: {e} (write e.g. \"10s\" or \"1m\")"
        )
    })
}
