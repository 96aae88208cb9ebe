//! The only writer of the output folder. A build is written into a temporary folder
//! beside the output and swapped in with renames only when every file is written, so a
//! failed or interrupted build leaves the previous output exactly as it was.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Error, Result, fs};

/// A new output folder being written beside the current one. Files may be written
/// from many threads at once; nothing is visible at `output` until [`Staging::commit`].
/// Dropping it uncommitted deletes what was written and leaves `output` untouched.
pub struct Staging {
    dir: tempfile::TempDir,
    output: PathBuf,
    parent: PathBuf,
}

impl Staging {
    /// Prepares to replace `output`, creating the folders that `paths` (output paths
    /// with `/`) need, so the writes themselves are one system call each.
    pub fn new<'p>(output: &Path, paths: impl IntoIterator<Item = &'p str>) -> Result<Staging> {
        let parent = match output.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)?;
        if output.exists() && !output.is_dir() {
            return Err(Error::Usage(format!(
                "the output {} is a file, not a folder; choose another with -o",
                output.display()
            )));
        }
        let dir = tempfile::Builder::new()
            .prefix(".smpsite-new-")
            .tempdir_in(&parent)
            .map_err(|e| Error::io("create a temporary folder in", &parent, e))?;
        let folders: BTreeSet<&str> =
            paths.into_iter().filter_map(|p| p.rsplit_once('/').map(|(dir, _)| dir)).collect();
        // Level by level, each level in parallel (a big site has a folder per page);
        // a folder's parents are made by the levels before it.
        let mut levels: Vec<Vec<&str>> = Vec::new();
        for folder in folders.iter().flat_map(|f| ancestors(f)) {
            let depth = folder.matches('/').count();
            levels.resize_with(levels.len().max(depth + 1), Vec::new);
            levels[depth].push(folder);
        }
        for level in &mut levels {
            level.sort_unstable();
            level.dedup();
            level.par_iter().try_for_each(|folder| fs::create_dir(&dir.path().join(folder)))?;
        }
        Ok(Staging { dir, output: output.to_path_buf(), parent })
    }

    /// Writes one file; its folder was announced to [`Staging::new`].
    pub fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        fs::write(&self.dir.path().join(path), bytes)
    }

    /// Makes the written folder the output, replacing what was there.
    pub fn commit(self) -> Result<()> {
        swap_in(self.dir, &self.output, &self.parent)
    }
}

/// `a/b/c` -> `a`, `a/b`, `a/b/c`.
fn ancestors(folder: &str) -> impl Iterator<Item = &str> {
    folder.match_indices('/').map(|(i, _)| &folder[..i]).chain(std::iter::once(folder))
}

/// Writes `files` (output path -> bytes) as the new content of `output`.
pub fn write_atomically<'a>(files: impl IntoIterator<Item = (&'a str, &'a [u8])> + Clone, output: &Path) -> Result<()> {
    let staging = Staging::new(output, files.clone().into_iter().map(|(p, _)| p))?;
    for (path, bytes) in files {
        staging.write(path, bytes)?;
    }
    staging.commit()
}

/// Moves `staging` to `output`; the old output goes into a temporary folder that is
/// deleted afterwards (and moved back if the second rename fails).
fn swap_in(staging: tempfile::TempDir, output: &Path, parent: &Path) -> Result<()> {
    if !output.exists() {
        let staged = staging.keep();
        return std::fs::rename(&staged, output).map_err(|e| {
            let _ = std::fs::remove_dir_all(&staged);
            Error::io("move the new site into", output, e)
        });
    }
    let trash = tempfile::Builder::new()
        .prefix(".smpsite-old-")
        .tempdir_in(parent)
        .map_err(|e| Error::io("create a temporary folder in", parent, e))?;
    let old = trash.path().join("site");
    std::fs::rename(output, &old).map_err(|e| Error::io("move the previous site aside from", output, e))?;
    if let Err(e) = std::fs::rename(staging.path(), output) {
        // Put the previous site back: the output must never be left half-done or missing.
        let _ = std::fs::rename(&old, output);
        return Err(Error::io("move the new site into", output, e));
    }
    // `staging` now names a moved folder; its drop finds nothing to delete.
    drop(staging);
    remove_in_parallel(&old);
    drop(trash);
    Ok(())
}

/// Deletes the previous site, one top-level entry per task: on a large site this is
/// as much work as writing it. What fails here is left for the temp folder's drop.
fn remove_in_parallel(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let entries: Vec<_> = entries.filter_map(|e| e.ok()).collect();
    entries.par_iter().for_each(|entry| {
        let path = entry.path();
        let _ = if entry.file_type().is_ok_and(|t| t.is_dir()) {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan<'a>(files: &'a [(&'a str, &'a str)]) -> impl Iterator<Item = (&'a str, &'a [u8])> + Clone {
        files.iter().map(|(p, b)| (*p, b.as_bytes()))
    }

    fn leftovers(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".smpsite"))
            .collect()
    }

    #[test]
    fn replaces_previous_output_and_removes_stale_files() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write_atomically(plan(&[("index.html", "one"), ("old/index.html", "stale")]), &out).unwrap();
        write_atomically(plan(&[("index.html", "two"), ("a/b/c.txt", "deep")]), &out).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "two");
        assert_eq!(std::fs::read_to_string(out.join("a/b/c.txt")).unwrap(), "deep");
        assert!(!out.join("old").exists());
        assert!(leftovers(tmp.path()).is_empty(), "{:?}", leftovers(tmp.path()));
    }

    #[test]
    fn refuses_a_file_as_output() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        std::fs::write(&out, "x").unwrap();
        assert!(matches!(write_atomically(plan(&[]), &out), Err(Error::Usage(_))));
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "x");
    }
}
