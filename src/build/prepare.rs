//! Stage 2: parse front matter and link the site graph, reusing what a warm [`Cache`]
//! (serve) kept from the last run: unchanged files are not parsed again, and a graph
//! whose pages only changed bodies or ordering front matter is kept or patched.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use crate::config::Config;
use crate::error::{Diagnostic, Result};
use crate::lint;
use crate::load::Loaded;
use crate::photo;
use crate::render::{Bodies, Body, Parts, Templates, load_templates};
use crate::site::{Doc, PageId, Site};
use crate::source::{self, Sources};
use crate::theme::{self, Theme};

use super::bodies::{image_sizes, link_world, render_body};
use super::findings::{content_error, failed_keys, merged};

/// A site read, parsed and linked: everything the templates need but the pages'
/// Markdown, which is rendered per page ([`Prepared::body`]) as the page is. Owns what
/// the [`Renderer`](crate::render::Renderer) borrows.
pub struct Prepared {
    /// Shared with the [`Cache`], which patches it in place when only bodies changed.
    pub site: Arc<Site>,
    /// The theme: its templates, static files and words, the site's overrides applied.
    pub theme: Theme,
    /// By page: what the content rules found in the page by itself, filled in as its
    /// body is rendered (see [`Prepared::findings`]).
    checks: Vec<OnceLock<Arc<lint::PageFacts>>>,
    /// Pixel sizes of the images this build publishes, by output path.
    sizes: HashMap<String, (u32, u32)>,
    /// [`link_world`]: what a body's links can see of the rest of the site.
    world: u64,
    /// Which graph this is: [`Cache`] counts the graphs it builds.
    generation: u64,
    /// The content rules, run on each body as it is rendered.
    rules: Arc<lint::Rules>,
    /// The photos this build publishes, stripped and resized once each.
    pub(super) photos: Arc<photo::Store>,
}

impl Prepared {
    /// Page `id`'s Markdown as HTML, its links resolved through the graph; or every
    /// broken link in it.
    pub fn body(&self, id: PageId, config: &Config) -> Result<Body, Vec<Diagnostic>> {
        let (body, problems) = render_body(&self.site, &self.site.pages[id], config, &self.rules, &self.sizes);
        if !problems.is_empty() {
            return Err(problems);
        }
        let _ = self.checks[id].set(body.checks.clone());
        Ok(body)
    }

    /// The content rules' findings, once the bodies are rendered (one not rendered yet
    /// is rendered now): the warnings and allowed findings; or, when a rule at level
    /// `error` fires, every finding as the error. With the `cache` that prepared the
    /// site (serve), pages whose findings cannot have changed are not checked again.
    /// The list is shared with the cache (serve): a save that changes no finding gets
    /// the same list back, not a copy.
    pub fn findings(&self, config: &Config, cache: &mut Cache) -> Result<Arc<Vec<Diagnostic>>> {
        // A page with a broken link is still checked: every finding comes out in one run.
        let mut broken = Vec::new();
        for (id, checks) in self.checks.iter().enumerate() {
            if checks.get().is_none() {
                let (body, problems) = render_body(&self.site, &self.site.pages[id], config, &self.rules, &self.sizes);
                broken.extend(problems);
                let _ = checks.set(body.checks);
            }
        }
        let facts = |id: PageId| self.checks[id].get().expect("every page's body was rendered above");
        // The site-wide checks read the graph and the theme's files and templates.
        let templates: Vec<&str> = self.theme.templates.values().map(|t| t.text.as_str()).collect();
        // Keyed by what links can see (not by the graph's generation): a front-matter
        // edit that moves no page keeps every other page's findings.
        let statics: Vec<&String> = self.theme.statics.keys().collect();
        let key = crate::site::hash_of((self.world, statics, templates, config.text()));
        let memo = cache.live.then_some((&mut cache.lint, key));
        let mut findings = lint::check(&self.site, facts, &self.theme, &self.rules, config, memo);
        if !broken.is_empty() {
            Arc::make_mut(&mut findings).extend(broken);
        }
        match findings.iter().any(Diagnostic::is_error) {
            true => Err(content_error(Arc::unwrap_or_clone(findings))),
            false => Ok(findings),
        }
    }

