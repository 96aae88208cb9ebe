//! Site graph + rendered Markdown -> output files, through the theme's Tera templates.
//! Also the files no template writes: `sitemap.xml`, `robots.txt`, the feed, JSON-LD.
//! Writes nothing: the caller decides where each rendered file goes.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use serde::Serialize;
use serde_json::{Value, json};
use tera::{Context, Tera};

use crate::addresses::{self, Origin, alias_output};
use crate::config::{Config, tel_uri};
use crate::error::Diagnostic;
use crate::front_matter::SectionKind;
use crate::markdown::{self, FaqItem};
use crate::showcase;
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
}

impl<'a> Renderer<'a> {
    pub fn new(config: &'a Config, parts: Parts<'a>, bodies: &'a dyn Bodies) -> Result<Self, Vec<Diagnostic>> {
        let Parts { site, theme, sizes, photos } = parts;
        let mut tera = load_templates(theme)?;
        tera.register_function("image", crate::photo::template_function(photos, &config.root));
        let newest = newest_dated(site, FEED_ENTRIES.max(LATEST));
        let brand = brand_value(config, theme, sizes).map_err(|d| vec![d])?;
        let mut site_value = site_value(config, site, !newest.is_empty());
        site_value["brand"] = brand;
        tera.global_context().insert("site", &site_value);
        tera.global_context().insert("t", config.locale.strings());
        let templates: Vec<(&String, &str)> = theme.templates.iter().map(|(n, t)| (n, t.text.as_str())).collect();
        // Where every content file is published: pages link to them (`before_after` photos).
        let assets: Vec<(&std::path::Path, &str)> =
            site.assets.iter().map(|a| (a.source.as_path(), a.output.as_str())).collect();
        // And the photos' pixel sizes (a `before_after` photo carries its width and height).
        let mut image_sizes: Vec<_> = sizes.iter().collect();
        image_sizes.sort_unstable();
        let global_key = hash_of((format!("{config:?}"), site_value.to_string(), templates, assets, image_sizes));
        let summaries =
            site.pages.iter().map(|p| hash_of((&p.path, p.doc.meta_hash, p.kind, p.section_kind))).collect();
        let process =
            site.pages.iter().position(|p| p.kind == Kind::Section && p.section_kind == SectionKind::Sessions);
        let faq = site.pages.iter().position(Page::is_faq);
        Ok(Renderer { config, site, bodies, theme, sizes, photos, tera, global_key, process, faq, summaries, newest })
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
                let latest = if id == site.home { self.latest() } else { &[] };
                let showcased = self.showcased(id);
                let listed = page.pages.iter().chain(&page.subsections).chain(latest).chain(&showcased).map(|&p| s[p]);
                let faq_body = if id == site.home { self.faq.map(|f| self.bodies.hash(f)) } else { None };
                let ancestry = std::iter::successors(page.parent, |&p| site.pages[p].parent).map(|p| s[p]);
                let mut h = self.hasher();
                (1u8, s[id], id == site.home, template_for(page), self.bodies.hash(id), related).hash(&mut h);
                faq_body.hash(&mut h);
                listed.chain([u64::MAX]).chain(ancestry).for_each(|x| x.hash(&mut h));
                h.finish()
            }
            Job::Alias(target) => hash_of((self.global_key, 2u8, s[target])),
            Job::NotFound => hash_of((self.global_key, 3u8, s[site.home])),
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
        if id != self.site.home {
            return Vec::new();
        }
        let sessions = self.process.map(|p| self.site.pages[p].pages.clone()).unwrap_or_default();
        self.process.into_iter().chain(sessions).chain(self.faq).collect()
    }

    /// `home`: the process as a timeline (the sessions section's pages) and a teaser of
    /// the FAQ (its first questions, each linking to its answer).
    fn home_value(&self) -> Result<Value, Vec<Diagnostic>> {
        let (config, site) = (self.config, self.site);
        let process = self.process.map(|p| {
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
        let faq = match self.faq {
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
        let home = &site.pages[site.home];
        let others: Vec<Value> = home
            .subsections
            .iter()
            .chain(&home.pages)
            .filter(|&&p| Some(p) != self.process && Some(p) != self.faq)
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
        id == self.site.home && self.faq.is_some()
    }

    /// The newest dated pages the home page lists.
    fn latest(&self) -> &[PageId] {
        &self.newest[..LATEST.min(self.newest.len())]
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
            if let Err(message) = hero(&page.doc.meta.fm.extra) {
                let (line, col) = page.doc.key_position("hero");
                problems.push(
                    Diagnostic::error(page.doc.display_path(), line, col, message)
                        .with_help("write the home page's photo as `hero: { photo: studio.jpg, alt: \"The studio's treatment room\" }`")
                        .with_source(page.doc.text()),
                );
            }
            if let Err(message) = team(&page.doc.meta.fm.extra) {
                // At the misspelled key when there is one, else at `team:`.
                let typo = message.split("unknown key `").nth(1).and_then(|rest| rest.split('`').next());
                let (line, col) = match typo {
                    Some(key) => page.doc.value_position("team", &format!("{key}:")),
                    None => page.doc.key_position("team"),
                };
                problems.push(
                    Diagnostic::error(page.doc.display_path(), line, col, message)
                        .with_help("write each person as `- { name: Dr Sam Reyes, photo: sam.jpg, alt: \"Sam at the studio\", role: Practitioner, training: [\"...\"], credentials: [\"...\"] }`; only `name` is required")
                        .with_source(page.doc.text()),
                );
            }
            generated.push((format!("{}index.html", page.path), Job::Page(id)));
        }
        for (alias, &target) in &site.aliases {
            generated.push((alias_output(alias), Job::Alias(target)));
        }
        generated.push(("404.html".into(), Job::NotFound));
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
                let latest = if id == site.home { self.latest() } else { &[] };
                ctx.insert("page", &page_value(config, site, self.sizes, latest, id, &body));
                if id == site.home {
                    ctx.insert("home", &self.home_value()?);
                }
                ctx.insert("current_url", &config.url(&page.path));
                html(template_for(page), &ctx, Some(page))
            }
            Job::Alias(target) => {
                let mut ctx = Context::new();
                ctx.insert("redirect_to", &config.permalink(&site.pages[target].path));
                html("alias.html", &ctx, Some(&site.pages[target]))
            }
            Job::NotFound => {
                let mut ctx = Context::new();
                ctx.insert("page", &not_found_value(config, site));
                ctx.insert("current_url", &config.url("404.html"));
                html("404.html", &ctx, None)
            }
            Job::Sitemap => Ok(Cow::Owned(sitemap(config, site).into_bytes())),
            Job::Feed => {
                let entries = &self.newest[..FEED_ENTRIES.min(self.newest.len())];
                Ok(Cow::Owned(atom_feed(config, site, entries, self.bodies)?.unwrap_or_default().into_bytes()))
            }
            Job::Robots => Ok(Cow::Owned(
                format!("User-agent: *\nAllow: /\n\nSitemap: {}sitemap.xml\n", config.base_url).into_bytes(),
            )),
            Job::Copy(bytes) => Ok(Cow::Borrowed(bytes)),
            Job::Photo(path, variant) => self.photos.file(path, variant).map_err(|d| vec![d]),
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

#[derive(Serialize)]
struct PhoneValue<'a> {
    label: &'a str,
    number: &'a str,
    tel: String,
}

fn site_value(config: &Config, site: &Site, has_feed: bool) -> Value {
    let clinic = &config.clinic;
    let phones: Vec<PhoneValue> = clinic
        .phones
        .iter()
        .map(|p| PhoneValue {
            label: &p.label,
            number: &p.number,
            tel: tel_uri(&p.number, config.country()).unwrap_or_default(),
        })
        .collect();
    let nav: Vec<Value> = match &config.menu {
        Some(menu) => menu.iter().map(|item| json!({"title": item.title, "url": config.link(&item.url)})).collect(),
        None => {
            let home = &site.pages[site.home];
            let mut top: Vec<PageId> = home.subsections.iter().chain(&home.pages).copied().collect();
            top.sort_by_key(|&id| {
                (site.pages[id].doc.meta.fm.weight.unwrap_or(i64::MAX), site.pages[id].title().to_lowercase())
            });
            let mut nav = vec![json!({"title": config.locale.get("home"), "url": config.root})];
            nav.extend(
                top.iter().map(|&id| json!({"title": site.pages[id].title(), "url": config.url(&site.pages[id].path)})),
            );
            nav
        }
    };
    json!({
        "title": config.title,
        "description": config.description,
        "language": config.language,
        "base_url": config.base_url,
        "root": config.root,
        "clinic": {
            "name": clinic.name,
            "address": clinic.address,
            "phone": phones.first(),
            "phones": phones,
            "email": clinic.email,
            "booking_url": booking_url(config, site),
            "hours": clinic.hours,
            "hours_display": clinic.hours.iter().map(|h| config.locale.hours(h)).collect::<Vec<_>>(),
            "credentials": clinic.credentials,
            "reviews": clinic.reviews,
            "directions": clinic.address.as_ref().and_then(directions_url),
        },
        // Too long to share the desktop row: the menu then stays a "Menu" button there too.
        "nav_long": nav_too_long(&nav, &config.root),
        "nav": nav,
        "feed_url": has_feed.then(|| config.url(FEED)),
        "extra": yaml_to_json(&config.extra),
    })
}

/// The home page's photo: `extra: { hero: { photo, alt } }`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Hero {
    photo: String,
    alt: String,
}

