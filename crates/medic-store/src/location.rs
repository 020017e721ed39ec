//! Where a store lives: a database URL (`sqlite://PATH`, `sqlite:PATH`, a
//! bare path, `postgres://…`) read into a [`Location`], the default SQLite
//! file, and the redaction that keeps passwords out of every message.

use std::path::PathBuf;

use crate::{Result, StoreError};

/// The database a URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Location {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL server; the URL as given.
    Postgres(String),
}

impl Location {
    /// Reads `url`: `sqlite://PATH`, `sqlite:PATH`, `postgres://…`,
    /// `postgresql://…`, or a path with no scheme.
    pub(crate) fn parse(url: &str) -> Result<Self> {
        let url = url.trim();
        let unsupported = || StoreError::Url(redact_url(url));
        if url.is_empty() {
            return Err(unsupported());
        }
        match scheme(url) {
            None => Ok(Location::Sqlite(PathBuf::from(url))),
            Some(scheme) if scheme.eq_ignore_ascii_case("sqlite") => {
                let rest = &url[scheme.len() + 1..];
                let path = rest.strip_prefix("//").unwrap_or(rest);
                if path.is_empty() || path == ":memory:" || path.starts_with("file:") {
                    return Err(unsupported());
                }
                Ok(Location::Sqlite(PathBuf::from(path)))
            }
            Some(scheme)
                if scheme.eq_ignore_ascii_case("postgres")
                    || scheme.eq_ignore_ascii_case("postgresql") =>
            {
                if url[scheme.len() + 1..].starts_with("//") {
                    Ok(Location::Postgres(url.to_owned()))
                } else {
                    Err(unsupported())
                }
            }
            Some(_) => Err(unsupported()),
        }
    }
}

/// The URL scheme of `url` (`sqlite` in `sqlite://x`), if it has one. A
/// one-letter "scheme" is not one, so `C:\x` stays a path.
fn scheme(url: &str) -> Option<&str> {
    let (scheme, _) = url.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    let valid = first.is_ascii_alphabetic()
        && scheme.len() > 1
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(scheme)
}

/// Where `medic serve` keeps its SQLite file when no URL is given:
/// `$XDG_DATA_HOME/medic/medic.db`, else `~/.local/share/medic/medic.db`;
/// `None` when neither variable gives an absolute directory.
#[must_use]
pub fn default_sqlite_path() -> Option<PathBuf> {
    let absolute = |name: &str| {
        std::env::var_os(name)
            .map(PathBuf::from)
            .filter(|path| path.is_absolute())
    };
    let data = absolute("XDG_DATA_HOME")
        .or_else(|| absolute("HOME").map(|home| home.join(".local").join("share")))?;
    Some(data.join("medic").join("medic.db"))
}

/// `url` with its password, if any, replaced by `***`: in the user info
/// (`postgres://u:***@host/db`) and in a `password=` query parameter.
pub(crate) fn redact_url(url: &str) -> String {
    let mut out = url.to_owned();
    for secret in secrets(url) {
        out = out.replace(&secret, "***");
    }
    out
}

/// `message` with every password found in `url` (as written and
/// percent-decoded) replaced by `***`.
pub(crate) fn redact_message(message: &str, url: &str) -> String {
    let mut out = message.to_owned();
    for secret in secrets(url) {
        out = out.replace(&secret, "***");
        let decoded = percent_decode(&secret);
        if !decoded.is_empty() {
            out = out.replace(&decoded, "***");
        }
    }
    out
}

/// The passwords written in `url`, longest first so that one that contains
/// another is replaced whole.
fn secrets(url: &str) -> Vec<String> {
    let mut found = Vec::new();
    if let Some((_, rest)) = url.split_once("://") {
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let authority = &rest[..authority_end];
        if let Some((userinfo, _)) = authority.rsplit_once('@')
            && let Some((_, password)) = userinfo.split_once(':')
            && !password.is_empty()
        {
            found.push(password.to_owned());
        }
    }
    if let Some((_, query)) = url.split_once('?') {
        let query = query.split('#').next().unwrap_or_default();
        for pair in query.split('&') {
            if let Some((key, value)) = pair.split_once('=')
                && key.eq_ignore_ascii_case("password")
                && !value.is_empty()
            {
                found.push(value.to_owned());
            }
        }
    }
    found.sort_by_key(|secret| std::cmp::Reverse(secret.len()));
    found
}

/// `%41` → `A`; a malformed escape is kept as written.
fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::{Location, default_sqlite_path, percent_decode, redact_message, redact_url};
    use crate::StoreError;

    #[test]
    fn sqlite_forms() {
        for (url, path) in [
            ("sqlite:///var/lib/medic.db", "/var/lib/medic.db"),
            ("sqlite://medic.db", "medic.db"),
            ("sqlite:data/medic.db", "data/medic.db"),
            ("/tmp/medic.db", "/tmp/medic.db"),
            ("medic.db", "medic.db"),
        ] {
            assert_eq!(
                Location::parse(url).unwrap(),
                Location::Sqlite(PathBuf::from(path)),
                "{url}"
            );
        }
    }

    #[test]
    fn postgres_forms() {
        for url in [
            "postgres://u@h/db",
            "postgresql://u:p@h:5432/db?sslmode=require",
        ] {
            assert_eq!(
                Location::parse(url).unwrap(),
                Location::Postgres(url.to_owned())
            );
        }
    }

    #[test]
    fn unsupported() {
        for url in [
            "",
            "mysql://u:hunter2@h/db",
            "sqlite::memory:",
            "postgres:db",
            "redis://h",
        ] {
            let err = Location::parse(url).unwrap_err();
            assert!(matches!(err, StoreError::Url(_)), "{url}: {err}");
            assert!(!err.to_string().contains("hunter2"), "{err}");
        }
    }

    #[test]
    fn default_path() {
        // Tests cannot set the environment safely; check the shape only.
        if let Some(path) = default_sqlite_path() {
            assert!(path.is_absolute(), "{}", path.display());
            assert!(path.ends_with("medic/medic.db"), "{}", path.display());
        }
    }

    #[test]
    fn redaction() {
        assert_eq!(
            redact_url("postgres://medic:s3cr%40t@db:5432/medic?password=other&x=1"),
            "postgres://medic:***@db:5432/medic?password=***&x=1"
        );
        assert_eq!(
            redact_url("postgres://medic@db/medic"),
            "postgres://medic@db/medic"
        );
        assert_eq!(
            redact_message(
                "auth failed for s3cr@t",
                "postgres://medic:s3cr%40t@db/medic"
            ),
            "auth failed for ***"
        );
        assert_eq!(percent_decode("a%2Fb%zz"), "a/b%zz");
    }
}
