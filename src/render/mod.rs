//! Site graph + rendered Markdown -> output files, through the theme's Tera templates.
//! Writes nothing: the caller decides where each rendered file goes.
//!
//! - this file: the [`Renderer`] (what each output file is, its key, its bytes);
//! - [`values`]: the `page` value every template reads;
//! - [`clinic`]: the `site` value (clinic details, menu, brand) and the clinic's own
//!   page blocks (hero, team, tappable numbers);
//! - [`jsonld`]: structured data;
//! - [`feeds`]: the files no template writes: `sitemap.xml`, `robots.txt`, the feed.

mod clinic;
mod feeds;
mod jsonld;
mod languages;
mod values;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use serde_json::{Value, json};
use tera::{Context, Tera};

use crate::addresses::{self, Origin, alias_output};
use crate::config::Config;
use crate::error::Diagnostic;
use crate::front_matter::SectionKind;
use crate::markdown::FaqItem;
use crate::site::{Kind, Page, PageId, Site, hash_of};
use crate::theme::{REQUIRED_TEMPLATES, Theme};

pub use crate::addresses::{Job, Outputs};

/// A page's Markdown, rendered.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Body {
    pub html: String,
    pub faq: Vec<FaqItem>,
    /// A hash of `html` and `faq` (the FAQ items are cut from the HTML).
    pub hash: u64,
    /// What the content rules found in the page by itself (`lint::Rules::page`).
    pub checks: Arc<crate::lint::PageFacts>,
    /// The URL and size of the body's first site photo (the page's `og:image`).
    pub first_photo: Option<(String, (u32, u32))>,
}

/// Where the renderer gets each page's Markdown as HTML: rendered beforehand and kept
/// (`serve`), or rendered as the page is ([`crate::build::Fresh`], so a build never
/// holds the whole site's HTML). An error is every broken link of the page.
pub trait Bodies: Sync {
    fn body(&self, id: PageId) -> Result<Arc<Body>, Vec<Diagnostic>>;

    /// The body's [`Body::hash`] (0 when it does not render: the page then fails to
    /// render too, and nothing is written).
    fn hash(&self, id: PageId) -> u64 {
        self.body(id).map_or(0, |b| b.hash)
    }
}

impl Bodies for Vec<Arc<Body>> {
    fn body(&self, id: PageId) -> Result<Arc<Body>, Vec<Diagnostic>> {
        Ok(self[id].clone())
    }

    /// Without cloning the `Arc`: serve asks for every page's hash on every rebuild, and
    /// the reference counts would bounce between threads.
    fn hash(&self, id: PageId) -> u64 {
        self[id].hash
    }
}

/// What the templates read of a prepared site, besides the pages' bodies
/// (`build::Prepared::parts`).
#[derive(Clone, Copy)]
pub struct Parts<'a> {
    pub site: &'a Site,
    pub theme: &'a Theme,
    /// Pixel sizes of the images the build publishes, by output path.
    pub sizes: &'a HashMap<String, (u32, u32)>,
    pub photos: &'a crate::photo::Store,
}

/// The theme's templates, loaded once, applied to one site graph. Rendering one file
/// needs only `&self`, so files render in parallel and can stream to disk.
pub struct Renderer<'a> {
    config: &'a Config,
    site: &'a Site,
    bodies: &'a dyn Bodies,
    theme: &'a Theme,
    /// Pixel sizes of the images the site publishes, by output path.
    sizes: &'a HashMap<String, (u32, u32)>,
    photos: &'a crate::photo::Store,
    tera: Tera,
    /// The newest dated pages, newest first: the feed's entries, and the first
    /// [`LATEST`] of them the home page's list.
    newest: Vec<PageId>,
    global_key: u64,
    /// What the home page shows of other pages: the process section (its sessions as a
    /// timeline) and the FAQ page (its first questions).
    process: Option<PageId>,
    faq: Option<PageId>,
    /// By page: a hash of all that other pages show of it (URL, kind, front matter).
    summaries: Vec<u64>,
    /// On a site in several languages, each language's `site` value (as
    /// [`Site::languages`]; the default language's is the global one).
    site_values: Vec<Value>,
}