fn hero(extra: &serde_yaml::Mapping) -> Result<Option<Hero>, String> {
    let Some(value) = extra.get("hero") else { return Ok(None) };
    let hero: Hero = serde_yaml::from_value(value.clone()).map_err(|e| {
        let words = e.to_string().replace(" field", " key").replace("struct Hero", "`photo:` and `alt:`");
        format!("the `hero` photo is not as expected: {words}")
    })?;
    if hero.alt.trim().is_empty() {
        return Err("the `hero` photo has no `alt` text: describe what it shows".into());
    }
    Ok(Some(hero))
}

/// One practitioner of `extra.team` in a page's front matter.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Practitioner {
    name: String,
    #[serde(default)]
    role: Option<String>,
    /// A photo beside the page (`sam.jpg`) or a site path (`/images/sam.jpg`).
    #[serde(default)]
    photo: Option<String>,
    #[serde(default)]
    alt: Option<String>,
    /// Where and when they trained: `SMP Academy, 2019`.
    #[serde(default)]
    training: Vec<String>,
    /// Licences and memberships clients can check.
    #[serde(default)]
    credentials: Vec<String>,
}

/// The practitioners a page introduces (`extra: { team: [...] }`), or what is wrong
/// with the list, in words.
fn team(extra: &serde_yaml::Mapping) -> Result<Vec<Practitioner>, String> {
    let Some(list) = extra.get("team") else { return Ok(Vec::new()) };
    let team: Vec<Practitioner> = serde_yaml::from_value(list.clone()).map_err(|e| {
        let words = e.to_string().replace(" field", " key").replace("a sequence", "a list of people");
        format!(
            "the `team` list is not as expected: {}",
            words.replace("struct Practitioner", "a person (`name:` and more)")
        )
    })?;
    for (i, p) in team.iter().enumerate() {
        if p.name.trim().is_empty() {
            return Err(format!("person {} of the `team` list has an empty `name`", i + 1));
        }
        if p.photo.is_some() && p.alt.as_deref().is_none_or(|a| a.trim().is_empty()) {
            return Err(format!("the photo of {} has no `alt` text: describe what it shows", p.name));
        }
    }
    Ok(team)
}