    /// Which site graph this is: the same number means the same pages, URLs and front
    /// matter (bodies may differ).
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Pixel sizes of the images this build publishes, by output path.
    pub fn sizes(&self) -> &HashMap<String, (u32, u32)> {
        &self.sizes
    }

    /// The photos this build publishes, by output path.
    pub fn photos(&self) -> &photo::Store {
        &self.photos
    }

    /// Staff are told about every source photo that records where it was taken
    /// (`photo/gps`): the published copy has no position, but the original on their
    /// computer does. Every command reports them, so a build says what `check` says.
    pub fn gps_findings(&self) -> Vec<Diagnostic> {
        self.photos.iter().filter(|(_, p)| p.has_gps()).filter_map(|(_, p)| self.rules.photo_gps(&p.source)).collect()
    }

    /// The same photos, shared: `serve` makes new ones on a thread of its own.
    pub fn shared_photos(&self) -> Arc<photo::Store> {
        self.photos.clone()
    }

    /// What the [`Renderer`](crate::render::Renderer) reads of this site besides the bodies.
    pub fn parts(&self) -> Parts<'_> {
        Parts { site: &self.site, theme: &self.theme, sizes: &self.sizes, photos: &self.photos }
    }

    /// What rendering page `id`'s body depends on besides its own text: the links'
    /// world, and whether the page is an FAQ (which its section's `kind` can change).
    fn body_key(&self, id: PageId) -> u64 {
        self.world ^ u64::from(self.site.pages[id].is_faq())
    }
}

/// Bodies rendered as their pages are, and then dropped: a build never holds the
/// whole site's HTML.
pub struct Fresh<'a> {
    /// The site whose pages' bodies these are.
    pub prepared: &'a Prepared,
    /// Its settings (links are written with its `base_url`).
    pub config: &'a Config,
}

impl Bodies for Fresh<'_> {
    fn body(&self, id: PageId) -> std::result::Result<Arc<Body>, Vec<Diagnostic>> {
        self.prepared.body(id, self.config).map(Arc::new)
    }
}

/// Every page's Markdown as HTML, or the page's broken links, for `serve`, which keeps
/// them between rebuilds: a page whose document and [`Prepared::body_key`] are
/// unchanged is not rendered again. `prepared` is what `prepare` last returned with
/// this `cache`.
pub fn render_bodies(prepared: &Prepared, config: &Config, cache: &mut Cache) -> Kept {
    let site = &prepared.site;
    let mut none = vec![None; site.pages.len()];
    let memos = match cache.graph.as_mut() {
        Some(graph) if Arc::ptr_eq(&graph.site, site) => &mut graph.bodies,
        _ => &mut none,
    };
    // Each memo is brought up to date where it sits: only pages rendered now write one.
    memos
        .par_iter_mut()
        .enumerate()
        .map(|(id, memo)| {
            let (doc, key) = (&site.pages[id].doc, prepared.body_key(id));
            if let Some((_, _, body)) = memo.as_ref().filter(|(d, k, _)| Arc::ptr_eq(d, doc) && *k == key) {
                let _ = prepared.checks[id].set(body.checks.clone());
                return Ok(body.clone());
            }
            let body = Arc::new(prepared.body(id, config)?);
            *memo = Some((doc.clone(), key, body.clone()));
            Ok(body)
        })
        .collect()
}

/// Bodies rendered beforehand ([`render_bodies`]), by page id.
pub type Kept = Vec<std::result::Result<Arc<Body>, Vec<Diagnostic>>>;

/// What one `prepare` computed, kept for the next (by `serve`). Each stage is reused
/// when its inputs are the same: a file whose bytes are the same `Arc` is not parsed
/// again; the site graph is kept when no page was added, removed or had its front
/// matter changed (a body edit); a page's Markdown is not rendered again when its
/// document and what its links can see are unchanged. A build starts from an empty cache.
#[derive(Default)]
pub struct Cache {
    /// Parsed documents by the address of the bytes they were parsed from: every read
    /// makes new bytes, and the memo keeps them alive, so an address is never reused.
    docs: DocMemo,
    graph: Option<Graph>,
    /// How many graphs this cache has built: a graph's identity for later stages.
    generations: u64,
    lint: lint::Memo,
    /// The photos of the last `prepare`: those whose bytes did not change are kept.
    photos: Option<Arc<photo::Store>>,
    /// Only check that photos open, writing nothing (`check`).
    check_photos: bool,
    /// Kept for the next run (serve): the bodies, the parsed templates and the
    /// findings. A build renders each body as its page is, and drops it.
    live: bool,
    /// The theme's templates, parsed, when `live`.
    templates: Templates,
}

