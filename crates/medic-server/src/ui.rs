//! The web UI: server-rendered HTML, no build step — incidents (auto-refreshing), an
//! incident's diagnosis, the guides with their commands' safety, and a search box that
//! matches as you type. Read-only unless an operator logs in with the server's token.

use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{DOCTYPE, Markup, html};
use medic_check::{CheckStatus, Report};
use medic_match::Evidence;
use medic_store::{Incident, State as QueueState, Store};
use serde::Deserialize;

use crate::api::{ListQuery, safety_counts};
use crate::auth::SESSION_COOKIE;
use crate::{App, now_ms};

const CSS: &str = include_str!("ui/medic.css");
const JS: &str = include_str!("ui/medic.js");

/// The UI's routes.
pub fn routes<S: Store + 'static>() -> Router<Arc<App<S>>> {
    Router::new()
        .route("/", get(incidents::<S>))
        .route("/ui/incidents", get(incident_rows::<S>))
        .route("/incidents/{id}", get(incident::<S>))
        .route("/incidents/{id}/bundle.tar.gz", get(bundle::<S>))
        .route("/guides", get(guides::<S>))
        .route("/problems/{*id}", get(problem::<S>))
        .route("/search", get(search_page::<S>))
        .route("/ui/search", get(search_fragment::<S>))
        .route("/login", get(login_form::<S>).post(login::<S>))
        .route("/logout", post(logout))
        .route("/ui/reload", post(reload::<S>))
        .route(
            "/assets/medic.css",
            get(|| async { ([(header::CONTENT_TYPE, "text/css")], CSS) }),
        )
        .route(
            "/assets/medic.js",
            get(|| async { ([(header::CONTENT_TYPE, "text/javascript")], JS) }),
        )
}

/// A page around `body`.
fn page(title: &str, operator: bool, body: Markup) -> Html<String> {
    Html(
        html! {
            (DOCTYPE)
            html lang="en" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (title) " · medic" }
                    link rel="stylesheet" href="/assets/medic.css";
                    script src="/assets/medic.js" defer {}
                }
                body {
                    header.top {
                        a.brand href="/" { "medic" }
                        nav {
                            a href="/" { "Incidents" }
                            a href="/guides" { "Guides" }
                        }
                        form.search action="/search" method="get" role="search" {
                            input #q type="search" name="q" placeholder="Search the guides: an error, a symptom…" autocomplete="off" aria-label="Search the guides";
                        }
                        @if operator {
                            form action="/logout" method="post" { button.link type="submit" { "Log out" } }
                        } @else {
                            a.login href="/login" { "Operator login" }
                        }
                    }
                    div #results.results {}
                    main { (body) }
                }
            }
        }
        .into_string(),
    )
}

fn error_page(status: StatusCode, message: &str) -> Response {
    (
        status,
        page(
            status.canonical_reason().unwrap_or("Error"),
            false,
            html! { h1 { (status.as_u16()) " " (status.canonical_reason().unwrap_or("")) } p.error { (message) } },
        ),
    )
        .into_response()
}

/// Percent-encodes a path segment (keeps `/`), so `guide.md#anchor` becomes a URL.
fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn problem_href(id: &str) -> String {
    format!("/problems/{}", encode(id))
}

fn time(ms: i64) -> String {
    let t = UNIX_EPOCH + Duration::from_millis(u64::try_from(ms).unwrap_or(0));
    medic_check::timestamp(t)
}

fn age(ms: i64) -> String {
    let secs = (now_ms() - ms).max(0) / 1000;
    match secs {
        s if s < 60 => format!("{s}s ago"),
        s if s < 3600 => format!("{}m ago", s / 60),
        s if s < 86_400 => format!("{}h ago", s / 3600),
        s => format!("{}d ago", s / 86_400),
    }
}

fn badge(kind: &str, text: &str) -> Markup {
    html! { span class={ "badge " (kind) } { (text) } }
}

