//! Addresses: the URLs of content folders (each segment its `slug` or slugified
//! name), aliases, and the collisions between pages and aliases.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::{Doc, Page, PageId, key_dir, key_name};
use crate::error::Diagnostic;

/// The URLs of content folders: each segment its `_index.md`'s or `index.md`'s `slug`,
/// else its slugified name; computed once per folder.
pub(super) struct DirUrls<'d> {
    slugs: HashMap<&'d str, &'d str>,
    memo: HashMap<String, String>,
}

impl<'d> DirUrls<'d> {
    pub(super) fn new(docs: &'d [Arc<Doc>]) -> DirUrls<'d> {
        let mut slugs = HashMap::new();
        for doc in docs {
            if let (Some(slug), "_index.md" | "index.md") = (&doc.meta.fm.slug, key_name(&doc.key)) {
                slugs.insert(key_dir(&doc.key), slug.as_str());
            }
        }
        DirUrls { slugs, memo: HashMap::new() }
    }

    pub(super) fn of(&mut self, dir: &str) -> String {
        dir_url(dir, &self.slugs, &mut self.memo)
    }
}

/// URL collisions, between pages and with aliases; the aliases that hold, by output
/// folder.
pub(super) fn claim_addresses(pages: &[Page], problems: &mut Vec<Diagnostic>) -> BTreeMap<String, PageId> {
    let mut owner: HashMap<String, PageId> = HashMap::new();
    for (id, page) in pages.iter().enumerate() {
        if let Some(&other) = owner.get(&page.path) {
            problems.push(collision(&pages[other].doc, &page.doc, &page.path));
        } else {
            owner.insert(page.path.clone(), id);
        }
    }
    let mut aliases = BTreeMap::new();
    for (id, page) in pages.iter().enumerate() {
        for alias in &page.doc.meta.fm.aliases {
            let Some(out) = alias_path(alias) else {
                let (line, col) = page.doc.value_position("aliases", alias);
                problems.push(
                    Diagnostic::error(
                        page.doc.display_path(),
                        line,
                        col,
                        format!("the alias `{alias}` is not a path of this site"),
                    )
                    .with_help(
                        "write an alias as the old page's address, starting with `/`, e.g. `aliases: [\"/old-page/\"]`",
                    )
                    .with_source(page.doc.text()),
                );
                continue;
            };
            if let Some(&other) = owner.get(&out) {
                problems.push(if other == id {
                    alias_error(
                        &page.doc,
                        alias,
                        "is this page's own address, so the page would redirect to itself forever".into(),
                    )
                } else {
                    let by = pages[other].doc.display_path();
                    alias_error(
                        &page.doc,
                        alias,
                        format!("is the address of {}, and would replace that page with a redirect", by.display()),
                    )
                });
            } else {
                owner.insert(out.clone(), id);
                aliases.insert(out, id);
            }
        }
    }
    aliases
}

/// Two pages at one address: the error is on the second.
fn collision(first: &Doc, second: &Doc, url: &str) -> Diagnostic {
    let (line, col) = if second.meta.fm.slug.is_some() { second.key_position("slug") } else { (1, 1) };
    Diagnostic::error(
        second.display_path(),
        line,
        col,
        format!("this page would be published at /{url}, which {} already uses", first.display_path().display()),
    )
    .with_help("give one of them another file name or a different `slug:`")
    .with_source(second.text())
}

/// The URL of a content folder (`a/b` -> `a-slug/b/`), each segment its folder's
/// `slug` or its slugified name; computed once per folder.
fn dir_url(dir: &str, slugs: &HashMap<&str, &str>, memo: &mut HashMap<String, String>) -> String {
    if dir.is_empty() {
        return String::new();
    }
    if let Some(url) = memo.get(dir) {
        return url.clone();
    }
    let segment = slugs.get(dir).map_or_else(|| slugify(key_name(dir)), |s| s.to_string());
    let url = format!("{}{segment}/", dir_url(key_dir(dir), slugs, memo));
    memo.insert(dir.to_string(), url.clone());
    url
}

/// An alias's address in the form of a page's path: `/first-session/`,
/// `/first-session` and `/first-session/index.html` -> `first-session/`; `/old.html` ->
/// `old.html`; `/` and `/index.html` -> `` (the home page). None for what is not a
/// path of this site (a URL, `..`, a query).
pub(crate) fn alias_path(alias: &str) -> Option<String> {
    if alias.contains("..") || alias.contains(['?', '#', '\\', ':']) {
        return None;
    }
    let trimmed = alias.trim_matches('/');
    let trimmed = if trimmed == "index.html" { "" } else { trimmed.strip_suffix("/index.html").unwrap_or(trimmed) };
    if !trimmed.is_empty() && trimmed.split('/').any(|s| s.is_empty() || s.starts_with('.')) {
        return None;
    }
    Some(if trimmed.is_empty() || trimmed.ends_with(".html") { trimmed.to_string() } else { format!("{trimmed}/") })
}

/// An error at alias `alias` of `doc`: "the alias `X` {what}".
pub(crate) fn alias_error(doc: &Doc, alias: &str, what: String) -> Diagnostic {
    let (line, col) = doc.value_position("aliases", alias);
    Diagnostic::error(doc.display_path(), line, col, format!("the alias `{alias}` {what}"))
        .with_help(
            "remove this alias, or write the old address it should redirect from, e.g. `aliases: [\"/old-page/\"]`",
        )
        .with_source(doc.text())
}

/// A URL segment from a file or folder name: `First Session` -> `first-session`.
pub(crate) fn slugify(name: &str) -> String {
    let slug = slug::slugify(name);
    if slug.is_empty() { "page".into() } else { slug }
}
