//! The store's contract, told as one story and run against both backends:
//! SQLite in a temporary directory, and a real PostgreSQL from
//! `medic-testkit`. Then many workers claiming at once, and bad URLs.
#![expect(
    clippy::unwrap_used,
    reason = "a failed store call should fail the test"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use medic_store::{
    AlertIn, AnyStore, Diagnosis, Filter, Intake, MAX_ATTEMPTS, State, Status, Store, StoreError,
    open,
};
use medic_testkit::Postgres;
use serde_json::json;

/// An alert of `alertname` `name` that started at `starts_at`.
fn alert(name: &str, starts_at: &str, status: Status) -> AlertIn {
    let labels = BTreeMap::from([
        ("alertname".to_owned(), name.to_owned()),
        ("instance".to_owned(), "db-1".to_owned()),
    ]);
    let annotations = BTreeMap::from([("summary".to_owned(), format!("{name} on db-1"))]);
    AlertIn {
        fingerprint: format!("fp-{name}"),
        starts_at: starts_at.to_owned(),
        ends_at: (status == Status::Resolved).then(|| "2026-07-01T10:30:00Z".to_owned()),
        status,
        name: name.to_owned(),
        labels: labels.clone(),
        annotations: annotations.clone(),
        alert: json!({
            "status": status.as_str(),
            "labels": labels,
            "annotations": annotations,
            "startsAt": starts_at,
        }),
    }
}

fn firing(name: &str) -> AlertIn {
    alert(name, "2026-07-01T10:00:00Z", Status::Firing)
}

fn resolved(name: &str) -> AlertIn {
    alert(name, "2026-07-01T10:00:00Z", Status::Resolved)
}

/// A webhook body carrying `alerts`.
fn body(alerts: &[AlertIn]) -> String {
    let alerts: Vec<_> = alerts.iter().map(|a| a.alert.clone()).collect();
    json!({ "version": "4", "alerts": alerts }).to_string()
}

async fn ingest(store: &AnyStore, alerts: &[AlertIn]) -> Vec<Intake> {
    store.ingest(&body(alerts), alerts).await.unwrap()
}

fn diagnosis() -> Diagnosis {
    Diagnosis {
        problem_id: Some("db.md#replication-lag".to_owned()),
        problem_title: Some("Replication lag".to_owned()),
        score: Some(0.75),
        summary: json!({ "ok": 2, "failed": 1 }),
        report: json!({ "problem": "db.md#replication-lag", "checks": [{ "verdict": "ok" }] }),
    }
}

/// Waits until a lease of `ms` taken now has surely run out.
async fn outlive_lease(ms: u64) {
    tokio::time::sleep(Duration::from_millis(ms + 20)).await;
}

fn created(intake: Intake) -> i64 {
    match intake {
        Intake::Created(id) => id,
        other => panic!("expected a created incident, got {other:?}"),
    }
}

