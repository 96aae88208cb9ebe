//! The site graph: which files are the home page, sections, pages and page bundles;
//! their URLs; order, previous/next and parent links; URL collisions; the rules of the
//! SMP kinds; and how a Markdown link resolves to a page. Pure: parsed documents in,
//! graph or diagnostics out.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

pub(crate) use crate::doc::{Doc, hash_of, hasher};
use crate::doc::{key_dir, key_name};
use crate::error::Diagnostic;
use crate::front_matter::SectionKind;
use crate::markdown::LinkTarget;
use crate::theme::slash_path;
use crate::yaml;

pub(crate) mod languages;

pub(crate) type PageId = usize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Home,
    Section,
    Page,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub kind: Kind,
    /// Shared, so a rebuild that keeps a file's text reuses its parse.
    pub doc: Arc<Doc>,
    /// URL path below the site root, `process/first-session/` (`""` for home).
    pub path: String,
    pub parent: Option<PageId>,
    /// For the home page and sections: their pages in order, and their subsections.
    pub pages: Vec<PageId>,
    pub subsections: Vec<PageId>,
    /// A section's own kind; a page's parent section's kind.
    pub section_kind: SectionKind,
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
    pub fn title(&self) -> &str {
        &self.doc.meta.fm.title
    }

    pub fn is_faq(&self) -> bool {
        self.kind == Kind::Page && (self.doc.meta.fm.faq || self.section_kind == SectionKind::Faq)
    }

    pub fn is_session(&self) -> bool {
        self.kind == Kind::Page && self.section_kind == SectionKind::Sessions
    }
}

/// A file beside the Markdown (a bundle's photo) and where it is copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    pub source: PathBuf,
    pub output: String,
}

#[derive(Debug, Clone)]
pub struct Site {
    pub pages: Vec<Page>,
    pub home: PageId,
    pub assets: Vec<Asset>,
    /// Redirect output folders (`first-session/`) to the page they lead to.
    pub aliases: BTreeMap<String, PageId>,
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

    /// The graph of one language's files (`docs`, named as the default language's),
    /// its addresses below `prefix` (`es/`, or `` for the default language).
    fn build_tree(
        docs: Vec<Arc<Doc>>,
        asset_paths: Vec<PathBuf>,
        include_drafts: bool,
        prefix: &str,
    ) -> (Option<Site>, Vec<Diagnostic>) {
        let mut problems = Vec::new();
        let (mut kept, drafts) = Drafts::leave_out(docs, include_drafts);
        kept.extend(implicit_sections(&kept));
        let mut urls = DirUrls::new(&kept);
        let (mut pages, section_of_dir) = place_pages(&kept, &mut urls, prefix, &mut problems);
        let asset_outputs: Vec<String> = asset_paths
            .iter()
            .map(|source| {
                let key = slash_path(source);
                format!("{}{}", urls.of(key_dir(&key)), key_name(&key))
            })
            .collect();
        drop(urls);
        drop(kept);
        let Some(&home) = section_of_dir.get("") else {
            problems.push(Diagnostic::error("content/_index.md", 0, 0, "the home page is missing").with_help(
                "create content/_index.md with front matter (`---`, `title: ...`, `---`) and the home page's text",
            ));
            return (None, problems);
        };
        link_parents(&mut pages, home, &section_of_dir);
        let aliases = claim_addresses(&pages, &mut problems);
        for section in 0..pages.len() {
            order_section(&mut pages, section, home, &mut problems);
        }
        let by_source: HashMap<String, PageId> =
            pages.iter().enumerate().map(|(id, p)| (p.doc.key.clone(), id)).collect();
        let assets: Vec<Asset> = asset_paths
            .into_iter()
            .zip(asset_outputs)
            .filter(|(source, _)| include_drafts || !drafts.holds(&slash_path(source)))
            .map(|(source, output)| Asset { source, output })
            .collect();
        let asset_index = assets.iter().enumerate().map(|(i, a)| (slash_path(&a.source), i)).collect();
        let site = Site {
            pages,
            home,
            assets,
            aliases,
            by_source,
            asset_index,
            drafts: drafts.left_out,
            languages: vec![String::new()],
            homes: vec![home],
            orphans: Vec::new(),
        };
        (Some(site), problems)
    }

