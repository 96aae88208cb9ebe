//! Loads everything a build reads from disk, in one place: `site.yaml`, `content/`,
//! `static/`, `templates/` and the theme's folder. Later stages are pure functions of
//! the [`Sources`] value returned here.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::config::FILE_NAME;
use crate::error::{Diagnostic, Error, Result, fs};

/// One file from a site folder, its path relative to that folder (with `/` separators).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub rel: PathBuf,
    /// Shared, so a rebuild can tell an unchanged file by pointer and nothing is copied.
    /// Read for this path and never given to another: the same `Arc` is the same
    /// version of the same file (`build`'s document memo relies on it). Empty for a
    /// photo, which stays on disk (see `on_disk`).
    pub bytes: Arc<[u8]>,
    /// For a photo (JPEG, PNG, WebP): where to read it again and a fingerprint of the
    /// bytes read now. Photos are not kept in memory: a gallery of phone photos is
    /// hundreds of megabytes, and the photo store reads each one when it needs it.
    pub on_disk: Option<OnDisk>,
}

/// A photo left on disk (see [`File::on_disk`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OnDisk {
    /// The path it was read from: inside the site, as [`load`] allows.
    pub path: PathBuf,
    /// 128 bits of its bytes when they were read: a save with the same bytes is no change.
    pub fingerprint: u128,
}

impl File {
    /// The file at `path` (shown as `rel`), read whole, or only fingerprinted when it
    /// is a photo.
    fn read(path: &Path, rel: PathBuf) -> std::io::Result<File> {
        let bytes = std::fs::read(path)?;
        if !is_photo(&rel) {
            return Ok(File { rel, bytes: bytes.into(), on_disk: None });
        }
        let on_disk = OnDisk { path: path.to_path_buf(), fingerprint: crate::fingerprint::of(&bytes) };
        Ok(File { rel, bytes: Arc::from(Vec::new()), on_disk: Some(on_disk) })
    }

    /// A file held in memory (embedded in the binary, or made by a test).
    pub fn in_memory(rel: PathBuf, bytes: Arc<[u8]>) -> File {
        File { rel, bytes, on_disk: None }
    }

    /// Whether this is a Markdown page (`.md`) rather than a file beside the pages.
    pub fn is_markdown(&self) -> bool {
        // As `extension() == "md"`, without parsing the path (this runs per file per rebuild).
        self.rel.as_os_str().as_encoded_bytes().ends_with(b".md")
    }
}

/// The raw inputs of a build.
#[derive(Debug, Clone)]
pub struct Sources {
    pub root: PathBuf,
    /// Everything under `content/`: Markdown and the files that sit beside it.
    pub content: Vec<File>,
    /// `static/`, copied to the output root.
    pub statics: Vec<File>,
    /// `templates/`: the site's overrides of single theme templates.
    pub templates: Vec<File>,
    /// `themes/<theme>/`, when that folder exists (otherwise the embedded default is used).
    pub theme_dir: Option<ThemeDir>,
}

#[derive(Debug, Clone)]
pub struct ThemeDir {
    pub name: String,
    pub templates: Vec<File>,
    pub statics: Vec<File>,
}

/// Whether `rel` names a photo the photo store publishes (and so reads itself).
fn is_photo(rel: &Path) -> bool {
    rel.to_str().is_some_and(|rel| crate::photo::format_of(rel).is_some())
}

/// Where the site lives: `--root`, else the current folder.
pub(crate) fn find_root(root: Option<&Path>) -> Result<PathBuf> {
    let root = match root {
        Some(root) => root.to_path_buf(),
        None => std::env::current_dir().map_err(|e| Error::io("read the current folder", ".", e))?,
    };
    if !root.join(FILE_NAME).is_file() {
        return Err(Diagnostic::error(root.join(FILE_NAME), 0, 0, format!("no {FILE_NAME} here, so this is not a smpsite site"))
            .with_help("run smpsite in the folder that holds site.yaml, pass `--root DIR`, or start a new site with `smpsite init DIR`")
            .into());
    }
    Ok(root)
}

