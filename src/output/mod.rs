//! The only writer of the output folder, and what keeps it from ever touching a file
//! smpsite did not write (issue 12).
//!
//! One mechanism, in five steps:
//! 1. **Plan.** [`Staging::new`] locks the output (`lock.rs`: one build at a time,
//!    and a killed build's work is finished or undone first), checks that the folder
//!    holds only files the last build wrote, unchanged (`manifest.rs`: each is listed in
//!    [`MANIFEST`] with its size and fingerprint), and makes a staging folder inside it
//!    (`.smpsite-staging-*`, known by a random token in it and in the lock file, never
//!    by its name). Every file is written there first, from many threads.
//! 2. **Verify.** [`Staging::commit`] works out every move and checks that each can
//!    happen (`journal.rs`): a folder or someone's file where a file or folder must go
//!    is refused, naming it, before anything moves.
//! 3. **Journal.** The staging folder records the new manifest and the folders the
//!    moves create; from then until the commit, [`journal::undo`] can put the output
//!    back from what is on disk alone.
//! 4. **Move.** The previous build's files that go are moved into the staging folder
//!    (a replaced one is linked there, and the new file renamed over it); new files
//!    are renamed into place, one rename each; files whose bytes did not change stay.
//! 5. **Commit.** The new manifest is renamed into the output. If any step fails, the
//!    moves are undone and the output is as it was, byte for byte; if the process is
//!    killed, the next build into the folder undoes them before it starts.
//!
//! The rules for the folder given with `-o` (the README's "The output folder"):
//! - it may not exist yet (it is created, with its parents: a failed first build
//!   removes exactly the folders it made), or be empty;
//! - it may hold the files an earlier build listed in its manifest, unchanged;
//! - it may hold entries whose names start with a dot (`.git`, `.nojekyll`,
//!   `.DS_Store`): smpsite never writes, changes or deletes those, apart from its own
//!   `.smpsite-manifest`, `.smpsite-lock` and the staging folder it made, and the
//!   [`HTACCESS`] a build writes for Apache, which is a file of the build like any
//!   other: listed in the manifest, and refused by name when someone else's is there;
//! - anything else is someone's work: the build is refused before anything is written.
//!
//! Serve's sink ([`LiveDir`], per file temp + rename, in a private folder locked like
//! an output) is in `live.rs`, and the new files `init` and `new` create
//! ([`create_new_files`], never over an existing one; [`append_to_file`] for the
//! question `new faq` adds) in `create.rs`: no other module
//! writes or deletes a file.
//!
//! An output that is a symlink is written through: the files land in the folder it
//! points to, under the same rules. Nothing here ever follows a symlink while
//! removing, and nothing is ever removed recursively but the staging folder it made.

mod cache;
mod create;
mod journal;
mod live;
mod lock;
mod manifest;

pub use cache::save_cache_entry;
pub use create::{append_to_file, create_new_files};
pub use live::{LiveDir, PrivateDir, private_temp_dir};
pub use lock::LOCK;
pub use manifest::MANIFEST;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::error::{Error, Result};
use lock::Lock;

/// The one dot-file a build may write (Apache's rules, at the top of the output). Every
/// other entry whose name starts with a dot is never smpsite's.
pub const HTACCESS: &str = ".htaccess";

const STAGING_PREFIX: &str = ".smpsite-staging-";
/// The marker's first line; the second is the build's random token.
const MARKER_TEXT: &str = "smpsite staging folder: a build writes here, then moves the files into place";

/// A file's size and a 128-bit fingerprint of its bytes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Print {
    size: u64,
    hash: u128,
}

/// A new version of the output folder being written. Files may be written from many
/// threads at once; nothing changes in the output until [`Staging::commit`]. Dropped
/// uncommitted, it removes what it wrote and leaves the output as it was.
pub struct Staging {
    /// Inside `output`, so every move into place is a rename on one file system.
    dir: Option<tempfile::TempDir>,
    /// The output folder (a symlink's target, when the output is a link).
    output: PathBuf,
    /// The output as the user named it, for messages.
    shown: PathBuf,
    /// Every file this build writes, output paths with `/`.
    files: BTreeSet<String>,
    /// What was written so far, with its fingerprint.
    written: Mutex<BTreeMap<String, Print>>,
    /// The previous build's files, checked unchanged.
    previous: BTreeMap<String, Print>,
    /// The folders this build created for the output, parents first (removed again,
    /// when empty, if it fails).
    created: Vec<PathBuf>,
    lock: Option<Lock>,
    steps: journal::Steps,
    /// Tests: stop at the failing step as if killed, without undoing.
    #[cfg(test)]
    crash: bool,
}