    /// Puts new versions of documents into the graph when only what orders pages
    /// changed (title, weight, date...: their [`Doc::shape_hash`] is the one the graph
    /// was built from): each takes its page's place, and the sections holding them are
    /// ordered again. Gives the graph [`Site::build_all`] makes from the same documents,
    /// or the problems ordering found (then build it again to report them all).
    pub fn patch(&mut self, docs: impl IntoIterator<Item = Arc<Doc>>) -> Vec<Diagnostic> {
        let mut sections = BTreeSet::new();
        for doc in docs {
            let Some(id) = self.page_of(&doc) else { continue };
            debug_assert_eq!(self.pages[id].doc.shape_hash, doc.shape_hash, "a change of shape is a new graph");
            self.pages[id].doc = doc;
            sections.extend(self.pages[id].parent);
        }
        let mut problems = Vec::new();
        for section in sections {
            order_section(&mut self.pages, section, self.home, &mut problems);
        }
        problems
    }

    /// Decides a link or image destination written in `from`'s Markdown, for `root`
    /// (the site's base path): `.md` links become the target page's URL (or are broken),
    /// root-relative links get the base path, everything else is kept.
    pub fn resolve(&self, from: &Page, dest: &str, root: &str) -> LinkTarget {
        if dest.is_empty() || is_external(dest) || dest.starts_with('#') {
            return LinkTarget::Keep;
        }
        let split = dest.find(['#', '?']).unwrap_or(dest.len());
        let (path, suffix) = dest.split_at(split);
        if let Some(rest) = path.strip_prefix('/').filter(|_| !path.ends_with(".md")) {
            return LinkTarget::Replace(format!("{root}{rest}{suffix}"));
        }
        let target = Site::source_path(from, path);
        if !path.ends_with(".md") {
            // A file beside the Markdown (a photo next to `about.md`) is published
            // under its folder's URL, not under the page's: link to where it really is.
            return match target.as_ref().and_then(|t| self.asset_index.get(t)) {
                Some(&i) => LinkTarget::Replace(format!("{root}{}{suffix}", self.assets[i].output)),
                None => LinkTarget::Keep,
            };
        }
        match target.as_ref().and_then(|t| self.by_source.get(t)) {
            Some(&id) => {
                // From a translation, a link to a page leads to that page in the same language.
                let id = self.in_language(id, from.lang);
                LinkTarget::Replace(format!("{root}{}{suffix}", self.pages[id].path))
            }
            None => {
                let shown = target.as_deref().map_or_else(|| path.to_string(), |t| format!("content/{t}"));
                if target.as_ref().is_some_and(|t| self.drafts.contains(t)) {
                    LinkTarget::Broken {
                        message: format!("the link to `{path}` leads to a draft ({shown}), which this build leaves out"),
                        help: "publish the target (remove `draft: true`), remove the link, or build with `--drafts` to preview".into(),
                    }
                } else {
                    let help = match target.as_deref().and_then(|t| self.closest_source(t)) {
                        Some(best) => format!("did you mean content/{best}? Links are relative to this file"),
                        None => "check the file name and folder; links are relative to this file, e.g. `../process/first-session.md`".into(),
                    };
                    LinkTarget::Broken {
                        message: format!("the link to `{path}` leads to no page: {shown} does not exist"),
                        help,
                    }
                }
            }
        }
    }

