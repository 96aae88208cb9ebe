//! The stages, in the one order `build`, `check` and `serve` all run them:
//!
//! 1. load ([`crate::load`]): site.yaml, the content rules, every source file;
//! 2. parse front matter and link the site graph ([`prepare`]);
//! 3. Markdown: each page's body, with the page-by-page content rules;
//! 4. templates ([`Renderer`]): every output file;
//! 5. the site-wide content rules ([`Prepared::findings`]);
//! 6. write, through [`crate::output`]: `build` streams into a staging folder that
//!    replaces the output only when every file is written and nothing failed; `serve`
//!    writes the files that changed (`serve::live`); `check` writes nothing.
//!
//! `build` renders each body as its page is rendered (stages 3 and 4 interleave, so a
//! build never holds the whole site's HTML); `serve` keeps the bodies and adds caches
//! and keys, never another order. Parsing, Markdown and templates run in parallel.
//! Every stage collects all of its problems, so one run reports every error it can find.
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::Config;
use crate::error::{Diagnostic, Error, Result};
use crate::lint;
use crate::load::{self, Loaded};
use crate::markdown::{self, Resolver};
use crate::output::Staging;
use crate::photo;
use crate::render::{Bodies, Body, Job, Outputs, Parts, Renderer};
use crate::site::{Doc, Page, PageId, Site};
use crate::source::{self, Sources};
use crate::theme::{self, Theme};

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site folder (holding `site.yaml`); the current folder when None.
    pub root: Option<PathBuf>,
    /// Where to write; `public/` under the root when None.
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
}

/// What a finished build did.
#[derive(Debug)]
pub struct Summary {
    pub pages: usize,
    pub output: PathBuf,
    pub elapsed: Duration,
    pub warnings: Vec<Diagnostic>,
}

/// What one rebuild of `serve` did.
#[derive(Debug)]
pub struct Rebuilt {
    /// Output paths written or deleted, in order.
    pub changed: Vec<String>,
    pub pages: usize,
    pub elapsed: Duration,
    pub warnings: Vec<Diagnostic>,
}

/// A site read, parsed and linked: everything the templates need but the pages'
/// Markdown, which is rendered per page ([`Prepared::body`]) as the page is. Owns what
/// the [`Renderer`] borrows.
pub struct Prepared {
    /// Shared with the [`Cache`], which patches it in place when only bodies changed.
    pub site: Arc<Site>,
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
    photos: Arc<photo::Store>,
}

impl Prepared {
    /// Page `id`'s Markdown as HTML, its links resolved through the graph; or every
    /// broken link in it.
    pub fn body(&self, id: PageId, config: &Config) -> Result<Body, Vec<Diagnostic>> {
        let body = render_body(&self.site, &self.site.pages[id], config, &self.rules, &self.sizes)?;
        let _ = self.checks[id].set(body.checks.clone());
        Ok(body)
    }

