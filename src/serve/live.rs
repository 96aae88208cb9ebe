//! The incremental engine behind `serve`: keeps the sources, parses and Markdown of
//! the last build, applies the paths the watcher reports (what each means is
//! [`classify`]), and updates the served folder file by file through
//! `output::LiveDir`, which writes atomically. Only files whose bytes change are
//! written; pages whose inputs are unchanged (`Renderer::key`) are not even rendered.
//!
//! The invariant, tested in `tests/cli/serve.rs`: after any sequence of changes, the
//! folder holds exactly what `smpsite build` of the same sources writes. With
//! [`Live::with_background_photos`] (as `serve` runs it), a new or changed photo is
//! made on a thread of its own and written by the rebuild after [`Live::photos_made`]:
//! a page edit saved with it does not wait for it.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::build::{self, Cache, Plan, Sink};
use crate::error::{Diagnostic, Result};
use crate::load::{self, Loaded};
use crate::output::LiveDir;
use crate::render::{Body, Job, Outputs, Renderer};
use crate::source::{self, Sources};

/// Source folders watched below the site root (site.yaml is watched on its own).
pub const WATCHED: &[&str] = &["content", "static", "templates", "themes"];

pub use super::change::{Change, Tree, classify};
pub use crate::build::Rebuilt;

/// The live preview's site: reads the sources once, then brings the served folder up
/// to date after each batch of changes ([`Live::rebuild`]), re-doing only what the
/// changes can reach. Invariant (tests/cli/serve_invariant.rs): after any edits, the folder
/// equals a fresh `build` of the same sources.
pub struct Live {
    root: PathBuf,
    /// The served folder; the only code that writes or deletes in it.
    out: LiveDir,
    base_url: Option<String>,
    /// `http://127.0.0.1:PORT` when pages link to the preview: base_url is then this
    /// plus the path of site.yaml's base_url, read again whenever site.yaml changes.
    origin: Option<String>,
    drafts: bool,
    /// None until site.yaml reads and parses; dropped when it changes.
    state: Option<State>,
    /// The `Renderer::key` each rendered file in `out` was rendered from.
    keys: Keys,
    /// Symlinks in the source folders: (where each points, canonicalised; the link). A
    /// change at a target is a change at its links.
    links: Vec<(PathBuf, PathBuf)>,
    /// The last rebuild's page count and warnings, when it succeeded (None after a
    /// failure, so an unchanged broken site reports its errors again).
    last: Option<(usize, Arc<Vec<Diagnostic>>)>,
    /// Photos being made in the background; None: each rebuild makes them itself.
    photos: Option<Arc<Background>>,
}

/// The photos a thread of their own is making, by output path, and whether one was
/// made since the last rebuild.
#[derive(Default)]
struct Background {
    making: Mutex<HashSet<String>>,
    made: AtomicBool,
}

/// A file rendered again: its render key, and its bytes (None when they are what the
/// folder already holds).
type Update = (Option<u64>, Option<Vec<u8>>);

/// The render key each file of the served folder was written with.
type Keys = HashMap<String, u64, foldhash::fast::FixedState>;

struct State {
    site: Loaded,
    /// What the stages keep between rebuilds: documents, graph, bodies, templates, findings.
    cache: Cache,
    /// What the last successful rebuild rendered from: the graph's generation, the
    /// renderer's global key and the bodies. While the first two stay, the pages are
    /// the ones written then, and a page whose body is the same has the same key, so
    /// it is not even looked at.
    rendered_from: Option<(u64, u64, Vec<Arc<Body>>)>,
}

impl Live {
    /// An engine building the site at `root` into `out` (an empty folder it owns).
    /// `base_url` replaces site.yaml's, as `build --base-url` does.
    pub fn new(root: &Path, out: &Path, base_url: Option<String>, drafts: bool) -> Live {
        Live {
            root: root.to_path_buf(),
            out: LiveDir::new(out),
            base_url,
            origin: None,
            drafts,
            state: None,
            keys: HashMap::default(),
            links: Vec::new(),
            last: None,
            photos: None,
        }
    }

    /// New and changed photos are made on a thread of their own, after the first
    /// build: a rebuild writes everything else at once, and the photos' files in the
    /// rebuild after [`Live::photos_made`] turns true.
    pub fn with_background_photos(mut self) -> Live {
        self.photos = Some(Arc::default());
        self
    }

    /// Whether photos were made in the background since the last rebuild, which then
    /// writes them: rebuild (with no changed paths) when this is true.
    pub fn photos_made(&self) -> bool {
        self.photos.as_ref().is_some_and(|b| b.made.load(Ordering::Acquire))
    }

