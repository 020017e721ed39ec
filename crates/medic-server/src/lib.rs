//! `medic serve`: Alertmanager webhooks in, incidents diagnosed by background workers
//! from a queue kept in the store, the history behind a JSON API and a server-rendered
//! web UI, and `/metrics`, `/healthz`, `/readyz` for operations.
//!
//! - [`intake`] reads webhook bodies; the store keeps each payload before the webhook
//!   is answered, so a 200 means durable;
//! - [`worker`]s claim incidents under a lease, match them against the [`Catalog`] and
//!   run the problem's read-only checks with a [`Checker`]; a worker that dies leaves
//!   its incident to be claimed again when the lease runs out;
//! - [`scan`] reads a Kubernetes cluster periodically and files its findings as incidents;
//! - [`router`] serves the API ([`api`]) and the UI ([`ui`]);
//! - [`serve`] runs it all until SIGTERM/SIGINT, reloads guides on SIGHUP, and drains the
//!   workers before returning.

pub mod api;
pub mod auth;
pub mod catalog;
pub mod diagnosis;
pub mod intake;
pub mod metrics;
pub mod scan;
pub mod ui;
pub mod worker;

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::serve::ListenerExt as _;
use medic_store::Store;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;

pub use auth::Auth;
pub use catalog::{Catalog, Loaded, Loader};
pub use diagnosis::{Checker, alert_evidence, attach_matches, report_evidence};
pub use metrics::Metrics;

/// The OpenAPI description of the HTTP API.
pub const OPENAPI: &str = include_str!("../openapi.json");

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Diagnoses at once in this process.
    pub workers: usize,
    /// How long a claim holds without renewal; a dead worker's incident is claimed
    /// again after this.
    pub lease: Duration,
    /// How often an idle worker looks for work other processes queued.
    pub poll: Duration,
    /// Incidents older than this are deleted (checked hourly); `None` keeps everything.
    pub retention: Option<Duration>,
    /// Largest request body accepted (413 above).
    pub body_limit: usize,
    /// Who may write.
    pub auth: Auth,
    /// Runners-up listed in each report.
    pub runners_up: usize,
    /// This process's name in claims (`host:pid`).
    pub worker_name: String,
    /// How long shutdown waits for running diagnoses.
    pub drain: Duration,
    /// Scan a Kubernetes cluster periodically and open incidents for its findings.
    pub kube_scan: Option<scan::KubeScan>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            workers: 4,
            lease: Duration::from_secs(30),
            poll: Duration::from_secs(1),
            retention: Some(Duration::from_secs(30 * 24 * 3600)),
            body_limit: 1024 * 1024,
            auth: Auth::Disabled,
            runners_up: 3,
            worker_name: format!("medic-{}", std::process::id()),
            drain: Duration::from_secs(75),
            kube_scan: None,
        }
    }
}

/// Everything the handlers and workers share.
pub struct App<S> {
    /// Incident history.
    pub store: S,
    catalog: RwLock<Arc<Catalog>>,
    loader: Loader,
    /// Runs checks.
    pub checker: Checker,
    /// Metrics.
    pub metrics: Metrics,
    /// Settings.
    pub options: Options,
    wake: Notify,
    stop: watch::Sender<bool>,
    started: Instant,
}

impl<S: Store> App<S> {
    /// A server's shared state.
    pub fn new(
        store: S,
        catalog: Catalog,
        loader: Loader,
        checker: Checker,
        options: Options,
    ) -> Self {
        Self {
            store,
            catalog: RwLock::new(Arc::new(catalog)),
            loader,
            checker,
            metrics: Metrics::new(),
            options,
            wake: Notify::new(),
            stop: watch::channel(false).0,
            started: Instant::now(),
        }
    }

