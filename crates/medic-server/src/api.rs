//! The JSON API (`/api/v1/…`, described in `openapi.json`) and the operations endpoints
//! (`/healthz`, `/readyz`, `/metrics`).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use medic_match::{Alert, Evidence};
use medic_store::{Filter, Intake, State as QueueState, Status, Store};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{App, intake, now_ms};

/// An API error: a status and a message, as `{"error": "…"}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    /// An error with this status.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    fn unavailable(error: &medic_store::StoreError) -> Self {
        tracing::error!(%error, "store error");
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("the store failed: {error}"),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(json!({ "error": self.message }))).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"medic\""),
            );
        }
        response
    }
}

type ApiResult<T> = Result<T, ApiError>;

/// Refuses a write request without credentials.
fn authorize<S>(app: &App<S>, headers: &HeaderMap) -> ApiResult<()> {
    if app.options.auth.allows(headers) {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "this endpoint needs the server's token: `Authorization: Bearer TOKEN` (or basic auth with the token as password)",
        ))
    }
}

/// `POST /api/v1/alerts`: an Alertmanager webhook. Answered once stored.
pub async fn alerts<S: Store>(
    State(app): State<Arc<App<S>>>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    authorize(&app, &headers)?;
    let alerts = intake::parse(&body).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let text = std::str::from_utf8(&body).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let outcomes = app
        .store
        .ingest(text, &alerts)
        .await
        .map_err(|e| ApiError::unavailable(&e))?;
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut incidents = Vec::new();
    for (alert, outcome) in alerts.iter().zip(&outcomes) {
        app.metrics.alert(alert.status);
        let (name, id) = match outcome {
            Intake::Created(id) => ("created", Some(*id)),
            Intake::Repeated(id) => ("repeated", Some(*id)),
            Intake::Resolved(id) => ("resolved", Some(*id)),
            Intake::Unknown => ("unknown", None),
        };
        *counts.entry(name).or_default() += 1;
        incidents.extend(id);
    }
    if counts.contains_key("created") {
        app.wake();
    }
    tracing::info!(alerts = alerts.len(), ?counts, "webhook stored");
    Ok(Json(json!({
        "received": alerts.len(),
        "created": counts.get("created").copied().unwrap_or(0),
        "repeated": counts.get("repeated").copied().unwrap_or(0),
        "resolved": counts.get("resolved").copied().unwrap_or(0),
        "unknown": counts.get("unknown").copied().unwrap_or(0),
        "incidents": incidents,
    })))
}

/// Query of `GET /api/v1/incidents`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// `firing` or `resolved`.
    pub status: Option<String>,
    /// `queued`, `running`, `done`, `failed`, `skipped`.
    pub state: Option<String>,
    /// RFC 3339 time, or a duration back from now (`1h`, `2d`).
    pub since: Option<String>,
    /// Matched problem id.
    pub problem: Option<String>,
    /// At most this many (default 100, at most 1000).
    pub limit: Option<u32>,
}

impl ListQuery {
    /// The store filter, or why a parameter is wrong.
    ///
    /// # Errors
    /// A parameter that cannot be read.
    pub fn filter(&self) -> Result<Filter, String> {
        let status = match self.status.as_deref().filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => Some(
                Status::parse(s)
                    .ok_or_else(|| format!("status `{s}`: expected firing or resolved"))?,
            ),
        };
        let state = match self.state.as_deref().filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => Some(QueueState::parse(s).ok_or_else(|| {
                format!("state `{s}`: expected queued, running, done, failed or skipped")
            })?),
        };
        let since = match self.since.as_deref().filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => Some(since(s)?),
        };
        Ok(Filter {
            status,
            state,
            since,
            problem: self.problem.clone().filter(|p| !p.is_empty()),
            limit: self.limit.unwrap_or(100).clamp(1, 1000),
        })
    }
}

