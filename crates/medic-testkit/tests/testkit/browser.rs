//! The headless browser: loads a page from a real server, clicks, types,
//! submits a form, runs scripts, takes screenshots, and leaves nothing
//! running.

use std::time::{Duration, Instant};

use medic_testkit::{Browser, HttpService, TestkitError};

const PAGE: &str = r#"<!doctype html>
<html>
<head><title>Incidents</title></head>
<body>
  <h1>Open incidents</h1>
  <ul>
    <li class="incident">DiskFull on db-1</li>
    <li class="incident">WebDown on web-2</li>
  </ul>
  <p id="state">firing</p>
  <button id="ack" onclick="document.getElementById('state').textContent = 'acknowledged'">Acknowledge</button>
  <form method="post" action="/webhook/note">
    <input id="note" name="note" value="">
    <button id="save" type="submit">Save</button>
  </form>
</body>
</html>
"#;

#[test]
fn clicks_types_submits_and_reads_a_real_page() {
    let web = HttpService::start().unwrap();
    web.add_page("/incidents", PAGE);
    let started = Instant::now();
    let browser = Browser::start().unwrap();
    eprintln!("browser ready in {:?}", started.elapsed());

    browser.goto(&web.url("/incidents")).unwrap();
    assert_eq!(browser.title().unwrap(), "Incidents");
    assert_eq!(browser.current_url().unwrap(), web.url("/incidents"));
    assert_eq!(browser.text("h1").unwrap(), "Open incidents");
    assert_eq!(
        browser.find_all("li.incident").unwrap(),
        ["DiskFull on db-1", "WebDown on web-2"]
    );
    assert_eq!(browser.count("li.incident").unwrap(), 2);
    assert_eq!(browser.count("table").unwrap(), 0);

    browser.click("#ack").unwrap();
    browser
        .wait_for_text("acknowledged", Duration::from_secs(5))
        .unwrap();
    assert_eq!(browser.text("#state").unwrap(), "acknowledged");
    assert_eq!(
        browser
            .execute("return document.querySelectorAll('li').length;")
            .unwrap(),
        2
    );

    let missing = browser.click("#nowhere").unwrap_err();
    assert!(
        matches!(&missing, TestkitError::WebDriver { error, .. } if error == "no such element"),
        "{missing}"
    );

    let png = browser.dir().join("incidents.png");
    browser.screenshot_png(&png).unwrap();
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert!(bytes.len() > 5_000, "{} bytes", bytes.len());

    browser.type_into("#note", "disk cleaned").unwrap();
    browser.click("#save").unwrap();
    browser.wait_for("pre", Duration::from_secs(10)).unwrap();
    assert_eq!(browser.text("pre").unwrap(), "ok");
    assert_eq!(web.bodies("/webhook/note"), ["note=disk+cleaned"]);
    assert!(
        browser.page_source().unwrap().contains("ok"),
        "{}",
        browser.log_tail()
    );
}

#[test]
fn drop_ends_chromedriver_and_chromium() {
    let browser = Browser::builder().window_size(400, 300).start().unwrap();
    let (pid, dir) = (browser.pid(), browser.dir().to_owned());
    let group = members_of_group(pid);
    assert!(
        group.len() > 2,
        "chromium runs under chromedriver: {group:?}"
    );
    let stopped = Instant::now();
    drop(browser);
    eprintln!("browser stopped in {:?}", stopped.elapsed());
    assert!(!dir.exists(), "{} still exists", dir.display());
    // Killed members may linger as zombies until PID 1 reaps them; none
    // may still be running.
    let running: Vec<u32> = members_of_group(pid)
        .into_iter()
        .filter(|&member| !is_zombie(member))
        .collect();
    assert!(running.is_empty(), "still running: {running:?}");
}

/// Process IDs whose process group is `pgid`.
fn members_of_group(pgid: u32) -> Vec<u32> {
    std::fs::read_dir("/proc")
        .expect("/proc lists processes")
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            stat_fields(*pid).is_some_and(|fields| fields.get(2) == Some(&pgid.to_string()))
        })
        .collect()
}

fn is_zombie(pid: u32) -> bool {
    stat_fields(pid).is_none_or(|fields| fields.first().map(String::as_str) == Some("Z"))
}

/// The fields of `/proc/PID/stat` after the command name: state, ppid, pgrp, …
fn stat_fields(pid: u32) -> Option<Vec<String>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &stat[stat.rfind(')')? + 1..];
    Some(after.split_whitespace().map(str::to_owned).collect())
}
