//! Redis: answers redis-cli, and says the real words when out of memory.

use medic_testkit::Redis;

use crate::assert_gone;

#[test]
fn answers_ping_and_info() {
    let redis = Redis::start().unwrap();
    assert_eq!(redis.cli(&["PING"]).unwrap(), "PONG");
    assert_eq!(redis.url(), format!("redis://127.0.0.1:{}", redis.port()));
    let info = redis.cli(&["INFO", "server"]).unwrap();
    assert!(
        info.contains(&format!("tcp_port:{}", redis.port())),
        "{info}"
    );
    assert!(
        info.contains(&format!("process_id:{}", redis.pid())),
        "{info}"
    );
    assert_eq!(redis.cli(&["SET", "k", "v"]).unwrap(), "OK");
    assert_eq!(redis.cli(&["GET", "k"]).unwrap(), "v");
    assert_eq!(redis.cli(&["CONFIG", "GET", "save"]).unwrap(), "save");
}

#[test]
fn writes_past_maxmemory_get_the_real_oom_error() {
    let redis = Redis::builder().maxmemory("1mb").start().unwrap();
    let value = "x".repeat(100_000);
    let mut reply = String::new();
    for i in 0..100 {
        reply = redis.cli(&["SET", &format!("key{i}"), &value]).unwrap();
        if reply != "OK" {
            break;
        }
    }
    assert_eq!(
        reply,
        "OOM command not allowed when used memory > 'maxmemory'."
    );
}

#[test]
fn drop_stops_redis_and_removes_its_directory() {
    let redis = Redis::start().unwrap();
    let (pid, dir) = (redis.pid(), redis.dir().to_owned());
    drop(redis);
    assert_gone(pid, &dir);
}