/// `since`: an RFC 3339 time or a duration back from now, in Unix ms.
fn since(text: &str) -> Result<i64, String> {
    if let Ok(d) = humantime::parse_duration(text) {
        return Ok(now_ms() - i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 2));
    }
    let t = humantime::parse_rfc3339_weak(text).map_err(|_| {
        format!("since `{text}`: expected an RFC 3339 time (2026-11-23T07:00:00Z) or a duration (1h, 2d)")
    })?;
    let ms = t
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_millis();
    Ok(i64::try_from(ms).unwrap_or(i64::MAX))
}

/// `GET /api/v1/incidents`.
pub async fn incidents<S: Store>(
    State(app): State<Arc<App<S>>>,
    Query(query): Query<ListQuery>,
) -> ApiResult<Json<Value>> {
    let filter = query.filter().map_err(ApiError::bad_request)?;
    let list = app
        .store
        .list(&filter)
        .await
        .map_err(|e| ApiError::unavailable(&e))?;
    Ok(Json(json!({ "incidents": list })))
}

/// `GET /api/v1/incidents/{id}`: the incident and its full report.
pub async fn incident<S: Store>(
    State(app): State<Arc<App<S>>>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let id: i64 = id
        .parse()
        .map_err(|_| ApiError::bad_request(format!("incident id `{id}` is not a number")))?;
    match app
        .store
        .get(id)
        .await
        .map_err(|e| ApiError::unavailable(&e))?
    {
        Some(incident) => Ok(Json(serde_json::to_value(incident).map_err(|e| {
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
        })?)),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no incident {id}"),
        )),
    }
}

/// Body of `POST /api/v1/diagnose`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiagnoseBody {
    /// A symptom, error message or log lines.
    pub text: Option<String>,
    /// An alert object or webhook payload (its first alert).
    pub alert: Option<Value>,
    /// Placeholder values (`{"namespace": "shop"}`), before the alert's labels.
    #[serde(default)]
    pub vars: BTreeMap<String, String>,
}

/// `POST /api/v1/diagnose`: match and run the read-only checks now; the report, or 404
/// when nothing matches. Nothing is stored.
pub async fn diagnose<S: Store>(
    State(app): State<Arc<App<S>>>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    authorize(&app, &headers)?;
    let body: DiagnoseBody = serde_json::from_slice(&body).map_err(|e| {
        ApiError::bad_request(format!(
            "expected {{\"text\": \"…\"}} or {{\"alert\": {{…}}}}: {e}"
        ))
    })?;
    let evidence = match (body.text, body.alert) {
        (Some(text), None) if !text.trim().is_empty() => Evidence::Text(text),
        (None, Some(alert)) => {
            let mut alerts =
                medic_match::alerts_in(&alert).map_err(|e| ApiError::bad_request(e.to_string()))?;
            if alerts.is_empty() {
                return Err(ApiError::bad_request("the alert holds no alert"));
            }
            let alert: Alert = alerts.swap_remove(0);
            Evidence::Alert(alert)
        }
        _ => {
            return Err(ApiError::bad_request(
                "give exactly one of `text` (non-empty) or `alert`",
            ));
        }
    };
    let flags: Vec<(String, String)> = body.vars.into_iter().collect();
    let catalog = app.catalog();
    let report = app
        .checker
        .diagnose(&catalog, &evidence, &flags, app.options.runners_up)
        .await
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e))?;
    match report {
        Some(report) => {
            app.metrics.report(&report);
            Ok(Json(serde_json::to_value(report).map_err(|e| {
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
            })?))
        }
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "no problem in the guides matches the evidence well enough",
        )),
    }
}

/// Query of `GET /api/v1/search`.
#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    /// The evidence text.
    #[serde(default)]
    pub q: String,
    /// How many results (default 5, at most 50).
    pub top: Option<usize>,
}

/// `GET /api/v1/search?q=`: the matching problems with their reasons.
pub async fn search<S: Store>(
    State(app): State<Arc<App<S>>>,
    Query(query): Query<SearchQuery>,
) -> ApiResult<Json<Value>> {
    if query.q.trim().is_empty() {
        return Err(ApiError::bad_request("give the evidence as `q`"));
    }
    let catalog = app.catalog();
    let started = std::time::Instant::now();
    let matches = catalog.matcher.search(
        &Evidence::Text(query.q.clone()),
        query.top.unwrap_or(5).clamp(1, 50),
    );
    app.metrics.matched(started.elapsed().as_secs_f64());
    Ok(Json(json!({ "query": query.q, "matches": matches })))
}