fn summary_text(incident: &Incident) -> String {
    let Some(summary) = incident.summary.as_ref().and_then(|s| s.as_object()) else {
        return String::new();
    };
    summary
        .iter()
        .filter(|(_, v)| v.as_u64().unwrap_or(0) > 0)
        .map(|(k, v)| format!("{v} {}", k.replace('_', " ")))
        .collect::<Vec<_>>()
        .join(", ")
}

fn rows(list: &[Incident]) -> Markup {
    html! {
        @if list.is_empty() {
            tr { td colspan="7" .empty { "No incidents yet. Point Alertmanager's webhook at /api/v1/alerts." } }
        }
        @for i in list {
            tr data-incident=(i.id) {
                td { a href={ "/incidents/" (i.id) } { "#" (i.id) } }
                td { (badge(i.status.as_str(), i.status.as_str())) }
                td { (badge(i.state.as_str(), i.state.as_str())) }
                td { a href={ "/incidents/" (i.id) } { (i.name) } }
                td {
                    @if let (Some(id), Some(title)) = (&i.problem_id, &i.problem_title) {
                        a href=(problem_href(id)) { (title) }
                    } @else if i.state == QueueState::Done {
                        span.muted { "no matching guide" }
                    }
                }
                td { (summary_text(i)) }
                td title=(time(i.created_at)) { (age(i.created_at)) }
            }
        }
    }
}

async fn list<S: Store>(app: &App<S>, query: &ListQuery) -> Result<Vec<Incident>, Response> {
    let filter = query
        .filter()
        .map_err(|e| error_page(StatusCode::BAD_REQUEST, &e))?;
    app.store
        .list(&filter)
        .await
        .map_err(|e| error_page(StatusCode::SERVICE_UNAVAILABLE, &e.to_string()))
}

async fn incidents<S: Store>(
    State(app): State<Arc<App<S>>>,
    headers: HeaderMap,
    Query(query): Query<ListQuery>,
) -> Response {
    let list = match list(&app, &query).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let operator = app.options.auth.is_operator(&headers);
    page(
        "Incidents",
        operator,
        html! {
            h1 { "Incidents" }
            p.filters {
                "Show: "
                a href="/" { "all" } " · "
                a href="/?status=firing" { "firing" } " · "
                a href="/?status=resolved" { "resolved" } " · "
                a href="/?state=failed" { "failed" }
            }
            table.incidents {
                thead { tr { th { "Incident" } th { "Alert" } th { "Diagnosis" } th { "Alert name" } th { "Matched problem" } th { "Checks" } th { "Age" } } }
                tbody #incident-rows data-refresh="3000" { (rows(&list)) }
            }
        },
    )
    .into_response()
}

async fn incident_rows<S: Store>(
    State(app): State<Arc<App<S>>>,
    Query(query): Query<ListQuery>,
) -> Response {
    match list(&app, &query).await {
        Ok(l) => Html(rows(&l).into_string()).into_response(),
        Err(r) => r,
    }
}

async fn incident<S: Store>(
    State(app): State<Arc<App<S>>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    let incident = match stored(&app, id).await {
        Ok(i) => i,
        Err(page) => return page,
    };
    let report: Option<Report> = incident
        .report
        .clone()
        .filter(|_| incident.problem_id.is_some())
        .and_then(|r| serde_json::from_value(r).ok());
    let pending = matches!(incident.state, QueueState::Queued | QueueState::Running);
    let operator = app.options.auth.is_operator(&headers);
    page(
        &format!("#{} {}", incident.id, incident.name),
        operator,
        html! {
            div.incident data-pending=[pending.then_some("1")] {
                h1 { "#" (incident.id) " " (incident.name) " " (badge(incident.status.as_str(), incident.status.as_str())) " " (badge(incident.state.as_str(), incident.state.as_str())) }
                p.meta {
                    "first received " span title=(time(incident.created_at)) { (age(incident.created_at)) }
                    " · last seen " span title=(time(incident.last_seen)) { (age(incident.last_seen)) }
                    " · received " (incident.seen) @if incident.seen == 1 { " time" } @else { " times" }
                    @if let Some(r) = incident.resolved_at { " · resolved " span title=(time(r)) { (age(r)) } }
                    " · startsAt " code { (incident.starts_at) }
                    " · fingerprint " code { (incident.fingerprint) }
                }
                section.alert {
                    h2 { "Alert" }
                    table.kv {
                        @for (k, v) in &incident.labels { tr { th { (k) } td { code { (v) } } } }
                    }
                    @if !incident.annotations.is_empty() {
                        table.kv.annotations {
                            @for (k, v) in &incident.annotations { tr { th { (k) } td { (v) } } }
                        }
                    }
                }
                @match incident.state {
                    QueueState::Queued => p.pending { "Waiting for a diagnosis worker…" },
                    QueueState::Running => p.pending { "Diagnosing: the checks are running…" },
                    QueueState::Skipped => p.muted { "The alert resolved before a worker reached it; no checks ran." },
                    QueueState::Failed => p.error { "The diagnosis failed: " (incident.error.clone().unwrap_or_default()) },
                    QueueState::Done => {
                        @if let Some(report) = &report {
                            (report_view(report, incident.id))
                        } @else {
                            p.nomatch { "No problem in the guides matches this alert well enough: no guide documents it, or the alert says too little. medic does not guess." }
                        }
                    },
                }
            }
        },
    )
    .into_response()
}

