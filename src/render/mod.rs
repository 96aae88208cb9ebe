//! Site graph + rendered Markdown -> output files, through the theme's Tera templates.
//! Writes nothing: the caller decides where each rendered file goes.
//!
//! - this file: the [`Renderer`] (the bytes of each output file);
//! - [`plan`]: what the output files are (the plan) and each one's key for `serve`;
//! - [`templates`]: the theme's templates in Tera, and their errors;
//! - [`values`]: the `page` value every template reads;
//! - [`clinic`]: the `site` value (clinic details, menu, brand) and the clinic's own
//!   page blocks (hero, team, tappable numbers);
//! - [`jsonld`]: structured data;
//! - [`feeds`]: the files no template writes: `sitemap.xml`, `robots.txt`, the feed;
//! - [`hosts`]: the hosts' rule files (`_redirects`, `_headers`, `.htaccess`).

mod clinic;
mod feeds;
mod hosts;
mod jsonld;
mod languages;
mod owners;
mod plan;
mod templates;
mod values;

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Value, json};
use tera::{Context, Tera};

use crate::config::Config;
use crate::error::Diagnostic;
use crate::front_matter::SectionKind;
use crate::markdown::FaqItem;
use crate::site::{Kind, Page, PageId, Site, hash_of};
use crate::theme::Theme;

pub(crate) use clinic::text_values;
pub use hosts::{CSP, IMMUTABLE, MODEST, SECURITY_HEADERS, SHORT};
pub use owners::{AdminFile, HostFile, Job, Outputs};
use templates::template_error;
pub use templates::{Templates, load_templates};

/// A page's Markdown, rendered.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Body {
    /// The text as HTML; for an FAQ page only the intro before the first question.
    pub html: String,
    /// An FAQ page's questions and answers; empty for other pages.
    pub faq: Vec<FaqItem>,
    /// A hash of `html` and `faq` (the FAQ items are cut from the HTML).
    pub hash: u64,
    /// What the content rules found in the page by itself (`lint::Rules::page`).
    pub checks: Arc<crate::lint::PageFacts>,
    /// The URL and size of the body's first site photo (the page's `og:image`).
    pub first_photo: Option<(String, (u32, u32))>,
    /// The front matter shown as Markdown, as HTML with its links resolved like the
    /// body's: each `aftercare:` item, and each `healing:` step's `expect`.
    pub aftercare: Vec<String>,
    /// Each `healing:` step's `expect`, as HTML.
    pub healing: Vec<String>,
}

/// Where the renderer gets each page's Markdown as HTML: rendered beforehand and kept
/// (`serve`), or rendered as the page is ([`crate::build::Fresh`], so a build never
/// holds the whole site's HTML). An error is every broken link of the page.
pub trait Bodies: Sync {
    /// The body of page `id`, or every broken link in it.
    fn body(&self, id: PageId) -> Result<Arc<Body>, Vec<Diagnostic>>;

    /// The body's [`Body::hash`] (0 when it does not render: the page then fails to
    /// render too, and nothing is written).
    fn hash(&self, id: PageId) -> u64 {
        self.body(id).map_or(0, |b| b.hash)
    }
}

impl Bodies for Vec<Result<Arc<Body>, Vec<Diagnostic>>> {
    fn body(&self, id: PageId) -> Result<Arc<Body>, Vec<Diagnostic>> {
        self[id].clone()
    }

    /// Without cloning the `Arc`: serve asks for every page's hash on every rebuild, and
    /// the reference counts would bounce between threads.
    fn hash(&self, id: PageId) -> u64 {
        self[id].as_ref().map_or(0, |body| body.hash)
    }
}

/// What the templates read of a prepared site, besides the pages' bodies
/// (`build::Prepared::parts`).
#[derive(Clone, Copy)]
pub struct Parts<'a> {
    /// The site graph: its pages, sections and languages.
    pub site: &'a Site,
    /// The theme: its templates and static files.
    pub theme: &'a Theme,
    /// Pixel sizes of the images the build publishes, by output path.
    pub sizes: &'a HashMap<String, (u32, u32)>,
    /// The site's photos, for their `<picture>`s.
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
    /// The stylesheet pages link (output path, bytes): see [`clinic::stylesheet`].
    stylesheet: Option<(String, Vec<u8>)>,
}

impl<'a> Renderer<'a> {
    /// A renderer with the theme's templates loaded, or every problem in them.
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
        let stylesheet = clinic::stylesheet(theme, brand["css"].as_str());
        let mut site_values: Vec<Value> = (0..site.languages.len())
            .map(|lang| {
                let mut value = clinic::site_value(config, site, !newest.is_empty(), lang);
                value["brand"] = brand.clone();
                value["stylesheet"] = json!(stylesheet.as_ref().map(|(path, _)| config.url(path)));
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
            stylesheet,
        })
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
                    .filter(|q| !q.is_placeholder())
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
            Job::Stylesheet => Ok(Cow::Owned(self.stylesheet.as_ref().map(|(_, b)| b.clone()).unwrap_or_default())),
            Job::Host(file) => {
                let fingerprinted: Vec<&str> = self.stylesheet.iter().map(|(path, _)| path.as_str()).collect();
                Ok(Cow::Owned(
                    match file {
                        HostFile::Redirects => hosts::redirects(config, site),
                        HostFile::Headers => hosts::headers(config, &fingerprinted),
                        HostFile::Htaccess => hosts::htaccess(config, site, &fingerprinted),
                    }
                    .into_bytes(),
                ))
            }
            Job::Admin(file) => {
                let stylesheet = self.stylesheet.as_ref().map(|(path, _)| path.as_str());
                let admin = config.admin.clone().unwrap_or_default();
                Ok(Cow::Owned(
                    match file {
                        AdminFile::Page => crate::admin::index_html(config),
                        AdminFile::Config => crate::admin::config_yml(config, site, &admin),
                        AdminFile::Preview => crate::admin::preview_js(config, stylesheet),
                    }
                    .into_bytes(),
                ))
            }
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
