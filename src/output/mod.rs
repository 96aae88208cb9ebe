//! The only writer of the output folder, and what keeps it from ever touching a file
//! smpsite did not write (issue 12).
//!
//! A build writes every file into a staging folder inside the output
//! (`.smpsite-staging-*`), and only when every file rendered does it move them into
//! place, one rename per file: a failed build leaves the output exactly as it was, and a
//! reader never sees a partly written file. What a build wrote is recorded in
//! [`MANIFEST`]; the next build replaces or removes only the files listed there.
//!
//! The rules for the folder given with `-o` (the README's "The output folder"):
//! - it may not exist yet (it is created), or be empty;
//! - it may hold the files an earlier build listed in its manifest;
//! - it may hold entries whose names start with a dot (`.git`, `.nojekyll`,
//!   `.DS_Store`): smpsite never writes, changes or deletes those;
//! - anything else is someone's work: the build is refused before anything is written.
//!
//! Serve's sink ([`LiveDir`], per file temp + rename) is in `live.rs`, and the new files
//! `init` and `new` create ([`create_new_files`], never over an existing one) in
//! `create.rs`: no other module writes or deletes a file.
//!
//! An output that is a symlink is written through: the files land in the folder it
//! points to, under the same rules. Nothing here ever follows a symlink while
//! removing, and nothing is ever removed recursively but the staging folder it made.

mod cache;
mod create;
mod live;

pub use cache::save_cache_entry;
pub use create::create_new_files;
pub use live::{LiveDir, private_temp_dir};

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Error, Result};

/// The record of what the last build wrote, kept in the output folder.
pub const MANIFEST: &str = ".smpsite-manifest";
const STAGING_PREFIX: &str = ".smpsite-staging-";
/// The manifest's first line: what the file is, for whoever opens it.
const MANIFEST_HEADER: &str =
    "# smpsite: the files its last build wrote here, one per line. It replaces or deletes only these.";

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
    /// What the previous build wrote (from its manifest).
    previous: BTreeSet<String>,
    /// Whether this build created the output folder (removed again if it fails).
    created: bool,
}