    /// The published source whose path is closest to a mistyped one, if any is close.
    fn closest_source(&self, wanted: &str) -> Option<String> {
        let candidates: Vec<&str> = self.pages.iter().map(|p| p.doc.key.as_str()).collect();
        yaml::closest(wanted, &candidates).map(str::to_string)
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

    /// The file under `content/` (as a key: `process/photo.jpg`) that a link or image
    /// path written in `from` names (`../faq.md`, `photo.jpg`, `/about.md`); None when
    /// it climbs out of `content/`.
    pub fn source_path(from: &Page, path: &str) -> Option<String> {
        let decoded = percent_decode(path);
        match decoded.strip_prefix('/') {
            Some(rest) => normalize("", rest),
            None => normalize(key_dir(&from.doc.key), &decoded),
        }
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

/// The documents a build leaves out as drafts: drafts themselves, and everything in a
/// folder whose `_index.md` is a draft.
struct Drafts {
    /// Folders (content keys) whose section is a draft.
    dirs: HashSet<String>,
    /// The keys of the documents left out, so links to them get a precise message.
    left_out: HashSet<String>,
}

impl Drafts {
    /// The documents kept, and what was left out. (Paths are handled as content keys:
    /// `/`-separated strings, cheap to cut; a set, looked up per ancestor folder, keeps
    /// this linear in pages however many drafts there are.)
    fn leave_out(docs: Vec<Arc<Doc>>, include_drafts: bool) -> (Vec<Arc<Doc>>, Drafts) {
        let dirs: HashSet<String> = docs
            .iter()
            .filter(|d| d.meta.fm.draft && !include_drafts && key_name(&d.key) == "_index.md")
            .map(|d| key_dir(&d.key))
            .filter(|dir| !dir.is_empty())
            .map(str::to_string)
            .collect();
        let mut drafts = Drafts { dirs, left_out: HashSet::new() };
        let (kept, dropped): (Vec<Arc<Doc>>, Vec<Arc<Doc>>) =
            docs.into_iter().partition(|d| include_drafts || (!d.meta.fm.draft && !drafts.holds(&d.key)));
        drafts.left_out = dropped.into_iter().map(|d| d.key.clone()).collect();
        (kept, drafts)
    }

    /// Whether `key` sits in a draft section's folder.
    fn holds(&self, key: &str) -> bool {
        !self.dirs.is_empty() && key.match_indices('/').any(|(at, _)| self.dirs.contains(&key[..at]))
    }
}

/// The URLs of content folders: each segment its `_index.md`'s or `index.md`'s `slug`,
/// else its slugified name; computed once per folder.
struct DirUrls<'d> {
    slugs: HashMap<&'d str, &'d str>,
    memo: HashMap<String, String>,
}

impl<'d> DirUrls<'d> {
    fn new(docs: &'d [Arc<Doc>]) -> DirUrls<'d> {
        let mut slugs = HashMap::new();
        for doc in docs {
            if let (Some(slug), "_index.md" | "index.md") = (&doc.meta.fm.slug, key_name(&doc.key)) {
                slugs.insert(key_dir(&doc.key), slug.as_str());
            }
        }
        DirUrls { slugs, memo: HashMap::new() }
    }

    fn of(&mut self, dir: &str) -> String {
        dir_url(dir, &self.slugs, &mut self.memo)
    }
}

/// A page for each kept document: its kind and URL, in document order; and the page of
/// each folder that has a section (the home page's folder is `""`).
fn place_pages(
    kept: &[Arc<Doc>],
    urls: &mut DirUrls,
    prefix: &str,
    problems: &mut Vec<Diagnostic>,
) -> (Vec<Page>, HashMap<String, PageId>) {
    let mut pages: Vec<Page> = Vec::with_capacity(kept.len());
    let mut section_of_dir: HashMap<String, PageId> = HashMap::new();
    for doc in kept {
        let (name, dir) = (key_name(&doc.key), key_dir(&doc.key));
        let (kind, path) = match name {
            // `content/index.md` is how Hugo and Zola users often write the home page.
            "_index.md" | "index.md" if dir.is_empty() => (Kind::Home, String::new()),
            "_index.md" => (Kind::Section, urls.of(dir)),
            "index.md" => (Kind::Page, urls.of(dir)),
            _ => {
                let stem = name.strip_suffix(".md").unwrap_or(name);
                let segment = doc.meta.fm.slug.clone().unwrap_or_else(|| slugify(stem));
                (Kind::Page, format!("{}{segment}/", urls.of(dir)))
            }
        };
        let path = if prefix.is_empty() { path } else { format!("{prefix}{path}") };
        if kind != Kind::Page {
            section_of_dir.insert(dir.to_string(), pages.len());
        } else if doc.meta.fm.kind.is_some() {
            problems.push(doc.error_at_key("kind", "`kind` belongs in a section's `_index.md`, not on a page").with_help(
                "move `kind:` to the `_index.md` of this page's folder, or use `faq: true` to make this one page an FAQ",
            ));
        }
        let section_kind = doc.meta.fm.kind.unwrap_or_default();
        pages.push(Page {
            kind,
            doc: doc.clone(),
            path,
            parent: None,
            pages: vec![],
            subsections: vec![],
            section_kind,
            prev: None,
            next: None,
            lang: 0,
            translations: vec![],
        });
    }
    (pages, section_of_dir)
}

/// Parents: the nearest section above the page's folder (a bundle's folder is its
/// own); a page inside a bundle's folder (`a/index.md` + `a/b/index.md`) is that
/// bundle's child, and takes the kind of the section above both. Children are listed
/// in page order; [`order_section`] sorts them.
fn link_parents(pages: &mut [Page], home: PageId, section_of_dir: &HashMap<String, PageId>) {
    let bundle_of_dir: HashMap<&str, PageId> = pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind == Kind::Page && key_name(&p.doc.key) == "index.md")
        .map(|(id, p)| (key_dir(&p.doc.key), id))
        .collect();
    let mut parents = Vec::with_capacity(pages.len());
    for (id, page) in pages.iter().enumerate() {
        if id == home {
            parents.push((home, home));
            continue;
        }
        let key = &page.doc.key;
        let mut dir = key_dir(key);
        if page.kind == Kind::Section || key_name(key) == "index.md" {
            dir = key_dir(dir);
        }
        let mut bundle = None;
        let section = loop {
            if let Some(&s) = section_of_dir.get(dir) {
                break s;
            }
            if page.kind == Kind::Page && bundle.is_none() {
                bundle = bundle_of_dir.get(dir).copied();
            }
            dir = key_dir(dir);
        };
        parents.push((bundle.unwrap_or(section), section));
    }
    for (id, (parent, section)) in parents.into_iter().enumerate() {
        if id == home {
            continue;
        }
        pages[id].parent = Some(parent);
        if pages[id].kind == Kind::Section {
            pages[parent].subsections.push(id);
        } else {
            pages[id].section_kind = pages[section].section_kind;
            pages[parent].pages.push(id);
        }
    }
}

/// URL collisions, between pages and with aliases; the aliases that hold, by output
/// folder.
fn claim_addresses(pages: &[Page], problems: &mut Vec<Diagnostic>) -> BTreeMap<String, PageId> {
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

/// Orders one section's (or bundle's) pages and subsections, checks a sessions
/// section's stages, and links its pages previous/next (top-level pages are not a
/// sequence).
fn order_section(pages: &mut [Page], section: PageId, home: PageId, problems: &mut Vec<Diagnostic>) {
    let mut children = std::mem::take(&mut pages[section].pages);
    let kind = pages[section].section_kind;
    if kind == SectionKind::Sessions {
        check_stages(pages, &children, problems);
    }
    children.sort_by_cached_key(|&id| order_key(&pages[id], kind));
    for &id in &children {
        (pages[id].prev, pages[id].next) = (None, None);
    }
    for pair in children.windows(2).filter(|_| section != home) {
        pages[pair[0]].next = Some(pair[1]);
        pages[pair[1]].prev = Some(pair[0]);
    }
    pages[section].pages = children;
    let mut subsections = std::mem::take(&mut pages[section].subsections);
    subsections.sort_by_cached_key(|&id| order_key(&pages[id], SectionKind::Pages));
    pages[section].subsections = subsections;
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

fn check_stages(pages: &[Page], children: &[PageId], problems: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<u32, PageId> = HashMap::new();
    for &id in children {
        let doc = &pages[id].doc;
        match doc.meta.fm.stage {
            None => problems.push(
                doc.error_at_key("title", "a session page needs a `stage` (its number in the process)")
                    .with_help("add a line such as `stage: 2` to the front matter"),
            ),
            Some(stage) => {
                if let Some(&other) = seen.get(&stage) {
                    let other_doc = &pages[other].doc;
                    let (line, _) = other_doc.key_position("stage");
                    problems.push(
                        doc.error_at_key(
                            "stage",
                            format!("stage {stage} is already used by {}:{line}", other_doc.display_path().display()),
                        )
                        .with_help("each session has its own stage number: renumber one of them"),
                    );
                } else {
                    seen.insert(stage, id);
                }
            }
        }
    }
}

/// Where a page goes in its section: sessions by stage; everything else by weight
/// (pages without one last), newest date, then title; the file's path breaks ties.
fn order_key(page: &Page, kind: SectionKind) -> impl Ord + use<'_> {
    let meta = &page.doc.meta;
    let stage = if kind == SectionKind::Sessions { meta.fm.stage } else { None };
    let weight = (meta.fm.weight.is_none(), meta.fm.weight);
    let path: Vec<&str> = page.doc.key.split('/').collect();
    (stage, weight, std::cmp::Reverse(meta.date), meta.fm.title.to_lowercase(), path)
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

/// Sections for the folders that hold pages but no `_index.md` (issue 14: a folder is
/// what it looks like). Not for a page bundle's folder (it has `index.md`), nor for a
/// folder whose address a page already has (`journal.md` beside `journal/`).
fn implicit_sections(docs: &[Arc<Doc>]) -> Vec<Arc<Doc>> {
    let keys: HashSet<&str> = docs.iter().map(|d| d.key.as_str()).collect();
    let mut dirs: BTreeSet<&str> = BTreeSet::new();
    for doc in docs {
        let mut dir = key_dir(&doc.key);
        if key_name(&doc.key) == "index.md" {
            dir = key_dir(dir);
        }
        while !dir.is_empty() && dirs.insert(dir) {
            dir = key_dir(dir);
        }
    }
    dirs.into_iter()
        .filter(|dir| {
            let has = |name: String| keys.contains(name.as_str());
            !has(format!("{dir}/_index.md")) && !has(format!("{dir}/index.md")) && !has(format!("{dir}.md"))
        })
        .map(|dir| Arc::new(Doc::implicit_section(dir)))
        .collect()
}

/// `rel` (with `/`) taken from the folder `dir` (a content key, `""` at the top), with
/// `.` and `..` resolved without touching the disk; None when it climbs out of `content/`.
fn normalize(dir: &str, rel: &str) -> Option<String> {
    let mut out = String::with_capacity(dir.len() + rel.len() + 1);
    out.push_str(dir.trim_matches('/'));
    for part in rel.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                if out.is_empty() {
                    return None;
                }
                out.truncate(out.rfind('/').unwrap_or(0));
            }
            part => {
                if !out.is_empty() {
                    out.push('/');
                }
                out.push_str(part);
            }
        }
    }
    Some(out)
}

/// `first%20session.md` -> `first session.md`, as editors write links to files with spaces.
fn percent_decode(text: &str) -> std::borrow::Cow<'_, str> {
    percent_encoding::percent_decode_str(text).decode_utf8_lossy()
}