/// A map search for the clinic's address (no embedded map, no third-party script):
/// the visitor's own map app or site opens it.
fn directions_url(address: &crate::config::Address) -> Option<String> {
    let parts = [&address.street, &address.locality, &address.region, &address.postal_code, &address.country];
    let query: Vec<&str> = parts.iter().filter_map(|p| p.as_deref()).filter(|p| !p.trim().is_empty()).collect();
    if query.is_empty() {
        return None;
    }
    let query = query.join(", ");
    let encoded = percent_encoding::utf8_percent_encode(&query, percent_encoding::NON_ALPHANUMERIC);
    Some(format!("https://www.google.com/maps/search/?api=1&query={encoded}"))
}

/// Phone-number-like runs of text: an optional `+`, then digits, spaces, dots, dashes
/// and brackets, at least 7 digits' worth.
static PHONE_LIKE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?:^|[^\d+])(\+?\(?\d[\d\s().\-\u{a0}]{5,}\d)").expect("a valid pattern")
});

/// The page's HTML with every written form of one of the clinic's own numbers (`(480)
/// 555-0100` for `480-555-0100`) turned into a `tel:` link, so a visitor on a phone can
/// tap it. Text already inside a link, and tags, are left alone.
fn phone_links<'h>(html: &'h str, config: &Config) -> Cow<'h, str> {
    let country = config.country();
    let tels: Vec<String> = config.clinic.phones.iter().filter_map(|p| tel_uri(&p.number, country)).collect();
    if tels.is_empty() {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len() + 64);
    let mut changed = false;
    let mut in_link = 0usize;
    let mut rest = html;
    while !rest.is_empty() {
        if rest.starts_with('<') {
            let end = rest.find('>').map_or(rest.len(), |i| i + 1);
            let tag = &rest[..end];
            let name = tag[1..].split(|c: char| c.is_whitespace() || c == '>').next().unwrap_or("");
            match name {
                "a" | "pre" | "code" => in_link += 1,
                "/a" | "/pre" | "/code" => in_link = in_link.saturating_sub(1),
                _ => {}
            }
            out.push_str(tag);
            rest = &rest[end..];
            continue;
        }
        let end = rest.find('<').unwrap_or(rest.len());
        let text = &rest[..end];
        rest = &rest[end..];
        if in_link > 0 {
            out.push_str(text);
            continue;
        }
        let mut last = 0;
        for m in PHONE_LIKE.captures_iter(text).filter_map(|c| c.get(1)) {
            let Some(tel) = tel_uri(m.as_str(), country).filter(|t| tels.contains(t)) else { continue };
            out.push_str(&text[last..m.start()]);
            out.push_str(&format!("<a href=\"{tel}\">{}</a>", m.as_str()));
            last = m.end();
            changed = true;
        }
        out.push_str(&text[last..]);
    }
    if changed { Cow::Owned(out) } else { Cow::Borrowed(html) }
}