impl Staging {
    /// Prepares to write `paths` (output paths with `/`) into `output`, after checking
    /// that the folder holds nothing smpsite did not write; creates the folders the
    /// paths need in the staging folder, so each write is one system call.
    pub fn new<'p>(output: &Path, paths: impl IntoIterator<Item = &'p str>) -> Result<Staging> {
        let files: BTreeSet<String> = paths.into_iter().map(str::to_string).collect();
        if let Some(bad) = files.iter().find(|p| !is_plain_path(p)) {
            return Err(Error::Usage(format!(
                "refusing to write `{bad}`: an output path must be a plain path inside the site"
            )));
        }
        let shown = output.to_path_buf();
        let (output, created) = open_output(output)?;
        let mut staging = Staging {
            dir: None,
            output,
            shown,
            files,
            written: Mutex::default(),
            previous: BTreeMap::new(),
            created,
            lock: None,
            steps: journal::Steps::default(),
            #[cfg(test)]
            crash: false,
        };
        // From here on, dropping `staging` removes what was made.
        let (mut lock, record) = Lock::take(&staging.output, &staging.shown, "build", true)?;
        staging.lock = Some(lock);
        finish_interrupted(&staging.output, &staging.shown, &record)?;
        let manifest = manifest::read_manifest(&staging.output)?;
        staging.previous = manifest::check_ownership(&staging.output, &staging.shown, &manifest, &staging.files)?;
        let dir = tempfile::Builder::new()
            .prefix(STAGING_PREFIX)
            .tempdir_in(&staging.output)
            .map_err(|e| Error::io("create a temporary folder in", &staging.shown, e))?;
        let token = random_token();
        let name = dir.path().file_name().expect("a named folder").to_string_lossy().into_owned();
        let marker = dir.path().join(journal::MARKER);
        std::fs::write(&marker, format!("{MARKER_TEXT}\n{token}\n")).map_err(|e| Error::io("write", &marker, e))?;
        staging.dir = Some(dir);
        lock = staging.lock.take().expect("taken above");
        lock.record(&format!("staging {name} {token}\n"))?;
        staging.lock = Some(lock);
        let new = staging.staging().join("new");
        create_dir(&new)?;
        for level in folder_levels(staging.files.iter().map(String::as_str)) {
            level.par_iter().try_for_each(|folder| create_dir(&new.join(folder)))?;
        }
        Ok(staging)
    }

    /// Writes one file; its path was announced to [`Staging::new`]. An error names the
    /// file in the output, never the staging folder.
    pub fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        let staged = self.staging().join("new").join(path);
        std::fs::write(&staged, bytes).map_err(|e| Error::io("write", self.shown.join(path), e))?;
        self.written.lock().unwrap_or_else(|e| e.into_inner()).insert(path.to_string(), fingerprint(bytes));
        Ok(())
    }

    /// Moves every written file into place, removes the files of the previous build
    /// that this one no longer writes, and records what is there now; all or nothing.
    pub fn commit(mut self) -> Result<()> {
        let new = std::mem::take(self.written.get_mut().unwrap_or_else(|e| e.into_inner()));
        if let Some(missing) = self.files.iter().find(|f| !new.contains_key(*f)) {
            return Err(Error::Usage(format!(
                "{} was never written; nothing changed",
                self.shown.join(missing).display()
            )));
        }
        let plan = journal::plan(&self.output, &self.shown, &new, &self.previous)?;
        let staging = self.staging().to_path_buf();
        let Err(failed) = journal::carry_out(&plan, &self.output, &self.shown, &staging, &self.steps) else {
            self.created.clear();
            return Ok(());
        };
        #[cfg(test)]
        if self.crash {
            self.abandon();
            return Err(failed);
        }
        match journal::undo(&self.output, &self.shown, &staging) {
            Ok(()) => Err(failed),
            Err(undo) => {
                // The staging folder holds the previous build's files: kept, and named
                // in the lock file, for the next build to put back.
                self.abandon();
                Err(Error::Usage(format!(
                    "{failed}\nPutting the previous files back failed too ({undo}); the next build into {} puts them back first.",
                    self.shown.display()
                )))
            }
        }
    }

    /// Leaves the staging folder and the lock file's record as a killed build would.
    fn abandon(&mut self) {
        if let Some(dir) = self.dir.take() {
            let _ = dir.keep();
        }
        if let Some(lock) = self.lock.take() {
            lock.abandon();
        }
        self.created.clear();
    }

    fn staging(&self) -> &Path {
        self.dir.as_ref().expect("present until dropped").path()
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        drop(self.dir.take());
        drop(self.lock.take());
        // Only when still empty: a failed first build leaves no trace.
        for folder in self.created.iter().rev() {
            let _ = std::fs::remove_dir(folder);
        }
    }
}