/// `GET /api/v1/guides`: guides, their problems and their commands' safety.
pub async fn guides<S: Store>(State(app): State<Arc<App<S>>>) -> Json<Value> {
    let catalog = app.catalog();
    let guides: Vec<Value> = catalog
        .guides
        .iter()
        .map(|g| {
            json!({
                "path": g.path,
                "title": g.title,
                "problems": g.problems.iter().map(|p| {
                    let (read, write, unknown) = safety_counts(p);
                    json!({
                        "id": p.id,
                        "title": p.title,
                        "line": p.span.line,
                        "checks": p.checks.len(),
                        "commands": {"read": read, "write": write, "unknown": unknown},
                    })
                }).collect::<Vec<_>>(),
                "procedures": g.procedures.iter().map(|p| json!({"id": p.id, "title": p.title})).collect::<Vec<_>>(),
            })
        })
        .collect();
    Json(json!({
        "sources": catalog.sources,
        "loaded_at": medic_check::timestamp(catalog.loaded_at),
        "warnings": catalog.warnings,
        "guides": guides,
    }))
}

/// Read, write and unknown commands among a problem's checks.
#[must_use]
pub fn safety_counts(problem: &medic_guide::Problem) -> (usize, usize, usize) {
    let mut counts = (0, 0, 0);
    for command in problem.checks.iter().flat_map(|c| &c.commands) {
        match command.verdict.as_ref().map(|v| v.safety) {
            Some(medic_shell::Safety::Read) => counts.0 += 1,
            Some(medic_shell::Safety::Write) => counts.1 += 1,
            _ => counts.2 += 1,
        }
    }
    counts
}

/// `GET /api/v1/problems/{id}`: one problem as the guide states it, commands classified.
pub async fn problem<S: Store>(
    State(app): State<Arc<App<S>>>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let catalog = app.catalog();
    let (guide, problem) = catalog.problem(&id).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no problem `{id}` (ids look like `guide.md#anchor`; `#` is `%23` in a URL)"),
        )
    })?;
    let mut value = serde_json::to_value(problem)
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    if let Some(map) = value.as_object_mut() {
        map.insert(
            "guide".into(),
            json!({"path": guide.path, "title": guide.title}),
        );
    }
    Ok(Json(value))
}

/// `POST /api/v1/guides/reload`: load the guides again; the old ones stay on failure.
pub async fn reload<S: Store>(
    State(app): State<Arc<App<S>>>,
    headers: HeaderMap,
) -> ApiResult<Json<Value>> {
    authorize(&app, &headers)?;
    let catalog = app
        .reload()
        .await
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e))?;
    Ok(Json(json!({
        "guides": catalog.guides.len(),
        "problems": catalog.problems(),
        "warnings": catalog.warnings,
    })))
}

/// `GET /api/v1/openapi.json`.
pub async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], crate::OPENAPI).into_response()
}

/// `GET /healthz`: the process answers.
pub async fn healthz() -> &'static str {
    "ok\n"
}

/// `GET /readyz`: the store answers and guides are loaded.
pub async fn readyz<S: Store>(State(app): State<Arc<App<S>>>) -> Response {
    let store = app.store.ping().await;
    let problems = app.catalog().problems();
    let ready = store.is_ok() && problems > 0 && !app.stopping();
    let body = json!({
        "ready": ready,
        "store": store.as_ref().map_or_else(|e| e.to_string(), |()| "ok".to_owned()),
        "problems": problems,
        "stopping": app.stopping(),
    });
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}

/// `GET /metrics`: Prometheus text format.
pub async fn metrics<S: Store>(State(app): State<Arc<App<S>>>) -> Response {
    let counts = app.store.counts().await.ok();
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        app.metrics.render(counts.as_ref()),
    )
        .into_response()
}
