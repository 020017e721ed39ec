//! `/metrics`: what the server did, in the Prometheus text format — alerts received,
//! incidents per state, queue depth, match latency, check durations and verdicts,
//! refused commands, HTTP requests per route pattern.

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use medic_store::{Counts, State, Status};

type Labels = Vec<(String, String)>;
type HistogramFamily = Family<Labels, Histogram, fn() -> Histogram>;

/// The server's metrics.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    alerts: Family<Labels, Counter>,
    incidents: Family<Labels, Gauge>,
    queue_depth: Gauge,
    match_seconds: Histogram,
    diagnosis_seconds: Histogram,
    check_seconds: HistogramFamily,
    checks: Family<Labels, Counter>,
    refused: Counter,
    diagnoses: Family<Labels, Counter>,
    requests: Family<Labels, Counter>,
    request_seconds: HistogramFamily,
    kube_scans: Family<Labels, Counter>,
}

fn latency() -> Histogram {
    Histogram::new(exponential_buckets(0.000_5, 2.0, 16))
}

fn check_duration() -> Histogram {
    Histogram::new(exponential_buckets(0.005, 2.0, 15))
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Registers every metric.
    #[must_use]
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("medic");
        let alerts = Family::<Labels, Counter>::default();
        registry.register(
            "alerts_received",
            "Alerts received by the webhook, by status",
            alerts.clone(),
        );
        let incidents = Family::<Labels, Gauge>::default();
        registry.register(
            "incidents",
            "Stored incidents, by queue state",
            incidents.clone(),
        );
        let queue_depth = Gauge::default();
        registry.register(
            "queue_depth",
            "Incidents waiting for a diagnosis worker",
            queue_depth.clone(),
        );
        let match_seconds = latency();
        registry.register(
            "match_duration_seconds",
            "Time to match evidence to the guides",
            match_seconds.clone(),
        );
        let diagnosis_seconds = Histogram::new(exponential_buckets(0.001, 2.0, 17));
        registry.register(
            "diagnosis_duration_seconds",
            "Time to diagnose an incident: match and checks",
            diagnosis_seconds.clone(),
        );
        let check_seconds: HistogramFamily = Family::new_with_constructor(check_duration);
        registry.register(
            "check_duration_seconds",
            "Time each check took, by verdict",
            check_seconds.clone(),
        );
        let checks = Family::<Labels, Counter>::default();
        registry.register("checks", "Checks reported, by verdict", checks.clone());
        let refused = Counter::default();
        registry.register(
            "refused_commands",
            "Commands not run because they may write or could not be shown read-only",
            refused.clone(),
        );
        let diagnoses = Family::<Labels, Counter>::default();
        registry.register(
            "diagnoses",
            "Diagnoses finished, by outcome (matched, unmatched, failed, lease_lost)",
            diagnoses.clone(),
        );
        let requests = Family::<Labels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests, by method, route pattern and status",
            requests.clone(),
        );
        let request_seconds: HistogramFamily = Family::new_with_constructor(latency);
        registry.register(
            "http_request_duration_seconds",
            "HTTP request latency, by route pattern",
            request_seconds.clone(),
        );
        let kube_scans = Family::<Labels, Counter>::default();
        registry.register(
            "kube_scans",
            "Kubernetes scans (--kube-scan), by outcome (ok, failed)",
            kube_scans.clone(),
        );
        Self {
            kube_scans,
            registry,
            alerts,
            incidents,
            queue_depth,
            match_seconds,
            diagnosis_seconds,
            check_seconds,
            checks,
            refused,
            diagnoses,
            requests,
            request_seconds,
        }
    }

    /// One alert received.
    pub fn alert(&self, status: Status) {
        self.alerts
            .get_or_create(&vec![("status".to_owned(), status.as_str().to_owned())])
            .inc();
    }

    /// A Kubernetes scan ended (`ok` or `failed`).
    pub fn kube_scan(&self, outcome: &str) {
        self.kube_scans
            .get_or_create(&vec![("outcome".to_owned(), outcome.to_owned())])
            .inc();
    }

    /// A match took this long.
    pub fn matched(&self, seconds: f64) {
        self.match_seconds.observe(seconds);
    }

    /// A diagnosis ended with this outcome after this long.
    pub fn diagnosis(&self, outcome: &str, seconds: f64) {
        self.diagnoses
            .get_or_create(&vec![("outcome".to_owned(), outcome.to_owned())])
            .inc();
        self.diagnosis_seconds.observe(seconds);
    }

    /// The checks of a report: verdicts, durations, refused commands.
    pub fn report(&self, report: &medic_check::Report) {
        for check in &report.checks {
            let verdict = check.status.kind().to_owned();
            self.checks
                .get_or_create(&vec![("verdict".to_owned(), verdict.clone())])
                .inc();
            if check.ran() {
                self.check_seconds
                    .get_or_create(&vec![("verdict".to_owned(), verdict)])
                    .observe(check.duration_ms() as f64 / 1000.0);
            }
            let refused = check
                .steps
                .iter()
                .filter(|s| s.run.is_none() && s.verdict != "read")
                .count();
            self.refused.inc_by(refused as u64);
        }
    }

    /// One HTTP request.
    pub fn request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&vec![
                ("method".to_owned(), method.to_owned()),
                ("route".to_owned(), route.to_owned()),
                ("status".to_owned(), status.to_string()),
            ])
            .inc();
        self.request_seconds
            .get_or_create(&vec![("route".to_owned(), route.to_owned())])
            .observe(seconds);
    }

    /// The text exposition, with the store's current counts.
    #[must_use]
    pub fn render(&self, counts: Option<&Counts>) -> String {
        if let Some(counts) = counts {
            for state in State::ALL {
                self.incidents
                    .get_or_create(&vec![("state".to_owned(), state.as_str().to_owned())])
                    .set(counts.by_state.get(&state).copied().unwrap_or(0));
            }
            self.queue_depth
                .set(counts.by_state.get(&State::Queued).copied().unwrap_or(0));
        }
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = encode(&mut text, &self.registry);
        text
    }
}