/// The whole contract, against one store.
async fn story(store: &AnyStore) {
    store.ping().await.unwrap();
    assert_eq!(store.claim("w1", 60_000).await.unwrap(), None);

    // Two firing alerts: two queued incidents.
    let first = ingest(store, &[firing("DiskFull"), firing("ReplicationLag")]).await;
    let [a, b] = [created(first[0]), created(first[1])];
    assert_ne!(a, b);

    // The same alerts again: repeats, nothing new queued.
    let mut again = firing("DiskFull");
    again.alert["annotations"]["summary"] = json!("DiskFull on db-1, still");
    let repeat = ingest(store, &[again, firing("ReplicationLag")]).await;
    assert_eq!(repeat, [Intake::Repeated(a), Intake::Repeated(b)]);
    let incident = store.get(a).await.unwrap().unwrap();
    assert_eq!(incident.seen, 2);
    assert_eq!(incident.state, State::Queued);
    assert_eq!(incident.status, Status::Firing);
    assert_eq!(incident.attempts, 0);
    assert_eq!(incident.name, "DiskFull");
    assert_eq!(incident.labels["instance"], "db-1");
    assert_eq!(incident.annotations["summary"], "DiskFull on db-1");
    assert_eq!(
        incident.alert["annotations"]["summary"],
        "DiskFull on db-1, still"
    );
    assert!(incident.last_seen >= incident.created_at);
    assert_eq!(store.counts().await.unwrap().by_state[&State::Queued], 2);

    // Claims: oldest first, each once, then nothing.
    let claimed = store.claim("w1", 60_000).await.unwrap().unwrap();
    assert_eq!(claimed.id, a);
    assert_eq!(claimed.state, State::Running);
    assert_eq!(claimed.worker.as_deref(), Some("w1"));
    assert_eq!(claimed.attempts, 1);
    assert!(claimed.started_at.is_some());
    assert_eq!(store.claim("w2", 60_000).await.unwrap().unwrap().id, b);
    assert_eq!(store.claim("w3", 60_000).await.unwrap(), None);

    // Only the holder renews, finishes or fails.
    assert!(store.renew(a, "w1", 60_000).await.unwrap());
    assert!(!store.renew(a, "w2", 60_000).await.unwrap());
    assert!(!store.finish(a, "w2", &diagnosis()).await.unwrap());
    assert!(store.finish(a, "w1", &diagnosis()).await.unwrap());
    assert!(!store.finish(a, "w1", &diagnosis()).await.unwrap());
    assert!(!store.renew(a, "w1", 60_000).await.unwrap());
    assert!(!store.fail(b, "w1", "boom").await.unwrap());
    assert!(store.fail(b, "w2", "check `lag` timed out").await.unwrap());
    assert!(!store.fail(b, "w2", "again").await.unwrap());

    let done = store.get(a).await.unwrap().unwrap();
    assert_eq!(done.state, State::Done);
    assert_eq!(done.problem_id.as_deref(), Some("db.md#replication-lag"));
    assert_eq!(done.problem_title.as_deref(), Some("Replication lag"));
    assert_eq!(done.score, Some(0.75));
    assert_eq!(done.summary, Some(json!({ "ok": 2, "failed": 1 })));
    assert_eq!(done.report, Some(diagnosis().report));
    assert!(done.finished_at.is_some());
    let failed = store.get(b).await.unwrap().unwrap();
    assert_eq!(failed.state, State::Failed);
    assert_eq!(failed.error.as_deref(), Some("check `lag` timed out"));
    assert_eq!(failed.report, None);

    // Resolution: a done incident stays done; an unknown one stores nothing.
    let outcome = ingest(store, &[resolved("DiskFull"), resolved("NeverFired")]).await;
    assert_eq!(outcome, [Intake::Resolved(a), Intake::Unknown]);
    let done = store.get(a).await.unwrap().unwrap();
    assert_eq!(done.status, Status::Resolved);
    assert_eq!(done.state, State::Done);
    assert!(done.resolved_at.is_some());
    assert_eq!(done.ends_at.as_deref(), Some("2026-07-01T10:30:00Z"));
    assert_eq!(done.seen, 3);
    assert_eq!(done.alert["status"], "resolved");

    // Resolved while queued: skipped, never claimable.
    let c = created(ingest(store, &[firing("CpuHigh")]).await[0]);
    assert_eq!(
        ingest(store, &[resolved("CpuHigh")]).await,
        [Intake::Resolved(c)]
    );
    let skipped = store.get(c).await.unwrap().unwrap();
    assert_eq!(skipped.state, State::Skipped);
    assert_eq!(skipped.status, Status::Resolved);
    assert_eq!(store.claim("w1", 60_000).await.unwrap(), None);
    // A late firing repeat neither re-opens nor re-queues it.
    assert_eq!(
        ingest(store, &[firing("CpuHigh")]).await,
        [Intake::Repeated(c)]
    );
    assert_eq!(store.get(c).await.unwrap().unwrap().state, State::Skipped);
    assert_eq!(store.claim("w1", 60_000).await.unwrap(), None);

    // A lease that runs out: another worker takes over, the first is refused.
    let d = created(ingest(store, &[firing("ConnectionsHigh")]).await[0]);
    assert_eq!(store.claim("w1", 30).await.unwrap().unwrap().id, d);
    assert_eq!(store.claim("w2", 60_000).await.unwrap(), None);
    outlive_lease(30).await;
    let taken = store.claim("w2", 60_000).await.unwrap().unwrap();
    assert_eq!((taken.id, taken.attempts), (d, 2));
    assert_eq!(taken.worker.as_deref(), Some("w2"));
    assert!(!store.renew(d, "w1", 60_000).await.unwrap());
    assert!(!store.finish(d, "w1", &diagnosis()).await.unwrap());
    assert!(!store.fail(d, "w1", "late").await.unwrap());
    // Resolving a running incident leaves its diagnosis running.
    assert_eq!(
        ingest(store, &[resolved("ConnectionsHigh")]).await,
        [Intake::Resolved(d)]
    );
    let running = store.get(d).await.unwrap().unwrap();
    assert_eq!(
        (running.state, running.status),
        (State::Running, Status::Resolved)
    );
    assert!(store.finish(d, "w2", &diagnosis()).await.unwrap());

    // Too many attempts: failed instead of claimed again.
    let e = created(ingest(store, &[firing("OomKilled")]).await[0]);
    for attempt in 1..=MAX_ATTEMPTS {
        let claimed = store.claim("crashy", 10).await.unwrap().unwrap();
        assert_eq!((claimed.id, claimed.attempts), (e, attempt));
        outlive_lease(10).await;
    }
    assert_eq!(store.claim("w1", 60_000).await.unwrap(), None);
    let gave_up = store.get(e).await.unwrap().unwrap();
    assert_eq!(gave_up.state, State::Failed);
    assert_eq!(gave_up.attempts, MAX_ATTEMPTS);
    assert_eq!(
        gave_up.error.as_deref(),
        Some(format!("gave up after {MAX_ATTEMPTS} attempts").as_str())
    );

    // Listing: newest first, without reports, filtered.
    let all = store.list(&Filter::default()).await.unwrap();
    let ids: Vec<i64> = all.iter().map(|i| i.id).collect();
    assert_eq!(ids, [e, d, c, b, a]);
    assert!(all.iter().all(|i| i.report.is_none()));
    let ids_of = |filter: Filter| async move {
        let found = store.list(&filter).await.unwrap();
        found.iter().map(|i| i.id).collect::<Vec<_>>()
    };
    let resolved_ids = ids_of(Filter {
        status: Some(Status::Resolved),
        ..Filter::default()
    })
    .await;
    assert_eq!(resolved_ids, [d, c, a]);
    let firing_ids = ids_of(Filter {
        status: Some(Status::Firing),
        ..Filter::default()
    })
    .await;
    assert_eq!(firing_ids, [e, b]);
    let done_ids = ids_of(Filter {
        state: Some(State::Done),
        ..Filter::default()
    })
    .await;
    assert_eq!(done_ids, [d, a]);
    let problem_ids = ids_of(Filter {
        problem: Some("db.md#replication-lag".to_owned()),
        state: Some(State::Done),
        status: Some(Status::Resolved),
        ..Filter::default()
    })
    .await;
    assert_eq!(problem_ids, [d, a]);
    let no_problem = ids_of(Filter {
        problem: Some("nope.md#x".to_owned()),
        ..Filter::default()
    })
    .await;
    assert!(no_problem.is_empty());
    assert_eq!(
        ids_of(Filter {
            limit: 2,
            ..Filter::default()
        })
        .await,
        [e, d]
    );
    let since = all[1].created_at;
    let expected: Vec<i64> = all
        .iter()
        .filter(|i| i.created_at >= since)
        .map(|i| i.id)
        .collect();
    let recent = ids_of(Filter {
        since: Some(since),
        ..Filter::default()
    })
    .await;
    assert_eq!(recent, expected);
    assert!(recent.starts_with(&[e, d]));
    assert!(
        ids_of(Filter {
            since: Some(all[0].created_at + 60_000),
            ..Filter::default()
        })
        .await
        .is_empty()
    );

    // Counts.
    let counts = store.counts().await.unwrap();
    let by_state: Vec<(State, i64)> = counts.by_state.into_iter().collect();
    assert_eq!(
        by_state,
        [
            (State::Queued, 0),
            (State::Running, 0),
            (State::Done, 2),
            (State::Failed, 2),
            (State::Skipped, 1)
        ]
    );
    assert_eq!(counts.by_status[&Status::Firing], 2);
    assert_eq!(counts.by_status[&Status::Resolved], 3);
    assert_eq!(counts.payloads, 9);

    // Purge: queued and running incidents stay, whatever their age.
    let f = created(ingest(store, &[firing("Running")]).await[0]);
    let g = created(ingest(store, &[firing("Queued")]).await[0]);
    assert_eq!(store.claim("w1", 60_000).await.unwrap().unwrap().id, f);
    assert_eq!(store.purge(all[4].created_at).await.unwrap(), 0);
    assert_eq!(store.purge(i64::MAX).await.unwrap(), 5);
    let left: Vec<i64> = store
        .list(&Filter::default())
        .await
        .unwrap()
        .iter()
        .map(|i| i.id)
        .collect();
    assert_eq!(left, [g, f]);
    let counts = store.counts().await.unwrap();
    assert_eq!(counts.payloads, 0);
    assert_eq!(counts.by_state[&State::Queued], 1);
    assert_eq!(counts.by_state[&State::Running], 1);
    // Their payloads went; the incidents still work.
    assert!(store.finish(f, "w1", &diagnosis()).await.unwrap());
    assert_eq!(
        ingest(store, &[firing("Running")]).await,
        [Intake::Repeated(f)]
    );
}

