//! The incremental engine behind `serve`: keeps the sources, parses and Markdown of
//! the last build, applies the paths the watcher reports, and updates the served
//! folder file by file. Only files whose bytes change are written; pages whose inputs
//! are unchanged (`Renderer::key`) are not even rendered.
//!
//! The invariant, tested in `tests/serve.rs`: after any sequence of changes, the
//! folder holds exactly what `smpsite build` of the same sources writes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::build::{self, Cache};
use crate::config::{self, Config};
use crate::error::{Diagnostic, Error, Result, fs};
use crate::render::{Body, Job, Renderer};
use crate::site::hash_of;
use crate::source::{self, Sources};

/// What one rebuild did.
#[derive(Debug)]
pub struct Rebuilt {
    /// Output paths written or deleted, in order.
    pub changed: Vec<String>,
    pub pages: usize,
    pub elapsed: Duration,
    pub warnings: Vec<Diagnostic>,
}

pub struct Live {
    root: PathBuf,
    out: PathBuf,
    base_url: Option<String>,
    drafts: bool,
    /// None until site.yaml reads and parses; dropped when it changes.
    state: Option<State>,
    /// What is in `out`, by output path.
    written: HashMap<String, Written>,
    /// The last rebuild's page count and warnings, when it succeeded (None after a
    /// failure, so an unchanged broken site reports its errors again).
    last: Option<(usize, Vec<Diagnostic>)>,
}

/// One file in the served folder.
#[derive(Debug, Clone, Copy)]
struct Written {
    /// A hash of its bytes.
    hash: u64,
    /// The `Renderer::key` it was rendered from (None for copied files).
    key: Option<u64>,
}

/// A file rendered again: its path, whether it is new to the folder, and its new
/// entry with its bytes (None when they are what the folder already holds).
type Rendered<'a> = (&'a String, bool, std::result::Result<(Written, Option<Vec<u8>>), Vec<Diagnostic>>);

struct State {
    config: Config,
    sources: Sources,
    cache: Cache,
    /// What the last successful rebuild rendered from: the graph's generation, the
    /// renderer's global key and the bodies. While the first two stay, the pages are
    /// the ones written then, and a page whose body is the same has the same key, so
    /// it is not even looked at.
    rendered_from: Option<(u64, u64, Vec<Arc<Body>>)>,
}

impl Live {
    /// An engine building the site at `root` into `out` (an empty folder it owns).
    pub fn new(root: &Path, out: &Path, base_url: Option<String>, drafts: bool) -> Live {
        Live {
            root: root.to_path_buf(),
            out: out.to_path_buf(),
            base_url,
            drafts,
            state: None,
            written: HashMap::new(),
            last: None,
        }
    }

    /// The folder being served.
    pub fn output(&self) -> &Path {
        &self.out
    }

    /// Brings the output up to date after changes at `paths` (as the watcher reports
    /// them: files or folders, existing or not). The first call, or a change to
    /// site.yaml, reads everything. On error the output is left as it was.
    pub fn rebuild(&mut self, paths: &[PathBuf]) -> Result<Rebuilt> {
        let started = Instant::now();
        let result = self.update(paths, started);
        self.last = result.as_ref().ok().map(|r| (r.pages, r.warnings.clone()));
        result
    }

