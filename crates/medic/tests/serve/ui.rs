//! The web UI in a real headless Chromium: the incidents list refreshes by itself, the
//! incident page shows why the problem matched and what each check printed, the guides
//! browser shows safety badges, the search box matches as you type, and write actions
//! appear only after an operator logs in. Leaves a screenshot of the incident page in
//! `target/tmp/medic-ui/incident.png`.

use std::time::Duration;

use medic_testkit::{Browser, HttpService};

use crate::harness::{Server, TOKEN, config, payload};

const WAIT: Duration = Duration::from_secs(20);

#[test]
fn the_ui_in_a_real_browser() {
    let dir = tempfile::tempdir().unwrap();
    let web = HttpService::start().unwrap();
    let instance = web.addr().to_string();
    let settings = config(&format!(
        "[vars]\nprometheus = \"{instance}\"\n[exec]\ntimeout = \"5s\"\n"
    ));
    let db = format!("sqlite://{}", dir.path().join("medic.db").display());
    let server = Server::start(&db, &settings, &[]);
    let alert = payload(
        "TargetDown",
        "00000000000000b1",
        "firing",
        &[("job", "node"), ("instance", &instance)],
        &format!("Target {instance} (job node) is down"),
    );
    let id = server.post("/api/v1/alerts", &alert).json()["incidents"][0]
        .as_i64()
        .unwrap();
    server.wait_state(id, "done", Duration::from_secs(60));

    let browser = Browser::builder().window_size(1280, 1600).start().unwrap();
    browser.goto(&server.url("/")).unwrap();
    assert_eq!(browser.title().unwrap(), "Incidents · medic");
    let row = browser.text("#incident-rows tr").unwrap();
    assert!(row.contains("TargetDown"), "{row}");
    assert!(row.contains("firing") && row.contains("done"), "{row}");

    // A new alert appears without reloading the page.
    let second = payload(
        "RedisOutOfMemory",
        "00000000000000b2",
        "firing",
        &[("instance", "127.0.0.1:6399")],
        "Redis is rejecting writes: OOM command not allowed when used memory > 'maxmemory'",
    );
    browser
        .execute("document.body.dataset.marker = 'same page';")
        .unwrap();
    server.post("/api/v1/alerts", &second);
    browser.wait_for_text("RedisOutOfMemory", WAIT).unwrap();
    assert_eq!(
        browser
            .execute("return document.body.dataset.marker;")
            .unwrap(),
        "same page",
        "the list refreshed in place"
    );

    // The incident page: alert, why it matched, each check with command and output.
    browser
        .goto(&server.url(&format!("/incidents/{id}")))
        .unwrap();
    browser.wait_for("section.checks", WAIT).unwrap();
    let page = browser.text("main").unwrap();
    for expected in [
        "Matched problem",
        "TargetDown",
        "Scrape the target by hand",
        "Documented fixes",
        "Download bundle",
        &instance,
    ] {
        assert!(page.contains(expected), "missing `{expected}` in:\n{page}");
    }
    let commands = browser.find_all("pre.command").unwrap();
    assert!(
        commands
            .iter()
            .any(|c| c.contains(&format!("http://{instance}/metrics"))),
        "{commands:?}"
    );
    assert!(browser.count(".reasons li").unwrap() >= 1);
    let shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("medic-ui/incident.png");
    std::fs::create_dir_all(shot.parent().unwrap()).unwrap();
    browser.screenshot_png(&shot).unwrap();
    let png = std::fs::read(&shot).unwrap();
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "{} bytes",
        png.len()
    );

    // The link to the guide section works.
    browser.click("section.match p.problem a").unwrap();
    browser.wait_for("section.checks", WAIT).unwrap();
    assert!(
        browser
            .current_url()
            .unwrap()
            .contains("/problems/prometheus-alertmanager.md%23targetdown")
    );
    assert!(browser.text("h1").unwrap().contains("TargetDown"));

    // The guides browser shows safety badges.
    browser.goto(&server.url("/guides")).unwrap();
    assert!(browser.count("section.guide").unwrap() >= 6);
    assert!(browser.count(".badge.read").unwrap() > 10);
    assert_eq!(
        browser.count("form[action='/ui/reload']").unwrap(),
        0,
        "read-only without login"
    );

    // Search as you type.
    browser
        .type_into("#q", "FATAL: sorry, too many clients")
        .unwrap();
    browser.wait_for(".match-result a", WAIT).unwrap();
    let first = browser.text(".match-result a").unwrap();
    assert!(first.to_lowercase().contains("connection"), "{first}");

    // An operator logs in and gets the reload button.
    browser.goto(&server.url("/login")).unwrap();
    browser.type_into("#token", "wrong").unwrap();
    browser.click("form.login button").unwrap();
    browser
        .wait_for_text("not the server's token", WAIT)
        .unwrap();
    browser.goto(&server.url("/login")).unwrap();
    browser.type_into("#token", TOKEN).unwrap();
    browser.click("form.login button").unwrap();
    browser.wait_for("#incident-rows", WAIT).unwrap();
    browser.goto(&server.url("/guides")).unwrap();
    browser.click("form[action='/ui/reload'] button").unwrap();
    browser.wait_for("section.guide", WAIT).unwrap();
    assert!(browser.current_url().unwrap().ends_with("/guides"));
}
