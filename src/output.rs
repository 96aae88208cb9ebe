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

// ---- serve's sink ----

/// A private temporary folder for `serve` to fill (mode 0700: drafts are not for
/// other users of the computer). Dropping it deletes it, without following symlinks.
pub fn private_temp_dir() -> Result<tempfile::TempDir> {
    let mut builder = tempfile::Builder::new();
    builder.prefix("smpsite-serve-");
    #[cfg(unix)]
    builder.permissions(<std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o700));
    builder.tempdir().map_err(|e| Error::io("create a temporary folder in", std::env::temp_dir(), e))
}

/// Serve's sink: keeps a folder up to date file by file while it is being served.
/// Each file is written beside its final name and renamed over it, so a reader sees
/// the old bytes or the new ones, never a part. A file whose bytes are already there
/// is not written; only files this value wrote are ever removed, and no symlink is
/// followed on the way to them.
pub struct LiveDir {
    dir: PathBuf,
    /// What this value wrote: output path (with `/`) -> hash of its bytes.
    files: std::collections::HashMap<String, u64>,
}

impl LiveDir {
    /// A sink writing into `dir`, an existing folder that it owns.
    pub fn new(dir: &Path) -> LiveDir {
        LiveDir { dir: dir.to_path_buf(), files: std::collections::HashMap::new() }
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Whether `path` holds exactly `bytes` already.
    pub fn holds(&self, path: &str, bytes: &[u8]) -> bool {
        self.files.get(path).is_some_and(|h| *h == hash(bytes))
    }

    /// Whether this sink wrote `path`.
    pub fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// How many files this sink wrote.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The paths written, in no order.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// Writes `bytes` at `path` (temp file + rename in the same folder); returns false
    /// when they were there already and nothing was written.
    pub fn write(&mut self, path: &str, bytes: &[u8]) -> Result<bool> {
        let hash = hash(bytes);
        if self.files.get(path) == Some(&hash) {
            return Ok(false);
        }
        let folder = self.folder_of(path, true)?.expect("created");
        let dest = self.dir.join(path);
        let mut temp = tempfile::Builder::new()
            .prefix(".smpsite-")
            .tempfile_in(&folder)
            .map_err(|e| Error::io("create a temporary file in", &folder, e))?;
        std::io::Write::write_all(&mut temp, bytes).map_err(|e| Error::io("write", temp.path(), e))?;
        temp.persist(&dest).map_err(|e| Error::io("write", &dest, e.error))?;
        self.files.insert(path.to_string(), hash);
        Ok(true)
    }

    /// Removes `path` if this sink wrote it, then the folders that leaves empty.
    pub fn remove(&mut self, path: &str) -> Result<()> {
        if self.files.remove(path).is_none() {
            return Ok(());
        }
        let Some(folder) = self.folder_of(path, false)? else { return Ok(()) };
        let file = self.dir.join(path);
        match std::fs::symlink_metadata(&file) {
            // `remove_file` on a symlink removes the link, never its target.
            Ok(meta) if !meta.is_dir() => std::fs::remove_file(&file).map_err(|e| Error::io("delete", &file, e))?,
            _ => return Ok(()), // gone, or a folder this sink did not make
        }
        let mut dir = Some(folder.as_path());
        while let Some(d) = dir.filter(|d| *d != self.dir) {
            // `remove_dir` fails on a folder that is not empty, and on a symlink.
            if std::fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
        Ok(())
    }

    /// The real folder that holds `path` (created when `create`), refusing a path that
    /// leaves the folder or passes through a symlink or a file. None: it does not exist.
    fn folder_of(&self, path: &str, create: bool) -> Result<Option<PathBuf>> {
        let refuse = |why: &str| Error::Usage(format!("cannot write `{path}` in the preview folder: {why}"));
        let parents = path.rsplit_once('/').map_or("", |(parents, _)| parents);
        if path.split('/').any(|part| part.is_empty() || part == "." || part == ".." || part.contains('\\')) {
            return Err(refuse("it is not a plain relative path"));
        }
        let mut folder = self.dir.clone();
        for part in parents.split('/').filter(|p| !p.is_empty()) {
            folder.push(part);
            match std::fs::symlink_metadata(&folder) {
                Ok(meta) if meta.is_dir() => {}
                Ok(_) => return Err(refuse(&format!("{} is not a folder", folder.display()))),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => fs::create_dir(&folder)?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(Error::io("read", &folder, e)),
            }
        }
        Ok(Some(folder))
    }
}

/// A fingerprint of a file's bytes, to tell an unchanged file without reading it back.
fn hash(bytes: &[u8]) -> u64 {
    std::hash::BuildHasher::hash_one(&foldhash::quality::FixedState::with_seed(0x5eed_5eed), bytes)
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
    #[test]
    fn live_dir_writes_skips_unchanged_and_removes_only_its_own_files() {
        let tmp = tempfile::tempdir().unwrap();
        let mut live = LiveDir::new(tmp.path());
        assert!(live.write("a/b/index.html", b"one").unwrap());
        assert!(!live.write("a/b/index.html", b"one").unwrap(), "unchanged bytes are not written again");
        assert!(live.holds("a/b/index.html", b"one") && !live.holds("a/b/index.html", b"two"));
        assert!(live.write("a/b/index.html", b"two").unwrap());
        assert_eq!(std::fs::read(tmp.path().join("a/b/index.html")).unwrap(), b"two");
        std::fs::write(tmp.path().join("a/mine.txt"), "not written by the sink").unwrap();
        live.remove("a/mine.txt").unwrap();
        live.remove("a/b/index.html").unwrap();
        assert!(!tmp.path().join("a/b").exists(), "the emptied folder goes");
        assert_eq!(std::fs::read_to_string(tmp.path().join("a/mine.txt")).unwrap(), "not written by the sink");
        let names: Vec<_> = std::fs::read_dir(tmp.path().join("a")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["mine.txt"], "no temporary file is left behind");
    }

    #[cfg(unix)]
    #[test]
    fn live_dir_never_follows_a_symlink() {
        let tmp = tempfile::tempdir().unwrap();
        let (served, elsewhere) = (tmp.path().join("served"), tmp.path().join("elsewhere"));
        std::fs::create_dir_all(&served).unwrap();
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::fs::write(elsewhere.join("index.html"), "keep").unwrap();
        let mut live = LiveDir::new(&served);
        live.write("a/index.html", b"site").unwrap();
        // The folder is swapped for a link to someone's files: removing must not reach them.
        std::fs::remove_dir_all(served.join("a")).unwrap();
        std::os::unix::fs::symlink(&elsewhere, served.join("a")).unwrap();
        assert!(live.remove("a/index.html").is_err());
        assert!(live.write("a/other.html", b"x").is_err());
        assert_eq!(std::fs::read_to_string(elsewhere.join("index.html")).unwrap(), "keep");
        assert!(!elsewhere.join("other.html").exists());
        // A file that became a symlink is unlinked, its target kept.
        live.write("b.html", b"site").unwrap();
        std::fs::remove_file(served.join("b.html")).unwrap();
        std::os::unix::fs::symlink(elsewhere.join("index.html"), served.join("b.html")).unwrap();
        live.remove("b.html").unwrap();
        assert!(!served.join("b.html").exists());
        assert_eq!(std::fs::read_to_string(elsewhere.join("index.html")).unwrap(), "keep");
    }

    #[test]
    fn live_dir_refuses_paths_that_leave_it() {
        let tmp = tempfile::tempdir().unwrap();
        let mut live = LiveDir::new(&tmp.path().join("x"));
        for bad in ["../escape.html", "a/../../escape.html", "/abs.html", "a//b.html", ""] {
            assert!(live.write(bad, b"x").is_err(), "{bad}");
        }
        assert!(!tmp.path().join("escape.html").exists());
    }

    #[cfg(unix)]
    #[test]
    fn the_serve_folder_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = private_temp_dir().unwrap();
        let mode = std::fs::metadata(dir.path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700, "{mode:o}");
    }
}