impl<'a> Renderer<'a> {
    pub fn new(config: &'a Config, parts: Parts<'a>, bodies: &'a dyn Bodies) -> Result<Self, Vec<Diagnostic>> {
        Renderer::with_templates(config, parts, bodies, load_templates(parts.theme)?)
    }

    /// A renderer with `tera` holding the theme's templates already parsed (serve keeps
    /// them in [`Templates`]).
    pub fn with_templates(
        config: &'a Config,
        parts: Parts<'a>,
        bodies: &'a dyn Bodies,
        mut tera: Tera,
    ) -> Result<Self, Vec<Diagnostic>> {
        let Parts { site, theme, sizes, photos } = parts;
        tera.register_function("image", crate::photo::template_function(photos, &config.root));
        let newest = feeds::newest_dated(site, FEED_ENTRIES.max(LATEST), 0);
        let brand = clinic::brand_value(config, theme, sizes).map_err(|d| vec![d])?;
        let mut site_values: Vec<Value> = (0..site.languages.len())
            .map(|lang| {
                let mut value = clinic::site_value(config, site, !newest.is_empty(), lang);
                value["brand"] = brand.clone();
                value
            })
            .collect();
        let site_value = site_values.remove(0);
        tera.global_context().insert("site", &site_value);
        tera.global_context().insert("t", config.locale.strings());
        let templates: Vec<(&String, &str)> = theme.templates.iter().map(|(n, t)| (n, t.text.as_str())).collect();
        // Where every content file is published: pages link to them (`before_after` photos).
        let assets: Vec<(&std::path::Path, &str)> =
            site.assets.iter().map(|a| (a.source.as_path(), a.output.as_str())).collect();
        // And the photos' pixel sizes (a `before_after` photo carries its width and height).
        let mut image_sizes: Vec<_> = sizes.iter().collect();
        image_sizes.sort_unstable();
        let site_text: Vec<String> = std::iter::once(&site_value).chain(&site_values).map(Value::to_string).collect();
        let global_key = hash_of((format!("{config:?}"), site_text, templates, assets, image_sizes));
        let summaries =
            site.pages.iter().map(|p| hash_of((&p.path, p.doc.meta_hash, p.kind, p.section_kind))).collect();
        let process = site
            .pages
            .iter()
            .position(|p| p.lang == 0 && p.kind == Kind::Section && p.section_kind == SectionKind::Sessions);
        let faq = site.pages.iter().position(|p| p.lang == 0 && p.is_faq());
        Ok(Renderer {
            config,
            site,
            bodies,
            theme,
            sizes,
            photos,
            tera,
            global_key,
            process,
            faq,
            summaries,
            newest,
            site_values,
        })
    }

