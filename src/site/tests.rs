//! Unit tests of the site graph: URLs, order, links, drafts, patching.

use std::path::Path;

use super::*;
use crate::markdown::LinkTarget;

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
    assert_eq!(s.resolve(first, "second.md#healing", "/c/"), LinkTarget::Replace("/c/process/second/#healing".into()));
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
fn patching_a_big_section_moves_each_edited_page_to_its_place() {
    let mut docs = clinic();
    docs.push(doc("blog/_index.md", "title: Blog"));
    for i in 0..40 {
        docs.push(doc(&format!("blog/p{i:02}.md"), &format!("title: Post {i}\ndate: 2024-01-{:02}", i % 28 + 1)));
    }
    let mut patched = site(docs.clone());
    // First, last, middle, a tie on date broken by title, a weight: each lands where a
    // fresh build puts it; more than a few at once sort the section again.
    let rounds: [&[(usize, &str)]; 3] = [
        &[(3, "title: Post 3\ndate: 2030-01-01")],
        &[
            (5, "title: A post\ndate: 2024-01-06"),
            (9, "title: Post 9\ndate: 2001-01-01"),
            (12, "title: Post 12\nweight: 1"),
        ],
        &[
            (1, "title: Z"),
            (2, "title: Y"),
            (4, "title: X"),
            (6, "title: W"),
            (7, "title: V"),
            (8, "title: U"),
            (10, "title: T"),
            (11, "title: S"),
            (13, "title: R"),
        ],
    ];
    for round in rounds {
        let mut changed = Vec::new();
        for &(i, yaml) in round {
            let key = format!("blog/p{i:02}.md");
            let new = Arc::new(doc(&key, yaml));
            let at = docs.iter().position(|d| d.key == key).unwrap();
            docs[at] = (*new).clone();
            changed.push(new);
        }
        assert!(patched.patch(changed).is_empty());
        assert_eq!(shape(&patched), shape(&site(docs.clone())));
    }
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