    /// Makes the photos at `paths` (output paths of `store`) on a thread of its own,
    /// but those already being made.
    fn make_in_background(&self, store: Arc<crate::photo::Store>, paths: BTreeSet<String>) {
        let Some(background) = &self.photos else { return };
        let paths: Vec<String> = {
            let mut making = background.making.lock().unwrap_or_else(|e| e.into_inner());
            paths.into_iter().filter(|p| making.insert(p.clone())).collect()
        };
        if paths.is_empty() {
            return;
        }
        let background = background.clone();
        std::thread::spawn(move || {
            for path in paths {
                // A broken photo is reported by the rebuild that writes it.
                let _ = store.file(&path, crate::photo::Variant::Original);
                background.making.lock().unwrap_or_else(|e| e.into_inner()).remove(&path);
                background.made.store(true, Ordering::Release);
            }
        });
    }

    /// Pages link to `origin` (`http://127.0.0.1:1111`) plus the path of site.yaml's
    /// base_url, so a preview keeps the site's sub-path, and follows it when it changes.
    pub fn with_origin(mut self, origin: String) -> Live {
        self.origin = Some(origin);
        self
    }

    /// The folder being served.
    pub fn output(&self) -> &Path {
        self.out.path()
    }

    /// The site's path below the host (`/` or `/clinic/`), once site.yaml has been read.
    pub fn site_path(&self) -> Option<&str> {
        self.state.as_ref().map(|state| state.site.config.root.as_str())
    }

    /// Folders outside the watched ones that symlinks in the sources point into (a
    /// file's folder, or the folder itself): watch them to see a target change.
    pub fn link_targets(&self) -> Vec<(PathBuf, bool)> {
        let watched = |p: &Path| WATCHED.iter().any(|dir| p.starts_with(self.root.join(dir)));
        let mut targets: Vec<(PathBuf, bool)> = self
            .links
            .iter()
            .filter(|(target, _)| !watched(target))
            .filter_map(|(target, _)| match target.is_dir() {
                true => Some((target.clone(), true)),
                false => target.parent().map(|p| (p.to_path_buf(), false)),
            })
            .collect();
        targets.sort();
        targets.dedup();
        targets
    }

    /// What the watcher's `paths` (files or folders, existing or not) mean for the
    /// site: each source path with its [`Change`], a symlink's target standing for the
    /// link. Paths that change nothing are left out.
    pub fn changes(&self, paths: &[PathBuf]) -> Vec<(PathBuf, Change)> {
        let theme = self.state.as_ref().map(|state| state.site.config.theme.as_str());
        let mut changes = Vec::new();
        for path in paths {
            let linked = self.links.iter().filter_map(|(target, link)| {
                let rest = path.strip_prefix(target).ok()?;
                Some(if rest.as_os_str().is_empty() { link.clone() } else { link.join(rest) })
            });
            for path in std::iter::once(path.clone()).chain(linked) {
                let Ok(rel) = path.strip_prefix(&self.root) else { continue };
                match classify(rel, theme) {
                    Change::Ignored => {}
                    change => changes.push((path, change)),
                }
            }
        }
        changes.sort_by(|a, b| a.0.cmp(&b.0));
        changes.dedup();
        changes
    }

    /// Brings the output up to date after changes at `paths` (as the watcher reports
    /// them: files or folders, existing or not). The first call, or a change to
    /// site.yaml, reads everything. On error the output is left as it was.
    pub fn rebuild(&mut self, paths: &[PathBuf]) -> Result<Rebuilt> {
        let started = Instant::now();
        let changes = self.changes(paths);
        let result = self.update(&changes, started);
        self.last = result.as_ref().ok().map(|r| (r.pages, r.warnings.clone()));
        result
    }