impl Cache {
    /// A cache for `check`: photos are opened to find broken ones, but nothing is made.
    pub fn for_check() -> Cache {
        Cache { check_photos: true, ..Cache::default() }
    }

    /// A cache for `serve`, kept between runs: each run re-does only what changed.
    pub fn live() -> Cache {
        Cache { live: true, ..Cache::default() }
    }

    /// Whether the pages' bodies are rendered beforehand and kept ([`render_bodies`]).
    pub fn keeps_bodies(&self) -> bool {
        self.live
    }

    /// Tera with `theme`'s templates: only those that changed are parsed again when
    /// the cache is `live`.
    pub(super) fn templates(&mut self, theme: &Theme) -> std::result::Result<tera::Tera, Vec<Diagnostic>> {
        if self.live { self.templates.load(theme) } else { load_templates(theme) }
    }
}

/// A value taken from a memo (false) or made now (true), or why it could not be made.
type Looked<T> = (bool, std::result::Result<Arc<T>, Vec<Diagnostic>>);

/// Parsed documents by the address of their bytes, which the memo keeps alive.
type DocMemo = HashMap<usize, (Arc<[u8]>, Arc<Doc>), foldhash::fast::FixedState>;

/// The site graph of the last successful `prepare`, and the inputs it was built from.
struct Graph {
    /// Every Markdown document in source order, drafts included.
    docs: Vec<Arc<Doc>>,
    /// The other files under `content/`.
    assets: Vec<(PathBuf, Arc<[u8]>)>,
    drafts: bool,
    root: String,
    site: Arc<Site>,
    /// Pixel sizes of the content's images (the static files' are read on every
    /// `prepare`: a static file can change while the graph stands).
    asset_sizes: HashMap<String, (u32, u32)>,
    /// [`link_world`] of this graph.
    world: u64,
    /// By page id: the document and key (see `prepare`) a page's body was rendered from.
    bodies: Vec<Option<BodyMemo>>,
}

/// A rendered body, and the document and key it was rendered from.
type BodyMemo = (Arc<Doc>, u64, Arc<Body>);

impl Graph {
    /// Whether a site built from these inputs has this graph: the same files, the
    /// same front matter (bodies may differ), the same options.
    fn fits(&self, docs: &[Arc<Doc>], assets: &[&source::File], drafts: bool, root: &str) -> bool {
        self.same_files(docs, assets, drafts, root, |old, new| old.meta_hash == new.meta_hash)
    }

    /// Whether a site built from these inputs has this graph's shape: as [`Graph::fits`],
    /// but front matter may differ where it only orders pages ([`Doc::shape_hash`]), so
    /// [`Site::patch`] can bring the graph up to date.
    fn patchable(&self, docs: &[Arc<Doc>], assets: &[&source::File], drafts: bool, root: &str) -> bool {
        self.same_files(docs, assets, drafts, root, |old, new| old.shape_hash == new.shape_hash)
    }

    fn same_files(
        &self,
        docs: &[Arc<Doc>],
        assets: &[&source::File],
        drafts: bool,
        root: &str,
        same_doc: impl Fn(&Doc, &Doc) -> bool,
    ) -> bool {
        self.drafts == drafts
            && self.root == root
            && self.docs.len() == docs.len()
            && self.assets.len() == assets.len()
            && self.assets.iter().zip(assets).all(|((path, bytes), file)| {
                Arc::ptr_eq(bytes, &file.bytes) && path.as_os_str() == file.rel.as_os_str()
            })
            && self.docs.iter().zip(docs).all(|(old, new)| {
                Arc::ptr_eq(old, new) || (old.source.as_os_str() == new.source.as_os_str() && same_doc(old, new))
            })
    }
}

/// Everything between reading and templates: parse and link. Pure; with a warm
/// `cache`, only what changed is parsed and linked again.
pub fn prepare(site: &Loaded, drafts: bool, cache: &mut Cache) -> Result<Prepared> {
    let (prepared, problems) = prepare_all(site, drafts, cache)?;
    if problems.is_empty() { Ok(prepared) } else { Err(content_error(problems)) }
}