#[tokio::test]
async fn story_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("medic.db");
    let url = format!("sqlite://{}", path.display());
    let store = open(&url).await.unwrap();
    assert_eq!(store.backend(), "sqlite");
    story(&store).await;
    let before = store.list(&Filter::default()).await.unwrap();
    let counts = store.counts().await.unwrap();
    store.close().await;
    drop(store);

    // Reopened (migrations again, harmlessly), everything is still there.
    for url in [
        url,
        format!("sqlite:{}", path.display()),
        path.display().to_string(),
    ] {
        let store = open(&url).await.unwrap();
        assert_eq!(store.list(&Filter::default()).await.unwrap(), before);
        assert_eq!(store.counts().await.unwrap(), counts);
        store.close().await;
    }
}

#[tokio::test]
async fn story_postgres() {
    let pg = Postgres::start().unwrap();
    let store = open(&pg.url()).await.unwrap();
    assert_eq!(store.backend(), "postgres");
    story(&store).await;
    // Migrating again is harmless.
    let again = open(&pg.url()).await.unwrap();
    assert_eq!(again.counts().await.unwrap(), store.counts().await.unwrap());
    store.close().await;
    again.close().await;
}

/// `workers` tasks, spread over `stores`, claim and finish until the queue
/// is empty; every one of `n` incidents must be claimed exactly once.
async fn claim_concurrently(stores: &[AnyStore], n: usize, workers: usize) {
    let alerts: Vec<AlertIn> = (0..n).map(|i| firing(&format!("Alert{i}"))).collect();
    let intakes = stores[0].ingest(&body(&alerts), &alerts).await.unwrap();
    let ids: BTreeSet<i64> = intakes.into_iter().map(created).collect();
    assert_eq!(ids.len(), n);

    let mut tasks = tokio::task::JoinSet::new();
    for w in 0..workers {
        let store = stores[w % stores.len()].clone();
        tasks.spawn(async move {
            let worker = format!("worker-{w}");
            let mut claimed = Vec::new();
            while let Some(incident) = store.claim(&worker, 60_000).await.unwrap() {
                assert_eq!(incident.attempts, 1, "{incident:?}");
                assert!(
                    store
                        .finish(incident.id, &worker, &diagnosis())
                        .await
                        .unwrap()
                );
                claimed.push(incident.id);
            }
            claimed
        });
    }
    let mut seen = Vec::new();
    for claimed in tasks.join_all().await {
        seen.extend(claimed);
    }
    assert_eq!(seen.len(), n, "an incident was claimed twice or never");
    assert_eq!(seen.into_iter().collect::<BTreeSet<_>>(), ids);
    let done = stores[0]
        .list(&Filter {
            state: Some(State::Done),
            limit: u32::try_from(n + 1).unwrap(),
            ..Filter::default()
        })
        .await
        .unwrap();
    assert_eq!(done.len(), n);
    assert!(done.iter().all(|i| i.attempts == 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_claims_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("medic.db").display().to_string())
        .await
        .unwrap();
    claim_concurrently(&[store], 200, 8).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_claims_postgres() {
    let pg = Postgres::start().unwrap();
    // Two pools stand in for two `medic serve` processes.
    let one = open(&pg.url()).await.unwrap();
    let two = open(&pg.url()).await.unwrap();
    claim_concurrently(&[one, two], 200, 8).await;
}

/// `tasks` tasks, spread over `stores`, each store the same `n` alerts
/// `rounds` times, half of them in reverse order, as the replicas of an
/// Alertmanager cluster do: each alert creates one incident, once.
async fn ingest_concurrently(stores: &[AnyStore], n: usize, tasks: usize, rounds: usize) {
    let alerts: Vec<AlertIn> = (0..n).map(|i| firing(&format!("Same{i}"))).collect();
    let mut running = tokio::task::JoinSet::new();
    for t in 0..tasks {
        let store = stores[t % stores.len()].clone();
        let mut alerts = alerts.clone();
        if t % 2 == 1 {
            alerts.reverse();
        }
        running.spawn(async move {
            let mut created = 0;
            for _ in 0..rounds {
                let intakes = store.ingest(&body(&alerts), &alerts).await.unwrap();
                created += intakes
                    .iter()
                    .filter(|i| matches!(i, Intake::Created(_)))
                    .count();
            }
            created
        });
    }
    let created: usize = running.join_all().await.into_iter().sum();
    assert_eq!(created, n);
    let all = stores[0]
        .list(&Filter {
            limit: u32::try_from(n + 1).unwrap(),
            ..Filter::default()
        })
        .await
        .unwrap();
    assert_eq!(all.len(), n);
    let expected = i64::try_from(tasks * rounds).unwrap();
    assert!(
        all.iter()
            .all(|i| i.seen == expected && i.state == State::Queued)
    );
    let counts = stores[0].counts().await.unwrap();
    assert_eq!(counts.payloads, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_ingest_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("medic.db").display().to_string())
        .await
        .unwrap();
    ingest_concurrently(&[store], 100, 4, 5).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_ingest_postgres() {
    let pg = Postgres::start().unwrap();
    let one = open(&pg.url()).await.unwrap();
    let two = open(&pg.url()).await.unwrap();
    ingest_concurrently(&[one, two], 100, 4, 5).await;
}

#[tokio::test]
async fn unsupported_url() {
    for url in ["mysql://medic:hunter2@db/medic", "redis://cache:6379", ""] {
        let err = open(url).await.unwrap_err();
        assert!(matches!(err, StoreError::Url(_)), "{url}: {err}");
        let message = err.to_string();
        assert!(!message.contains("hunter2"), "{message}");
        assert!(message.contains("sqlite://"), "{message}");
    }
}

#[tokio::test]
async fn unreachable_postgres() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgres://medic:hunter2@127.0.0.1:{port}/medic");
    let err = open(&url).await.unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, StoreError::Database { .. }), "{message}");
    assert!(!message.contains("hunter2"), "{message}");
    assert!(
        message.starts_with(&format!(
            "cannot connect to PostgreSQL: `postgres://medic:***@127.0.0.1:{port}/medic`:"
        )),
        "{message}"
    );
    assert!(message.contains("refused"), "{message}");
}