/// `site.brand`: the logo's URL and pixel size, and the CSS that sets the brand colour
/// (checked by site.yaml's parser). A logo that is not among the site's static files is
/// an error at its line.
fn brand_value(config: &Config, theme: &Theme, sizes: &HashMap<String, (u32, u32)>) -> Result<Value, Diagnostic> {
    let css = config.palette.as_ref().map(crate::color::Palette::css);
    let Some(logo) = &config.brand.logo else {
        return Ok(json!({"logo": null, "css": css}));
    };
    let file = logo.trim_start_matches('/');
    let file = file.strip_prefix("static/").unwrap_or(file);
    if !theme.statics.contains_key(file) {
        let (line, col) = config.logo_at;
        let message = format!("the logo `{logo}` is not in the site's static/ folder");
        return Err(Diagnostic::error(crate::config::FILE_NAME, line, col, message).with_help(
            "put the logo file in static/ (an SVG is sharpest) and write its path, e.g. `logo: static/logo.svg`",
        ));
    }
    let size = sizes.get(file);
    Ok(json!({
        "logo": config.url(file),
        "logo_width": size.map(|s| s.0),
        "logo_height": size.map(|s| s.1),
        "css": css,
    }))
}

/// Another page as a page shows it: a link (prev/next).
#[derive(Serialize)]
struct LinkValue<'a> {
    title: &'a str,
    url: String,
    stage: Option<u32>,
}

/// Where "Book a consultation" leads: `booking_url` as written; else the site's
/// `/contact/` page; else a call to the first phone, else an email; else nowhere (the
/// theme then leaves the button out).
fn booking_url(config: &Config, site: &Site) -> Option<String> {
    let clinic = &config.clinic;
    if let Some(url) = &clinic.booking_url {
        return Some(config.link(url));
    }
    if site.pages.iter().any(|p| p.path == "contact/") {
        return Some(config.url("contact/"));
    }
    let call = clinic.phones.iter().find_map(|p| tel_uri(&p.number, config.country()));
    call.or_else(|| clinic.email.as_ref().map(|email| format!("mailto:{email}")))
}

fn link_value<'a>(config: &Config, page: &'a Page) -> LinkValue<'a> {
    LinkValue { title: page.title(), url: config.url(&page.path), stage: page.doc.meta.fm.stage }
}

/// A page in a listing (a section's or the home page's `pages`).
#[derive(Serialize)]
struct ListedValue<'a> {
    title: &'a str,
    url: String,
    description: Option<&'a str>,
    stage: Option<u32>,
    duration: Option<&'a str>,
    weight: Option<i64>,
    date: Option<String>,
    date_display: Option<String>,
}

/// A section in a listing (`subsections`), or a page's `parent`.
#[derive(Serialize)]
struct SectionValue<'a> {
    title: &'a str,
    url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<Option<&'a str>>,
    kind: &'static str,
}

#[derive(Serialize)]
struct CrumbValue<'a> {
    title: &'a str,
    url: String,
}

#[derive(Serialize)]
struct HealingValue<'a> {
    when: &'a str,
    expect: String,
}