/// The incident with this id, or the error page to answer instead.
async fn stored<S: Store>(app: &App<S>, id: i64) -> Result<Incident, Response> {
    match app.store.get(id).await {
        Ok(Some(i)) => Ok(i),
        Ok(None) => Err(error_page(
            StatusCode::NOT_FOUND,
            &format!("There is no incident #{id}."),
        )),
        Err(e) => Err(error_page(StatusCode::SERVICE_UNAVAILABLE, &e.to_string())),
    }
}

fn check_badge(status: &CheckStatus) -> Markup {
    let label = match status {
        // The reason is shown on its own line below.
        CheckStatus::Skipped { .. } => "skipped".to_owned(),
        other => other.label(),
    };
    badge(status.kind(), &label)
}

fn report_view(report: &Report, id: i64) -> Markup {
    html! {
        section.match {
            h2 { "Matched problem" }
            p.problem {
                a href=(problem_href(&report.problem.id)) { (report.problem.title) }
                " in " span.guide { (report.problem.guide_title) } " "
                code.where { (report.problem.guide) ":" (report.problem.line) }
            }
            @if let Some(m) = &report.matched {
                p.muted { "score " (format!("{:.2}", m.score)) " — why:" }
                ul.reasons { @for r in &m.reasons { li { (r) } } }
            }
            @if !report.runners_up.is_empty() {
                p.muted { "Also considered: "
                    @for (n, c) in report.runners_up.iter().enumerate() {
                        @if n > 0 { ", " }
                        a href=(problem_href(&c.id)) { (c.title) }
                    }
                }
            }
            p { a.button href={ "/incidents/" (id) "/bundle.tar.gz" } download { "Download bundle (.tar.gz)" } }
        }
        section.checks {
            h2 { "Checks" }
            p.muted {
                (report.summary)
            }
            @for check in &report.checks {
                div.check data-status=(check.status.kind()) {
                    h3 { (check.index) ". " (check.description) " " (check_badge(&check.status)) }
                    @match &check.status {
                        CheckStatus::Refused { reason } => p.reason { "Not run: " (reason) },
                        CheckStatus::NeedsValues { hint, .. } => p.reason { (hint) },
                        CheckStatus::Skipped { reason } => p.reason { "Skipped: " (reason) },
                        _ => {},
                    }
                    @for step in &check.steps {
                        div.step {
                            pre.command { code { (step.rendered) } }
                            p.meta {
                                (badge(&step.verdict, &step.verdict))
                                @if let Some(run) = &step.run {
                                    " " (run.outcome) " · " (run.duration_ms) " ms"
                                    @if let Some(c) = run.exit_code { " · exit " (c) }
                                    @if run.truncated { " · output truncated" }
                                }
                            }
                            @if let Some(run) = &step.run {
                                @if !run.stdout.is_empty() { pre.output { (run.stdout) } }
                                @if !run.stderr.is_empty() { pre.output.stderr { (run.stderr) } }
                            }
                        }
                    }
                }
            }
        }
        @if !report.causes.is_empty() {
            section.causes {
                h2 { "Documented causes" }
                ul { @for c in &report.causes { li { (c.text) @if let Some(s) = &c.solution { " — " em { (s) } } } } }
            }
        }
        @if !report.fixes.is_empty() {
            section.fixes {
                h2 { "Documented fixes" }
                p.muted { "medic never runs fixes; read them in the guide before acting." }
                ol { @for f in &report.fixes {
                    li { (f.description) @for c in &f.commands { pre.command { code { (c) } } } }
                } }
            }
        }
    }
}