/// Whether a link leaves the site: it has a URL scheme (`https:`, `mailto:`, `tel:`)
/// or starts with `//`.
pub(crate) fn is_external(dest: &str) -> bool {
    let has_scheme = dest.split_once(':').is_some_and(|(scheme, _)| {
        scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    has_scheme || dest.starts_with("//")
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn doc(source: &str, yaml: &str) -> Doc {
        Doc::parse(source.into(), format!("---\n{yaml}\n---\nBody of {source}.\n").into_bytes().into()).unwrap()
    }

    fn site(docs: Vec<Doc>) -> Site {
        Site::build(docs, vec![], false).unwrap()
    }

    fn id(site: &Site, source: &str) -> PageId {
        site.by_source[source]
    }

    fn clinic() -> Vec<Doc> {
        vec![
            doc("_index.md", "title: Home"),
            doc("process/_index.md", "title: Process\nkind: sessions"),
            doc("process/second.md", "title: Second\nstage: 2"),
            doc("process/first.md", "title: First\nstage: 1\naliases: [/first/]"),
            doc("process/third/index.md", "title: Third\nstage: 3"),
            doc("faq.md", "title: FAQ\nfaq: true\nweight: 2"),
            doc("about.md", "title: About\nweight: 1"),
        ]
    }

    #[test]
    fn pretty_urls_for_pages_sections_and_bundles() {
        let s = site(clinic());
        assert_eq!(s.pages[s.home].path, "");
        assert_eq!(s.pages[id(&s, "process/_index.md")].path, "process/");
        assert_eq!(s.pages[id(&s, "process/first.md")].path, "process/first/");
        assert_eq!(s.pages[id(&s, "process/third/index.md")].path, "process/third/");
        assert_eq!(s.aliases.get("first/"), Some(&id(&s, "process/first.md")));
    }

    #[test]
    fn renders_stage_order_with_prev_next() {
        let s = site(clinic());
        let process = &s.pages[id(&s, "process/_index.md")];
        let titles: Vec<_> = process.pages.iter().map(|&p| s.pages[p].title()).collect();
        assert_eq!(titles, ["First", "Second", "Third"]);
        let second = &s.pages[id(&s, "process/second.md")];
        assert_eq!(second.prev.map(|p| s.pages[p].title()), Some("First"));
        assert_eq!(second.next.map(|p| s.pages[p].title()), Some("Third"));
        assert!(second.is_session());
        let home = &s.pages[s.home];
        let top: Vec<_> = home.pages.iter().map(|&p| s.pages[p].title()).collect();
        assert_eq!(top, ["About", "FAQ"]);
    }

    #[test]
    fn errors_on_duplicate_stage_naming_both_files() {
        let mut docs = clinic();
        docs.push(doc("process/again.md", "title: Again\nstage: 2"));
        let errs = Site::build(docs, vec![], false).unwrap_err();
        assert_eq!(errs.len(), 1);
        let e = &errs[0];
        assert!(e.message.starts_with("stage 2 is already used by content/process/"), "{}", e.message);
        assert_eq!((e.line, e.col), (3, 1));
    }

    #[test]
    fn errors_on_session_without_stage() {
        let mut docs = clinic();
        docs.push(doc("process/extra.md", "title: Extra"));
        let errs = Site::build(docs, vec![], false).unwrap_err();
        assert!(errs[0].message.contains("needs a `stage`"));
        assert_eq!(errs[0].path, Path::new("content/process/extra.md"));
    }

    #[test]
    fn errors_on_url_collision() {
        let mut docs = clinic();
        docs.push(doc("about-us.md", "title: About us\nslug: about"));
        let errs = Site::build(docs, vec![], false).unwrap_err();
        assert!(errs.iter().any(|e| e.message.contains("/about/") && e.message.contains("already uses")), "{errs:?}");
    }

    #[test]
    fn drafts_are_left_out_unless_asked() {
        let mut docs = clinic();
        docs.push(doc("news.md", "title: News\ndraft: true"));
        let s = site(docs.clone());
        assert!(!s.by_source.contains_key("news.md"));
        let s = Site::build(docs, vec![], true).unwrap();
        assert!(s.by_source.contains_key("news.md"));
    }

    #[test]
    fn resolves_md_links_relative_with_anchor() {
        let s = site(clinic());
        let first = &s.pages[id(&s, "process/first.md")];
        assert_eq!(
            s.resolve(first, "second.md#healing", "/c/"),
            LinkTarget::Replace("/c/process/second/#healing".into())
        );
        assert_eq!(s.resolve(first, "../faq.md", "/"), LinkTarget::Replace("/faq/".into()));
        assert_eq!(s.resolve(first, "third/index.md", "/"), LinkTarget::Replace("/process/third/".into()));
        assert_eq!(s.resolve(first, "_index.md", "/"), LinkTarget::Replace("/process/".into()));
        assert_eq!(s.resolve(first, "/about.md", "/"), LinkTarget::Replace("/about/".into()));
        assert_eq!(s.resolve(first, "/images/a.png", "/c/"), LinkTarget::Replace("/c/images/a.png".into()));
        assert_eq!(s.resolve(first, "https://x.org/a.md", "/"), LinkTarget::Keep);
        assert_eq!(s.resolve(first, "photo.jpg", "/"), LinkTarget::Keep);
        assert_eq!(s.resolve(first, "tel:+1480", "/"), LinkTarget::Keep);
    }

    #[test]
    fn reports_links_to_missing_and_draft_pages() {
        let mut docs = clinic();
        docs.push(doc("news.md", "title: News\ndraft: true"));
        let s = site(docs);
        let first = &s.pages[id(&s, "process/first.md")];
        let LinkTarget::Broken { message, .. } = s.resolve(first, "fourth.md", "/") else { panic!() };
        assert_eq!(message, "the link to `fourth.md` leads to no page: content/process/fourth.md does not exist");
        let LinkTarget::Broken { help, .. } = s.resolve(first, "secnd.md", "/") else { panic!() };
        assert_eq!(help, "did you mean content/process/second.md? Links are relative to this file");
        let LinkTarget::Broken { message, .. } = s.resolve(first, "../news.md", "/") else { panic!() };
        assert!(message.contains("leads to a draft"));
        assert!(matches!(s.resolve(first, "../../x.md", "/"), LinkTarget::Broken { .. }));
    }

    #[test]
    fn links_to_files_beside_a_page_point_where_they_are_published() {
        let s = Site::build(clinic(), vec!["team.jpg".into(), "process/third/photo.jpg".into()], false).unwrap();
        let about = &s.pages[id(&s, "about.md")];
        assert_eq!(s.resolve(about, "team.jpg", "/c/"), LinkTarget::Replace("/c/team.jpg".into()));
        let third = &s.pages[id(&s, "process/third/index.md")];
        assert_eq!(s.resolve(third, "photo.jpg", "/"), LinkTarget::Replace("/process/third/photo.jpg".into()));
        assert_eq!(s.resolve(about, "missing.jpg", "/"), LinkTarget::Keep);
    }

    #[test]
    fn assets_follow_their_bundle() {
        let s = Site::build(clinic(), vec!["process/third/photo.jpg".into()], false).unwrap();
        assert_eq!(
            s.assets,
            [Asset { source: "process/third/photo.jpg".into(), output: "process/third/photo.jpg".into() }]
        );
    }

    /// A page's key, URL, pages, subsections, previous and next.
    type Placed = (String, String, Vec<PageId>, Vec<PageId>, Option<PageId>, Option<PageId>);

    /// What a graph says of each page: where it is, what it lists, its neighbours.
    fn shape(s: &Site) -> Vec<Placed> {
        s.pages
            .iter()
            .map(|p| (p.doc.key.clone(), p.path.clone(), p.pages.clone(), p.subsections.clone(), p.prev, p.next))
            .collect()
    }

    #[test]
    fn a_patched_graph_is_the_graph_built_from_the_same_documents() {
        let mut docs = clinic();
        docs.push(doc("news/_index.md", "title: News"));
        docs.push(doc("news/a.md", "title: A\ndate: 2024-01-02"));
        docs.push(doc("news/b.md", "title: B\ndate: 2024-01-03"));
        docs.push(doc("news/c.md", "title: C\nweight: 5"));
        docs.push(doc("guide/_index.md", "title: Guide"));
        let mut patched = site(docs.clone());
        // New dates, weights and titles reorder pages and sections; shapes stay.
        let edits = [
            ("news/a.md", "title: A\ndate: 2025-06-01"),
            ("news/c.md", "title: C"),
            ("about.md", "title: Zebra\nweight: 3"),
            ("guide/_index.md", "title: Aardvark guide"),
        ];
        let mut changed = Vec::new();
        for (key, yaml) in edits {
            let new = Arc::new(doc(key, yaml));
            let at = docs.iter().position(|d| d.key == key).unwrap();
            assert_eq!(docs[at].shape_hash, new.shape_hash);
            docs[at] = (*new).clone();
            changed.push(new);
        }
        assert!(patched.patch(changed).is_empty());
        let fresh = site(docs);
        assert_eq!(shape(&patched), shape(&fresh));
        let news = &fresh.pages[id(&fresh, "news/_index.md")];
        let titles: Vec<_> = news.pages.iter().map(|&p| fresh.pages[p].title()).collect();
        assert_eq!(titles, ["A", "B", "C"], "C lost its weight: newest first, the undated last");
    }

    #[test]
    fn front_matter_that_moves_a_page_changes_its_shape() {
        let base = doc("news/a.md", "title: A");
        for yaml in ["title: A\nslug: b", "title: A\ndraft: true", "title: A\naliases: [/a/]", "title: A\nfaq: true"] {
            assert_ne!(doc("news/a.md", yaml).shape_hash, base.shape_hash, "{yaml}");
        }
        assert_eq!(doc("news/a.md", "title: B\nweight: 2\ndate: 2024-01-01").shape_hash, base.shape_hash);
    }

    #[test]
    fn kind_on_a_page_is_an_error() {
        let mut docs = clinic();
        docs.push(doc("x.md", "title: X\nkind: faq"));
        let errs = Site::build(docs, vec![], false).unwrap_err();
        assert!(errs[0].message.contains("`kind` belongs in a section"));
        assert_eq!(errs[0].line, 3);
    }
}
