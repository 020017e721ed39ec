//! Running a server as an unprivileged user when the tests run as root.
//!
//! PostgreSQL refuses to start as root, and CI runs as root. There the
//! server's programs run as the `postgres` user (created by the Debian
//! package) and its temporary directory is handed to that user; otherwise
//! they run as whoever runs the tests. The switch happens in the child right
//! before `exec` (what `runuser -u postgres --` does, minus the watching
//! parent `runuser` keeps, which would stand between the test and the server
//! and delay its shutdown by seconds).

use std::fs;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;

use crate::error::{Result, TestkitError};

/// The user a server runs as.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RunAs {
    /// Whoever runs the tests (they are not root).
    Current,
    /// Another user, because the tests run as root.
    User {
        /// Numeric user ID.
        uid: u32,
        /// Numeric primary group ID.
        gid: u32,
    },
}

impl RunAs {
    /// [`RunAs::Current`] unless the tests run as root, else `user`, which
    /// must exist (`package` creates it).
    pub(crate) fn unless_root(user: &str, package: &str) -> Result<Self> {
        if !rustix::process::geteuid().is_root() {
            return Ok(Self::Current);
        }
        let passwd = fs::read_to_string("/etc/passwd")
            .map_err(|err| TestkitError::io("read `/etc/passwd`", err))?;
        lookup(&passwd, user)
            .map(|(uid, gid)| Self::User { uid, gid })
            .ok_or_else(|| TestkitError::NoSuchUser {
                user: user.to_owned(),
                package: package.to_owned(),
            })
    }

    /// Makes `command` run as this user.
    pub(crate) fn apply<'c>(&self, command: &'c mut Command) -> &'c mut Command {
        match *self {
            Self::Current => command,
            // std drops root's supplementary groups when it switches user.
            Self::User { uid, gid } => command.uid(uid).gid(gid),
        }
    }

    /// Gives `path` (a directory the kit created) to this user.
    pub(crate) fn own(&self, path: &Path) -> Result<()> {
        match *self {
            Self::Current => Ok(()),
            Self::User { uid, gid } => std::os::unix::fs::chown(path, Some(uid), Some(gid))
                .map_err(|err| TestkitError::io(format!("chown `{}`", path.display()), err)),
        }
    }
}

/// The user and group IDs of `user` in `/etc/passwd` text.
fn lookup(passwd: &str, user: &str) -> Option<(u32, u32)> {
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        if fields.next()? != user {
            return None;
        }
        let _password = fields.next()?;
        let uid = fields.next()?.parse().ok()?;
        let gid = fields.next()?.parse().ok()?;
        Some((uid, gid))
    })
}

#[cfg(test)]
mod tests {
    use super::lookup;

    #[test]
    fn finds_ids_in_passwd() {
        let passwd = "root:x:0:0:root:/root:/bin/bash\n\
                      postgres:x:104:111:PostgreSQL administrator:/var/lib/postgresql:/bin/bash\n";
        assert_eq!(lookup(passwd, "postgres"), Some((104, 111)));
        assert_eq!(lookup(passwd, "post"), None);
    }
}
