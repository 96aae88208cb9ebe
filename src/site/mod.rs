//! The site graph: which files are the home page, sections, pages and page bundles;
//! their URLs; order, previous/next and parent links; URL collisions; the rules of the
//! SMP kinds; and how a Markdown link resolves to a page. Pure: parsed documents in,
//! graph or diagnostics out.
//!
//! This file holds the types ([`Site`], [`Page`]) and their lookups. The steps live
//! below: `graph` places pages and links parents, `addresses` gives folders and pages
//! their URLs and checks collisions and aliases, `order` sorts sections (and patches a
//! graph after a front-matter edit), `links` resolves Markdown links, `languages` joins
//! the trees of a site in several languages.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

pub(crate) use crate::doc::Doc;
use crate::doc::{key_dir, key_name};
use crate::error::Diagnostic;
pub(crate) use crate::fingerprint::{hash_of, hasher};
use crate::front_matter::SectionKind;

mod graph;
pub(crate) mod languages;
mod links;
mod order;
mod urls;

pub(crate) use links::is_external;
pub(crate) use urls::{alias_error, alias_path, slugify};

/// A page's index in [`Site::pages`].
pub(crate) type PageId = usize;

/// What a page is in the graph: the home page (`content/_index.md`), a section (a
/// folder's `_index.md`, or a folder of pages without one), or a page (a `.md` file, or
/// a bundle's `index.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `content/_index.md` (or `content/index.md`), and each language's.
    Home,
    /// A folder's `_index.md`, or a folder of pages without one.
    Section,
    /// A Markdown file, or a page bundle's `index.md`.
    Page,
}

/// One published page of the graph: the home page, a section or a page, with the
/// document it is made from, its URL, and its place among the others (parent, the
/// pages and subsections it lists, previous and next). Pages refer to each other by
/// [`PageId`], their index in [`Site::pages`].
#[derive(Debug, Clone)]
pub struct Page {
    /// Home page, section or page.
    pub kind: Kind,
    /// Shared, so a rebuild that keeps a file's text reuses its parse.
    pub doc: Arc<Doc>,
    /// URL path below the site root, `process/first-session/` (`""` for home).
    pub path: String,
    /// The section (or bundle) that lists this page; None for the home page.
    pub parent: Option<PageId>,
    /// For the home page and sections: their pages in order, and their subsections.
    pub pages: Vec<PageId>,
    pub subsections: Vec<PageId>,
    /// A section's own kind; a page's parent section's kind.
    pub section_kind: SectionKind,
    /// The page before and after this one in its section's order (None at the ends,
    /// and for the home page's own pages, which are not a sequence).
    pub prev: Option<PageId>,
    pub next: Option<PageId>,
    /// Index into [`Site::languages`]: 0 for the default language (`about.md`), else the
    /// language of the file's suffix (`about.es.md`). See [`languages`].
    pub lang: usize,
    /// This page in each language of [`Site::languages`] (itself at its own), None
    /// where it is not translated; empty on a site in one language.
    pub translations: Vec<Option<PageId>>,
}

impl Page {
    /// The page's `title` from its front matter.
    pub fn title(&self) -> &str {
        &self.doc.meta.fm.title
    }

    /// The page's name in the site menu: `menu_title`, else its `title`.
    pub fn menu_title(&self) -> &str {
        self.doc.meta.fm.menu_title.as_deref().map_or(self.title(), str::trim)
    }

    /// Whether the page is an FAQ: `faq: true`, or a page in a section of kind `faq`.
    pub fn is_faq(&self) -> bool {
        self.kind == Kind::Page && (self.doc.meta.fm.faq || self.section_kind == SectionKind::Faq)
    }

    /// Whether the page is a session, a page in a section of kind `sessions`.
    pub fn is_session(&self) -> bool {
        self.kind == Kind::Page && self.section_kind == SectionKind::Sessions
    }
}

/// A file beside the Markdown (a bundle's photo) and where it is copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// The file, relative to `content/`.
    pub source: PathBuf,
    /// Where it is published, below the output folder (`process/third/photo.jpg`).
    pub output: String,
}

