//! Free loopback ports, and retrying a start when another process wins one.
//!
//! A port found by binding `127.0.0.1:0` is free only until the listener is
//! closed; tests in other test binaries run at the same time and may take it
//! before the service binds it. A service that then exits with "address
//! already in use" is started again on a fresh port.

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use crate::error::{Result, TestkitError};

/// How many ports a service tries before giving up.
const PORT_ATTEMPTS: usize = 5;

/// A TCP port on 127.0.0.1 that nothing listened on a moment ago.
///
/// ```
/// let port = medic_testkit::free_port()?;
/// assert_ne!(port, 0);
/// # Ok::<(), medic_testkit::TestkitError>(())
/// ```
pub fn free_port() -> Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .map_err(|err| TestkitError::io("bind a free port on 127.0.0.1", err))?;
    let addr = listener
        .local_addr()
        .map_err(|err| TestkitError::io("read the address of a free port", err))?;
    Ok(addr.port())
}

/// Runs `start` with a free port, again with a new port if the service lost
/// the race for it.
pub(crate) fn with_free_port<T>(mut start: impl FnMut(u16) -> Result<T>) -> Result<T> {
    let mut attempt = 1;
    loop {
        match start(free_port()?) {
            Err(err) if err.is_port_clash() && attempt < PORT_ATTEMPTS => attempt += 1,
            outcome => return outcome,
        }
    }
}

/// Whether something accepts TCP connections on 127.0.0.1:`port`.
pub(crate) fn port_accepts(port: u16) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok()
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::with_free_port;
    use crate::error::TestkitError;

    fn exited(log_tail: &str) -> TestkitError {
        TestkitError::Exited {
            service: "redis".to_owned(),
            status: "exit status: 1".to_owned(),
            log: PathBuf::from("redis.log"),
            log_tail: log_tail.to_owned(),
        }
    }

    #[test]
    fn a_lost_port_is_retried_on_another() {
        let mut ports = Vec::new();
        let port = with_free_port(|port| {
            ports.push(port);
            if ports.len() < 3 {
                Err(exited("bind: Address already in use"))
            } else {
                Ok(port)
            }
        })
        .unwrap();
        assert_eq!(ports.len(), 3);
        assert_eq!(ports.last(), Some(&port));
    }

    #[test]
    fn other_failures_are_not_retried() {
        let mut attempts = 0;
        let err = with_free_port(|_| -> Result<(), _> {
            attempts += 1;
            Err(exited("FATAL:  bad setting"))
        })
        .unwrap_err();
        assert_eq!(attempts, 1);
        assert!(err.to_string().contains("FATAL:  bad setting"));
    }
}
