//! The `page` value of every template, the 404 page's included: one type, so a field
//! added for pages reaches the 404 page too.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::Serialize;
use serde_json::{Value, json};

use super::Body;
use super::clinic::{hero_value, phone_links, team_value, yaml_to_json};
use super::jsonld::{crumb_title, jsonld, script_json};
use super::languages::{PageLanguages, locale, page_languages};
use crate::config::Config;
use crate::i18n::Locale;
use crate::markdown::{self, FaqItem};
use crate::showcase;
use crate::site::{Kind, Page, PageId, Site};

/// Another page as a page shows it: a link (prev/next).
#[derive(Serialize)]
struct LinkValue<'a> {
    title: &'a str,
    url: String,
    stage: Option<u32>,
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
#[derive(Serialize, Default)]
pub(super) struct PageValue<'a> {
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
    /// The page's language, its `hreflang` alternates, the switcher's links and the
    /// notes of a page not translated (see `render/languages.rs`).
    #[serde(flatten)]
    languages: PageLanguages<'a>,
}

pub(super) fn page_value<'a>(
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
    let words = locale(config, site, page.lang);
    let (kind, section_kind) = kinds(site, page);
    let site_description = &super::languages::language(config, site, page.lang).description;
    let description = fm.description.as_deref().filter(|d| !d.trim().is_empty()).unwrap_or(site_description);
    let breadcrumbs = site
        .ancestry(id)
        .iter()
        .map(|&a| CrumbValue { title: crumb_title(config, site, a), url: config.url(&site.pages[a].path) })
        .collect();
    let listed = |c: PageId| listed_value(config, &site.pages[c], words);
    let pages = page.pages.iter().map(|&c| listed(c)).collect();
    let latest = latest.iter().map(|&p| listed(p)).collect();
    let subsections = page.subsections.iter().map(|&s| section_value(config, &site.pages[s], true)).collect();
    let src = |dest: &str| match site.resolve(page, dest, &config.root) {
        markdown::LinkTarget::Replace(url) => url,
        _ => dest.to_string(),
    };
    // A photo named in front matter, as the theme shows it: URL, alt text and size.
    let photo = |dest: &str, alt: &str| {
        let url = src(dest);
        let size = sizes.get(url.strip_prefix(config.root.as_str()).unwrap_or(&url)).copied();
        json!({"src": url, "alt": alt, "width": size.map(|s| s.0), "height": size.map(|s| s.1)})
    };
    PageValue {
        kind,
        section_kind,
        title: &fm.title,
        description,
        url: config.url(&page.path),
        permalink: config.permalink(&page.path),
        content: super::languages::alert_titles(phone_links(&body.html, config), words),
        date: meta.date.map(|d| d.to_string()),
        date_display: meta.date.map(|d| words.date(d)),
        updated: meta.updated.map(|d| d.to_string()),
        updated_display: meta.updated.map(|d| words.date(d)),
        tags: &fm.tags,
        weight: fm.weight,
        extra: yaml_to_json(&fm.extra),
        stage: fm.stage,
        duration: fm.duration.as_deref(),
        healing: fm
            .healing
            .iter()
            .zip(&body.healing)
            .map(|(h, expect)| HealingValue { when: &h.when, expect: expect.clone() })
            .collect(),
        aftercare: body.aftercare.clone(),
        faq: &body.faq,
        before_after: before_after_values(config, sizes, &fm.before_after, src, words),
        testimonials: showcase::testimonials(&fm.testimonials),
        prev: page.prev.map(|p| link_value(config, &site.pages[p])),
        next: page.next.map(|p| link_value(config, &site.pages[p])),
        parent: page.parent.filter(|&p| !site.is_home(p)).map(|p| section_value(config, &site.pages[p], false)),
        breadcrumbs,
        pages,
        subsections,
        latest,
        hero: hero_value(&fm.extra, photo),
        team: team_value(&fm.extra, photo),
        jsonld: jsonld(config, site, id, body).iter().map(script_json).collect(),
        og_type: if meta.date.is_some() { "article" } else { "website" },
        og_image: og_image(config, body, &fm.before_after, src, sizes),
        languages: page_languages(config, site, id),
    }
}