/// The `page` value of every template (see the README's template contract): built
/// from borrowed parts and serialised once, straight into tera's values.
#[derive(Serialize)]
struct PageValue<'a> {
    kind: &'static str,
    section_kind: Option<&'static str>,
    title: &'a str,
    description: &'a str,
    url: String,
    permalink: String,
    content: Cow<'a, str>,
    date: Option<String>,
    date_display: Option<String>,
    updated: Option<String>,
    updated_display: Option<String>,
    tags: &'a [String],
    weight: Option<i64>,
    extra: Value,
    stage: Option<u32>,
    duration: Option<&'a str>,
    healing: Vec<HealingValue<'a>>,
    aftercare: Vec<String>,
    faq: &'a [FaqItem],
    before_after: Vec<Value>,
    testimonials: Vec<Value>,
    prev: Option<LinkValue<'a>>,
    next: Option<LinkValue<'a>>,
    parent: Option<SectionValue<'a>>,
    breadcrumbs: Vec<CrumbValue<'a>>,
    pages: Vec<ListedValue<'a>>,
    subsections: Vec<SectionValue<'a>>,
    /// On the home page: the newest dated pages (news), newest first.
    latest: Vec<ListedValue<'a>>,
    /// The practitioners a page introduces (`extra.team` in its front matter).
    team: Vec<Value>,
    /// The photo beside the home page's promise (`extra.hero`): `src`, `alt`, size.
    hero: Option<Value>,
    jsonld: Vec<String>,
    og_type: &'static str,
    /// The social preview: the page's first photo (in its text, else its first
    /// before/after photo), else `brand.image`; an absolute URL.
    og_image: Option<String>,
}

fn page_value<'a>(
    config: &'a Config,
    site: &'a Site,
    sizes: &HashMap<String, (u32, u32)>,
    latest: &[PageId],
    id: PageId,
    body: &'a Body,
) -> PageValue<'a> {
    let page = &site.pages[id];
    let meta = &page.doc.meta;
    let fm = &meta.fm;
    let kind = match page.kind {
        Kind::Home => "home",
        Kind::Section => "section",
        Kind::Page if page.is_session() => "session",
        Kind::Page if page.is_faq() => "faq",
        Kind::Page => "page",
    };
    let description = fm.description.as_deref().filter(|d| !d.trim().is_empty()).unwrap_or(&config.description);
    let breadcrumbs = site
        .ancestry(id)
        .iter()
        .map(|&a| CrumbValue { title: crumb_title(config, site, a), url: config.url(&site.pages[a].path) })
        .collect();
    let listed = |c: PageId| {
        let child = &site.pages[c];
        let m = &child.doc.meta;
        ListedValue {
            title: child.title(),
            url: config.url(&child.path),
            description: m.fm.description.as_deref(),
            stage: m.fm.stage,
            duration: m.fm.duration.as_deref(),
            weight: m.fm.weight,
            date: m.date.map(|d| d.to_string()),
            date_display: m.date.map(|d| config.locale.date(d)),
        }
    };
    let pages = page.pages.iter().map(|&c| listed(c)).collect();
    let latest = latest.iter().map(|&p| listed(p)).collect();
    let subsections = page
        .subsections
        .iter()
        .map(|&s| {
            let sub = &site.pages[s];
            SectionValue {
                title: sub.title(),
                url: config.url(&sub.path),
                description: Some(sub.doc.meta.fm.description.as_deref()),
                kind: sub.section_kind.as_str(),
            }
        })
        .collect();
    let src = |dest: &str| match site.resolve(page, dest, &config.root) {
        markdown::LinkTarget::Replace(url) => url,
        _ => dest.to_string(),
    };
    let section_kind = match page.kind {
        Kind::Home => None,
        Kind::Section => Some(page.section_kind.as_str()),
        Kind::Page => page.parent.filter(|&p| p != site.home).map(|_| page.section_kind.as_str()),
    };
    PageValue {
        kind,
        section_kind,
        title: &fm.title,
        description,
        url: config.url(&page.path),
        permalink: config.permalink(&page.path),
        content: phone_links(&body.html, config),
        date: meta.date.map(|d| d.to_string()),
        date_display: meta.date.map(|d| config.locale.date(d)),
        updated: meta.updated.map(|d| d.to_string()),
        updated_display: meta.updated.map(|d| config.locale.date(d)),
        tags: &fm.tags,
        weight: fm.weight,
        extra: yaml_to_json(&fm.extra),
        stage: fm.stage,
        duration: fm.duration.as_deref(),
        healing: fm
            .healing
            .iter()
            .map(|h| HealingValue { when: &h.when, expect: markdown::render_inline(&h.expect) })
            .collect(),
        aftercare: fm.aftercare.iter().map(|a| markdown::render_inline(a)).collect(),
        faq: &body.faq,
        before_after: showcase::gallery(&fm.before_after, src, |url| {
            sizes.get(url.strip_prefix(config.root.as_str())?).copied()
        })
        .into_iter()
        .zip(&fm.before_after)
        .map(|(mut pair, e)| {
            // The label in the site's language (the gallery's own is English).
            pair["label"] = json!(config.locale.photo_label(e.session, e.healed, e.days_after, e.retouched));
            pair
        })
        .collect(),
        testimonials: showcase::testimonials(&fm.testimonials),
        prev: page.prev.map(|p| link_value(config, &site.pages[p])),
        next: page.next.map(|p| link_value(config, &site.pages[p])),
        parent: page.parent.filter(|&p| p != site.home).map(|p| {
            let parent = &site.pages[p];
            SectionValue {
                title: parent.title(),
                url: config.url(&parent.path),
                description: None,
                kind: parent.section_kind.as_str(),
            }
        }),
        breadcrumbs,
        pages,
        subsections,
        latest,
        hero: hero(&fm.extra).ok().flatten().map(|h| {
            let url = src(&h.photo);
            let size = sizes.get(url.strip_prefix(config.root.as_str()).unwrap_or(&url)).copied();
            json!({"src": url, "alt": h.alt, "width": size.map(|s| s.0), "height": size.map(|s| s.1)})
        }),
        team: team(&fm.extra)
            .unwrap_or_default()
            .into_iter()
            .map(|p| {
                let photo = p.photo.as_deref().map(|dest| {
                    let url = src(dest);
                    let size = sizes.get(url.strip_prefix(config.root.as_str()).unwrap_or(&url)).copied();
                    json!({"src": url, "alt": p.alt, "width": size.map(|s| s.0), "height": size.map(|s| s.1)})
                });
                json!({"name": p.name, "role": p.role, "photo": photo, "training": p.training, "credentials": p.credentials})
            })
            .collect(),
        jsonld: jsonld(config, site, id, body).iter().map(script_json).collect(),
        og_type: if meta.date.is_some() { "article" } else { "website" },
        og_image: og_image(config, body, &fm.before_after, src, sizes),
    }
}

