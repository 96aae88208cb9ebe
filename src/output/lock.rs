//! One smpsite at a time per folder: an operating-system lock (`flock` on Unix,
//! `LockFileEx` on Windows, through `std::fs::File::lock`) on `.smpsite-lock` inside
//! it. The lock file says who holds it (`smpsite build, process 1234`), for the message
//! of whoever waits, and which staging folder the holder is using, so that the next
//! build can finish what a killed one left. The holder removes the file when it is
//! done; the system releases the lock of a process that dies.

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The lock file's name, in the folder it locks.
pub const LOCK: &str = ".smpsite-lock";
/// Every lock file starts so; anything else at that name is someone else's file.
const FIRST_WORDS: &str = "smpsite ";

/// A held lock on a folder. Dropped, it removes its file and releases the lock.
#[derive(Debug)]
pub(super) struct Lock {
    file: Option<File>,
    path: PathBuf,
    first_line: String,
}

impl Lock {
    /// Locks `dir` for `who` (`build`, `serve`), waiting with a message when another
    /// process holds it. Also returns what the lock file said before: a build killed
    /// before it finished leaves its record there.
    pub(super) fn take(dir: &Path, shown: &Path, who: &str, wait: bool) -> Result<(Lock, String)> {
        let path = dir.join(LOCK);
        let first_line = format!("{FIRST_WORDS}{who}, process {}", std::process::id());
        let mut said_so = false;
        loop {
            let mut file = std::fs::File::options()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(|e| Error::io("create the lock file", &path, e))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    let holder = holder(&read(&mut file));
                    if !wait {
                        return Err(Error::Usage(format!(
                            "{} is in use by {holder}; wait for it to finish, or choose another folder with -o",
                            shown.display()
                        )));
                    }
                    if !said_so {
                        anstream::eprintln!("waiting for {holder}, which is using {}, to finish…", shown.display());
                        said_so = true;
                    }
                    file.lock().map_err(|e| Error::io("lock", &path, e))?;
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(Error::io("lock", &path, e)),
            }
            // The holder before removed the file while this process waited: lock the new one.
            if !is_the_file_at(&file, &path) {
                continue;
            }
            let before = read(&mut file);
            if !before.is_empty() && !before.starts_with(FIRST_WORDS) {
                return Err(Error::Usage(format!(
                    "{} is not a lock file of smpsite's, and smpsite needs that name; rename or remove it",
                    path.display()
                )));
            }
            let mut lock = Lock { file: Some(file), path, first_line };
            lock.record("")?;
            return Ok((lock, before));
        }
    }

    /// Replaces what the lock file says after its first line with `record`.
    pub(super) fn record(&mut self, record: &str) -> Result<()> {
        let file = self.file.as_mut().expect("held until dropped");
        let text = format!("{}\n{record}", self.first_line);
        file.set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| file.write_all(text.as_bytes()))
            .map_err(|e| Error::io("write", &self.path, e))
    }

    /// Releases the lock and leaves the file and its record, as a killed process
    /// does: the next build finishes the job.
    pub(super) fn abandon(mut self) {
        drop(self.file.take());
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        if self.file.is_some() {
            // Removed while still held: whoever opens the name next makes a new file.
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

fn read(file: &mut File) -> String {
    let mut text = String::new();
    let _ = file.rewind().and_then(|_| file.read_to_string(&mut text));
    text
}

/// `another build (process 1234)`, from a lock file's first line.
fn holder(text: &str) -> String {
    let line = text.lines().next().unwrap_or("").strip_prefix(FIRST_WORDS).unwrap_or("");
    match line.split_once(", process ") {
        Some(("build", pid)) => format!("another build (process {pid})"),
        Some((who, pid)) => format!("smpsite {who} (process {pid})"),
        None => "another smpsite".to_string(),
    }
}

/// Whether `file` is still the file at `path` (not removed or replaced meanwhile).
#[cfg(unix)]
fn is_the_file_at(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::symlink_metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Windows does not let a file that is open be replaced under the same name.
#[cfg(not(unix))]
fn is_the_file_at(_: &File, path: &Path) -> bool {
    path.is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_waits_or_names_the_holder_and_the_file_goes_afterwards() {
        let tmp = tempfile::tempdir().unwrap();
        let (lock, before) = Lock::take(tmp.path(), tmp.path(), "build", true).unwrap();
        assert_eq!(before, "");
        let text = std::fs::read_to_string(tmp.path().join(LOCK)).unwrap();
        assert_eq!(text, format!("smpsite build, process {}\n", std::process::id()));
        let err = Lock::take(tmp.path(), tmp.path(), "build", false).unwrap_err().to_string();
        assert!(err.contains(&format!("another build (process {})", std::process::id())), "{err}");
        let waiter = std::thread::spawn({
            let dir = tmp.path().to_path_buf();
            move || Lock::take(&dir, &dir, "build", true).map(|(lock, _)| drop(lock)).is_ok()
        });
        drop(lock);
        assert!(waiter.join().unwrap(), "the waiting build got the lock once it was free");
        assert!(!tmp.path().join(LOCK).exists());
    }

    #[test]
    fn an_abandoned_lock_leaves_its_record_for_the_next_holder() {
        let tmp = tempfile::tempdir().unwrap();
        let (mut lock, _) = Lock::take(tmp.path(), tmp.path(), "build", true).unwrap();
        lock.record("staging x y\n").unwrap();
        lock.abandon();
        let (_lock, before) = Lock::take(tmp.path(), tmp.path(), "build", false).unwrap();
        assert!(before.ends_with("\nstaging x y\n"), "{before}");
    }

    #[test]
    fn someone_elses_file_at_the_lock_name_is_refused_and_kept() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join(LOCK), "my notes").unwrap();
        assert!(Lock::take(tmp.path(), tmp.path(), "build", true).is_err());
        assert_eq!(std::fs::read_to_string(tmp.path().join(LOCK)).unwrap(), "my notes");
    }
}