/// Writes `files` (output path -> bytes) as the new content of `output`.
pub fn write_atomically<'a>(files: impl IntoIterator<Item = (&'a str, &'a [u8])> + Clone, output: &Path) -> Result<()> {
    let staging = Staging::new(output, files.clone().into_iter().map(|(p, _)| p))?;
    for (path, bytes) in files {
        staging.write(path, bytes)?;
    }
    staging.commit()
}

/// Finishes what a build killed part way left, as the lock file's `record` describes
/// it: the moves it began are undone, and its staging folder goes. A folder is that
/// staging folder only if it holds the marker with the token in the record.
fn finish_interrupted(output: &Path, shown: &Path, record: &str) -> Result<()> {
    let Some((name, token)) =
        record.lines().find_map(|l| l.strip_prefix("staging ")).and_then(|rest| rest.split_once(' '))
    else {
        return Ok(());
    };
    if !name.starts_with(STAGING_PREFIX) || name.contains(['/', '\\']) {
        return Ok(());
    }
    let dir = output.join(name);
    let ours = std::fs::symlink_metadata(&dir).is_ok_and(|m| m.is_dir())
        && std::fs::read_to_string(dir.join(journal::MARKER)).is_ok_and(|t| t == format!("{MARKER_TEXT}\n{token}\n"));
    if !ours {
        return Ok(());
    }
    journal::undo(output, shown, &dir).map_err(|e| {
        Error::Usage(format!(
            "an earlier build into {} was stopped part way, and putting its previous files back failed: {e}",
            shown.display()
        ))
    })?;
    std::fs::remove_dir_all(&dir).map_err(|e| Error::io("remove", &dir, e))
}

/// 128 random bits, as hex.
fn random_token() -> String {
    use std::hash::BuildHasher;
    let seed = (std::process::id(), std::time::SystemTime::now());
    let half = || std::collections::hash_map::RandomState::new().hash_one(seed);
    format!("{:016x}{:016x}", half(), half())
}

/// The folder to write into, and the folders created for it now (parents first). A
/// symlink is followed to its folder (never replaced); a file, or a link to nothing,
/// is refused.
fn open_output(output: &Path) -> Result<(PathBuf, Vec<PathBuf>)> {
    match std::fs::symlink_metadata(output) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let missing: Vec<&Path> = output
                .ancestors()
                .take_while(|a| !a.as_os_str().is_empty() && std::fs::symlink_metadata(a).is_err())
                .collect();
            let mut created = Vec::new();
            for folder in missing.into_iter().rev() {
                match std::fs::create_dir(folder) {
                    Ok(()) => created.push(folder.to_path_buf()),
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && folder.is_dir() => {}
                    Err(e) => {
                        created.iter().rev().for_each(|f| drop(std::fs::remove_dir(f)));
                        return Err(Error::io("create the folder", output, e));
                    }
                }
            }
            let dir = output.canonicalize().map_err(|e| Error::io("open", output, e))?;
            Ok((dir, created))
        }
        Err(e) => Err(Error::io("open", output, e)),
        Ok(meta) => {
            let target = output.canonicalize().map_err(|_| {
                Error::Usage(format!(
                    "the output {} is a link to a folder that does not exist; create that folder, or choose another with -o",
                    output.display()
                ))
            })?;
            if !target.is_dir() {
                let what = if meta.file_type().is_symlink() { "a link to a file" } else { "a file" };
                return Err(Error::Usage(format!(
                    "the output {} is {what}, not a folder; choose another with -o",
                    output.display()
                )));
            }
            Ok((target, Vec::new()))
        }
    }
}