    /// Applies `changes` to the kept sources, or reads everything when there are none
    /// (the first call, or after site.yaml changed). Some when nothing a build reads
    /// changed: the last rebuild's result stands.
    fn take_changes(&mut self, changes: &[(PathBuf, Change)], started: Instant) -> Result<Option<Rebuilt>> {
        if changes.iter().any(|(_, change)| *change == Change::Config) {
            self.state = None;
        }
        let photos_made = self.photos.as_ref().is_some_and(|b| b.made.swap(false, Ordering::AcqRel));
        let Some(state) = &mut self.state else {
            let mut site = load::load(&self.root, self.base_url.as_deref())?;
            if let Some(origin) = &self.origin {
                site.config.base_url = format!("{origin}{}", site.config.root);
            }
            self.links = find_links(&self.root, &site.config.theme);
            self.state = Some(State { site, cache: Cache::live(), rendered_from: None });
            return Ok(None);
        };
        let (mut changed, mut relink) = (photos_made, false);
        for (path, change) in changes {
            relink |= std::fs::symlink_metadata(path).is_ok_and(|m| !m.is_file());
            match apply(&self.root, &mut state.site.sources, &state.site.config.theme, path, *change) {
                Ok(c) => changed |= c,
                Err(e) => {
                    self.state = None; // the sources may be half updated: read all next time
                    return Err(e);
                }
            }
        }
        if relink {
            self.links = find_links(&self.root, &state.site.config.theme);
        }
        // Saved without a change, or only files that are not sources: the site is what it was.
        Ok(match (changed, &self.last) {
            (false, Some((pages, warnings))) => Some(Rebuilt {
                changed: Vec::new(),
                pages: *pages,
                elapsed: started.elapsed(),
                warnings: warnings.clone(),
            }),
            _ => None,
        })
    }

    fn update(&mut self, changes: &[(PathBuf, Change)], started: Instant) -> Result<Rebuilt> {
        if let Some(unchanged) = self.take_changes(changes, started)? {
            return Ok(unchanged);
        }
        let state = self.state.as_mut().expect("take_changes keeps or reads the sources");
        let mut sink = Served {
            out: &mut self.out,
            keys: &mut self.keys,
            before: &state.rendered_from,
            background: self.photos.is_some(),
            same: Vec::new(),
            later: BTreeSet::new(),
            keys_of_run: None,
            photos: None,
            updates: Mutex::new(Vec::new()),
            changed: Vec::new(),
        };
        let run = build::run(&state.site, self.drafts, &mut state.cache, &mut sink)?;
        let Served { keys_of_run, photos, later, changed, .. } = sink;
        state.rendered_from =
            keys_of_run.zip(run.bodies).map(|((generation, global), bodies)| (generation, global, bodies));
        if let Some(store) = photos {
            self.make_in_background(store, later);
        }
        Ok(Rebuilt { changed, pages: run.pages, elapsed: started.elapsed(), warnings: run.warnings })
    }
}

/// `serve`'s sink: renders, in memory, only what may have changed, and writes the
/// files whose bytes changed once the whole run succeeds (nothing is written unless
/// all of it renders).
struct Served<'s> {
    out: &'s mut LiveDir,
    keys: &'s mut Keys,
    /// What the last successful rebuild rendered from (see [`State::rendered_from`]).
    before: &'s Option<(u64, u64, Vec<Arc<Body>>)>,
    /// Whether photos not made yet are made in the background (after the first build).
    background: bool,
    /// By page: whether its body is the one last written, in the same graph and
    /// with the same global key, so the page is what it was.
    same: Vec<bool>,
    /// Photos left to the background, by output path.
    later: BTreeSet<String>,
    /// This run's graph generation and global key, for [`State::rendered_from`].
    keys_of_run: Option<(u64, u64)>,
    photos: Option<Arc<crate::photo::Store>>,
    /// Rendered files: path, whether new to the folder, and the update.
    updates: Mutex<Vec<(String, bool, Update)>>,
    /// The output paths written or deleted, sorted.
    changed: Vec<String>,
}

impl Sink for Served<'_> {
    fn start(&mut self, plan: &Plan<'_>) -> Result<()> {
        let bodies = plan.bodies.expect("serve's cache keeps the bodies");
        let (generation, global) = (plan.prepared.generation(), plan.renderer.global_key());
        let photos = plan.prepared.photos();
        if self.background && self.before.is_some() {
            self.later = plan
                .outputs
                .values()
                .filter_map(|job| match job {
                    Job::Photo(path, _) if !photos.ready(path) => Some(path.to_string()),
                    _ => None,
                })
                .collect();
        }
        self.same = match self.before {
            Some((g, k, before)) if *g == generation && *k == global => bodies
                .iter()
                .enumerate()
                .map(|(id, body)| before.get(id).zip(body.as_ref().ok()).is_some_and(|(a, b)| Arc::ptr_eq(a, b)))
                .collect(),
            _ => Vec::new(),
        };
        self.keys_of_run = Some((generation, global));
        self.photos = Some(plan.prepared.shared_photos());
        Ok(())
    }

    fn wants(&self, path: &str, job: Job<'_>, renderer: &Renderer<'_>) -> bool {
        // A page that shows another page's body (the home page's FAQ teaser) is not
        // settled by its own body alone: its key decides.
        let settled = match job {
            Job::Page(id) => self.same.get(id).copied().unwrap_or(false) && !renderer.shows_other_bodies(id),
            Job::Photo(path, _) => self.later.contains(path),
            _ => false,
        };
        if settled {
            return false;
        }
        // Written from the same inputs: the file is what it would be.
        let key = renderer.key(job);
        !(key.is_some() && self.out.contains(path) && self.keys.get(path) == key.as_ref())
    }

    fn take(&self, path: &str, job: Job<'_>, renderer: &Renderer<'_>, bytes: Cow<'_, [u8]>) -> Result<()> {
        let key = renderer.key(job);
        let new = !self.out.contains(path);
        let update = (key, (!self.out.holds(path, &bytes)).then(|| bytes.into_owned()));
        self.updates.lock().unwrap_or_else(|e| e.into_inner()).push((path.to_string(), new, update));
        Ok(())
    }

    fn finish(&mut self, outputs: &Outputs<'_>) -> Result<()> {
        let updates = std::mem::take(self.updates.get_mut().unwrap_or_else(|e| e.into_inner()));
        self.changed = write(self.out, self.keys, outputs, updates)?;
        Ok(())
    }
}

