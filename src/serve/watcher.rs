//! What `serve` watches: site.yaml's folder, the source folders in it and the folders
//! symlinks point into. When the site folder itself is replaced (`git checkout` of
//! another branch, a sync tool: moved away or removed, then made again), the watches
//! follow the old folder or die with it, so [`SourceWatch::follow_replaced_root`] sets
//! new ones on the folder that is there now.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use notify::event::ModifyKind;
use notify::{EventKind, RecursiveMode, Watcher};

use super::live::{Live, WATCHED};
use crate::error::{Error, Result};

/// What the watcher reports: a change, or a problem watching.
pub(super) type Event = notify::Result<notify::Event>;

pub(super) struct SourceWatch {
    root: PathBuf,
    sender: mpsc::Sender<Event>,
    watcher: notify::RecommendedWatcher,
    /// The site folder the watches are on (device and inode); None: it was missing.
    folder: Option<FolderId>,
    /// The watcher said the site folder itself was removed or moved: set new watches
    /// even if a folder made again has the same inode.
    stale: bool,
    /// Setting new watches failed and was reported; said once, tried again each time.
    failed: bool,
    /// Folders outside the site that symlinks point into, watched so an edit there shows.
    link_targets: HashSet<PathBuf>,
}

impl SourceWatch {
    /// Watches the site at `root`, sending what it sees to `sender`.
    pub(super) fn new(root: &Path, sender: mpsc::Sender<Event>) -> Result<SourceWatch> {
        let watcher = watch_sources(root, &sender)?;
        Ok(SourceWatch {
            root: root.to_path_buf(),
            sender,
            watcher,
            folder: folder_id(root),
            stale: false,
            failed: false,
            link_targets: HashSet::new(),
        })
    }

    /// Notes an event about the site folder itself (removed, or moved away).
    pub(super) fn saw(&mut self, event: &notify::Event) {
        let about_root = event.paths.contains(&self.root);
        self.stale |= about_root && matches!(event.kind, EventKind::Remove(_) | EventKind::Modify(ModifyKind::Name(_)));
    }

    /// Whether the site folder was removed or replaced since the watches were set;
    /// then everything must be read again. A replaced folder gets new watches; a
    /// missing one is looked for each time this is called (the
    /// rebuilder does every tenth of a second).
    pub(super) fn follow_replaced_root(&mut self) -> bool {
        let now = folder_id(&self.root);
        if now == self.folder && !self.stale && !(self.failed && now.is_some()) {
            return false;
        }
        let root = self.root.display();
        self.stale = false;
        self.folder = now;
        if now.is_none() {
            anstream::eprintln!(
                "warning: the site folder {root} was removed or moved away; the preview keeps the last good site and follows the folder when it is back"
            );
            return true;
        }
        match watch_sources(&self.root, &self.sender) {
            Ok(watcher) => {
                // The old watches go with the old folder: dropping them ends its events.
                self.watcher = watcher;
                self.link_targets.clear();
                self.failed = false;
                anstream::eprintln!("note: the site folder {root} was replaced; reading it again");
            }
            Err(e) if !self.failed => {
                self.failed = true;
                anstream::eprintln!("warning: {e}; trying again while serving");
            }
            Err(_) => {}
        }
        true
    }

    /// A source folder made after the watches were set: watched from now on.
    pub(super) fn watch_new_folder(&mut self, path: &Path) {
        let _ = self.watcher.watch(path, RecursiveMode::Recursive);
    }

    /// Watches the folders symlinks point into that are not watched yet.
    pub(super) fn watch_link_targets(&mut self, live: &Live) {
        for (folder, whole) in live.link_targets() {
            if self.link_targets.insert(folder.clone()) {
                let mode = if whole { RecursiveMode::Recursive } else { RecursiveMode::NonRecursive };
                let _ = self.watcher.watch(&folder, mode);
            }
        }
    }
}

/// Watching the site's folders failed: an I/O error (exit 1) that names the folder and
/// says what to do, never a usage error.
fn watch_failed(root: &Path, e: notify::Error) -> Error {
    Error::System {
        action: format!("watch {} for changes", root.display()),
        source: std::io::Error::other(e),
        help: "on Linux, the limit of watched folders may be reached: raise it with `sudo sysctl fs.inotify.max_user_watches=524288`, or close other programs that watch files; `smpsite build` works without watching",
    }
}

/// A new watcher on `root` (site.yaml and what else is directly in it) and on each
/// source folder in it.
fn watch_sources(root: &Path, sender: &mpsc::Sender<Event>) -> Result<notify::RecommendedWatcher> {
    let sender = sender.clone();
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = sender.send(event);
    })
    .map_err(|e| watch_failed(root, e))?;
    let fail = |e: notify::Error| watch_failed(root, e);
    watcher.watch(root, RecursiveMode::NonRecursive).map_err(fail)?;
    for dir in WATCHED {
        let dir = root.join(dir);
        if dir.is_dir() {
            watcher.watch(&dir, RecursiveMode::Recursive).map_err(fail)?;
        }
    }
    Ok(watcher)
}

/// Which folder is at `path` now: a folder made again in its place is another one.
type FolderId = (u64, u64);

#[cfg(unix)]
fn folder_id(path: &Path) -> Option<FolderId> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().filter(|m| m.is_dir()).map(|m| (m.dev(), m.ino()))
}

/// Without inodes, only a folder gone and back is seen here (and the watcher's own
/// report of its removal).
#[cfg(not(unix))]
fn folder_id(path: &Path) -> Option<FolderId> {
    path.is_dir().then_some((0, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_watch_failure_is_an_io_error_that_names_the_folder_and_what_to_do() {
        let e = watch_failed(Path::new("my-site"), notify::Error::generic("no space left for watches"));
        assert_eq!(e.exit_code(), 1, "not a usage error");
        let shown = e.to_string();
        assert!(shown.starts_with("error: could not watch my-site for changes: no space left"), "{shown}");
        assert!(shown.contains("max_user_watches") && shown.contains("smpsite build"), "{shown}");
    }
}
