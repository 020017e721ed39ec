//! Loading guides from disk: directories walked for *.md / *.markdown (plus --include
//! globs), files named directly always read; one bad file is a warning, not the end.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use globset::{Glob, GlobSet, GlobSetBuilder};
use medic_guide::Guide;

use crate::settings::GuideSettings;

/// Files larger than this are not guides.
const MAX_GUIDE_BYTES: u64 = 16 * 1024 * 1024;

/// Loaded guides and what could not be loaded.
pub(crate) struct Library {
    pub(crate) guides: Vec<Guide>,
    pub(crate) warnings: Vec<String>,
    /// The paths the guides were read from.
    pub(crate) roots: Vec<PathBuf>,
}

impl Library {
    /// Loads every guide the settings name. Fails when a path is missing or nothing loads.
    pub(crate) fn load(settings: &GuideSettings) -> Result<Self> {
        let include = globs(&settings.include)?;
        let mut files: Vec<(String, PathBuf, bool)> = Vec::new();
        for path in &settings.paths {
            let meta = std::fs::metadata(path)
                .with_context(|| format!("cannot read guides at `{}`", path.display()))?;
            if meta.is_dir() {
                let before = files.len();
                walk(path, &include, &mut files)?;
                if files.len() == before {
                    let extra = if settings.include.is_empty() {
                        "; add --include GLOB for other names (e.g. --include '*.txt')".to_owned()
                    } else {
                        format!(" or {}", settings.include.join(", "))
                    };
                    bail!(
                        "no guides in `{}`: looked for *.md and *.markdown{extra}",
                        path.display()
                    );
                }
            } else {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| path.display().to_string());
                files.push((name, path.clone(), true));
            }
        }
        // Hundreds of guides load in a cold `medic match`: parse them on every core.
        let parsed = crate::parallel::map(&files, |(id, path, _)| {
            read_guide(path).map(|text| medic_guide::parse(id, &text))
        });
        let mut guides = Vec::with_capacity(files.len());
        let mut warnings = Vec::new();
        for ((_, path, direct), result) in files.into_iter().zip(parsed) {
            match result {
                Ok(guide) => guides.push(guide),
                Err(reason) if direct => {
                    bail!("cannot read guide `{}`: {reason}", path.display())
                }
                Err(reason) => {
                    warnings.push(format!("skipped `{}`: {reason}", path.display()));
                }
            }
        }
        if guides.is_empty() {
            bail!("no guide could be read: {}", warnings.join("; "));
        }
        Ok(Self {
            guides,
            warnings,
            roots: settings.paths.clone(),
        })
    }

    /// Prints the warnings to standard error.
    pub(crate) fn report_warnings(&self) {
        for w in &self.warnings {
            eprintln!("warning: {w}");
        }
    }
}

fn globs(patterns: &[String]) -> Result<GlobSet> {
    let mut builder = GlobSetBuilder::new();
    for p in ["*.md", "*.markdown"]
        .iter()
        .map(|s| (*s).to_owned())
        .chain(patterns.iter().cloned())
    {
        let glob = Glob::new(&p).with_context(|| {
            format!("invalid --include glob `{p}`: use shell-style patterns like '*.txt'")
        })?;
        builder.add(glob);
    }
    builder.build().context("invalid --include globs")
}

fn walk(root: &Path, include: &GlobSet, out: &mut Vec<(String, PathBuf, bool)>) -> Result<()> {
    let walker = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || !(e.file_type().is_dir()
                    && e.file_name().to_str().is_some_and(|n| {
                        n.starts_with('.') || n == "node_modules" || n == "target"
                    }))
        });
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let place = e
                    .path()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                eprintln!("warning: skipped `{place}`: {e}");
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let rel_str = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if include.is_match(entry.file_name()) || include.is_match(&rel_str) {
            out.push((rel_str, entry.path().to_path_buf(), false));
        }
    }
    Ok(())
}

/// Reads a guide's text, or says why it is not one.
fn read_guide(path: &Path) -> std::result::Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| io_reason(&e))?;
    if !meta.is_file() {
        return Err("not a regular file".to_owned());
    }
    if meta.len() > MAX_GUIDE_BYTES {
        return Err(format!(
            "{:.1} MB is too large for a guide (limit {} MB)",
            meta.len() as f64 / 1e6,
            MAX_GUIDE_BYTES / 1024 / 1024
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| io_reason(&e))?;
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Err("binary file (contains NUL bytes), not Markdown".to_owned());
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        format!("not valid UTF-8 at line {line} (byte {at}); save it as UTF-8")
    })
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        _ => e.to_string(),
    }
}

/// The git commit the guides at `root` are checked out at, read from `.git` (no git
/// process): `HEAD`, a loose ref, or `packed-refs`.
pub(crate) fn git_commit(root: &Path) -> Option<String> {
    let start = std::fs::canonicalize(root).ok()?;
    let dot_git = start
        .ancestors()
        .map(|d| d.join(".git"))
        .find(|g| g.exists())?;
    // A worktree or submodule has a `.git` file naming its git directory; its refs live
    // in the directory named by `commondir`.
    let git = if dot_git.is_dir() {
        dot_git
    } else {
        let text = std::fs::read_to_string(&dot_git).ok()?;
        let dir = PathBuf::from(text.trim().strip_prefix("gitdir: ")?);
        dot_git.parent()?.join(dir)
    };
    let common = std::fs::read_to_string(git.join("commondir"))
        .map(|c| git.join(c.trim()))
        .unwrap_or_else(|_| git.clone());
    let head = std::fs::read_to_string(git.join("HEAD")).ok()?;
    let head = head.trim();
    let Some(reference) = head.strip_prefix("ref: ") else {
        return Some(head.to_owned());
    };
    for dir in [&git, &common] {
        if let Ok(commit) = std::fs::read_to_string(dir.join(reference)) {
            return Some(commit.trim().to_owned());
        }
    }
    let packed = std::fs::read_to_string(common.join("packed-refs")).ok()?;
    packed.lines().find_map(|line| {
        let (commit, name) = line.split_once(' ')?;
        (name == reference).then(|| commit.to_owned())
    })
}