/// Like [`prepare`], but a file whose front matter fails is only left out: the site is
/// prepared from the others, so later stages can report their problems in the same
/// run. Returns the front-matter errors beside the site (an `Err` only when the graph
/// itself cannot be built, with those errors included).
pub(super) fn prepare_all(loaded: &Loaded, drafts: bool, cache: &mut Cache) -> Result<(Prepared, Vec<Diagnostic>)> {
    let (sources, config) = (&loaded.sources, &loaded.config);
    let (docs, mut problems) = parse_docs(sources, &mut cache.docs);
    let failed = failed_keys(&problems);
    let assets: Vec<&source::File> = sources.content.iter().filter(|f| !f.is_markdown()).collect();
    let theme = theme::resolve(&config.theme, sources, config.palette.as_ref().map(|p| p.accent), config.text())
        .map_err(content_error)?;

    // A graph with problems is not kept: the next run must find them again.
    let reused = match cache.graph.take() {
        Some(mut graph) if graph.fits(&docs, &assets, drafts, &config.root) => {
            // Only bodies changed: the graph stands; its pages take the new documents.
            let site = Arc::make_mut(&mut graph.site);
            for (old, new) in graph.docs.iter_mut().zip(&docs) {
                if !Arc::ptr_eq(old, new) {
                    if let Some(id) = site.page_of(new) {
                        site.pages[id].doc = new.clone();
                    }
                    *old = new.clone();
                }
            }
            Ok(graph)
        }
        Some(mut graph) if graph.patchable(&docs, &assets, drafts, &config.root) => {
            // Only front matter that orders pages changed: the graph is patched.
            cache.generations += 1;
            if patch(&mut graph, &docs) { Ok(graph) } else { Err(Some(graph)) }
        }
        previous => Err(previous),
    };
    // A graph with problems is not kept: the next run must find them again.
    let (graph, keep) = match reused {
        Ok(graph) => (graph, true),
        Err(previous) => {
            cache.generations += 1;
            let (graph, graph_problems) = build_graph(previous, docs, &assets, sources, config, drafts);
            let keep = graph_problems.is_empty();
            problems = merged(problems, graph_problems, &failed);
            let Some(graph) = graph else { return Err(content_error(problems)) };
            (graph, keep)
        }
    };
    let mut uncached = None;
    let graph = if keep { cache.graph.insert(graph) } else { uncached.insert(graph) };
    let others: Vec<&str> = config.languages.iter().skip(1).map(|l| l.code.as_str()).collect();
    problems.extend(crate::site::languages::check(&graph.site, &config.language, &others, config.text()));
    let generation = cache.generations;
    let checks = graph.site.pages.iter().map(|_| OnceLock::new()).collect();
    let mut sizes = graph.asset_sizes.clone();
    sizes.extend(image_sizes(theme.statics.iter().map(|(p, b)| (p.clone(), &b[..]))));
    let photos = Arc::new(photo_store(sources, &graph.site, &theme, cache.check_photos, cache.photos.as_deref())?);
    // A photo shows upright: its size is the turned one (the header's may be swapped).
    sizes.extend(photos.iter().filter_map(|(path, p)| Some((path.to_string(), p.size?))));
    cache.photos = Some(photos.clone());
    let mut sorted: Vec<_> = sizes.iter().collect();
    sorted.sort_unstable();
    let world = crate::site::hash_of((graph.world, sorted));
    let rules = loaded.rules.clone();
    Ok((Prepared { site: graph.site.clone(), theme, checks, sizes, world, generation, photos, rules }, problems))
}

/// The site graph built anew from `docs`, its bodies carried over from `previous` by
/// source path (its `world` decides whether they still hold); None without a home page.
fn build_graph(
    previous: Option<Graph>,
    docs: Vec<Arc<Doc>>,
    assets: &[&source::File],
    sources: &Sources,
    config: &Config,
    drafts: bool,
) -> (Option<Graph>, Vec<Diagnostic>) {
    let (site, problems) = Site::build_all(docs.clone(), assets.iter().map(|f| f.rel.clone()).collect(), drafts);
    let Some(site) = site else { return (None, problems) };
    let asset_sizes = image_sizes(super::assets(sources, &site));
    let world = link_world(&site, config);
    let bodies = site
        .pages
        .iter()
        .map(|page| {
            let old = previous.as_ref()?;
            old.bodies[old.site.page_of(&page.doc)?].clone()
        })
        .collect();
    let graph = Graph {
        docs,
        assets: assets.iter().map(|f| (f.rel.clone(), f.bytes.clone())).collect(),
        drafts,
        root: config.root.clone(),
        site: Arc::new(site),
        asset_sizes,
        world,
        bodies,
    };
    (Some(graph), problems)
}