/// Reads the site at `root` (which holds `site.yaml`). `theme` is the theme's name from
/// `site.yaml`, read first by the caller. Every problem with a file (a link out of the
/// site, a name that is not UTF-8) in every folder is reported together.
pub(crate) fn load(root: &Path, theme: &str) -> Result<Sources> {
    let site = Site::at(root)?;
    let mut problems = Vec::new();
    let mut tree = |name: &str| site.read_tree(&root.join(name), &mut problems);
    let (content, statics, templates) = (tree("content")?, tree("static")?, tree("templates")?);
    let theme_dir = site.theme_dir(theme, &mut problems)?;
    // The photo cache is read (and written) by the photo store, not walked here.
    problems.extend(site.link_out_on_the_way_to(&root.join(crate::photo::CACHE_DIR)));
    if !problems.is_empty() {
        return Err(Error::Content(problems));
    }
    Ok(Sources { root: root.to_path_buf(), content, statics, templates, theme_dir })
}

/// The theme folder `themes/NAME` when the site has one (else the embedded theme is used).
pub(crate) fn load_theme_dir(root: &Path, theme: &str) -> Result<Option<ThemeDir>> {
    let mut problems = Vec::new();
    let dir = Site::at(root)?.theme_dir(theme, &mut problems)?;
    if problems.is_empty() { Ok(dir) } else { Err(Error::Content(problems)) }
}

/// Brings `files` (the tree read from `dir`) up to date after a change at `changed`
/// (a file or folder below `dir`, which may no longer exist): what was there is
/// dropped and what is there now is read. The order stays that of [`read_tree`].
/// Returns whether `files` changed: a file saved with the same bytes keeps its old
/// bytes (so nothing downstream sees a change), and ignored paths change nothing. `root`
/// is the site folder: links are followed only as far as [`load`] follows them.
pub(crate) fn update_tree(files: &mut Vec<File>, root: &Path, dir: &Path, changed: &Path) -> Result<bool> {
    let Ok(rel) = changed.strip_prefix(dir) else { return Ok(false) };
    let site = Site::at(root)?;
    let read_tree = |dir: &Path| {
        let mut problems = Vec::new();
        let files = site.read_tree(dir, &mut problems)?;
        if problems.is_empty() { Ok(files) } else { Err(Error::Content(problems)) }
    };
    if rel.as_os_str().is_empty() {
        *files = read_tree(dir)?;
        return Ok(true);
    }
    let mut below = PathBuf::new();
    for part in rel.components() {
        below.push(part);
        if is_ignored(&below) {
            return Ok(false);
        }
    }
    let before = files.len();
    // A link, or a path below one, is read the way a whole build reads it.
    if ancestors_below(dir, changed).any(|p| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_symlink())) {
        *files = read_tree(dir)?;
        return Ok(true);
    }
    match std::fs::metadata(changed) {
        Ok(meta) if meta.is_file() => {
            let bytes = match File::read(changed, rel.to_path_buf()) {
                Ok(file) => Some(file),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => return Err(Error::io("read", changed, e)),
            };
            // The common case, one file saved: replace it where it sits in the sorted list.
            match (files.binary_search_by(|f| f.rel.as_path().cmp(rel)), bytes) {
                (Ok(at), Some(file)) if files[at] == file => return Ok(false),
                (Ok(at), Some(file)) => files[at] = file,
                (Ok(at), None) => {
                    files.remove(at);
                }
                (Err(_), Some(file)) => {
                    files.retain(|f| !f.rel.starts_with(rel)); // a folder may have become this file
                    let at = files.binary_search_by(|f| f.rel.as_path().cmp(rel)).unwrap_or_else(|at| at);
                    files.insert(at, file);
                }
                (Err(_), None) => return Ok(false),
            }
        }
        Ok(meta) if meta.is_dir() => {
            files.retain(|f| !f.rel.starts_with(rel));
            files.extend(read_tree(changed)?.into_iter().map(|f| File { rel: rel.join(&f.rel), ..f }));
            files.sort_by(|a, b| a.rel.cmp(&b.rel));
        }
        _ => {
            files.retain(|f| !f.rel.starts_with(rel));
            return Ok(files.len() != before);
        }
    }
    Ok(true)
}

pub(crate) fn read_config(root: &Path) -> Result<String> {
    let path = root.join(FILE_NAME);
    let bytes = fs::read(&path)?;
    String::from_utf8(bytes).map_err(|e| {
        let (line, col) = utf8_position(e.as_bytes(), e.utf8_error().valid_up_to());
        Diagnostic::error(FILE_NAME, line, col, "site.yaml is not valid UTF-8 text")
            .with_help("save the file as UTF-8 in your editor")
            .into()
    })
}

