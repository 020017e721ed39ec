//! Evidence from saved `kubectl get … -o json` files, so a captured cluster state can be
//! diagnosed offline: every `*.json` file below a directory, each a list or an object.

use std::path::{Path, PathBuf};
use std::time::Instant;

use thiserror::Error;

use crate::collect::Collection;
use crate::state::Gap;

/// Why a directory could not be read at all.
#[derive(Debug, Error)]
pub enum DirError {
    /// The directory cannot be listed.
    #[error("cannot read `{path}`: {source}")]
    Unreadable {
        /// The path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// No file could be read.
    #[error(
        "no Kubernetes objects in `{path}`: save them with `kubectl get pods,events -A -o json > {path}/state.json`{more}"
    )]
    Empty {
        /// The path.
        path: PathBuf,
        /// The first problem met, if any.
        more: String,
    },
}

/// Reads every `*.json` file below `dir` (sorted, so the result does not depend on the file
/// system). A file that is not JSON is a gap naming its line and column.
///
/// # Errors
/// When `dir` cannot be read, or holds nothing usable.
pub fn from_dir(dir: &Path) -> Result<Collection, DirError> {
    let started = Instant::now();
    let mut files = Vec::new();
    if dir.is_file() {
        files.push(dir.to_path_buf());
    } else {
        walk(dir, &mut files).map_err(|source| DirError::Unreadable {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    files.sort();
    let mut collection = Collection::default();
    let mut read = 0usize;
    for file in &files {
        let name = file.display().to_string();
        let text = match std::fs::read(file) {
            Ok(t) => t,
            Err(e) => {
                collection.gaps.push(Gap {
                    what: name,
                    why: e.to_string(),
                    fix: "check the file's permissions".to_owned(),
                });
                continue;
            }
        };
        match serde_json::from_slice::<serde_json::Value>(&text) {
            Ok(value) => {
                read += 1;
                let gaps = collection.state.add_document(value, &name);
                collection.gaps.extend(gaps);
            }
            Err(e) => collection.gaps.push(Gap {
                what: name,
                why: format!("not JSON at line {}, column {}: {e}", e.line(), e.column()),
                fix: "save it again with `kubectl get … -o json`".to_owned(),
            }),
        }
    }
    if read == 0 {
        return Err(DirError::Empty {
            path: dir.to_path_buf(),
            more: collection
                .gaps
                .first()
                .map(|g| format!(" ({}: {})", g.what, g.why))
                .unwrap_or_default(),
        });
    }
    collection.elapsed = started.elapsed();
    Ok(collection)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            walk(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            files.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{DirError, from_dir};

    #[test]
    fn a_broken_file_is_a_gap_with_its_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("a.json"),
            r#"{"kind": "Pod", "metadata": {"name": "x"}}"#,
        )
        .expect("write");
        std::fs::write(
            dir.path().join("b.json"),
            "{\n  \"kind\": \"Pod\",\n  oops\n}",
        )
        .expect("write");
        std::fs::write(dir.path().join("notes.txt"), "ignored").expect("write");
        let c = from_dir(dir.path()).expect("read");
        assert_eq!(c.state.pods.len(), 1);
        assert_eq!(c.gaps.len(), 1);
        assert!(c.gaps[0].what.ends_with("b.json"));
        assert!(c.gaps[0].why.contains("line 3"), "{}", c.gaps[0].why);
    }

    #[test]
    fn nothing_usable_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("b.json"), "not json").expect("write");
        let e = from_dir(dir.path()).expect_err("nothing to read");
        assert!(matches!(e, DirError::Empty { .. }));
        assert!(e.to_string().contains("b.json"), "{e}");
    }
}