/// The page's social preview image as an absolute URL: the widest copy (at most 1600
/// pixels, which every network accepts) of its first photo, else the site's default.
fn og_image(
    config: &Config,
    body: &Body,
    pairs: &[showcase::BeforeAfter],
    src: impl Fn(&str) -> String,
    sizes: &HashMap<String, (u32, u32)>,
) -> Option<String> {
    let pair = pairs.first().and_then(|p| {
        let url = src(&p.before.src);
        let size = sizes.get(url.strip_prefix(config.root.as_str())?).copied()?;
        crate::photo::format_of(&url).map(|_| (url, size))
    });
    match body.first_photo.clone().or(pair) {
        Some((url, size)) => Some(absolute(config, &crate::photo::fallback_url(&url, size))),
        None => config.brand.image.as_deref().map(|image| absolute(config, &config.link(image))),
    }
}

/// A URL of this site (`/clinic/a.jpg`) or another (`https://…`) as an absolute URL.
fn absolute(config: &Config, url: &str) -> String {
    match url.strip_prefix(config.root.as_str()) {
        Some(path) if url.starts_with('/') => config.permalink(path),
        _ => url.to_string(),
    }
}

fn crumb_title<'a>(config: &'a Config, site: &'a Site, id: PageId) -> &'a str {
    if id == site.home { config.locale.get("home") } else { site.pages[id].title() }
}

fn not_found_value(config: &Config, site: &Site) -> Value {
    let home = &site.pages[site.home];
    let (t, title) = (&config.locale, config.locale.get("not_found_title"));
    json!({
        "kind": "page", "section_kind": null, "title": title,
        "description": t.get("not_found_description"),
        "url": config.url("404.html"), "permalink": config.permalink("404.html"), "content": "",
        "date": null, "date_display": null, "updated": null, "updated_display": null, "tags": [], "weight": null, "extra": {},
        "stage": null, "duration": null, "healing": [], "aftercare": [], "faq": [], "before_after": [], "testimonials": [], "prev": null, "next": null, "parent": null,
        "breadcrumbs": [{"title": t.get("home"), "url": config.url(&home.path)}, {"title": title, "url": config.url("404.html")}],
        "pages": [], "subsections": [], "team": [], "hero": null, "jsonld": [], "og_type": "website",
        "og_image": config.brand.image.as_deref().map(|image| absolute(config, &config.link(image))),
    })
}

