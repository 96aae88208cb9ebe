//! The steps that build one language's graph: drafts left out, implicit sections
//! added, a page placed (kind and URL) for each document, parents linked; then
//! addresses claimed and sections ordered.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use super::order::order_section;
use super::urls::{DirUrls, claim_addresses, slugify};
use super::{Asset, Doc, Kind, Page, PageId, Site, key_dir, key_name};
use crate::error::{Cause, Diagnostic};
use crate::theme::slash_path;

impl Site {
    /// The graph of one language's files (`docs`, named as the default language's),
    /// its addresses below `prefix` (`es/`, or `` for the default language).
    pub(super) fn build_tree(
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
            ).with_cause(Some(Cause::NoHomePage)));
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