/// Writes the `updates` into `out` and removes its stale files, keeping `keys` in step;
/// the output paths that changed, sorted.
fn write(
    out: &mut LiveDir,
    keys: &mut Keys,
    outputs: &Outputs,
    updates: Vec<(String, bool, Update)>,
) -> Result<Vec<String>> {
    let new_files = updates.iter().filter(|(_, new, _)| *new).count();
    // Stale files first, so a file that becomes a folder (or back) has room. Every
    // output is in the folder but the new ones: more files there means stale ones.
    let mut changed = Vec::new();
    if out.len() + new_files > outputs.len() {
        let stale: Vec<String> = out.paths().filter(|p| !outputs.contains_key(*p)).map(str::to_string).collect();
        for path in stale {
            out.remove(&path);
            keys.remove(&path);
            changed.push(path);
        }
    }
    for (path, _, (key, bytes)) in updates {
        if let Some(bytes) = bytes {
            out.write(&path, &bytes)?;
            changed.push(path.clone());
        }
        match key {
            Some(key) => keys.insert(path, key),
            None => keys.remove(&path),
        };
    }
    changed.sort();
    Ok(changed)
}

/// Updates `sources` for a `change` at `path`; returns whether they changed. The
/// loader reads a symlink as `build` does (a dangling one is `build`'s error).
fn apply(root: &Path, sources: &mut Sources, theme: &str, path: &Path, change: Change) -> Result<bool> {
    match change {
        Change::Tree(tree) => source::update_tree(tree.files(sources), root, &root.join(tree.dir()), path),
        Change::Theme => {
            sources.theme_dir = source::load_theme_dir(root, theme)?;
            Ok(true)
        }
        Change::Config | Change::Ignored => Ok(false),
    }
}

/// The symlinks in the source folders, with where they point (dangling ones left out:
/// loading the sources reports them).
fn find_links(root: &Path, theme: &str) -> Vec<(PathBuf, PathBuf)> {
    let theme_dir = Path::new("themes").join(theme);
    let dirs = WATCHED.iter().filter(|d| **d != "themes").map(|d| root.join(d)).chain([root.join(theme_dir)]);
    let mut links = Vec::new();
    for dir in dirs {
        let walker = walkdir::WalkDir::new(&dir)
            .follow_links(true)
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !source::is_ignored(e.path()));
        for entry in walker.filter_map(|e| e.ok()).filter(|e| e.path_is_symlink()) {
            if let Ok(target) = std::fs::canonicalize(entry.path()) {
                links.push((target, entry.into_path()));
            }
        }
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_symlink_target_stands_for_its_links() {
        let root = tempfile::tempdir().unwrap();
        let root = root.path().canonicalize().unwrap();
        let mut live = Live::new(&root, &root.join("out"), None, false);
        let shared = root.join("shared");
        live.links = vec![
            (shared.join("intro.md"), root.join("content/intro.md")),
            (shared.join("photos"), root.join("static/photos")),
        ];
        let changes = live.changes(&[shared.join("intro.md"), shared.join("photos/a.jpg"), shared.join("other.md")]);
        assert_eq!(
            changes,
            [
                (root.join("content/intro.md"), Change::Tree(Tree::Content)),
                (root.join("static/photos/a.jpg"), Change::Tree(Tree::Static)),
            ]
        );
        assert!(live.changes(&[PathBuf::from("/elsewhere/x.md")]).is_empty());
    }
}