/// The structured data of one page: the clinic on the home page, breadcrumbs on every
/// other page, FAQPage on FAQ pages, Article on dated pages.
fn jsonld(config: &Config, site: &Site, id: PageId, body: &Body) -> Vec<Value> {
    let page = &site.pages[id];
    let mut docs = Vec::new();
    if id == site.home {
        docs.push(clinic_jsonld(config));
        docs.push(json!({"@context": "https://schema.org", "@type": "WebSite", "name": config.title, "url": config.base_url, "inLanguage": config.language}));
        return docs;
    }
    let items: Vec<Value> = site
        .ancestry(id)
        .iter()
        .enumerate()
        .map(|(i, &a)| json!({"@type": "ListItem", "position": i + 1, "name": crumb_title(config, site, a), "item": config.permalink(&site.pages[a].path)}))
        .collect();
    docs.push(json!({"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": items}));
    if page.is_faq() && !body.faq.is_empty() {
        let questions: Vec<Value> = body
            .faq
            .iter()
            .map(|q| json!({"@type": "Question", "name": q.question, "acceptedAnswer": {"@type": "Answer", "text": q.answer.trim()}}))
            .collect();
        docs.push(json!({"@context": "https://schema.org", "@type": "FAQPage", "mainEntity": questions}));
    }
    if let Some(date) = page.doc.meta.date {
        let modified = page.doc.meta.updated.unwrap_or(date);
        docs.push(json!({
            "@context": "https://schema.org", "@type": "Article", "headline": page.title(),
            "datePublished": date.to_string(), "dateModified": modified.to_string(),
            "mainEntityOfPage": config.permalink(&page.path),
            "publisher": {"@type": "Organization", "name": config.clinic.name, "url": config.base_url},
        }));
    }
    docs
}

fn clinic_jsonld(config: &Config) -> Value {
    let clinic = &config.clinic;
    let tels: Vec<(String, &str)> = clinic
        .phones
        .iter()
        .filter_map(|p| {
            Some((tel_uri(&p.number, config.country())?.trim_start_matches("tel:").to_string(), p.label.as_str()))
        })
        .collect();
    let mut business = json!({
        "@context": "https://schema.org",
        "@type": "HealthAndBeautyBusiness",
        "name": clinic.name,
        "url": config.base_url,
    });
    let obj = business.as_object_mut().expect("a JSON object");
    if !config.description.is_empty() {
        obj.insert("description".into(), json!(config.description));
    }
    if let Some((first, _)) = tels.first() {
        obj.insert("telephone".into(), json!(first));
        let points: Vec<Value> = tels
            .iter()
            .map(|(t, label)| json!({"@type": "ContactPoint", "telephone": t, "contactType": label}))
            .collect();
        obj.insert("contactPoint".into(), json!(points));
    }
    if let Some(email) = &clinic.email {
        obj.insert("email".into(), json!(email));
    }
    if let Some(a) = &clinic.address {
        obj.insert(
            "address".into(),
            json!({"@type": "PostalAddress", "streetAddress": a.street, "addressLocality": a.locality, "addressRegion": a.region, "postalCode": a.postal_code, "addressCountry": a.country}),
        );
    }
    if !clinic.hours.is_empty() {
        obj.insert("openingHours".into(), json!(clinic.hours));
    }
    business
}

