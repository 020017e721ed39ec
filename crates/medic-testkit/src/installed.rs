//! Finding the programs a service needs, or saying which package to install.
//!
//! Tests that use the kit fail loudly when a program is missing rather than
//! skip: the error names the Debian package, so the fix is one command.
//! PostgreSQL's server programs (`initdb`, `postgres`) usually live outside
//! `PATH`, in `/usr/lib/postgresql/<version>/bin`; the highest version wins.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::error::{Result, TestkitError};

/// Where Debian installs each PostgreSQL version's programs.
const POSTGRES_LIB: &str = "/usr/lib/postgresql";

/// The Debian package that provides PostgreSQL's server and client programs.
pub(crate) const POSTGRES_PACKAGE: &str = "postgresql";

/// Finds `program` in `PATH`, or fails with [`TestkitError::NotInstalled`]
/// naming `package`.
///
/// ```
/// # fn main() -> Result<(), medic_testkit::TestkitError> {
/// let sh = medic_testkit::find_program("sh", "dash")?;
/// assert!(sh.is_absolute());
/// # Ok(())
/// # }
/// ```
pub fn find_program(program: &str, package: &str) -> Result<PathBuf> {
    search_path(program).ok_or_else(|| not_installed(program, package))
}

/// Finds a PostgreSQL program: first in the highest-versioned
/// `/usr/lib/postgresql/*/bin` that has it, then in `PATH`.
pub(crate) fn find_postgres_program(program: &str) -> Result<PathBuf> {
    postgres_bin_dirs()
        .into_iter()
        .map(|dir| dir.join(program))
        .find(|path| is_executable(path))
        .or_else(|| search_path(program))
        .ok_or_else(|| not_installed(program, POSTGRES_PACKAGE))
}

fn not_installed(program: &str, package: &str) -> TestkitError {
    TestkitError::NotInstalled {
        program: program.to_owned(),
        package: package.to_owned(),
    }
}

fn search_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| is_executable(candidate))
}

/// `/usr/lib/postgresql/<version>/bin` directories, highest version first.
fn postgres_bin_dirs() -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(POSTGRES_LIB) else {
        return Vec::new();
    };
    let mut versions: Vec<(Vec<u32>, PathBuf)> = entries
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let version = parse_version(&name)?;
            Some((version, entry.path().join("bin")))
        })
        .collect();
    versions.sort_by(|a, b| b.0.cmp(&a.0));
    versions.into_iter().map(|(_, dir)| dir).collect()
}

/// `"15"` → `[15]`, `"9.6"` → `[9, 6]`; anything else is not a version.
fn parse_version(name: &str) -> Option<Vec<u32>> {
    name.split('.').map(|part| part.parse().ok()).collect()
}

fn is_executable(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::{find_program, parse_version};
    use crate::error::TestkitError;

    #[test]
    fn versions_sort_numerically() {
        let mut versions = vec![
            parse_version("9.6"),
            parse_version("15"),
            parse_version("10"),
        ];
        versions.sort();
        assert_eq!(
            versions,
            vec![Some(vec![9, 6]), Some(vec![10]), Some(vec![15])]
        );
        assert_eq!(parse_version("main"), None);
    }

    #[test]
    fn a_missing_program_names_its_package() {
        let err = find_program("medic-no-such-program", "medic-pkg").unwrap_err();
        assert!(matches!(err, TestkitError::NotInstalled { .. }));
        assert_eq!(
            err.to_string(),
            "`medic-no-such-program` is not installed: run `apt-get install medic-pkg`"
        );
    }
}
