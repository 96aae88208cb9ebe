//! The order of a section's pages and subsections (sessions by stage, the rest by
//! weight, date and title), previous/next links, the stage checks, and patching a
//! graph when only what orders pages changed.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::{Doc, Kind, Page, PageId, Site};
use crate::error::Diagnostic;
use crate::front_matter::SectionKind;

impl Site {
    /// Puts new versions of documents into the graph when only what orders pages
    /// changed (title, weight, date...: their [`Doc::shape_hash`] is the one the graph
    /// was built from): each takes its page's place, and the sections holding them are
    /// ordered again. Gives the graph [`Site::build_all`] makes from the same documents,
    /// or the problems ordering found (then build it again to report them all).
    ///
    /// A few pages edited in a big section are moved to their new places (a save of
    /// one blog post among thousands does not sort them all again).
    pub fn patch(&mut self, docs: impl IntoIterator<Item = Arc<Doc>>) -> Vec<Diagnostic> {
        let mut sections: BTreeMap<PageId, Vec<PageId>> = BTreeMap::new();
        for doc in docs {
            let Some(id) = self.page_of(&doc) else { continue };
            debug_assert_eq!(self.pages[id].doc.shape_hash, doc.shape_hash, "a change of shape is a new graph");
            self.pages[id].doc = doc;
            if let Some(parent) = self.pages[id].parent {
                sections.entry(parent).or_default().push(id);
            }
        }
        let mut problems = Vec::new();
        for (section, moved) in sections {
            if !reposition(&mut self.pages, section, &moved, self.home) {
                order_section(&mut self.pages, section, self.home, &mut problems);
            }
        }
        problems
    }
}

/// Orders one section's (or bundle's) pages and subsections, checks a sessions
/// section's stages, and links its pages previous/next (top-level pages are not a
/// sequence).
pub(super) fn order_section(pages: &mut [Page], section: PageId, home: PageId, problems: &mut Vec<Diagnostic>) {
    let mut children = std::mem::take(&mut pages[section].pages);
    let kind = pages[section].section_kind;
    if kind == SectionKind::Sessions {
        check_stages(pages, &children, problems);
    }
    children.sort_by_cached_key(|&id| order_key(&pages[id], kind));
    link_sequence(pages, section, children, home);
    let mut subsections = std::mem::take(&mut pages[section].subsections);
    subsections.sort_by_cached_key(|&id| order_key(&pages[id], SectionKind::Pages));
    pages[section].subsections = subsections;
}

/// Moves `moved`, pages of `section` whose documents changed, to where
/// [`order_section`] would put them, leaving the others where they are: they are in
/// order already, and every key differs (the file's path breaks ties), so each moved
/// page has one place, found by binary search. False, changing nothing, where this
/// does not apply: a sessions section (its stages are checked again), a moved
/// subsection, or more than a few moved pages.
fn reposition(pages: &mut [Page], section: PageId, moved: &[PageId], home: PageId) -> bool {
    let kind = pages[section].section_kind;
    if kind == SectionKind::Sessions || moved.len() > 8 || moved.iter().any(|&id| pages[id].kind == Kind::Section) {
        return false;
    }
    let mut children = std::mem::take(&mut pages[section].pages);
    children.retain(|id| !moved.contains(id));
    for &id in moved {
        let key = order_key(&pages[id], kind);
        let at = children.partition_point(|&other| order_key(&pages[other], kind) < key);
        children.insert(at, id);
    }
    link_sequence(pages, section, children, home);
    true
}

/// Makes `children` (in order) `section`'s pages, each linked to the previous and next
/// (top-level pages are not a sequence).
fn link_sequence(pages: &mut [Page], section: PageId, children: Vec<PageId>, home: PageId) {
    for &id in &children {
        (pages[id].prev, pages[id].next) = (None, None);
    }
    for pair in children.windows(2).filter(|_| section != home) {
        pages[pair[0]].next = Some(pair[1]);
        pages[pair[1]].prev = Some(pair[0]);
    }
    pages[section].pages = children;
}

/// A sessions section's checks: each page has a `stage`, and no two share one.
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
