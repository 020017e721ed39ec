//! PostgreSQL: queries, held connections and the real "out of connection
//! slots" errors.

use std::process::Command;
use std::time::Duration;

use medic_testkit::{Postgres, find_program, wait_until};

use crate::assert_gone;

#[test]
fn psql_reaches_the_server_by_url_and_by_environment() {
    let pg = Postgres::start().unwrap();
    assert!(
        pg.psql("SELECT version()")
            .unwrap()
            .starts_with("PostgreSQL ")
    );
    assert_eq!(pg.psql("SELECT 1; SELECT 2").unwrap(), "1\n2");
    assert_eq!(pg.host(), "127.0.0.1");
    assert_eq!(
        pg.url(),
        format!("postgres://postgres@127.0.0.1:{}/postgres", pg.port())
    );

    let psql = find_program("psql", "postgresql-client").unwrap();
    let by_env = Command::new(&psql)
        .args([
            "-X",
            "-A",
            "-t",
            "-c",
            "SELECT current_user || ' ' || current_setting('port')",
        ])
        .envs(pg.env())
        .output()
        .unwrap();
    assert!(by_env.status.success(), "{by_env:?}");
    assert_eq!(
        String::from_utf8_lossy(&by_env.stdout).trim(),
        format!("postgres {}", pg.port())
    );
    let by_url = Command::new(&psql)
        .args([
            "-X",
            "-A",
            "-t",
            "-c",
            "SELECT current_database()",
            &pg.url(),
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&by_url.stdout).trim(), "postgres");

    let err = pg.psql("SELEC 1").unwrap_err().to_string();
    assert!(err.contains("syntax error at or near \"SELEC\""), "{err}");
}

#[test]
fn held_connections_fill_the_slots_and_the_next_client_gets_the_real_error() {
    let pg = Postgres::builder()
        .max_connections(5)
        .superuser_reserved(2)
        .start()
        .unwrap();
    pg.create_role("app").unwrap();
    let count = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'medic-held'";
    assert_eq!(pg.psql(count).unwrap(), "0");

    let held = pg.hold_connections("app", "medic-held", 3).unwrap();
    assert_eq!(held.len(), 3);
    assert_eq!(pg.psql(count).unwrap(), "3");
    assert_eq!(
        pg.psql(
            "SELECT DISTINCT usename || ' ' || state FROM pg_stat_activity \
             WHERE application_name = 'medic-held'"
        )
        .unwrap(),
        "app idle"
    );
    let reserved = pg.try_connect("app").unwrap_err();
    assert!(
        reserved.contains(&format!("port {} failed: FATAL:  remaining connection slots are reserved for non-replication superuser connections", pg.port())),
        "{reserved}"
    );

    let superusers = pg.hold_connections("postgres", "medic-held-su", 2).unwrap();
    let full = pg.try_connect("postgres").unwrap_err();
    assert!(
        full.contains(&format!(
            "psql: error: connection to server at \"127.0.0.1\", port {} failed: FATAL:  sorry, too many clients already",
            pg.port()
        )),
        "{full}"
    );
    let refused = pg
        .hold_connections("postgres", "one-too-many", 1)
        .unwrap_err();
    assert!(
        refused.to_string().contains("too many clients already"),
        "{refused}"
    );

    drop(superusers);
    drop(held);
    wait_until(
        "the held connections to close",
        Duration::from_secs(10),
        || Ok(pg.try_connect("app").is_ok()),
    )
    .unwrap();
    wait_until(
        "pg_stat_activity to forget them",
        Duration::from_secs(10),
        || Ok(pg.psql(count)? == "0"),
    )
    .unwrap();
}

#[test]
fn held_queries_are_active_in_pg_stat_activity() {
    let pg = Postgres::start().unwrap();
    let held = pg
        .hold_queries("postgres", "medic-slow", 2, "SELECT pg_sleep(3600)")
        .unwrap();
    assert_eq!(
        pg.psql(
            "SELECT state, wait_event_type, wait_event, query FROM pg_stat_activity \
             WHERE application_name = 'medic-slow'"
        )
        .unwrap(),
        "active|Timeout|PgSleep|SELECT pg_sleep(3600);\nactive|Timeout|PgSleep|SELECT pg_sleep(3600);"
    );
    let clients = held.client_pids();
    drop(held);
    for pid in clients {
        assert!(!std::path::Path::new(&format!("/proc/{pid}")).exists());
    }
}

#[test]
fn settings_reach_the_server() {
    let pg = Postgres::builder()
        .setting("work_mem", "7MB")
        .start()
        .unwrap();
    assert_eq!(pg.psql("SHOW work_mem").unwrap(), "7MB");
    assert_eq!(pg.psql("SHOW listen_addresses").unwrap(), "127.0.0.1");
}

#[test]
fn drop_stops_the_server_and_removes_its_directory() {
    let pg = Postgres::start().unwrap();
    let (pid, dir, port) = (pg.pid(), pg.dir().to_owned(), pg.port());
    assert!(pg.data_dir().join("PG_VERSION").exists());
    let _held = pg
        .hold_connections("postgres", "outlives-the-server", 1)
        .unwrap();
    drop(pg);
    assert_gone(pid, &dir);
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
}