/// Brings `graph` up to date with `docs` when only front matter that orders pages
/// changed (see [`Graph::patchable`]); false, leaving the graph to be built again,
/// when ordering finds a problem (the full build then reports every problem).
fn patch(graph: &mut Graph, docs: &[Arc<Doc>]) -> bool {
    let changed: Vec<Arc<Doc>> =
        graph.docs.iter().zip(docs).filter(|(old, new)| !Arc::ptr_eq(old, new)).map(|(_, new)| new.clone()).collect();
    let problems = Arc::make_mut(&mut graph.site).patch(changed);
    graph.docs = docs.to_vec();
    problems.is_empty()
}

/// The photos among the theme's and site's static files and the content's files.
fn photo_store(
    sources: &Sources,
    site: &Site,
    theme: &Theme,
    check: bool,
    previous: Option<&photo::Store>,
) -> Result<photo::Store> {
    let dir = sources.root.join(photo::CACHE_DIR);
    let mode = if check { photo::Mode::Check(dir) } else { photo::Mode::Publish(dir) };
    let origin = |bytes: &Arc<[u8]>, on_disk: Option<&source::OnDisk>| match on_disk {
        Some(d) => photo::Origin::Disk { path: d.path.clone(), fingerprint: d.fingerprint },
        None => photo::Origin::Memory(bytes.clone()),
    };
    let by_source: HashMap<&Path, &source::File> =
        sources.content.iter().filter(|f| !f.is_markdown()).map(|f| (f.rel.as_path(), f)).collect();
    let statics =
        theme.statics.iter().map(|(p, b)| (p.clone(), Path::new("static").join(p), origin(b, theme.on_disk.get(p))));
    let assets = site.assets.iter().map(|a| {
        let file = by_source[a.source.as_path()];
        (a.output.clone(), Path::new("content").join(&a.source), origin(&file.bytes, file.on_disk.as_ref()))
    });
    photo::Store::new(mode, previous, statics.chain(assets)).map_err(content_error)
}

/// Every Markdown file of `sources` that parses (or taken from `memo` when its bytes
/// are the same), in source order, and the errors of those that do not.
fn parse_docs(sources: &Sources, memo: &mut DocMemo) -> (Vec<Arc<Doc>>, Vec<Diagnostic>) {
    let files: Vec<&source::File> = sources.content.iter().filter(|f| f.is_markdown()).collect();
    // A file's bytes are never given to another path (see `source::File`), and the memo
    // keeps them alive, so an address names one version of one file.
    let address = |file: &source::File| file.bytes.as_ptr() as usize;
    let parsed: Vec<Looked<Doc>> = files
        .par_iter()
        .map(|file| match memo.get(&address(file)) {
            Some((_, doc)) => (false, Ok(doc.clone())),
            None => (true, parse_doc(file).map(Arc::new)),
        })
        .collect();
    let mut problems = Vec::new();
    let mut docs = Vec::with_capacity(files.len());
    for (file, (fresh, result)) in files.iter().zip(parsed) {
        match result {
            Ok(doc) => {
                if fresh {
                    memo.insert(address(file), (file.bytes.clone(), doc.clone()));
                }
                docs.push(doc);
            }
            Err(errs) => problems.extend(errs),
        }
    }
    // Versions that were replaced stay until they are one in eight: a save then costs
    // no walk over every file.
    if memo.len() > docs.len() + docs.len() / 8 + 16 {
        let current: HashSet<usize> = files.iter().map(|f| address(f)).collect();
        memo.retain(|address, _| current.contains(address));
    }
    (docs, problems)
}

fn parse_doc(file: &source::File) -> Result<Doc, Vec<Diagnostic>> {
    Doc::parse(file.rel.clone(), file.bytes.clone())
}