    /// A fingerprint of everything rendering `job` reads, so `serve` renders again only
    /// the files whose key changed. A page's key covers the page, its Markdown, the
    /// pages it shows (parent, breadcrumbs, prev/next, its listing: their front matter
    /// and URLs, see [`Renderer::summaries`]) and what every file shares (site.yaml,
    /// the templates, the `site` value); so a body edit renders that page again, and a
    /// title edit also the pages that list or link it. Copied files have no key (their
    /// bytes are compared). Keep it in step with `page_value`: the serve invariant test
    /// guards it.
    pub fn key(&self, job: Job) -> Option<u64> {
        let site = self.site;
        let s = &self.summaries;
        Some(match job {
            Job::Page(id) => {
                let page = &site.pages[id];
                let related = [page.parent, page.prev, page.next].map(|p| p.map(|p| s[p]));
                let latest = self.latest_of(id);
                let showcased = self.showcased(id);
                let listed = page.pages.iter().chain(&page.subsections).chain(&latest).chain(&showcased).map(|&p| s[p]);
                let faq_body =
                    if site.is_home(id) { self.faq_of(page.lang).map(|f| self.bodies.hash(f)) } else { None };
                let translations = page.translations.iter().map(|t| t.map(|t| s[t]));
                let ancestry = std::iter::successors(page.parent, |&p| site.pages[p].parent).map(|p| s[p]);
                let mut h = self.hasher();
                (1u8, s[id], site.is_home(id), template_for(page), self.bodies.hash(id), related).hash(&mut h);
                faq_body.hash(&mut h);
                translations.for_each(|t| t.hash(&mut h));
                listed.chain([u64::MAX]).chain(ancestry).for_each(|x| x.hash(&mut h));
                h.finish()
            }
            Job::Alias(target) => hash_of((self.global_key, 2u8, s[target])),
            Job::NotFound(lang) => hash_of((self.global_key, 3u8, s[site.home_of(lang)])),
            Job::Robots => hash_of((self.global_key, 4u8)),
            Job::Sitemap => hash_of((self.global_key, 5u8, s)),
            Job::Feed => {
                let entries: Vec<(u64, u64)> = self.newest[..FEED_ENTRIES.min(self.newest.len())]
                    .iter()
                    .map(|&id| (s[id], self.bodies.hash(id)))
                    .collect();
                hash_of((self.global_key, 6u8, entries))
            }
            Job::Copy(_) => return None,
            Job::Photo(path, variant) => hash_of((7u8, self.photos.get(path).map(|p| p.fingerprint()), variant)),
        })
    }

    /// The pages the home page shows besides its own listings: the process section, its
    /// sessions, and the FAQ page.
    fn showcased(&self, id: PageId) -> Vec<PageId> {
        if !self.site.is_home(id) {
            return Vec::new();
        }
        let lang = self.site.pages[id].lang;
        let process = self.process_of(lang);
        let sessions = process.map(|p| self.site.pages[p].pages.clone()).unwrap_or_default();
        process.into_iter().chain(sessions).chain(self.faq_of(lang)).collect()
    }

    /// The process section the home page of language `lang` shows: the default
    /// language's, or its translation (none when it is not translated).
    fn process_of(&self, lang: usize) -> Option<PageId> {
        let id = self.process?;
        let shown = self.site.in_language(id, lang);
        (self.site.pages[shown].lang == lang).then_some(shown)
    }

    /// The FAQ page the home page of language `lang` shows, as [`Renderer::process_of`].
    fn faq_of(&self, lang: usize) -> Option<PageId> {
        let id = self.faq?;
        let shown = self.site.in_language(id, lang);
        (self.site.pages[shown].lang == lang).then_some(shown)
    }

    /// `home`: the process as a timeline (the sessions section's pages) and a teaser of
    /// the FAQ (its first questions, each linking to its answer).
    fn home_value(&self, lang: usize) -> Result<Value, Vec<Diagnostic>> {
        let (config, site) = (self.config, self.site);
        let (process_id, faq_id) = (self.process_of(lang), self.faq_of(lang));
        let process = process_id.map(|p| {
            let section = &site.pages[p];
            let steps: Vec<Value> = section
                .pages
                .iter()
                .map(|&c| {
                    let m = &site.pages[c].doc.meta.fm;
                    json!({"title": site.pages[c].title(), "url": config.url(&site.pages[c].path), "stage": m.stage,
                           "duration": m.duration, "description": m.description})
                })
                .collect();
            json!({"title": section.title(), "url": config.url(&section.path), "steps": steps})
        });
        let faq = match faq_id {
            Some(f) => {
                let page = &site.pages[f];
                let url = config.url(&page.path);
                let body = self.bodies.body(f)?;
                let questions: Vec<Value> = body
                    .faq
                    .iter()
                    .take(FAQ_TEASER)
                    .map(|q| json!({"question": q.question, "url": format!("{url}#{}", q.id)}))
                    .collect();
                Some(json!({"title": page.title(), "url": url, "questions": questions}))
            }
            None => None,
        };
        // What to expect: the home page's other sections and pages.
        let home = &site.pages[site.home_of(lang)];
        let others: Vec<Value> = home
            .subsections
            .iter()
            .chain(&home.pages)
            .filter(|&&p| Some(p) != process_id && Some(p) != faq_id)
            .map(|&p| {
                let page = &site.pages[p];
                json!({"title": page.title(), "url": config.url(&page.path), "description": page.doc.meta.fm.description})
            })
            .collect();
        Ok(json!({"process": process, "faq": faq, "others": others}))
    }