    fn update(&mut self, paths: &[PathBuf], started: Instant) -> Result<Rebuilt> {
        let config_file = self.root.join(config::FILE_NAME);
        if paths.contains(&config_file) {
            self.state = None;
        }
        let state = match &mut self.state {
            Some(state) => {
                let mut changed = false;
                for path in paths {
                    match apply(&self.root, &mut state.sources, &state.config.theme, path) {
                        Ok(c) => changed |= c,
                        Err(e) => {
                            self.state = None; // the sources may be half updated: read all next time
                            return Err(e);
                        }
                    }
                }
                // Saved without a change, or only files that are not sources: the site
                // is what it was.
                if let (false, Some((pages, warnings))) = (changed, &self.last) {
                    let warnings = warnings.clone();
                    return Ok(Rebuilt { changed: Vec::new(), pages: *pages, elapsed: started.elapsed(), warnings });
                }
                state
            }
            None => {
                let config_text = source::read_config(&self.root)?;
                let config = Config::parse(&config_text, self.base_url.as_deref()).map_err(Error::Content)?;
                let sources = source::load(&self.root, config_text, &config.theme)?;
                self.state.insert(State { config, sources, cache: Cache::default(), rendered_from: None })
            }
        };
        let (config, sources) = (&state.config, &state.sources);
        let prepared = build::prepare(sources, config, self.drafts, &mut state.cache)?;
        let bodies = build::render_bodies(&prepared, config, &mut state.cache)?;
        let findings = prepared.findings(config, &sources.config_text, Some(&mut state.cache))?;
        let renderer = Renderer::new(config, &prepared, &bodies).map_err(Error::Content)?;
        let outputs = renderer.outputs(build::assets(sources, &prepared.site)).map_err(Error::Content)?;

        // Render what may have changed, in memory: nothing is written unless all of it renders.
        let written = &self.written;
        let (generation, global) = (prepared.generation(), renderer.global_key());
        let same_body = |id: usize| match &state.rendered_from {
            Some((g, k, before)) if *g == generation && *k == global => {
                before.get(id).zip(bodies.get(id)).is_some_and(|(a, b)| Arc::ptr_eq(a, b))
            }
            _ => false,
        };
        let rendered: Vec<Rendered> = outputs
            .par_iter()
            .filter_map(|(path, job)| {
                // A page that shows another page's body (the home page's FAQ teaser) is
                // not settled by its own body alone: its key decides.
                if matches!(job, Job::Page(id) if same_body(*id) && !renderer.shows_other_bodies(*id)) {
                    return None;
                }
                let key = renderer.key(*job);
                let before = written.get(path);
                if key.is_some() && before.is_some_and(|w| w.key == key) {
                    return None;
                }
                let result = renderer.render(*job).map(|bytes| {
                    let hash = hash_of(&bytes[..]);
                    let same = before.is_some_and(|w| w.hash == hash);
                    (Written { hash, key }, (!same).then(|| bytes.into_owned()))
                });
                Some((path, before.is_none(), result))
            })
            .collect();
        let mut problems = Vec::new();
        let mut updates = Vec::new();
        let mut new_files = 0;
        for (path, new, result) in rendered {
            match result {
                Ok(update) => updates.push((path, update)),
                Err(ds) => problems.extend(ds),
            }
            new_files += usize::from(new);
        }
        if !problems.is_empty() {
            return Err(Error::Content(problems));
        }

        // Stale files first, so a file that becomes a folder (or back) has room. Every
        // output is in the folder but the new ones: more files there means stale ones.
        let mut changed = Vec::new();
        if self.written.len() + new_files > outputs.len() {
            let stale: Vec<String> = self.written.keys().filter(|p| !outputs.contains_key(*p)).cloned().collect();
            for path in stale {
                remove_with_empty_parents(&self.out, &path)?;
                self.written.remove(&path);
                changed.push(path);
            }
        }
        for (path, (entry, bytes)) in updates {
            if let Some(bytes) = bytes {
                let dest = self.out.join(path);
                if let Some(dir) = dest.parent() {
                    fs::create_dir_all(dir)?;
                }
                fs::write(&dest, &bytes)?;
                changed.push(path.clone());
            }
            self.written.insert(path.clone(), entry);
        }
        changed.sort();
        let mut warnings = findings;
        warnings.extend(build::check_site_links(config, &sources.config_text, &outputs));
        let pages = prepared.site.pages.len();
        drop((outputs, renderer));
        state.rendered_from = Some((generation, global, bodies));
        Ok(Rebuilt { changed, pages, elapsed: started.elapsed(), warnings })
    }
}

/// Updates `sources` for a change at `path`; paths that are not site sources are ignored.
/// Returns whether they changed.
fn apply(root: &Path, sources: &mut Sources, theme: &str, path: &Path) -> Result<bool> {
    let Ok(rel) = path.strip_prefix(root) else { return Ok(false) };
    let top = rel.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned()).unwrap_or_default();
    match top.as_str() {
        "content" => source::update_tree(&mut sources.content, root, &root.join("content"), path),
        "static" => source::update_tree(&mut sources.statics, root, &root.join("static"), path),
        "templates" => source::update_tree(&mut sources.templates, root, &root.join("templates"), path),
        "themes" if rel.starts_with(Path::new("themes").join(theme)) || rel == Path::new("themes") => {
            sources.theme_dir = source::load_theme_dir(root, theme)?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// Deletes `path` below `out`, then any folder it leaves empty.
fn remove_with_empty_parents(out: &Path, path: &str) -> Result<()> {
    let file = out.join(path);
    match std::fs::remove_file(&file) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io("delete", &file, e)),
    }
    let mut dir = file.parent();
    while let Some(d) = dir.filter(|d| *d != out) {
        if std::fs::remove_dir(d).is_err() {
            break; // not empty (or already gone): stop climbing
        }
        dir = d.parent();
    }
    Ok(())
}
