//! `medic serve`: settings → store, guides, check runner and server options; then the
//! server runs until SIGTERM/SIGINT.

use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use medic_check::{GuideSource, LabelMap};
use medic_server::{App, Auth, Catalog, Checker, Loaded, Loader, Options};

use crate::cli::{LogFormat, RunOptions, ServeArgs};
use crate::commands::checks;
use crate::library::{self, Library};
use crate::settings::{self, Config, GuideSettings};

const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

pub(crate) fn run(
    args: &ServeArgs,
    config: &Config,
    config_path: Option<&Path>,
    guides: GuideSettings,
) -> Result<ExitCode> {
    let serve = &config.serve;
    let listen = args
        .listen
        .clone()
        .or_else(|| serve.listen.clone())
        .unwrap_or_else(|| DEFAULT_LISTEN.to_owned());
    let addr: SocketAddr = listen.parse().with_context(|| {
        format!("cannot listen on `{listen}`: give an address and port such as 127.0.0.1:8080")
    })?;
    let auth = auth(args, config, config_path, addr)?;
    let db = match args.db.clone().or_else(|| serve.db.clone()) {
        Some(db) => db,
        None => {
            let path = medic_store::default_sqlite_path().context(
                "cannot find a data directory for the incident store (HOME is not set): give --db sqlite://PATH",
            )?;
            format!("sqlite://{}", path.display())
        }
    };
    let retention = match (args.retention, &serve.retention) {
        (Some(d), _) => d,
        (None, Some(s)) if s.trim() == "0" => Duration::ZERO,
        (None, Some(s)) => settings::duration("serve.retention", s)?,
        (None, None) => Duration::from_secs(30 * 24 * 3600),
    };
    let lease = match (args.lease, &serve.lease) {
        (Some(d), _) => d,
        (None, Some(s)) => settings::duration("serve.lease", s)?,
        (None, None) => Duration::from_secs(30),
    };
    if lease < Duration::from_secs(1) {
        bail!("the lease must be at least 1s");
    }
    let workers = args.workers.or(serve.workers).unwrap_or(4);
    if workers == 0 {
        bail!("workers must be at least 1");
    }
    let run_options = RunOptions {
        timeout: args.timeout,
        total_timeout: args.total_timeout,
        concurrency: args.concurrency,
        ..RunOptions::default()
    };
    let overlay = match (&args.kube_scan, &args.kube_context) {
        (Some(_), Some(context)) => Some(super::kube::context_overlay(context)?),
        _ => None,
    };
    let extra_env: Vec<(String, String)> = overlay
        .as_ref()
        .map(|(_, kubeconfig)| vec![("KUBECONFIG".to_owned(), kubeconfig.clone())])
        .unwrap_or_default();
    let runner = checks::runner(config, &run_options, &extra_env)?;
    let kube_scan = match args.kube_scan {
        Some(interval) if interval < Duration::from_secs(1) => {
            bail!("--kube-scan must be at least 1s")
        }
        Some(interval) => Some(medic_server::scan::KubeScan {
            scope: medic_kube::Scope {
                context: args.kube_context.clone(),
                namespace: args.kube_namespace.clone(),
                all_namespaces: args.kube_namespace.is_none(),
                ..medic_kube::Scope::default()
            },
            interval,
            executor: super::kube::collect_executor(config, &extra_env),
            options: medic_kube::Options::default(),
        }),
        None => None,
    };
    let total = runner_total(config, &run_options)?;
    let checker = Checker {
        runner,
        labels: LabelMap::with(&config.labels),
        config_vars: config.vars.clone(),
    };
    let options = Options {
        workers,
        lease,
        retention: (!retention.is_zero()).then_some(retention),
        body_limit: serve.body_limit.unwrap_or(1024 * 1024),
        auth,
        worker_name: format!("{}:{}", hostname(), std::process::id()),
        drain: total + Duration::from_secs(15),
        kube_scan,
        ..Options::default()
    };
    init_logging(args.log_format);
    let loader = loader(guides);
    let catalog = loader()
        .and_then(Catalog::new)
        .map_err(|e| anyhow::anyhow!(e))?;
    for warning in &catalog.warnings {
        tracing::warn!("{warning}");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the server runtime")?;
    runtime.block_on(async move {
        let store = medic_store::open(&db)
            .await
            .with_context(|| format!("cannot open the incident store `{}`", display_url(&db)))?;
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let local = listener.local_addr().unwrap_or(addr);
        tracing::info!(
            addr = %local,
            store = store.backend(),
            guides = catalog.guides.len(),
            problems = catalog.problems(),
            workers,
            "medic serve listening on http://{local}"
        );
        let app = Arc::new(App::new(store, catalog, loader, checker, options));
        medic_server::serve(listener, app).await?;
        tracing::info!("stopped");
        anyhow::Ok(())
    })?;
    drop(overlay);
    Ok(ExitCode::SUCCESS)
}

/// The overall check deadline the runner uses.
fn runner_total(config: &Config, options: &RunOptions) -> Result<Duration> {
    Ok(match (options.total_timeout, &config.exec.total_timeout) {
        (Some(t), _) => t,
        (None, Some(s)) => settings::duration("exec.total_timeout", s)?,
        (None, None) => medic_exec::Limits::default().total,
    })
}

/// Token from --token-file, MEDIC_TOKEN or `[serve] token_file`; or none with --no-auth
/// on loopback.
fn auth(
    args: &ServeArgs,
    config: &Config,
    config_path: Option<&Path>,
    addr: SocketAddr,
) -> Result<Auth> {
    if args.no_auth {
        if !addr.ip().is_loopback() {
            bail!(
                "--no-auth is only allowed on a loopback address, not {addr}: anyone who can reach \
                 the server could post alerts and reload guides. Give --token-file FILE or MEDIC_TOKEN"
            );
        }
        return Ok(Auth::Disabled);
    }
    let file = args.token_file.clone().or_else(|| {
        config.serve.token_file.as_ref().map(|f| {
            config_path
                .and_then(Path::parent)
                .map_or_else(|| f.clone(), |dir| dir.join(f))
        })
    });
    let token = match (&file, std::env::var("MEDIC_TOKEN")) {
        (Some(file), _) => std::fs::read_to_string(file)
            .with_context(|| format!("cannot read the token file `{}`", file.display()))?
            .trim()
            .to_owned(),
        (None, Ok(token)) => token.trim().to_owned(),
        (None, Err(_)) => bail!(
            "medic serve needs a token for its write endpoints: give --token-file FILE (or set \
             MEDIC_TOKEN), or --no-auth to run without one on a loopback address"
        ),
    };
    if token.is_empty() {
        bail!(
            "the token is empty{}: put a long random string in it (e.g. `openssl rand -hex 32`)",
            file.map(|f| format!(" (`{}`)", f.display()))
                .unwrap_or_default()
        );
    }
    Ok(Auth::Token(token))
}

/// Reads the guides from disk each time it is called (start, SIGHUP, reload endpoint).
fn loader(settings: GuideSettings) -> Loader {
    Arc::new(move || {
        let library = Library::load(&settings).map_err(|e| format!("{e:#}"))?;
        let sources = library
            .roots
            .iter()
            .map(|r| GuideSource {
                path: r.display().to_string(),
                git_commit: library::git_commit(r),
            })
            .collect();
        Ok(Loaded {
            guides: library.guides,
            sources,
            warnings: library.warnings,
        })
    })
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("MEDIC_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    // A second initialisation (never in the binary) is not an error worth stopping for.
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

/// A database URL without its password.
fn display_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:«redacted»{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_owned())
}