async fn bundle<S: Store>(State(app): State<Arc<App<S>>>, Path(id): Path<i64>) -> Response {
    let incident = match stored(&app, id).await {
        Ok(i) => i,
        Err(page) => return page,
    };
    let Some(report) = incident
        .report
        .filter(|_| incident.problem_id.is_some())
        .and_then(|r| serde_json::from_value::<Report>(r).ok())
    else {
        return error_page(
            StatusCode::NOT_FOUND,
            &format!("Incident #{id} has no diagnosis to bundle."),
        );
    };
    let sources = app.catalog().sources.clone();
    match medic_check::write_bundle(Vec::new(), &report, sources) {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "application/gzip".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"medic-incident-{id}.tar.gz\""),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

async fn guides<S: Store>(State(app): State<Arc<App<S>>>, headers: HeaderMap) -> Response {
    let catalog = app.catalog();
    let operator = app.options.auth.is_operator(&headers);
    page(
        "Guides",
        operator,
        html! {
            h1 { "Guides" }
            p.muted {
                (catalog.guides.len()) " guides, " (catalog.problems()) " problems, loaded "
                (medic_check::timestamp(catalog.loaded_at))
                @for s in &catalog.sources {
                    " · " code { (s.path) } @if let Some(c) = &s.git_commit { " @ " code { (c.get(..12).unwrap_or(c)) } }
                }
            }
            @if operator {
                form action="/ui/reload" method="post" { button type="submit" { "Reload guides" } }
            }
            @for w in &catalog.warnings { p.warning { (w) } }
            @for g in &catalog.guides {
                section.guide {
                    h2 { (g.title) " " span.muted { code { (g.path) } } }
                    @if g.problems.is_empty() { p.muted { "No problems in this guide." } }
                    ul.problems {
                        @for p in &g.problems {
                            @let (read, write, unknown) = safety_counts(p);
                            li {
                                a href=(problem_href(&p.id)) { (p.title) }
                                " "
                                @if read > 0 { (badge("read", &format!("{read} read"))) " " }
                                @if write > 0 { (badge("write", &format!("{write} write"))) " " }
                                @if unknown > 0 { (badge("unknown", &format!("{unknown} unknown"))) }
                            }
                        }
                    }
                }
            }
        },
    )
    .into_response()
}

async fn problem<S: Store>(
    State(app): State<Arc<App<S>>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let catalog = app.catalog();
    let Some((guide, problem)) = catalog.problem(&id) else {
        return error_page(
            StatusCode::NOT_FOUND,
            &format!("There is no problem `{id}`."),
        );
    };
    let operator = app.options.auth.is_operator(&headers);
    page(
        &problem.title,
        operator,
        html! {
            p.breadcrumb { a href="/guides" { "Guides" } @for b in &problem.breadcrumb { " › " (b) } }
            h1 { (problem.title) }
            p.muted { code { (guide.path) ":" (problem.span.line) } " · id " code { (problem.id) } }
            @if !problem.symptoms.is_empty() {
                section { h2 { "Symptoms" } ul { @for s in &problem.symptoms { li { (s.text) } } } }
            }
            section.checks {
                h2 { "Checks" }
                @if problem.checks.is_empty() { p.muted { "The guide gives no diagnostic commands for this problem." } }
                @for (n, check) in problem.checks.iter().enumerate() {
                    div.check {
                        h3 { (n + 1) ". " (check.description) }
                        @for c in &check.commands {
                            @let safety = c.verdict.as_ref().map_or("unknown", |v| v.safety.as_str());
                            div.step {
                                pre.command { code { (c.text) } }
                                p.meta {
                                    (badge(safety, safety))
                                    @if let Some(v) = &c.verdict { " " span.muted { (v.reasons.join("; ")) } }
                                }
                            }
                        }
                    }
                }
            }
            @if !problem.causes.is_empty() {
                section { h2 { "Causes" } ul { @for c in &problem.causes { li { (c.text) } } } }
            }
            @if !problem.fixes.is_empty() {
                section { h2 { "Fixes" } ol { @for f in &problem.fixes {
                    li { (f.description) @for c in &f.commands { pre.command { code { (c.text) } } } }
                } } }
            }
        },
    )
    .into_response()
}

#[derive(Debug, Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
}