    /// Whether rendering page `id` reads another page's Markdown (the home page shows
    /// the FAQ's first questions), so an unchanged body of its own does not settle it.
    pub fn shows_other_bodies(&self, id: PageId) -> bool {
        self.site.is_home(id) && self.faq_of(self.site.pages[id].lang).is_some()
    }

    /// The newest dated pages page `id` lists: on a home page, those of its language.
    fn latest_of(&self, id: PageId) -> Vec<PageId> {
        if !self.site.is_home(id) {
            return Vec::new();
        }
        let lang = self.site.pages[id].lang;
        if lang == 0 {
            return self.newest[..LATEST.min(self.newest.len())].to_vec();
        }
        feeds::newest_dated(self.site, LATEST, lang)
    }

    /// The part of every key that all files share (site.yaml, templates, the `site` value).
    pub fn global_key(&self) -> u64 {
        self.global_key
    }

    fn hasher(&self) -> impl Hasher {
        let mut h = std::hash::BuildHasher::build_hasher(&crate::site::hasher());
        self.global_key.hash(&mut h);
        h
    }

    /// Every output file: pages, aliases, the 404 page, sitemap, feed, robots.txt, the
    /// theme's static files and the content's `assets` (output path -> bytes). A path
    /// claimed twice, or a page asking for a template the theme lacks, is an error.
    pub fn outputs(
        &self,
        assets: impl IntoIterator<Item = (String, &'a [u8])>,
    ) -> Result<Outputs<'a>, Vec<Diagnostic>> {
        let (site, theme) = (self.site, self.theme);
        let mut generated: Vec<(String, Job)> = Vec::with_capacity(site.pages.len() + site.aliases.len() + 4);
        let mut problems = Vec::new();
        for (id, page) in site.pages.iter().enumerate() {
            let name = template_for(page);
            if !theme.templates.contains_key(name) {
                let (line, col) = page.doc.key_position("template");
                problems.push(
                    Diagnostic::error(page.doc.display_path(), line, col, format!("there is no template `{name}`"))
                        .with_help(format!(
                            "use one of: {}",
                            theme.templates.keys().cloned().collect::<Vec<_>>().join(", ")
                        ))
                        .with_source(page.doc.text()),
                );
            }
            problems.extend(clinic::page_problems(page));
            generated.push((format!("{}index.html", page.path), Job::Page(id)));
        }
        for (alias, &target) in &site.aliases {
            generated.push((alias_output(alias), Job::Alias(target)));
        }
        generated.push(("404.html".into(), Job::NotFound(0)));
        for lang in 1..site.languages.len() {
            generated.push((format!("{}404.html", site.pages[site.home_of(lang)].path), Job::NotFound(lang)));
        }
        generated.push(("sitemap.xml".into(), Job::Sitemap));
        if !self.newest.is_empty() {
            generated.push((FEED.into(), Job::Feed));
        }
        generated.push(("robots.txt".into(), Job::Robots));
        if !problems.is_empty() {
            return Err(problems);
        }
        let statics = theme.statics.iter().map(|(p, b)| (p.clone(), &b[..], Origin::Static));
        let assets = assets.into_iter().map(|(p, b)| (p, b, Origin::Content));
        // A photo publishes itself without metadata, and its smaller copies beside it.
        let files = statics.chain(assets).flat_map(|(path, bytes, origin)| match self.photos.entry(&path) {
            Some((key, photo)) => crate::photo::outputs(key, photo.format, photo.size.unwrap_or((0, 0)))
                .into_iter()
                .map(|(out, variant)| (out, Job::Photo(key, variant), origin))
                .collect(),
            None => vec![(path, Job::Copy(bytes), origin)],
        });
        addresses::plan(site, generated.into_iter().map(|(p, j)| (p, j, Origin::Site)).chain(files))
    }

