//! `.smpsite-manifest`: the files the last build wrote, each with its size and a
//! 128-bit fingerprint of its bytes, one per line (`1234 <32 hex digits> path/in/output`).
//! A file counts as smpsite's only while its bytes still match: an edited file, a
//! line without a fingerprint (an older smpsite's manifest, or one copied or planted
//! beside someone's files) or a file not listed is someone's, and the build is refused
//! before anything is written. Checking reads every listed file back: sizes first,
//! then the bytes, in parallel.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rayon::prelude::*;

use super::{Print, fingerprint, is_plain_path};
use crate::error::{Error, Result};

/// The record of what the last build wrote, kept in the output folder.
pub const MANIFEST: &str = ".smpsite-manifest";
/// The manifest's first line: what the file is, for whoever opens it.
pub(super) const MANIFEST_HEADER: &str = "# smpsite: the files its last build wrote here (size, fingerprint, path). It replaces or deletes only these, and only while unchanged.";

/// What a manifest says.
#[derive(Default)]
pub(super) struct Manifest {
    /// The files with a fingerprint.
    pub files: BTreeMap<String, Print>,
    /// Whether there was a manifest at all.
    pub found: bool,
}

/// Reads `output`'s manifest (none: an empty one). Lines that are not plain output
/// paths with a fingerprint prove nothing and are left out.
pub(super) fn read_manifest(output: &Path) -> Result<Manifest> {
    let path = output.join(MANIFEST);
    match std::fs::symlink_metadata(&path) {
        Ok(meta) if meta.is_file() => {}
        Ok(_) => return Err(Error::Usage(format!("{} is not a file smpsite wrote; remove it", path.display()))),
        Err(_) => return Ok(Manifest::default()),
    }
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
    Ok(Manifest { files: parse(&text), found: true })
}

/// The fingerprinted lines of a manifest's text.
pub(super) fn parse(text: &str) -> BTreeMap<String, Print> {
    text.lines()
        .filter_map(|line| {
            let mut parts = line.splitn(3, ' ');
            let size = parts.next()?.parse().ok()?;
            let hash = parts.next().filter(|h| h.len() == 32).and_then(|h| u128::from_str_radix(h, 16).ok())?;
            let path = parts.next().filter(|p| is_plain_path(p))?;
            Some((path.to_string(), Print { size, hash }))
        })
        .collect()
}

/// A manifest listing `files`.
pub(super) fn text(files: &BTreeMap<String, Print>) -> String {
    let mut text = String::with_capacity(files.keys().map(|f| f.len() + 56).sum::<usize>() + 200);
    text.push_str(MANIFEST_HEADER);
    text.push('\n');
    for (path, print) in files {
        text.push_str(&format!("{} {:032x} {path}\n", print.size, print.hash));
    }
    text
}

/// The files of `manifest` that are in `output` as smpsite wrote them. Refuses a
/// folder that holds anything else: a file or link not listed, or a listed file whose
/// bytes changed, outside the dot-named entries it never touches. A dot-named file
/// the manifest lists or this build writes (`planned`: its `.htaccess`) is checked
/// like any other, so someone's own is refused by name, never replaced.
pub(super) fn check_ownership(
    output: &Path,
    shown: &Path,
    manifest: &Manifest,
    planned: &BTreeSet<String>,
) -> Result<BTreeMap<String, Print>> {
    let ours = |e: &walkdir::DirEntry| {
        let name = e.file_name().to_string_lossy();
        !name.starts_with('.')
            || (e.depth() == 1 && (manifest.files.contains_key(name.as_ref()) || planned.contains(name.as_ref())))
    };
    let walker = walkdir::WalkDir::new(output)
        .follow_links(false)
        .sort_by_file_name()
        .min_depth(1)
        .into_iter()
        .filter_entry(ours);
    let mut foreign = Vec::new();
    let mut listed = Vec::new();
    for entry in walker {
        let entry = entry.map_err(|e| Error::io("read", e.path().unwrap_or(output).to_path_buf(), e.into()))?;
        if entry.file_type().is_dir() {
            continue;
        }
        let key = entry.path().strip_prefix(output).expect("below the output").to_string_lossy().replace('\\', "/");
        match manifest.files.get(&key) {
            Some(print) if entry.file_type().is_file() => listed.push((key, *print)),
            _ => foreign.push(key),
        }
    }
    let unchanged: Vec<bool> = listed.par_iter().map(|(key, print)| holds(&output.join(key), *print)).collect();
    let edited: BTreeSet<&String> =
        listed.iter().zip(&unchanged).filter(|(_, same)| !**same).map(|((key, _), _)| key).collect();
    if foreign.is_empty() && edited.is_empty() {
        return Ok(listed.into_iter().collect());
    }
    Err(refusal(shown, manifest, &foreign, &edited))
}

/// Whether the file at `path` holds bytes with `print`: the size first, so most
/// changes are seen without reading.
fn holds(path: &Path, print: Print) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.len() == print.size)
        && std::fs::read(path).is_ok_and(|bytes| fingerprint(&bytes) == print)
}

fn refusal(shown: &Path, manifest: &Manifest, foreign: &[String], edited: &BTreeSet<&String>) -> Error {
    let some = |files: Vec<&String>| {
        let more = files.len().saturating_sub(5);
        let named: Vec<&str> = files.iter().take(5).map(|s| s.as_str()).collect();
        if more > 0 { format!("{} and {more} more", named.join(", ")) } else { named.join(", ") }
    };
    let mut what = Vec::new();
    if !foreign.is_empty() {
        what.push(format!("files smpsite did not write ({})", some(foreign.iter().collect())));
    }
    if !edited.is_empty() {
        what.push(format!("files changed since smpsite wrote them ({})", some(edited.iter().copied().collect())));
    }
    let mut hints = String::new();
    if !edited.is_empty() {
        hints.push_str("\nA changed file is yours now: copy what you want to keep into the site's sources, then delete it from the output.");
    }
    if foreign.iter().chain(edited.iter().copied()).any(|f| f == super::HTACCESS) {
        hints.push_str(&format!(
            "\nThe build writes its own {0} (Apache's redirects and headers): to keep yours, move it out of the folder, or leave `apache` out of `hosting:` in site.yaml so the build writes no {0}.",
            super::HTACCESS
        ));
    }
    // A folder built before builds kept a fingerprinted manifest holds only unproven files.
    if manifest.files.is_empty() && !foreign.is_empty() {
        hints.push_str(&format!(
            "\nIf an earlier version of smpsite built this folder (before it recorded its files with fingerprints in {MANIFEST}), delete what it holds once (entries whose names start with a dot, such as `.git`, may stay) and build again."
        ));
        if manifest.found {
            hints.push_str(&format!(" Its {MANIFEST} proves nothing without fingerprints."));
        }
    }
    Error::Usage(format!(
        "refusing to build into {}: it holds {}, and a build never replaces or deletes those.\n\
         Choose a new or empty folder with -o (for example `-o public`), or move those files elsewhere; files the site should publish belong in static/.{hints}",
        shown.display(),
        what.join(", and "),
    ))
}