impl Staging {
    /// Prepares to write `paths` (output paths with `/`) into `output`, after checking
    /// that the folder holds nothing smpsite did not write; creates the folders the
    /// paths need in the staging folder, so each write is one system call.
    pub fn new<'p>(output: &Path, paths: impl IntoIterator<Item = &'p str>) -> Result<Staging> {
        let shown = output.to_path_buf();
        let (output, created) = open_output(output)?;
        remove_leftover_staging(&output);
        let previous = read_manifest(&output)?;
        refuse_foreign(&output, &shown, &previous)?;
        let files: BTreeSet<String> = paths.into_iter().map(str::to_string).collect();
        if let Some(bad) = files.iter().find(|p| !is_plain_path(p)) {
            return Err(Error::Usage(format!(
                "refusing to write `{bad}`: an output path must be a plain path inside the site"
            )));
        }
        let dir = tempfile::Builder::new()
            .prefix(STAGING_PREFIX)
            .tempdir_in(&output)
            .map_err(|e| Error::io("create a temporary folder in", &shown, e))?;
        for level in folder_levels(files.iter().map(String::as_str)) {
            level.par_iter().try_for_each(|folder| create_dir(&dir.path().join(folder)))?;
        }
        Ok(Staging { dir: Some(dir), output, shown, files, previous, created })
    }

    /// Writes one file; its path was announced to [`Staging::new`]. An error names the
    /// file in the output, never the staging folder.
    pub fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        let staged = self.staging().join(path);
        std::fs::write(&staged, bytes).map_err(|e| Error::io("write", self.shown.join(path), e))
    }

    /// Moves every written file into place, removes the files of the previous build
    /// that this one no longer writes, and records what is there now.
    pub fn commit(mut self) -> Result<()> {
        // First record both builds' files: if the moves below are interrupted, the next
        // build still knows every file that may be smpsite's.
        let union: BTreeSet<String> = self.previous.union(&self.files).cloned().collect();
        write_manifest(&self.output, &union)?;
        for stale in self.previous.difference(&self.files) {
            remove_own_file(&self.output, stale);
        }
        remove_empty_folders(&self.output, self.previous.difference(&self.files).map(String::as_str));
        let staging = self.staging().to_path_buf();
        let moved = self.move_new_folders(&staging)?;
        let files: Vec<&String> = self.files.iter().filter(|f| !in_any(&moved, f)).collect();
        files.par_iter().try_for_each(|path| {
            std::fs::rename(staging.join(path), self.output.join(path))
                .map_err(|e| Error::io("move the new file into", self.shown.join(path), e))
        })?;
        write_manifest(&self.output, &self.files)?;
        self.created = false;
        Ok(())
    }

    /// Makes the folders the files need, shallowest first. A folder not in the output
    /// at all is moved there whole from the staging folder, with everything in it (one
    /// rename, not one per file and folder: a first build into a new folder moves only
    /// its top-level entries); the folders moved so.
    fn move_new_folders(&self, staging: &Path) -> Result<Vec<&str>> {
        let mut moved: Vec<&str> = Vec::new();
        for level in folder_levels(self.files.iter().map(String::as_str)) {
            let level: Vec<&str> = level.into_iter().filter(|f| !in_any(&moved, f)).collect();
            let whole: Vec<Option<&str>> = level
                .par_iter()
                .map(|&folder| {
                    let path = self.output.join(folder);
                    match std::fs::symlink_metadata(&path) {
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                            std::fs::rename(staging.join(folder), &path)
                                .map_err(|e| Error::io("move the new folder into", self.shown.join(folder), e))?;
                            Ok(Some(folder))
                        }
                        _ => make_own_folder(&self.output, &self.shown, folder).map(|()| None),
                    }
                })
                .collect::<Result<_>>()?;
            moved.extend(whole.into_iter().flatten());
            moved.sort_unstable();
        }
        Ok(moved)
    }

    fn staging(&self) -> &Path {
        self.dir.as_ref().expect("present until dropped").path()
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        drop(self.dir.take());
        if self.created {
            // Only when still empty: a failed first build leaves no trace.
            let _ = std::fs::remove_dir(&self.output);
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

/// The folder to write into, and whether it was created now. A symlink is followed
/// to its folder (never replaced); a file, or a link to nothing, is refused.
fn open_output(output: &Path) -> Result<(PathBuf, bool)> {
    match std::fs::symlink_metadata(output) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(output).map_err(|e| Error::io("create the folder", output, e))?;
            let dir = output.canonicalize().map_err(|e| Error::io("open", output, e))?;
            Ok((dir, true))
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
            Ok((target, false))
        }
    }
}