/// Removes `rel` from the output if it is a plain file (never a link's target, never a
/// folder): the previous build wrote it and this one does not.
fn remove_own_file(output: &Path, rel: &str) {
    let path = output.join(rel);
    if no_link_between(output, rel) && std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_file()) {
        let _ = std::fs::remove_file(&path);
    }
}

/// Removes the folders that removing `stale` files left empty, deepest first. A folder
/// that still holds anything (someone's dotfile, a file of this build) stays.
fn remove_empty_folders<'a>(output: &Path, stale: impl Iterator<Item = &'a str>) {
    let mut folders: Vec<&str> =
        stale.filter_map(|p| p.rsplit_once('/').map(|(dir, _)| dir)).flat_map(ancestors).collect();
    folders.sort_unstable_by(|a, b| b.matches('/').count().cmp(&a.matches('/').count()).then(b.cmp(a)));
    folders.dedup();
    for folder in folders {
        if no_link_between(output, folder) {
            let _ = std::fs::remove_dir(output.join(folder));
        }
    }
}

/// Creates output folder `rel` unless it is there; a link or a file in its place is
/// someone else's and is refused.
fn make_own_folder(output: &Path, shown: &Path, rel: &str) -> Result<()> {
    let path = output.join(rel);
    match std::fs::symlink_metadata(&path) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err(Error::Usage(format!(
            "refusing to replace {}: the build needs a folder there, and that is not a folder smpsite made",
            shown.join(rel).display()
        ))),
        Err(_) => create_dir(&path),
    }
}

/// Whether no folder on the way from `output` to `rel` is a symlink.
fn no_link_between(output: &Path, rel: &str) -> bool {
    ancestors(rel)
        .take_while(|a| *a != rel)
        .all(|dir| std::fs::symlink_metadata(output.join(dir)).is_ok_and(|m| m.is_dir()))
}

/// An output path smpsite may write: relative, `/`-separated, no empty, `.` or `..`
/// segment, and no segment starting with a dot (those entries are never smpsite's),
/// or the build's own [`HTACCESS`].
fn is_plain_path(path: &str) -> bool {
    path == HTACCESS
        || (!path.is_empty() && !path.contains('\\') && path.split('/').all(|s| !s.is_empty() && !s.starts_with('.')))
}

/// The folders `paths` need, parents before children: one list per depth.
fn folder_levels<'p>(paths: impl Iterator<Item = &'p str>) -> Vec<Vec<&'p str>> {
    let folders: BTreeSet<&str> = paths.filter_map(|p| p.rsplit_once('/').map(|(dir, _)| dir)).collect();
    let mut levels: Vec<Vec<&str>> = Vec::new();
    for folder in folders.iter().flat_map(|f| ancestors(f)) {
        let depth = folder.matches('/').count();
        levels.resize_with(levels.len().max(depth + 1), Vec::new);
        levels[depth].push(folder);
    }
    for level in &mut levels {
        level.sort_unstable();
        level.dedup();
    }
    levels
}

/// `a/b/c` -> `a`, `a/b`, `a/b/c`.
fn ancestors(folder: &str) -> impl Iterator<Item = &str> {
    folder.match_indices('/').map(|(i, _)| &folder[..i]).chain(std::iter::once(folder))
}

fn create_dir(path: &Path) -> Result<()> {
    std::fs::create_dir(path).map_err(|e| Error::io("create the folder", path, e))
}

/// A file's size and fingerprint, to tell an unchanged file without keeping it.
fn fingerprint(bytes: &[u8]) -> Print {
    Print { size: bytes.len() as u64, hash: crate::fingerprint::of(bytes) }
}

#[cfg(test)]
mod tests;