    /// The bytes of one output file.
    pub fn render(&self, job: Job<'a>) -> Result<Cow<'a, [u8]>, Vec<Diagnostic>> {
        let (config, site) = (self.config, self.site);
        let html = |name: &str, ctx: &Context, page: Option<&Page>| {
            self.tera
                .render(name, ctx)
                .map(|h| Cow::Owned(h.into_bytes()))
                .map_err(|e| vec![template_error(&e, self.theme, page)])
        };
        match job {
            Job::Page(id) => {
                let page = &site.pages[id];
                let mut ctx = Context::new();
                let body = self.bodies.body(id)?;
                let latest = self.latest_of(id);
                ctx.insert("page", &values::page_value(config, site, self.sizes, &latest, id, &body));
                if site.is_home(id) {
                    ctx.insert("home", &self.home_value(page.lang)?);
                }
                self.insert_language(&mut ctx, page.lang);
                ctx.insert("current_url", &config.url(&page.path));
                html(template_for(page), &ctx, Some(page))
            }
            Job::Alias(target) => {
                let mut ctx = Context::new();
                ctx.insert("redirect_to", &config.permalink(&site.pages[target].path));
                self.insert_language(&mut ctx, site.pages[target].lang);
                html("alias.html", &ctx, Some(&site.pages[target]))
            }
            Job::NotFound(lang) => {
                let mut ctx = Context::new();
                ctx.insert("page", &values::not_found_value(config, site, lang));
                ctx.insert("current_url", &config.url(&format!("{}404.html", site.pages[site.home_of(lang)].path)));
                self.insert_language(&mut ctx, lang);
                html("404.html", &ctx, None)
            }
            Job::Sitemap => Ok(Cow::Owned(feeds::sitemap(config, site).into_bytes())),
            Job::Feed => {
                let entries = &self.newest[..FEED_ENTRIES.min(self.newest.len())];
                Ok(Cow::Owned(feeds::atom_feed(config, site, entries, self.bodies)?.unwrap_or_default().into_bytes()))
            }
            Job::Robots => Ok(Cow::Owned(feeds::robots(config).into_bytes())),
            Job::Copy(bytes) => Ok(Cow::Borrowed(bytes)),
            Job::Photo(path, variant) => self.photos.file(path, variant).map_err(|d| vec![d]),
        }
    }
}

impl Renderer<'_> {
    /// Outside the default language, the page's own `site` and `t` values in place of
    /// the global ones.
    fn insert_language(&self, ctx: &mut Context, lang: usize) {
        if lang == 0 {
            return;
        }
        if let Some(value) = self.site_values.get(lang - 1) {
            ctx.insert("site", value);
            ctx.insert("t", languages::locale(self.config, self.site, lang).strings());
        }
    }
}

/// Loads the theme's templates into Tera, or reports where one is broken.
pub fn load_templates(theme: &Theme) -> Result<Tera, Vec<Diagnostic>> {
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    // Tera checks at load time that a function exists; `Renderer::new` gives the real one.
    tera.register_function("image", crate::photo::template_function(&crate::photo::Store::empty(), "/"));
    let mut problems = Vec::new();
    for name in REQUIRED_TEMPLATES {
        if !theme.templates.contains_key(*name) {
            problems.push(Diagnostic::error(format!("templates/{name}"), 0, 0, format!("the theme has no `{name}` template")).with_help("add the template to the theme, or remove the site's `theme:` setting to use the built-in default"));
        }
    }
    if let Err(err) = tera.add_raw_templates(theme.templates.iter().map(|(name, t)| (name.as_str(), t.text.as_str()))) {
        problems.push(template_error(&err, theme, None));
    }
    if problems.is_empty() { Ok(tera) } else { Err(problems) }
}