    /// The current guides.
    pub fn catalog(&self) -> Arc<Catalog> {
        match self.catalog.read() {
            Ok(c) => Arc::clone(&c),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Loads the guides again and swaps them in; requests in flight keep the old set.
    ///
    /// # Errors
    /// When the guides cannot be loaded or indexed; the old set stays.
    pub async fn reload(&self) -> Result<Arc<Catalog>, String> {
        let loader = Arc::clone(&self.loader);
        let catalog = tokio::task::spawn_blocking(move || loader().and_then(Catalog::new))
            .await
            .map_err(|e| format!("reload failed: {e}"))??;
        let catalog = Arc::new(catalog);
        match self.catalog.write() {
            Ok(mut c) => *c = Arc::clone(&catalog),
            Err(poisoned) => *poisoned.into_inner() = Arc::clone(&catalog),
        }
        tracing::info!(
            guides = catalog.guides.len(),
            problems = catalog.problems(),
            "guides reloaded"
        );
        Ok(catalog)
    }

    /// Wakes idle workers: new work was queued.
    pub fn wake(&self) {
        self.wake.notify_waiters();
    }

    /// Asks everything to stop.
    pub fn shutdown(&self) {
        self.stop.send_replace(true);
        self.wake.notify_waiters();
    }

    /// Whether shutdown was asked.
    pub fn stopping(&self) -> bool {
        *self.stop.borrow()
    }

    /// Resolves when shutdown is asked.
    pub async fn stopped(&self) {
        let mut rx = self.stop.subscribe();
        // An error means the sender is gone, which is a stop too.
        let _ = rx.wait_for(|s| *s).await;
    }

    /// How long the server has run.
    pub fn uptime(&self) -> Duration {
        self.started.elapsed()
    }
}

/// Every route: the API, operations endpoints and the UI.
pub fn router<S: Store + 'static>(app: Arc<App<S>>) -> Router {
    let limit = app.options.body_limit;
    Router::new()
        .route("/api/v1/alerts", post(api::alerts::<S>))
        .route("/api/v1/incidents", get(api::incidents::<S>))
        .route("/api/v1/incidents/{id}", get(api::incident::<S>))
        .route("/api/v1/diagnose", post(api::diagnose::<S>))
        .route("/api/v1/search", get(api::search::<S>))
        .route("/api/v1/guides", get(api::guides::<S>))
        .route("/api/v1/guides/reload", post(api::reload::<S>))
        .route("/api/v1/problems/{*id}", get(api::problem::<S>))
        .route("/api/v1/openapi.json", get(api::openapi))
        .route("/healthz", get(api::healthz))
        .route("/readyz", get(api::readyz::<S>))
        .route("/metrics", get(api::metrics::<S>))
        .merge(ui::routes::<S>())
        .layer(DefaultBodyLimit::max(limit))
        .layer(middleware::from_fn_with_state(Arc::clone(&app), track::<S>))
        .with_state(app)
}

/// Counts and times every request by its route pattern, and logs it.
async fn track<S: Store + 'static>(
    State(app): State<Arc<App<S>>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    let seconds = started.elapsed().as_secs_f64();
    let status = response.status().as_u16();
    app.metrics.request(&method, &route, status, seconds);
    tracing::debug!(%method, %route, status, ms = seconds * 1000.0, "request");
    response
}

/// Why the server stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The HTTP server failed.
    #[error("the HTTP server failed: {0}")]
    Http(#[from] std::io::Error),
}

/// Serves on `listener` until SIGTERM or SIGINT (or [`App::shutdown`]): webhooks, API,
/// UI, workers, retention. SIGHUP reloads the guides. On stop, no new requests or claims
/// are taken, running diagnoses finish (up to [`Options::drain`]), then it returns.
///
/// # Errors
/// When the HTTP server fails.
pub async fn serve<S: Store + 'static>(
    listener: TcpListener,
    app: Arc<App<S>>,
) -> Result<(), ServeError> {
    let mut workers = JoinSet::new();
    for n in 0..app.options.workers.max(1) {
        workers.spawn(worker::run(Arc::clone(&app), n));
    }
    let mut background = vec![
        tokio::spawn(signals(Arc::clone(&app))),
        tokio::spawn(retention(Arc::clone(&app))),
    ];
    if let Some(kube) = app.options.kube_scan.clone() {
        background.push(tokio::spawn(scan::run(Arc::clone(&app), kube)));
    }
    let stop = Arc::clone(&app);
    // Responses go out at once: without TCP_NODELAY a small response can wait for the
    // client's delayed ACK (tens of milliseconds).
    let listener = listener.tap_io(|tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::debug!(%error, "cannot set TCP_NODELAY");
        }
    });
    let served = axum::serve(listener, router(Arc::clone(&app)))
        .with_graceful_shutdown(async move { stop.stopped().await })
        .await;
    app.shutdown();
    tracing::info!("stopping: waiting for running diagnoses");
    let drained = tokio::time::timeout(app.options.drain, async {
        while workers.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            "diagnoses still running after {:?}; their incidents will be claimed again",
            app.options.drain
        );
    }
    for task in background {
        task.abort();
    }
    served.map_err(ServeError::Http)
}

/// SIGHUP reloads; SIGTERM and SIGINT stop.
async fn signals<S: Store + 'static>(app: Arc<App<S>>) {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut hup), Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::hangup()),
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        tracing::error!("cannot install signal handlers");
        return;
    };
    loop {
        tokio::select! {
            _ = hup.recv() => {
                if let Err(e) = app.reload().await {
                    tracing::error!(error = %e, "guide reload failed; the previous guides stay");
                }
            }
            _ = term.recv() => break,
            _ = int.recv() => break,
        }
    }
    tracing::info!("shutdown requested");
    app.shutdown();
}

/// Deletes incidents past the retention period, hourly.
async fn retention<S: Store + 'static>(app: Arc<App<S>>) {
    let Some(keep) = app.options.retention else {
        return;
    };
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tick.tick().await;
        let before = now_ms().saturating_sub(i64::try_from(keep.as_millis()).unwrap_or(i64::MAX));
        match app.store.purge(before).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(deleted = n, "retention: old incidents deleted"),
            Err(e) => tracing::warn!(error = %e, "retention: purge failed"),
        }
    }
}

/// Now, in Unix milliseconds.
#[must_use]
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