/// `changed` and each folder above it, up to (not including) `dir`.
fn ancestors_below<'a>(dir: &'a Path, changed: &'a Path) -> impl Iterator<Item = &'a Path> {
    changed.ancestors().take_while(move |p| *p != dir && p.starts_with(dir))
}

/// The site folder, resolved: what a link in it may point to (issue 12).
struct Site {
    /// As given, for messages (`content/x.md`, relative to the site like every other).
    root: PathBuf,
    real_root: PathBuf,
}

impl Site {
    fn at(root: &Path) -> Result<Site> {
        let real_root = root.canonicalize().map_err(|e| Error::io("open", root, e))?;
        Ok(Site { root: root.to_path_buf(), real_root })
    }

    fn theme_dir(&self, theme: &str, problems: &mut Vec<Diagnostic>) -> Result<Option<ThemeDir>> {
        let theme_root = self.real_root.join("themes").join(theme);
        if let Some(problem) = self.link_out_on_the_way_to(&theme_root) {
            problems.push(problem);
            return Ok(None);
        }
        if !theme_root.is_dir() {
            return Ok(None);
        }
        Ok(Some(ThemeDir {
            name: theme.to_string(),
            templates: self.read_tree(&theme_root.join("templates"), problems)?,
            statics: self.read_tree(&theme_root.join("static"), problems)?,
        }))
    }

    /// `path` relative to the site, for messages (as given when it is not below it).
    fn shown(&self, path: &Path) -> PathBuf {
        let rel = path.strip_prefix(&self.root).or_else(|_| path.strip_prefix(&self.real_root));
        rel.unwrap_or(path).to_path_buf()
    }

    /// The one rule for every folder a build reads (`content/`, `static/`,
    /// `templates/`, `themes/`, `themes/NAME` and its folders, the photo cache): each
    /// part of the path from the site folder to `dir` that is a link must lead inside
    /// the site. The problem with the first that does not (it leads out, or nowhere);
    /// None when every part is a plain folder, a link inside the site, or not there.
    fn link_out_on_the_way_to(&self, dir: &Path) -> Option<Diagnostic> {
        let rel = dir.strip_prefix(&self.root).or_else(|_| dir.strip_prefix(&self.real_root)).ok()?;
        let mut path = self.real_root.clone();
        for part in rel.components() {
            path.push(part);
            let meta = std::fs::symlink_metadata(&path).ok()?;
            if !meta.is_symlink() {
                continue;
            }
            match path.canonicalize() {
                Ok(target) if target.starts_with(&self.real_root) => {}
                Ok(target) => return Some(link_out_of_site(&self.shown(&path), &target)),
                Err(_) => return Some(dangling_link(&path, &self.shown(&path))),
            }
        }
        None
    }

