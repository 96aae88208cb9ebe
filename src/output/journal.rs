//! Putting a staged build in place, all or nothing: plan, verify, journal, move,
//! commit (see `mod.rs`). The staging folder holds everything needed to undo it:
//!
//! - `marker`: a random token, also in the lock file's record, so a folder is known as
//!   a staging folder by what the build wrote, never by its name alone;
//! - `new/`: the new files, until each is moved into place;
//! - `old/`: the previous build's files as they leave the output (a replaced file is
//!   linked there first, then the new one renamed over it: the name is never missing);
//! - `folders`: the folders the moves create; `manifest`: the new manifest. While
//!   `manifest` is there, moves may have happened and the build is not done: [`undo`]
//!   puts every file back. Renaming it into the output is the commit.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use super::manifest::{self, MANIFEST};
use super::{Print, ancestors, create_dir, folder_levels};
use crate::error::{Error, Result};

pub(super) const MARKER: &str = "marker";
const JOURNAL: &str = "manifest";
const FOLDERS: &str = "folders";

/// What a commit does, worked out and checked before anything moves.
pub(super) struct Plan {
    /// Files to move from `new/` into place (others are already there, byte for byte).
    moving: Vec<String>,
    /// Files of the previous build that go (stale, or replaced by other bytes).
    leaving: Vec<String>,
    /// Folders to create, parents first.
    created: Vec<String>,
    /// Folders the leaving files may leave empty, deepest first.
    emptied: Vec<String>,
    manifest: String,
}

/// Works out the moves from `old` (the previous build's files, as it wrote them) to
/// `new`, and checks that each can happen: every place a file goes is free, or holds
/// a file of the previous build, or a folder holding only those; every folder a file
/// needs is a folder or can be made. Anything else is refused, naming all of them.
pub(super) fn plan(
    output: &Path,
    shown: &Path,
    new: &BTreeMap<String, Print>,
    old: &BTreeMap<String, Print>,
) -> Result<Plan> {
    let moving: Vec<String> =
        new.iter().filter(|(p, print)| old.get(*p) != Some(print)).map(|(p, _)| p.clone()).collect();
    let leaving: BTreeSet<&str> =
        old.iter().filter(|(p, print)| new.get(*p) != Some(print)).map(|(p, _)| p.as_str()).collect();
    let mut created = BTreeSet::new();
    let mut in_the_way = BTreeSet::new();
    for file in &moving {
        // Below a folder the build creates, nothing is in the way.
        let mut free = false;
        for folder in ancestors(file).take_while(|a| *a != file) {
            if !free && !created.contains(folder) {
                match std::fs::symlink_metadata(output.join(folder)) {
                    Ok(meta) if meta.is_dir() => continue,
                    Ok(meta) if meta.is_file() && leaving.contains(folder) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    _ => {
                        in_the_way.insert(folder);
                        continue;
                    }
                }
            }
            free = true;
            created.insert(folder);
        }
        if free {
            continue;
        }
        match std::fs::symlink_metadata(output.join(file)) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Ok(meta) if meta.is_file() && leaving.contains(file.as_str()) => {}
            Ok(meta) if meta.is_dir() && holds_only(&output.join(file), file, &leaving) => {}
            _ => drop(in_the_way.insert(file.as_str())),
        }
    }
    if !in_the_way.is_empty() {
        let named: Vec<String> = in_the_way.iter().map(|p| shown.join(p).display().to_string()).collect();
        return Err(Error::Usage(format!(
            "refusing to build into {}: the build needs these places for its files and folders, and what is there is not smpsite's: {}\n\
             A folder there may hold something of yours (a dot-file) or nothing at all; move it elsewhere or remove it.",
            shown.display(),
            named.join(", ")
        )));
    }
    let needed: BTreeSet<&str> =
        new.keys().filter_map(|p| p.rsplit_once('/').map(|(dir, _)| dir)).flat_map(ancestors).collect();
    let mut emptied: Vec<String> = leaving
        .iter()
        .filter_map(|p| p.rsplit_once('/').map(|(dir, _)| dir))
        .flat_map(ancestors)
        .filter(|f| !needed.contains(f))
        .map(str::to_string)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    emptied.sort_by_key(|f| std::cmp::Reverse(f.matches('/').count()));
    let mut created: Vec<String> = created.into_iter().map(str::to_string).collect();
    created.sort_by_key(|f| f.matches('/').count());
    Ok(Plan {
        moving,
        leaving: leaving.into_iter().map(str::to_string).collect(),
        created,
        emptied,
        manifest: manifest::text(new),
    })
}

/// Whether the folder at `path` (output path `rel`) holds files of `leaving` and
/// nothing else, not even an empty folder.
fn holds_only(path: &Path, rel: &str, leaving: &BTreeSet<&str>) -> bool {
    let Ok(entries) = std::fs::read_dir(path) else { return false };
    let mut any = false;
    for entry in entries {
        let Ok(entry) = entry else { return false };
        let Ok(kind) = entry.file_type() else { return false };
        let name = entry.file_name().to_string_lossy().into_owned();
        let child = format!("{rel}/{name}");
        let fine = if kind.is_dir() {
            holds_only(&entry.path(), &child, leaving)
        } else {
            kind.is_file() && leaving.contains(child.as_str())
        };
        if !fine {
            return false;
        }
        any = true;
    }
    any
}