fn results(app_catalog: &crate::Catalog, q: &str) -> Markup {
    if q.trim().is_empty() {
        return html! {};
    }
    let matches = app_catalog.matcher.search(&Evidence::Text(q.to_owned()), 5);
    html! {
        div.matches {
            @if matches.is_empty() {
                p.nomatch { "Nothing in the guides matches well enough." }
            }
            @for m in &matches {
                div.match-result {
                    a href=(problem_href(&m.id)) { (m.title) }
                    " " span.muted { code { (m.id) } " · " (format!("{:.2}", m.score)) }
                    ul.reasons { @for r in m.reasons.iter().take(3) { li { (r) } } }
                }
            }
        }
    }
}

async fn search_page<S: Store>(
    State(app): State<Arc<App<S>>>,
    headers: HeaderMap,
    Query(query): Query<SearchQuery>,
) -> Response {
    let catalog = app.catalog();
    let operator = app.options.auth.is_operator(&headers);
    page(
        "Search",
        operator,
        html! {
            h1 { "Search the guides" }
            p.muted { "Paste an error message, a log line or a symptom; results update as you type in the box above." }
            div #search-page { (results(&catalog, &query.q)) }
        },
    )
    .into_response()
}

async fn search_fragment<S: Store>(
    State(app): State<Arc<App<S>>>,
    Query(query): Query<SearchQuery>,
) -> Html<String> {
    Html(results(&app.catalog(), &query.q).into_string())
}

async fn login_form<S: Store>(State(app): State<Arc<App<S>>>, headers: HeaderMap) -> Response {
    let operator = app.options.auth.is_operator(&headers);
    page(
        "Operator login",
        operator,
        html! {
            h1 { "Operator login" }
            @if matches!(app.options.auth, crate::Auth::Disabled) {
                p { "This server runs without authentication (loopback only): every visitor is an operator." }
            } @else {
                form.login action="/login" method="post" {
                    label for="token" { "Server token" }
                    input #token type="password" name="token" autocomplete="current-password";
                    button type="submit" { "Log in" }
                }
            }
        },
    )
    .into_response()
}

#[derive(Debug, Deserialize)]
struct LoginForm {
    token: String,
}

async fn login<S: Store>(State(app): State<Arc<App<S>>>, Form(form): Form<LoginForm>) -> Response {
    match app.options.auth.login(&form.token) {
        Some(session) => (
            [(
                header::SET_COOKIE,
                format!("{SESSION_COOKIE}={session}; Path=/; HttpOnly; SameSite=Strict"),
            )],
            Redirect::to("/"),
        )
            .into_response(),
        None => error_page(StatusCode::UNAUTHORIZED, "That is not the server's token."),
    }
}

async fn logout() -> Response {
    (
        [(
            header::SET_COOKIE,
            format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
        )],
        Redirect::to("/"),
    )
        .into_response()
}

async fn reload<S: Store>(State(app): State<Arc<App<S>>>, headers: HeaderMap) -> Response {
    if !app.options.auth.allows(&headers) {
        return error_page(
            StatusCode::UNAUTHORIZED,
            "Log in as an operator to reload the guides.",
        );
    }
    match app.reload().await {
        Ok(_) => Redirect::to("/guides").into_response(),
        Err(e) => error_page(StatusCode::UNPROCESSABLE_ENTITY, &e),
    }
}