/// The site graph: every page that is published (drafts left out unless asked), the
/// files beside them, the aliases that redirect, and the lookups from a source file to
/// its page. Made by [`Site::build`] from parsed documents; pure, so a rebuild can make
/// it again or [`Site::patch`] it when only what orders pages changed.
#[derive(Debug, Clone)]
pub struct Site {
    /// Every page, in the order of the documents (each language's after the default's).
    pub pages: Vec<Page>,
    /// The default language's home page.
    pub home: PageId,
    /// The files beside the Markdown that are published.
    pub assets: Vec<Asset>,
    /// Redirect output folders (`first-session/`) to the page they lead to.
    pub aliases: BTreeMap<String, PageId>,
    /// Each page by its Markdown file's key (`process/first.md`).
    by_source: HashMap<String, PageId>,
    /// Index into `assets` by source path, for links to them.
    asset_index: HashMap<String, usize>,
    /// Sources left out as drafts (by key), so links to them get a precise message.
    drafts: HashSet<String>,
    /// The language suffixes of the content's files (`es` for `about.es.md`), after `""`
    /// for the default language: what [`Page::lang`] indexes.
    pub languages: Vec<String>,
    /// The home page of each language, as [`Site::languages`].
    pub homes: Vec<PageId>,
    /// Files named as translations (`prices.es.md`) of a page that does not exist,
    /// left out: `languages::check` reports them.
    pub orphans: Vec<Arc<Doc>>,
}

impl Site {
    /// The drafts left out, in a stable order (what links to them resolve to depends on it).
    pub fn drafts_fingerprint(&self) -> Vec<&String> {
        let mut drafts: Vec<&String> = self.drafts.iter().collect();
        drafts.sort();
        drafts
    }

    /// Builds the graph from the parsed documents and the paths of the other files
    /// under `content/`. With `include_drafts` false, drafts (and sections marked
    /// draft, with everything in them) are left out.
    pub fn build(
        docs: Vec<impl Into<Arc<Doc>>>,
        asset_paths: Vec<PathBuf>,
        include_drafts: bool,
    ) -> Result<Site, Vec<Diagnostic>> {
        match Site::build_all(docs, asset_paths, include_drafts) {
            (Some(site), problems) if problems.is_empty() => Ok(site),
            (_, problems) => Err(problems),
        }
    }

    /// Like [`Site::build`], but the graph comes back beside its problems whenever it
    /// can be built at all (a URL clash leaves the second page reachable only by its
    /// file), so later stages can check it in the same run. None without a home page.
    pub fn build_all(
        docs: Vec<impl Into<Arc<Doc>>>,
        asset_paths: Vec<PathBuf>,
        include_drafts: bool,
    ) -> (Option<Site>, Vec<Diagnostic>) {
        let docs: Vec<Arc<Doc>> = docs.into_iter().map(Into::into).collect();
        languages::build(docs, asset_paths, include_drafts)
    }

    /// The page published from `source` (relative to `content/`), if any.
    pub fn page_of(&self, doc: &Doc) -> Option<PageId> {
        self.page_at(&doc.key)
    }

    /// The page published from the Markdown file `key` (`process/first.md`), if any.
    pub fn page_at(&self, key: &str) -> Option<PageId> {
        self.by_source.get(key).copied()
    }

    /// The file beside the Markdown at `key` (`about/team.jpg`), if it is published.
    pub fn asset_at(&self, key: &str) -> Option<&Asset> {
        self.asset_index.get(key).map(|&i| &self.assets[i])
    }

    /// The chain from the home page to `id`, inclusive.
    pub fn ancestry(&self, id: PageId) -> Vec<PageId> {
        let mut chain = vec![id];
        while let Some(parent) = self.pages[*chain.last().expect("non-empty")].parent {
            chain.push(parent);
        }
        chain.reverse();
        chain
    }
}

#[cfg(test)]
mod tests;