/// Counts the changes a commit makes; tests make the one at `fail_at` fail, as a full
/// disk or a read-only folder would, or stop there as if the process were killed.
#[derive(Default)]
pub(super) struct Steps {
    done: AtomicUsize,
    pub fail_at: Option<usize>,
}

impl Steps {
    fn next(&self) -> std::io::Result<()> {
        let n = self.done.fetch_add(1, Ordering::Relaxed);
        if self.fail_at == Some(n) { Err(std::io::Error::other("a change failed on purpose")) } else { Ok(()) }
    }
}

/// Carries out `plan`: journal, moves, commit. On an error the output may be part
/// way: the caller undoes it with [`undo`].
pub(super) fn carry_out(plan: &Plan, output: &Path, shown: &Path, staging: &Path, steps: &Steps) -> Result<()> {
    // The journal: what to undo, and the new manifest, whose arrival is the commit.
    steps.next().map_err(io("write", shown, MANIFEST))?;
    let folders: String = plan.created.iter().map(|f| format!("{f}\n")).collect();
    std::fs::write(staging.join(FOLDERS), folders).map_err(io("write", shown, MANIFEST))?;
    std::fs::write(staging.join("manifest.part"), &plan.manifest).map_err(io("write", shown, MANIFEST))?;
    std::fs::rename(staging.join("manifest.part"), staging.join(JOURNAL)).map_err(io("write", shown, MANIFEST))?;

    let old = staging.join("old");
    create_dir(&old)?;
    for level in folder_levels(plan.leaving.iter().map(String::as_str)) {
        level.par_iter().try_for_each(|folder| create_dir(&old.join(folder)))?;
    }
    plan.leaving.par_iter().try_for_each(|file| {
        steps.next().map_err(io("move away", shown, file))?;
        let (from, to) = (output.join(file), old.join(file));
        // A file the new build replaces stays until the new one is renamed over it
        // (where the file system has hard links).
        let replaced = plan.moving.binary_search(file).is_ok();
        let kept =
            if replaced && std::fs::hard_link(&from, &to).is_ok() { Ok(()) } else { std::fs::rename(&from, &to) };
        match kept {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && std::fs::symlink_metadata(&from).is_err() => Ok(()),
            other => other.map_err(io("move away", shown, file)),
        }
    })?;
    for folder in &plan.emptied {
        let _ = std::fs::remove_dir(output.join(folder));
    }
    for folder in &plan.created {
        steps.next().map_err(io("create the folder", shown, folder))?;
        create_dir(&output.join(folder))?;
    }
    let new = staging.join("new");
    plan.moving.par_iter().try_for_each(|file| {
        steps.next().map_err(io("move the new file into", shown, file))?;
        std::fs::rename(new.join(file), output.join(file)).map_err(io("move the new file into", shown, file))
    })?;
    steps.next().map_err(io("write", shown, MANIFEST))?;
    std::fs::rename(staging.join(JOURNAL), output.join(MANIFEST)).map_err(io("write", shown, MANIFEST))
}

/// Puts the output back as it was before the build whose staging folder is
/// `staging`, if that build began to move files and did not commit. Only files the
/// journal names and files in `old/` are moved; folders the build created go when empty.
pub(super) fn undo(output: &Path, shown: &Path, staging: &Path) -> Result<()> {
    let Ok(journal) = std::fs::read_to_string(staging.join(JOURNAL)) else { return Ok(()) };
    let new = staging.join("new");
    // The new files that were moved in go back to `new/`.
    for file in manifest::parse(&journal).keys() {
        let (placed, staged) = (output.join(file), new.join(file));
        if std::fs::symlink_metadata(&staged).is_err() && std::fs::symlink_metadata(&placed).is_ok_and(|m| m.is_file())
        {
            let parent = staged.parent().expect("inside new/");
            std::fs::create_dir_all(parent).map_err(|e| Error::io("create the folder", parent, e))?;
            std::fs::rename(&placed, &staged).map_err(io("move back", shown, file))?;
        }
    }
    let folders = std::fs::read_to_string(staging.join(FOLDERS)).unwrap_or_default();
    for folder in folders.lines().rev().filter(|f| super::is_plain_path(f)) {
        let _ = std::fs::remove_dir(output.join(folder));
    }
    // The previous build's files come back, with the folders they were in.
    let old = staging.join("old");
    for entry in walkdir::WalkDir::new(&old).min_depth(1).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::io("read", old.clone(), e.into()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(&old).expect("inside old/").to_string_lossy().replace('\\', "/");
        if let Some((folder, _)) = rel.rsplit_once('/') {
            for folder in ancestors(folder) {
                if std::fs::symlink_metadata(output.join(folder)).is_err() {
                    create_dir(&output.join(folder))?;
                }
            }
        }
        std::fs::rename(entry.path(), output.join(&rel)).map_err(io("put back", shown, &rel))?;
    }
    Ok(())
}

/// An I/O error's message, naming `rel` in the output as the user named it.
fn io<'a>(what: &'static str, shown: &'a Path, rel: &'a str) -> impl FnOnce(std::io::Error) -> Error + 'a {
    move |e| Error::io(what, shown.join(rel), e)
}