/// The page's kind and its section's kind, as the templates name them.
fn kinds(site: &Site, page: &Page) -> (&'static str, Option<&'static str>) {
    let kind = match page.kind {
        Kind::Home => "home",
        Kind::Section => "section",
        Kind::Page if page.is_session() => "session",
        Kind::Page if page.is_faq() => "faq",
        Kind::Page => "page",
    };
    let section_kind = match page.kind {
        Kind::Home => None,
        Kind::Section => Some(page.section_kind.as_str()),
        Kind::Page => page.parent.filter(|&p| !site.is_home(p)).map(|_| page.section_kind.as_str()),
    };
    (kind, section_kind)
}

/// A page as its section (or the home page's latest) lists it.
fn listed_value<'a>(config: &Config, child: &'a Page, words: &Locale) -> ListedValue<'a> {
    let m = &child.doc.meta;
    ListedValue {
        title: child.title(),
        url: config.url(&child.path),
        description: m.fm.description.as_deref(),
        stage: m.fm.stage,
        duration: m.fm.duration.as_deref(),
        weight: m.fm.weight,
        date: m.date.map(|d| d.to_string()),
        date_display: m.date.map(|d| words.date(d)),
    }
}

/// A section as a page shows it: a subsection (with its description) or the parent.
fn section_value<'a>(config: &Config, section: &'a Page, with_description: bool) -> SectionValue<'a> {
    SectionValue {
        title: section.title(),
        url: config.url(&section.path),
        description: with_description.then(|| section.doc.meta.fm.description.as_deref()),
        kind: section.section_kind.as_str(),
    }
}

/// The page's before/after pairs as the theme shows them, labelled in its language.
fn before_after_values(
    config: &Config,
    sizes: &HashMap<String, (u32, u32)>,
    pairs: &[showcase::BeforeAfter],
    src: impl Fn(&str) -> String,
    words: &Locale,
) -> Vec<Value> {
    showcase::gallery(pairs, src, |url| sizes.get(url.strip_prefix(config.root.as_str())?).copied())
        .into_iter()
        .zip(pairs)
        .map(|(mut pair, e)| {
            // The label in the site's language (the gallery's own is English).
            pair["label"] = json!(words.photo_label(
                e.session,
                e.healed,
                e.days_after,
                (!e.illustration).then_some(e.retouched == Some(true))
            ));
            pair
        })
        .collect()
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
pub(super) fn absolute(config: &Config, url: &str) -> String {
    match url.strip_prefix(config.root.as_str()) {
        Some(path) if url.starts_with('/') => config.permalink(path),
        _ => url.to_string(),
    }
}

/// The "page not found" page of language `lang` (an index into `Site::languages`).
pub(super) fn not_found_value<'a>(config: &'a Config, site: &Site, lang: usize) -> PageValue<'a> {
    let home = &site.pages[site.home_of(lang)];
    let t = locale(config, site, lang);
    let title = t.get("not_found_title");
    let path = format!("{}404.html", home.path);
    let language = &super::languages::language(config, site, lang).code;
    PageValue {
        kind: "page",
        title,
        description: t.get("not_found_description"),
        url: config.url(&path),
        permalink: config.permalink(&path),
        extra: json!({}),
        breadcrumbs: vec![
            CrumbValue { title: t.get("home"), url: config.url(&home.path) },
            CrumbValue { title, url: config.url(&path) },
        ],
        og_type: "website",
        og_image: config.brand.image.as_deref().map(|image| absolute(config, &config.link(image))),
        languages: PageLanguages { language, ..PageLanguages::default() },
        ..PageValue::default()
    }
}