/// The theme's templates parsed, kept between `serve`'s rebuilds: a save parses again
/// only the templates whose text changed (adding or removing one parses them all).
#[derive(Default)]
pub struct Templates {
    /// The text of each template in `tera`, and `tera` with them parsed.
    parsed: Option<(BTreeMap<String, String>, Tera)>,
}

impl Templates {
    /// Tera with `theme`'s templates, as [`load_templates`] makes it.
    pub fn load(&mut self, theme: &Theme) -> Result<Tera, Vec<Diagnostic>> {
        if let Some((texts, tera)) = &mut self.parsed
            && texts.keys().eq(theme.templates.keys())
        {
            let changed: Vec<(&String, &str)> = theme
                .templates
                .iter()
                .filter(|(name, t)| texts.get(*name) != Some(&t.text))
                .map(|(name, t)| (name, t.text.as_str()))
                .collect();
            if !changed.is_empty() {
                // On an error Tera keeps the templates it had: the next save compares
                // against those.
                tera.add_raw_templates(changed.iter().copied()).map_err(|e| vec![template_error(&e, theme, None)])?;
                texts.extend(changed.into_iter().map(|(name, text)| (name.clone(), text.to_string())));
            }
            return Ok(tera.clone());
        }
        let tera = load_templates(theme)?;
        let texts = theme.templates.iter().map(|(name, t)| (name.clone(), t.text.clone())).collect();
        self.parsed = Some((texts, tera.clone()));
        Ok(tera)
    }
}

/// A Tera error as a diagnostic pointing into the template file.
fn template_error(err: &tera::Error, theme: &Theme, rendering: Option<&Page>) -> Diagnostic {
    let during =
        rendering.map(|p| format!(" (while rendering {})", p.doc.display_path().display())).unwrap_or_default();
    let help = "fix the template; the Tera 2 syntax is at https://keats.github.io/tera/";
    match err.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let template = theme.templates.get(report.filename());
            let path = template.map_or_else(|| report.filename().into(), |t| t.origin.clone());
            let span = report.span();
            let help = match report.message() {
                "Unexpected end of input" => {
                    "a tag is never closed: check that every {% if %}, {% for %}, {% block %} and {% set %} has its end tag"
                }
                _ => help,
            };
            let mut d =
                Diagnostic::error(path, span.start_line, span.start_col + 1, format!("{}{during}", report.message()))
                    .with_help(help);
            if let Some(t) = template {
                d = d.with_source(&t.text);
            }
            d
        }
        _ => Diagnostic::error("templates", 0, 0, format!("{err}{during}")).with_help(help),
    }
}

fn template_for(page: &Page) -> &str {
    if let Some(t) = &page.doc.meta.fm.template {
        return t;
    }
    match page.kind {
        Kind::Home => "index.html",
        Kind::Section if page.section_kind == SectionKind::Sessions => "sessions.html",
        Kind::Section => "section.html",
        Kind::Page if page.is_session() => "session.html",
        Kind::Page if page.is_faq() => "faq.html",
        Kind::Page => "page.html",
    }
}

/// How many FAQ questions the home page shows.
pub(super) const FAQ_TEASER: usize = 3;

/// How many of the newest dated pages the home page lists.
pub(super) const LATEST: usize = 10;

/// The Atom feed of dated pages, newest first; absent when no page has a date.
pub(super) const FEED: &str = "atom.xml";
pub(super) const FEED_ENTRIES: usize = 20;
