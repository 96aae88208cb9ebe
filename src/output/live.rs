//! Serve's sink: the preview's private temporary folder, kept up to date file by file
//! while it is being served.

use std::path::{Path, PathBuf};

use super::lock::Lock;
use super::{Print, ancestors, fingerprint, is_plain_path, make_own_folder, remove_empty_folders, remove_own_file};
use crate::error::{Error, Result};

/// Serve's private temporary folder, locked as an output is (`.smpsite-lock`, which
/// the preview never serves) for as long as it exists: a build pointed at it by
/// mistake waits for the preview to end instead of mixing its files in.
pub struct PrivateDir {
    // Dropped in this order: the folder (lock file included) goes, then the lock.
    dir: tempfile::TempDir,
    _lock: Lock,
}

impl PrivateDir {
    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// A private temporary folder for `serve` to fill (mode 0700: drafts are not for
/// other users of the computer). Dropping it deletes it, without following symlinks.
pub fn private_temp_dir() -> Result<PrivateDir> {
    let mut builder = tempfile::Builder::new();
    builder.prefix("smpsite-serve-");
    #[cfg(unix)]
    builder.permissions(<std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o700));
    let dir = builder.tempdir().map_err(|e| Error::io("create a temporary folder in", std::env::temp_dir(), e))?;
    let (lock, _) = Lock::take(dir.path(), dir.path(), "serve", false)?;
    Ok(PrivateDir { dir, _lock: lock })
}

/// Serve's sink: keeps a folder up to date file by file while it is being served.
/// Each file is written beside its final name and renamed over it, so a reader sees
/// the old bytes or the new ones, never a part. A file whose bytes are already there
/// is not written; only files this value wrote are ever removed, and no symlink is
/// followed on the way to them.
pub struct LiveDir {
    dir: PathBuf,
    /// What this value wrote: output path (with `/`) -> fingerprint of its bytes.
    files: std::collections::HashMap<String, Print>,
}

impl LiveDir {
    /// A sink writing into `dir`, an existing folder that it owns.
    pub fn new(dir: &Path) -> LiveDir {
        LiveDir { dir: dir.to_path_buf(), files: std::collections::HashMap::new() }
    }

    pub(crate) fn path(&self) -> &Path {
        &self.dir
    }

    /// Whether `path` holds exactly `bytes` already.
    pub fn holds(&self, path: &str, bytes: &[u8]) -> bool {
        self.files.get(path).is_some_and(|p| *p == fingerprint(bytes))
    }

    /// Whether this sink wrote `path`.
    pub fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// How many files this sink wrote.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether this sink wrote no file yet.
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
        if !is_plain_path(path) {
            return Err(Error::Usage(format!(
                "cannot write `{path}` in the preview folder: not a plain relative path"
            )));
        }
        let print = fingerprint(bytes);
        if self.files.get(path) == Some(&print) {
            return Ok(false);
        }
        if let Some((folder, _)) = path.rsplit_once('/') {
            for folder in ancestors(folder) {
                make_own_folder(&self.dir, &self.dir, folder)?;
            }
        }
        let dest = self.dir.join(path);
        let folder = dest.parent().unwrap_or(&self.dir);
        let mut temp = tempfile::Builder::new()
            .prefix(".smpsite-")
            .tempfile_in(folder)
            .map_err(|e| Error::io("create a temporary file in", folder, e))?;
        std::io::Write::write_all(&mut temp, bytes).map_err(|e| Error::io("write", temp.path(), e))?;
        temp.persist(&dest).map_err(|e| Error::io("write", &dest, e.error))?;
        self.files.insert(path.to_string(), print);
        Ok(true)
    }

    /// Removes `path` if this sink wrote it, then the folders that leaves empty; never
    /// through a symlink, never a link's target.
    pub fn remove(&mut self, path: &str) {
        if self.files.remove(path).is_some() {
            remove_own_file(&self.dir, path);
            remove_empty_folders(&self.dir, std::iter::once(path));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        live.remove("a/mine.txt");
        live.remove("a/b/index.html");
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
        live.remove("a/index.html");
        assert!(live.write("a/other.html", b"x").is_err());
        assert_eq!(std::fs::read_to_string(elsewhere.join("index.html")).unwrap(), "keep");
        assert!(!elsewhere.join("other.html").exists());
        // A file that became a symlink is not the sink's any more: link and target stay.
        live.write("b.html", b"site").unwrap();
        std::fs::remove_file(served.join("b.html")).unwrap();
        std::os::unix::fs::symlink(elsewhere.join("index.html"), served.join("b.html")).unwrap();
        live.remove("b.html");
        assert!(std::fs::symlink_metadata(served.join("b.html")).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read_to_string(elsewhere.join("index.html")).unwrap(), "keep");
    }

    #[test]
    fn live_dir_refuses_paths_that_leave_it() {
        let tmp = tempfile::tempdir().unwrap();
        let mut live = LiveDir::new(&tmp.path().join("x"));
        for bad in ["../escape.html", "a/../../escape.html", "/abs.html", "a//b.html", "", ".smpsite-x"] {
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
        // And locked: a build into it is refused while the preview runs.
        let err = Lock::take(dir.path(), dir.path(), "build", false).unwrap_err().to_string();
        assert!(err.contains("smpsite serve (process"), "{err}");
    }
}