    /// The content rules' findings, once the bodies are rendered (one not rendered yet
    /// is rendered now): the warnings and allowed findings; or, when a rule at level
    /// `error` fires, every finding as the error. With the `cache` that prepared the
    /// site (serve), pages whose findings cannot have changed are not checked again.
    pub fn findings(&self, config: &Config, config_text: &str, cache: Option<&mut Cache>) -> Result<Vec<Diagnostic>> {
        // A page with a broken link is still checked: every finding comes out in one run.
        let mut broken = Vec::new();
        for (id, checks) in self.checks.iter().enumerate() {
            if checks.get().is_none() {
                let (body, problems) =
                    render_body_anyway(&self.site, &self.site.pages[id], config, &self.rules, &self.sizes);
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
        let key = crate::site::hash_of((self.world, statics, templates, config_text));
        let memo = cache.map(|cache| (&mut cache.lint, key));
        let mut findings = lint::check(&self.site, facts, &self.theme, &self.rules, config, config_text, memo);
        findings.extend(broken);
        if findings.iter().any(Diagnostic::is_error) { Err(content_error(findings)) } else { Ok(findings) }
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

    /// The same photos, shared: `serve` makes new ones on a thread of its own.
    pub fn shared_photos(&self) -> Arc<photo::Store> {
        self.photos.clone()
    }

    /// What the [`Renderer`] reads of this site besides the bodies.
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
    pub prepared: &'a Prepared,
    pub config: &'a Config,
}

impl Bodies for Fresh<'_> {
    fn body(&self, id: PageId) -> std::result::Result<Arc<Body>, Vec<Diagnostic>> {
        self.prepared.body(id, self.config).map(Arc::new)
    }
}

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
}

impl Cache {
    /// A cache for `check`: photos are opened to find broken ones, but nothing is made.
    pub fn for_check() -> Cache {
        Cache { check_photos: true, ..Cache::default() }
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

/// Builds the site described by `options` and writes it.
pub fn build(options: &BuildOptions) -> Result<Summary> {
    let started = Instant::now();
    let root = source::find_root(options.root.as_deref())?;
    let output = options.output.clone().unwrap_or_else(|| root.join("public"));
    check_output_is_safe(&root, &output)?;
    let site = load::load(&root, options.base_url.as_deref())?;
    let (pages, warnings) = render_site(&site, options.drafts, Some(&output))?;
    Ok(Summary { pages, output, elapsed: started.elapsed(), warnings })
}

/// Everything `build` validates, templates included, without writing: the warnings.
pub fn check(site: &Loaded, drafts: bool) -> Result<Vec<Diagnostic>> {
    render_site(site, drafts, None).map(|(_, warnings)| warnings)
}

/// Renders the whole site and, with an `output` folder, swaps it in there once every
/// file rendered and no content rule failed. The page count and the warnings.
fn render_site(site: &Loaded, drafts: bool, output: Option<&Path>) -> Result<(usize, Vec<Diagnostic>)> {
    let (sources, config) = (&site.sources, &site.config);
    // Every stage runs, on the files that got through the ones before, and all their
    // findings come out together: one run shows every problem.
    let mut cache = if output.is_some() { Cache::default() } else { Cache::for_check() };
    let (prepared, problems) = prepare_all(site, drafts, &mut cache)?;
    let failed = failed_keys(&problems);
    let bodies = Fresh { prepared: &prepared, config };
    let stop = |later: Vec<Diagnostic>| content_error(merged(problems.clone(), later, &failed));
    let renderer = Renderer::new(config, prepared.parts(), &bodies).map_err(stop)?;
    let outputs = renderer.outputs(assets(sources, &prepared.site)).map_err(stop)?;
    let write = output.filter(|_| problems.is_empty());
    let staging = write.map(|out| Staging::new(out, outputs.keys().map(String::as_str))).transpose()?;
    let mut later =
        match render_each(&renderer, &outputs, |path, bytes| staging.as_ref().map_or(Ok(()), |s| s.write(path, bytes)))
        {
            Ok(()) => Vec::new(),
            Err(Error::Content(found)) => found,
            Err(other) => return Err(other),
        };
    match prepared.findings(config, &sources.config_text, None) {
        Ok(findings) | Err(Error::Content(findings)) => later.extend(findings),
        Err(other) => return Err(other),
    }
    let all = merged(problems, later, &failed);
    if all.iter().any(Diagnostic::is_error) {
        return Err(content_error(all));
    }
    let mut warnings = all;
    if let Some(staging) = staging {
        staging.commit()?;
    } else {
        warnings.extend(gps_warnings(&prepared.photos));
    }
    warnings.extend(check_site_links(config, &sources.config_text, &outputs));
    Ok((prepared.site.pages.len(), warnings))
}

/// Renders every output file in parallel and hands each to `sink` as soon as it is
/// rendered, so the whole site is never held in memory. All template errors are
/// reported together, in path order.
pub fn render_each<'a>(
    renderer: &Renderer<'a>,
    outputs: &Outputs<'a>,
    sink: impl Fn(&str, &[u8]) -> Result<()> + Sync,
) -> Result<()> {
    let jobs: Vec<(&String, &Job)> = outputs.iter().collect();
    let results: Vec<Result<(), Error>> = jobs
        .par_iter()
        .map(|(path, job)| match renderer.render(**job) {
            Ok(bytes) => sink(path, &bytes),
            Err(problems) => Err(Error::Content(problems)),
        })
        .collect();
    let mut problems = Vec::new();
    for result in results {
        match result {
            Ok(()) => {}
            Err(Error::Content(ds)) => problems.extend(ds),
            Err(other) => return Err(other),
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(content_error(problems)) }
}

/// The content's files that are not Markdown, as output path -> bytes.
pub fn assets<'a>(sources: &'a Sources, site: &Site) -> Vec<(String, &'a [u8])> {
    let by_source: HashMap<&Path, &[u8]> =
        sources.content.iter().filter(|f| !f.is_markdown()).map(|f| (f.rel.as_path(), &f.bytes[..])).collect();
    site.assets.iter().map(|a| (a.output.clone(), by_source[a.source.as_path()])).collect()
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
fn prepare_all(loaded: &Loaded, drafts: bool, cache: &mut Cache) -> Result<(Prepared, Vec<Diagnostic>)> {
    let (sources, config) = (&loaded.sources, &loaded.config);
    let (docs, mut problems) = parse_docs(sources, &mut cache.docs);
    let failed = failed_keys(&problems);
    let assets: Vec<&source::File> = sources.content.iter().filter(|f| !f.is_markdown()).collect();
    let theme = theme::resolve(&config.theme, sources).map_err(content_error)?;

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
    problems.extend(crate::site::languages::check(&graph.site, &config.language, &others, &sources.config_text));
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
    let asset_sizes = image_sizes(self::assets(sources, &site));
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

/// The content keys (`process/first.md`) of the files whose front matter failed.
fn failed_keys(problems: &[Diagnostic]) -> HashSet<String> {
    problems
        .iter()
        .filter_map(|d| d.path.strip_prefix("content").ok())
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect()
}

/// `earlier` and `later` findings together, without duplicates, and without what only
/// follows from a file left out (`failed`): a link to it, or the home page missing
/// when its own front matter failed.
fn merged(earlier: Vec<Diagnostic>, later: Vec<Diagnostic>, failed: &HashSet<String>) -> Vec<Diagnostic> {
    let mut seen = HashSet::new();
    earlier
        .into_iter()
        .chain(later.into_iter().filter(|d| {
            let home_missing = d.message == "the home page is missing" && failed.contains("_index.md");
            let to_failed = failed.iter().any(|key| d.message.contains(&format!("content/{key} does not exist")));
            !home_missing && !to_failed
        }))
        .filter(|d| seen.insert(d.to_string()))
        .collect()
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

/// `check` tells staff about every source photo that records where it was taken: the
/// published copy has no position, but the original on their computer does.
fn gps_warnings(photos: &photo::Store) -> Vec<Diagnostic> {
    photos
        .iter()
        .filter(|(_, p)| p.has_gps())
        .map(|(_, p)| {
            Diagnostic::warning(&p.source, 0, 0, "this photo records the GPS position where it was taken")
                .with_help("the published copy has no position (smpsite removes it), but the file itself still does: do not share it as it is; to stop phones recording it, turn off location for the camera")
        })
        .collect()
}

/// Every page's Markdown as HTML, for `serve`, which keeps them between rebuilds: a
/// page whose document and [`Prepared::body_key`] are unchanged is not rendered again.
/// `prepared` is what `prepare` last returned with this `cache`.
pub fn render_bodies(prepared: &Prepared, config: &Config, cache: &mut Cache) -> Result<Vec<Arc<Body>>> {
    let site = &prepared.site;
    let mut none = vec![None; site.pages.len()];
    let memos = match cache.graph.as_mut() {
        Some(graph) if Arc::ptr_eq(&graph.site, site) => &mut graph.bodies,
        _ => &mut none,
    };
    // Each memo is brought up to date where it sits: only pages rendered now write one.
    let rendered: Vec<std::result::Result<Arc<Body>, Vec<Diagnostic>>> = memos
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
        .collect();
    let mut problems = Vec::new();
    let mut bodies = Vec::with_capacity(rendered.len());
    for result in rendered {
        match result {
            Ok(body) => bodies.push(body),
            Err(errs) => problems.extend(errs),
        }
    }
    if problems.is_empty() { Ok(bodies) } else { Err(content_error(problems)) }
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

fn render_body(
    site: &Site,
    page: &Page,
    config: &Config,
    rules: &lint::Rules,
    sizes: &HashMap<String, (u32, u32)>,
) -> Result<Body, Vec<Diagnostic>> {
    let (body, problems) = render_body_anyway(site, page, config, rules, sizes);
    if problems.is_empty() { Ok(body) } else { Err(problems) }
}

/// A page's body and what the content rules find in it, even when some of its links
/// are broken (those come back beside it): the other checks still run on the page.
fn render_body_anyway(
    site: &Site,
    page: &Page,
    config: &Config,
    rules: &lint::Rules,
    sizes: &HashMap<String, (u32, u32)>,
) -> (Body, Vec<Diagnostic>) {
    let links = PageLinks { site, page, root: &config.root, sizes };
    let rendered = markdown::render(page.doc.body(), page.is_faq(), &links);
    let doc = &page.doc;
    let mut problems: Vec<Diagnostic> = rendered
        .problems
        .into_iter()
        .map(|problem| {
            let (line, col) = doc.body_position(problem.offset);
            Diagnostic::error(doc.display_path(), line, col, problem.message)
                .with_help(problem.help)
                .with_source(doc.text())
        })
        .collect();
    // The theme renders these front-matter items as Markdown too.
    let fm = &doc.meta.fm;
    let aftercare = fm.aftercare.iter().enumerate().map(|(i, text)| (text, doc.entry_position("aftercare", i, &[])));
    let healing =
        fm.healing.iter().enumerate().map(|(i, h)| (&h.expect, doc.entry_position("healing", i, &["expect"])));
    for (text, (line, col)) in aftercare.chain(healing) {
        for problem in markdown::inline_problems(text) {
            problems.push(
                Diagnostic::error(doc.display_path(), line, col, problem.message)
                    .with_help(problem.help)
                    .with_source(doc.text()),
            );
        }
    }
    let hash = crate::site::hash_of((&rendered.html, &rendered.faq));
    let checks = Arc::new(rules.page(&page.doc, rendered.outline, config.country()));
    (Body { html: rendered.html, faq: rendered.faq, hash, checks, first_photo: rendered.first_photo }, problems)
}

/// A fingerprint of everything a page's Markdown and its content checks can see of
/// the rest of the site: where each page, alias and file is published, each page's
/// kind, drafts and the site root (`prepare` adds the image sizes). When it changes,
/// every page's Markdown is rendered and checked again.
fn link_world(site: &Site, config: &Config) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::BuildHasher::build_hasher(&crate::site::hasher());
    config.root.hash(&mut h);
    for page in &site.pages {
        (&page.doc.source, &page.path, page.kind, page.section_kind).hash(&mut h);
    }
    site.aliases.hash(&mut h);
    for asset in &site.assets {
        (&asset.source, &asset.output).hash(&mut h);
    }
    site.drafts_fingerprint().hash(&mut h);
    h.finish()
}

/// How one page's Markdown sees the site: its links resolve through the graph, and
/// images published by this build have known sizes.
struct PageLinks<'a> {
    site: &'a Site,
    page: &'a Page,
    root: &'a str,
    sizes: &'a HashMap<String, (u32, u32)>,
}

impl Resolver for PageLinks<'_> {
    fn link(&self, dest: &str) -> markdown::LinkTarget {
        self.site.resolve(self.page, dest, self.root)
    }

    fn image_size(&self, url: &str) -> Option<(u32, u32)> {
        self.sizes.get(url.strip_prefix(self.root)?).copied()
    }
}

/// Pixel size of an image file: raster formats from their header, SVG from the root
/// element's `width`/`height` (or its `viewBox`).
/// The pixel sizes of the images among `files` (output path -> bytes).
fn image_sizes<'b>(files: impl IntoIterator<Item = (String, &'b [u8])>) -> HashMap<String, (u32, u32)> {
    files
        .into_iter()
        .filter_map(|(path, bytes)| Some((image_size(&path, bytes)?, path)))
        .map(|(size, path)| (path, size))
        .collect()
}

fn image_size(path: &str, bytes: &[u8]) -> Option<(u32, u32)> {
    if !path.ends_with(".svg") {
        return imagesize::blob_size(bytes)
            .ok()
            .and_then(|s| Some((u32::try_from(s.width).ok()?, u32::try_from(s.height).ok()?)));
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let start = text.find("<svg")?;
    let tag = &text[start..start + text[start..].find('>')?];
    let attr = |name: &str| {
        let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(&tag[at..at + tag[at..].find('"')?])
    };
    let number = |v: &str| v.trim_end_matches("px").parse::<f64>().ok().filter(|n| *n > 0.0).map(|n| n.round() as u32);
    match (attr("width").and_then(number), attr("height").and_then(number)) {
        (Some(w), Some(h)) => Some((w, h)),
        _ => {
            let view: Vec<&str> = attr("viewBox")?.split([' ', ',']).filter(|s| !s.is_empty()).collect();
            match view[..] {
                [_, _, w, h] => Some((number(w)?, number(h)?)),
                _ => None,
            }
        }
    }
}

/// Links written in site.yaml appear on every page (the consultation call to action,
/// the menu): a site-relative one that leads nowhere would break all of them.
pub(crate) fn check_site_links(config: &Config, config_text: &str, outputs: &Outputs) -> Vec<Diagnostic> {
    let booking = config
        .clinic
        .booking_url
        .as_deref()
        .map(|url| ("booking_url", url, "every \"Book a consultation\" link leads nowhere"));
    let menu = config.menu.iter().flatten().map(|item| ("url", item.url.as_str(), "this menu entry leads nowhere"));
    booking
        .into_iter()
        .chain(menu)
        .filter(|(_, url, _)| !publishes(outputs, url))
        .map(|(key, url, consequence)| {
            let (line, col) = crate::config::locate_value(config_text, key, url).unwrap_or((0, 0));
            let d = Diagnostic::warning(crate::config::FILE_NAME, line, col, format!("`{key}: {url}` has no page behind it, so {consequence}"))
                .with_help("create that page (for /contact/: content/contact.md), or point it at an existing page or another site's address");
            d.with_source(config_text)
        })
        .collect()
}

/// Whether a URL from site.yaml is published by this build; absolute URLs are not ours to check.
fn publishes(outputs: &Outputs, url: &str) -> bool {
    let Some(path) = url.strip_prefix('/') else { return true };
    let path = path.split(['#', '?']).next().unwrap_or("");
    let file = if path.is_empty() || path.ends_with('/') { format!("{path}index.html") } else { path.to_string() };
    outputs.contains_key(&file) || outputs.contains_key(&format!("{path}/index.html"))
}

fn content_error(mut problems: Vec<Diagnostic>) -> Error {
    // The same problem can be met twice (a page's body is also rendered where another
    // page shows it, e.g. the home page's FAQ teaser): it is reported once.
    problems.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let mut seen = std::collections::HashSet::new();
    problems.retain(|d| seen.insert(d.to_string()));
    Error::Content(problems)
}

/// Refuses outputs that would mix the site into its own sources (the output at any
/// depth inside `content/`, `static/`, `templates/` or `themes/`, the site folder or a
/// folder above it), and the home folder or the disk's root. The output folder's own
/// rules (only smpsite's files are ever replaced) are `output.rs`'s.
fn check_output_is_safe(root: &Path, output: &Path) -> Result<()> {
    let root = resolved(root);
    let out = resolved(output);
    let protected = ["content", "static", "templates", "themes"].map(|d| root.join(d));
    if out == root || root.starts_with(&out) || protected.iter().any(|p| out.starts_with(p)) {
        return Err(Error::Usage(format!(
            "refusing to write the site into {}: it holds the site's own files (content/, static/, templates/, themes/ or site.yaml)\n\
             Choose an output folder outside them, for example `-o public`.",
            output.display()
        )));
    }
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty()).map(|h| resolved(Path::new(&h)));
    if out.parent().is_none() || home.as_deref() == Some(out.as_path()) {
        return Err(Error::Usage(format!(
            "refusing to build into {}: that is your home folder or the disk's root\n\
             Choose a folder of its own for the site, for example `-o public`.",
            output.display()
        )));
    }
    Ok(())
}

/// `path` made absolute with every symlink resolved, also when its last parts do not
/// exist yet (`content/new/x`: the existing `content` is resolved, the rest appended).
fn resolved(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    let base = loop {
        if let Ok(real) = existing.canonicalize() {
            break real;
        }
        match (existing.parent(), existing.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last.as_os_str().to_os_string());
                existing = parent;
            }
            _ => break existing.to_path_buf(),
        }
    };
    let mut out = base;
    for part in rest.into_iter().rev() {
        if part == ".." {
            out.pop();
        } else if part != "." {
            out.push(part);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::image_size;

    #[test]
    fn resolves_paths_whose_end_does_not_exist_yet() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().canonicalize().unwrap();
        std::fs::create_dir(real.join("content")).unwrap();
        assert_eq!(super::resolved(&real.join("content/x/y")), real.join("content/x/y"));
        assert_eq!(super::resolved(&real.join("content/x/../../public")), real.join("public"));
        assert_eq!(super::resolved(&real.join("nope/../content/./z")), real.join("content/z"));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(real.join("content"), real.join("link")).unwrap();
            assert_eq!(super::resolved(&real.join("link/new")), real.join("content/new"));
        }
    }

    #[test]
    fn reads_image_sizes_from_svg_and_raster_headers() {
        assert_eq!(image_size("a.svg", br#"<?xml?><svg xmlns="x" width="480" height="220px">"#), Some((480, 220)));
        assert_eq!(image_size("a.svg", br#"<svg viewBox="10 10 32 16">"#), Some((32, 16)));
        assert_eq!(image_size("a.svg", br#"<svg width="100%">"#), None);
        let png_1x2 = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x02\x08\x06\0\0\0";
        assert_eq!(image_size("a.png", png_1x2), Some((1, 2)));
        assert_eq!(image_size("a.png", b"not an image"), None);
    }
}