    /// Every file below `dir` (none when it does not exist), sorted, skipping what
    /// [`is_ignored`] says editors and the OS leave behind. Links are followed only
    /// when they stay inside the site folder: one that leads out of it (`static/etc ->
    /// /etc`), or nowhere, is a problem, and nothing behind it is read. So is a file
    /// name that is not UTF-8 text.
    fn read_tree(&self, dir: &Path, problems: &mut Vec<Diagnostic>) -> Result<Vec<File>> {
        if let Some(problem) = self.link_out_on_the_way_to(dir) {
            problems.push(problem);
            return Ok(Vec::new());
        }
        if !dir.is_dir() {
            return Ok(Vec::new());
        }
        let shown = |path: &Path| self.shown(path);
        let found = std::cell::RefCell::new(Vec::new());
        let walker = WalkDir::new(dir).follow_links(true).sort_by_file_name().into_iter().filter_entry(|e| {
            if e.depth() > 0 && is_ignored(e.path()) {
                return false;
            }
            if !e.path_is_symlink() {
                return true;
            }
            match e.path().canonicalize() {
                Ok(target) if target.starts_with(&self.real_root) => true,
                Ok(target) => {
                    found.borrow_mut().push(link_out_of_site(&shown(e.path()), &target));
                    false
                }
                Err(_) => true, // walkdir reports it below
            }
        });
        let mut paths = Vec::new();
        for entry in walker {
            match entry {
                Ok(entry) if entry.file_type().is_file() => paths.push(entry.into_path()),
                Ok(_) => {}
                Err(e) => {
                    let path = e.path().unwrap_or(dir).to_path_buf();
                    let problem =
                        broken_link(&e, &path, &shown(&path)).ok_or_else(|| Error::io("read", &path, e.into()))?;
                    found.borrow_mut().push(problem);
                }
            }
        }
        problems.extend(found.into_inner());
        let (named, unnamed): (Vec<PathBuf>, Vec<PathBuf>) = paths.into_iter().partition(|p| p.to_str().is_some());
        problems.extend(unnamed.iter().map(|path| {
            Diagnostic::error(
                shown(path),
                0,
                0,
                "this file's name is not valid text (UTF-8), so it cannot become part of a web address",
            )
            .with_help("rename the file using letters, digits, `-` and `_`, for example `first-session.md`")
        }));
        // Reading is most of the work on a big site, and the disk serves reads in parallel.
        let mut files = named
            .into_par_iter()
            .map(|path| {
                let rel = path.strip_prefix(dir).expect("walkdir yields paths below its root").to_path_buf();
                File::read(&path, rel).map_err(|e| Error::io("read", &path, e))
            })
            .collect::<Result<Vec<File>>>()?;
        // Path order (by component), which `update_tree` keeps too.
        files.sort_by(|a, b| a.rel.cmp(&b.rel));
        Ok(files)
    }
}

/// What walkdir's error `e` at `path` (shown as `shown`) means when it is a link that
/// loops or leads nowhere; None for any other error (the disk's, reported as such).
fn broken_link(e: &walkdir::Error, path: &Path, shown: &Path) -> Option<Diagnostic> {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_symlink());
    if e.loop_ancestor().is_some() {
        return Some(
            Diagnostic::error(
                shown,
                0,
                0,
                "this link leads back to a folder that holds it, so the folder would never end",
            )
            .with_help("remove the link, or point it at a file or a folder beside it"),
        );
    }
    is_link.then(|| dangling_link(path, shown))
}

/// The link at `path` (shown as `shown`) leads to nothing.
fn dangling_link(path: &Path, shown: &Path) -> Diagnostic {
    let target = std::fs::read_link(path).unwrap_or_default();
    Diagnostic::error(shown, 0, 0, format!("this link points to {}, which does not exist", target.display()))
        .with_help("remove the link, or copy the file it should show into the site")
}

fn link_out_of_site(link: &Path, target: &Path) -> Diagnostic {
    Diagnostic::error(
        link,
        0,
        0,
        format!("this link points to {}, outside the site folder; smpsite never publishes files from outside the site", target.display()),
    )
    .with_help(format!(
        "replace the link with a copy of what should be published (`rm {link} && cp -r {target} {link}`), or remove the link",
        link = link.display(),
        target = target.display(),
    ))
}

/// Files that are never site content: dotfiles and the temp, swap and backup files of
/// editors (vim `.swp` and `4913`, emacs `.#x` and `x~`, JetBrains `___jb_tmp___`).
pub(crate) fn is_ignored(path: &Path) -> bool {
    let Some(name) = path.file_name() else { return true };
    // A name that is not UTF-8 is not ignored: it is reported (see `Site::read_tree`).
    let name = name.to_string_lossy();
    name.starts_with('.')
        || name.ends_with('~')
        || name == "4913"
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
}

/// 1-based (line, column) of byte `offset` in `bytes`, counting characters.
pub(crate) fn utf8_position(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignores_editor_and_hidden_files() {
        for name in [".git", ".x.md.swp", "page.md~", "4913", ".#page.md", "page.md___jb_tmp___", ".DS_Store"] {
            assert!(is_ignored(Path::new(name)), "{name}");
        }
        for name in ["page.md", "photo.jpg", "_index.md"] {
            assert!(!is_ignored(Path::new(name)), "{name}");
        }
    }

    #[test]
    fn positions_count_lines_and_characters() {
        assert_eq!(utf8_position(b"ab\ncd", 4), (2, 2));
        assert_eq!(utf8_position("é\nxé".as_bytes(), 6), (2, 3));
        assert_eq!(utf8_position(b"", 0), (1, 1));
    }
}