/// JSON for a `<script>`: `<`, `>` and `&` escaped so no text can close the tag.
pub fn script_json(value: &Value) -> String {
    serde_json::to_string(value)
        .expect("JSON values serialize")
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// Whether the menu is too long to share the desktop header's one row at 1024 px with
/// the name, phone and booking button (titles may take two lines): more than five items
/// besides Home, or more than 100 characters of titles. The example site's menu has
/// five items and 98 characters.
fn nav_too_long(nav: &[Value], root: &str) -> bool {
    let items: Vec<&str> = nav.iter().filter(|i| i["url"] != root).filter_map(|i| i["title"].as_str()).collect();
    items.len() > 5 || items.iter().map(|t| t.chars().count()).sum::<usize>() > 100
}

/// How many FAQ questions the home page shows.
const FAQ_TEASER: usize = 3;

/// How many of the newest dated pages the home page lists.
const LATEST: usize = 10;

/// The Atom feed of dated pages, newest first; absent when no page has a date.
const FEED: &str = "atom.xml";
const FEED_ENTRIES: usize = 20;

/// The `n` newest dated pages, newest first (ties by path, so the order is stable).
fn newest_dated(site: &Site, n: usize) -> Vec<PageId> {
    let mut dated: Vec<(std::cmp::Reverse<jiff::civil::Date>, &str, PageId)> = site
        .pages
        .iter()
        .enumerate()
        .filter_map(|(id, p)| Some((std::cmp::Reverse(p.doc.meta.date?), p.path.as_str(), id)))
        .collect();
    if dated.len() > n {
        dated.select_nth_unstable(n);
        dated.truncate(n);
    }
    dated.sort_unstable();
    dated.into_iter().map(|(_, _, id)| id).collect()
}

/// The feed, or None when no page is dated; the errors of its entries' bodies.
fn atom_feed(
    config: &Config,
    site: &Site,
    dated: &[PageId],
    bodies: &dyn Bodies,
) -> Result<Option<String>, Vec<Diagnostic>> {
    let newest = dated.iter().filter_map(|&id| {
        let meta = &site.pages[id].doc.meta;
        meta.updated.max(meta.date)
    });
    // The feed's date comes from its entries, never the clock: builds stay reproducible.
    let Some(updated) = newest.max() else { return Ok(None) };
    let mut xml =
        String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"");
    xml.push_str(&format!(" xml:lang=\"{}\">\n", xml_escape(&config.language)));
    xml.push_str(&format!("  <title>{}</title>\n", xml_escape(&config.title)));
    if !config.description.is_empty() {
        xml.push_str(&format!("  <subtitle>{}</subtitle>\n", xml_escape(&config.description)));
    }
    xml.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        xml_escape(&config.permalink(FEED))
    ));
    xml.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml_escape(&config.base_url)
    ));
    xml.push_str(&format!(
        "  <id>{}</id>\n  <updated>{}</updated>\n",
        xml_escape(&config.base_url),
        atom_date(updated)
    ));
    xml.push_str(&format!("  <author><name>{}</name></author>\n", xml_escape(&config.clinic.name)));
    for &id in dated {
        let page = &site.pages[id];
        let meta = &page.doc.meta;
        let (Some(date), url) = (meta.date, config.permalink(&page.path)) else { continue };
        xml.push_str("  <entry>\n");
        xml.push_str(&format!("    <title>{}</title>\n", xml_escape(page.title())));
        xml.push_str(&format!("    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n", xml_escape(&url)));
        xml.push_str(&format!("    <id>{}</id>\n", xml_escape(&url)));
        xml.push_str(&format!("    <published>{}</published>\n", atom_date(date)));
        xml.push_str(&format!("    <updated>{}</updated>\n", atom_date(meta.updated.unwrap_or(date).max(date))));
        if let Some(summary) = meta.fm.description.as_deref().filter(|d| !d.trim().is_empty()) {
            xml.push_str(&format!("    <summary>{}</summary>\n", xml_escape(summary)));
        }
        xml.push_str(&format!("    <content type=\"html\">{}</content>\n", xml_escape(&bodies.body(id)?.html)));
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    Ok(Some(xml))
}

fn atom_date(date: jiff::civil::Date) -> String {
    format!("{date}T00:00:00Z")
}

fn sitemap(config: &Config, site: &Site) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut pages: Vec<&Page> = site.pages.iter().collect();
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    for page in pages {
        xml.push_str("  <url>\n    <loc>");
        xml.push_str(&xml_escape(&config.permalink(&page.path)));
        xml.push_str("</loc>\n");
        if let Some(date) = page.doc.meta.updated.or(page.doc.meta.date) {
            xml.push_str(&format!("    <lastmod>{date}</lastmod>\n"));
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&apos;")
}

fn yaml_to_json(mapping: &serde_yaml::Mapping) -> Value {
    serde_json::to_value(mapping).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clinics_own_numbers_in_text_become_tel_links() {
        let yaml = "title: T\nbase_url: https://x.test\nclinic:\n  name: C\n  address: { country: US }\n  phones:\n    - { label: Desk, number: \"480-555-0100\" }\n";
        let config = Config::parse(yaml, None).unwrap();
        let html = "<p>Call (480) 555-0100 or 480.555.0100, not 480-555-0199.</p><p><a href=\"x\">480-555-0100</a> <code>480-555-0100</code></p>";
        assert_eq!(
            phone_links(html, &config),
            "<p>Call <a href=\"tel:+14805550100\">(480) 555-0100</a> or <a href=\"tel:+14805550100\">480.555.0100</a>, not 480-555-0199.</p><p><a href=\"x\">480-555-0100</a> <code>480-555-0100</code></p>"
        );
        assert!(matches!(phone_links("<p>No numbers, 2026.</p>", &config), Cow::Borrowed(_)));
    }

    #[test]
    fn json_for_scripts_cannot_close_the_tag() {
        let out = script_json(&json!({"text": "</script><script>alert(1)</script> & more"}));
        assert!(!out.contains("</script"));
        assert!(out.contains("\\u003c/script\\u003e"));
        let back: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back["text"], "</script><script>alert(1)</script> & more");
    }
}