/// Staging folders of builds that were killed before they finished (they are only
/// ever made by [`Staging::new`], and hold only files it wrote).
fn remove_leftover_staging(output: &Path) {
    let Ok(entries) = std::fs::read_dir(output) else { return };
    for entry in entries.flatten() {
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_dir && entry.file_name().to_string_lossy().starts_with(STAGING_PREFIX) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn read_manifest(output: &Path) -> Result<BTreeSet<String>> {
    let path = output.join(MANIFEST);
    match std::fs::symlink_metadata(&path) {
        Ok(meta) if meta.is_file() => {}
        Ok(_) => return Err(Error::Usage(format!("{} is not a file smpsite wrote; remove it", path.display()))),
        Err(_) => return Ok(BTreeSet::new()),
    }
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
    // Lines that are not plain output paths are ignored: nothing outside the folder
    // can be named, whatever the file says.
    Ok(text.lines().filter(|l| !l.starts_with('#') && is_plain_path(l)).map(str::to_string).collect())
}

/// Replaces the manifest with one listing `files` (temporary file + rename).
fn write_manifest(output: &Path, files: &BTreeSet<String>) -> Result<()> {
    let mut text = String::with_capacity(files.iter().map(|f| f.len() + 1).sum::<usize>() + 100);
    text.push_str(MANIFEST_HEADER);
    text.push('\n');
    for file in files {
        text.push_str(file);
        text.push('\n');
    }
    let path = output.join(MANIFEST);
    let mut temp = tempfile::Builder::new()
        .prefix(STAGING_PREFIX)
        .tempfile_in(output)
        .map_err(|e| Error::io("write", &path, e))?;
    std::io::Write::write_all(&mut temp, text.as_bytes()).map_err(|e| Error::io("write", &path, e))?;
    temp.persist(&path).map_err(|e| Error::io("write", &path, e.error))?;
    Ok(())
}

/// Refuses an output folder that holds anything smpsite did not write: a file or
/// link not in the manifest, outside the dot-named entries it never touches.
fn refuse_foreign(output: &Path, shown: &Path, ours: &BTreeSet<String>) -> Result<()> {
    let walker = walkdir::WalkDir::new(output)
        .follow_links(false)
        .sort_by_file_name()
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.'));
    let mut foreign = Vec::new();
    let mut count = 0;
    for entry in walker {
        let entry = entry.map_err(|e| Error::io("read", e.path().unwrap_or(output).to_path_buf(), e.into()))?;
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = entry.path().strip_prefix(output).expect("below the output");
        let key = rel.to_string_lossy().replace('\\', "/");
        if entry.file_type().is_symlink() || !ours.contains(&key) {
            count += 1;
            if foreign.len() < 5 {
                foreign.push(key);
            }
        }
    }
    if count == 0 {
        return Ok(());
    }
    let more = if count > foreign.len() { format!(" and {} more", count - foreign.len()) } else { String::new() };
    // A folder built before builds kept a manifest holds only unrecorded files.
    let earlier = if ours.is_empty() && !output.join(MANIFEST).exists() {
        format!(
            "\nIf an earlier version of smpsite built this folder (before it recorded its files in {MANIFEST}), delete the folder once and build again."
        )
    } else {
        String::new()
    };
    Err(Error::Usage(format!(
        "refusing to build into {}: it holds files smpsite did not write ({}{more}), and a build never replaces or deletes those.\n\
         Choose a new or empty folder with -o (for example `-o public`), or move those files elsewhere; files the site should publish belong in static/.{earlier}",
        shown.display(),
        foreign.join(", "),
    )))
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
/// segment, and no segment starting with a dot (those entries are never smpsite's).
fn is_plain_path(path: &str) -> bool {
    !path.is_empty() && !path.contains('\\') && path.split('/').all(|s| !s.is_empty() && !s.starts_with('.'))
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

/// Whether `path` is inside one of `folders` (sorted).
fn in_any(folders: &[&str], path: &str) -> bool {
    ancestors(path).take_while(|a| *a != path).any(|a| folders.binary_search(&a).is_ok())
}

/// `a/b/c` -> `a`, `a/b`, `a/b/c`.
fn ancestors(folder: &str) -> impl Iterator<Item = &str> {
    folder.match_indices('/').map(|(i, _)| &folder[..i]).chain(std::iter::once(folder))
}

fn create_dir(path: &Path) -> Result<()> {
    std::fs::create_dir(path).map_err(|e| Error::io("create the folder", path, e))
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
            .filter(|n| n.starts_with(STAGING_PREFIX))
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
        assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
        let manifest = std::fs::read_to_string(out.join(MANIFEST)).unwrap();
        assert_eq!(manifest.lines().skip(1).collect::<Vec<_>>(), ["a/b/c.txt", "index.html"]);
    }

    #[test]
    fn a_file_can_become_a_folder_and_back() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write_atomically(plan(&[("a", "file")]), &out).unwrap();
        write_atomically(plan(&[("a/index.html", "page")]), &out).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("a/index.html")).unwrap(), "page");
        write_atomically(plan(&[("a", "file again")]), &out).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("a")).unwrap(), "file again");
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
    fn refuses_a_folder_of_someone_elses_files_and_keeps_them() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("Documents");
        std::fs::create_dir_all(out.join("taxes")).unwrap();
        std::fs::write(out.join("taxes/2025.pdf"), "mine").unwrap();
        std::fs::write(out.join("index.html"), "my own page").unwrap();
        let Err(Error::Usage(message)) = write_atomically(plan(&[("index.html", "site")]), &out) else {
            panic!("a folder of someone's files must be refused")
        };
        assert!(message.contains("index.html") && message.contains("taxes/2025.pdf"), "{message}");
        assert!(message.contains("earlier version of smpsite"), "a folder without a manifest: {message}");
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "my own page");
        assert_eq!(std::fs::read_to_string(out.join("taxes/2025.pdf")).unwrap(), "mine");
        assert!(leftovers(&out).is_empty() && !out.join(MANIFEST).exists());
    }

    #[test]
    fn leaves_dot_entries_alone_across_builds() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("gh-pages");
        std::fs::create_dir_all(out.join(".git/objects")).unwrap();
        std::fs::write(out.join(".git/HEAD"), "ref: refs/heads/gh-pages\n").unwrap();
        write_atomically(plan(&[("index.html", "one"), ("old/index.html", "x")]), &out).unwrap();
        std::fs::write(out.join("old/.DS_Store"), "finder").unwrap();
        write_atomically(plan(&[("index.html", "two")]), &out).unwrap();
        assert_eq!(std::fs::read_to_string(out.join(".git/HEAD")).unwrap(), "ref: refs/heads/gh-pages\n");
        assert!(out.join(".git/objects").is_dir());
        // The stale page is gone; its folder stays because someone's file is in it.
        assert!(!out.join("old/index.html").exists());
        assert_eq!(std::fs::read_to_string(out.join("old/.DS_Store")).unwrap(), "finder");
    }

    #[cfg(unix)]
    #[test]
    fn writes_through_an_output_link_without_emptying_its_target() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("www");
        std::fs::create_dir(&target).unwrap();
        let link = tmp.path().join("public");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        write_atomically(plan(&[("index.html", "one")]), &link).unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read_to_string(target.join("index.html")).unwrap(), "one");
        // A file of someone's in the target: refused, and kept.
        std::fs::write(target.join("notes.txt"), "keep").unwrap();
        let Err(Error::Usage(message)) = write_atomically(plan(&[("index.html", "two")]), &link) else {
            panic!("a file of someone's in the target must be refused")
        };
        assert!(!message.contains("earlier version"), "the folder has a manifest: {message}");
        assert_eq!(std::fs::read_to_string(target.join("notes.txt")).unwrap(), "keep");
        assert_eq!(std::fs::read_to_string(target.join("index.html")).unwrap(), "one");
    }

    #[cfg(unix)]
    #[test]
    fn never_follows_a_link_inside_the_output_while_removing() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let elsewhere = tmp.path().join("elsewhere");
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::fs::write(elsewhere.join("index.html"), "not smpsite's").unwrap();
        write_atomically(plan(&[("index.html", "one"), ("old/index.html", "x")]), &out).unwrap();
        // Someone replaces the folder `old` with a link: the stale `old/index.html` in
        // the manifest now names a file outside the output.
        std::fs::remove_dir_all(out.join("old")).unwrap();
        std::os::unix::fs::symlink(&elsewhere, out.join("old")).unwrap();
        assert!(matches!(write_atomically(plan(&[("index.html", "two")]), &out), Err(Error::Usage(_))));
        assert_eq!(std::fs::read_to_string(elsewhere.join("index.html")).unwrap(), "not smpsite's");
        // And the removal step itself never goes through a link.
        remove_own_file(&out, "old/index.html");
        remove_empty_folders(&out, ["old/index.html"].into_iter());
        assert_eq!(std::fs::read_to_string(elsewhere.join("index.html")).unwrap(), "not smpsite's");
    }

    #[test]
    fn a_failed_build_leaves_no_trace() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let staging = Staging::new(&out, ["index.html"]).unwrap();
        staging.write("index.html", b"half").unwrap();
        drop(staging);
        assert!(!out.exists(), "a first build that fails leaves no folder");
        write_atomically(plan(&[("index.html", "one")]), &out).unwrap();
        let staging = Staging::new(&out, ["index.html", "new.html"]).unwrap();
        staging.write("index.html", b"two").unwrap();
        drop(staging);
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "one");
        assert!(!out.join("new.html").exists() && leftovers(&out).is_empty());
    }

    #[test]
    fn a_manifest_cannot_name_files_outside_the_output() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        std::fs::write(tmp.path().join("precious.txt"), "keep").unwrap();
        write_atomically(plan(&[("index.html", "one")]), &out).unwrap();
        std::fs::write(out.join(MANIFEST), "# x\nindex.html\n../precious.txt\n/etc/passwd\n").unwrap();
        write_atomically(plan(&[("about.html", "two")]), &out).unwrap();
        assert_eq!(std::fs::read_to_string(tmp.path().join("precious.txt")).unwrap(), "keep");
        assert!(!out.join("index.html").exists());
    }

    #[test]
    fn output_paths_must_stay_inside() {
        for bad in ["../x", "a/../../x", "/etc/passwd", ".git/config", "a//b", ""] {
            assert!(!is_plain_path(bad), "{bad}");
        }
        assert!(is_plain_path("process/first-session/index.html"));
    }
}
