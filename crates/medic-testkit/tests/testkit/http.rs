//! The HTTP service: each route answers as documented, to our own client
//! and to curl.

use std::process::Command;
use std::time::{Duration, Instant};

use medic_testkit::{HttpService, find_program, http_get, http_get_timeout, http_post};

#[test]
fn routes_answer_with_their_codes() {
    let web = HttpService::start().unwrap();
    let healthz = http_get(&web.url("/healthz")).unwrap();
    assert_eq!((healthz.status, healthz.body.as_str()), (200, "ok\n"));
    assert_eq!(healthz.header("content-length"), Some("3"));

    let unavailable = http_get(&web.url("/status/503")).unwrap();
    assert_eq!(unavailable.status, 503);
    assert_eq!(unavailable.reason, "Service Temporarily Unavailable");
    assert_eq!(unavailable.body, "503 Service Temporarily Unavailable\n");
    assert_eq!(
        http_get(&web.url("/status/504")).unwrap().body,
        "504 Gateway Time-out\n"
    );
    assert_eq!(http_get(&web.url("/nowhere")).unwrap().status, 404);
    assert_eq!(http_get(&web.url("/status/abc")).unwrap().status, 400);

    let started = Instant::now();
    let slow = http_get(&web.url("/slow/300")).unwrap();
    assert_eq!(slow.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));

    let started = Instant::now();
    let hang = http_get_timeout(&web.url("/hang"), Duration::from_millis(200));
    assert!(hang.is_err());
    assert!(started.elapsed() < Duration::from_secs(5));

    assert_eq!(
        web.requests(),
        [
            "GET /healthz",
            "GET /status/503",
            "GET /status/504",
            "GET /nowhere",
            "GET /status/abc",
            "GET /slow/300",
            "GET /hang",
        ]
    );
}

#[test]
fn curl_sees_the_same_answers() {
    let curl = find_program("curl", "curl").unwrap();
    let web = HttpService::start().unwrap();
    let code = |path: &str| {
        let out = Command::new(&curl)
            .args([
                "-s",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                &web.url(path),
            ])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert_eq!(code("/healthz"), "200");
    assert_eq!(code("/status/502"), "502");
    assert_eq!(code("/slow/10"), "200");

    let body = Command::new(&curl)
        .args(["-s", &web.url("/status/503")])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&body.stdout),
        "503 Service Temporarily Unavailable\n"
    );

    // curl gives up on the hanging route with its timeout exit code, 28.
    let hang = Command::new(&curl)
        .args(["-s", "--max-time", "0.3", &web.url("/hang")])
        .output()
        .unwrap();
    assert_eq!(hang.status.code(), Some(28));
    assert_eq!(web.requests().len(), 5);
}

#[test]
fn drop_answers_hanging_requests_and_closes_the_port() {
    let web = HttpService::start().unwrap();
    let url = web.url("/hang");
    let client = std::thread::spawn(move || http_get(&url));
    medic_testkit::wait_until(
        "the hanging request to arrive",
        Duration::from_secs(5),
        || Ok(web.requests().len() == 1),
    )
    .unwrap();
    let addr = web.addr();
    let started = Instant::now();
    drop(web);
    assert!(started.elapsed() < Duration::from_secs(2));
    // The connection closed without an answer.
    assert!(client.join().unwrap().is_err());
    assert!(std::net::TcpStream::connect(addr).is_err());
}

#[test]
fn records_posted_bodies_and_serves_metrics_and_pages() {
    let web = HttpService::start().unwrap();
    let posted = http_post(&web.url("/webhook"), "application/json", "{\"a\":1}").unwrap();
    assert_eq!((posted.status, posted.body.as_str()), (200, "ok\n"));
    http_post(&web.url("/webhook/other?x=1"), "text/plain", "two").unwrap();
    assert_eq!(web.bodies("/webhook"), ["{\"a\":1}"]);
    assert_eq!(web.bodies("/webhook/other"), ["two"]);
    let received = web.received();
    assert_eq!(received[0].method, "POST");
    assert_eq!(received[0].header("content-type"), Some("application/json"));
    assert_eq!(received[1].path, "/webhook/other?x=1");

    let metrics = http_get(&web.url("/metrics")).unwrap();
    assert_eq!(metrics.status, 200);
    assert!(
        metrics.body.contains("\nmedic_testkit_up 1\n"),
        "{}",
        metrics.body
    );
    assert!(
        metrics.body.contains("\nmedic_testkit_requests_total 3\n"),
        "{}",
        metrics.body
    );
    web.set_metrics_status(503);
    assert_eq!(http_get(&web.url("/metrics")).unwrap().status, 503);
    web.set_metrics_status(200);
    assert_eq!(http_get(&web.url("/metrics")).unwrap().status, 200);

    assert_eq!(http_get(&web.url("/page")).unwrap().status, 404);
    web.add_page("/page", "<p>hi</p>");
    let page = http_get(&web.url("/page?q=1")).unwrap();
    assert_eq!((page.status, page.body.as_str()), (200, "<p>hi</p>"));
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
}
