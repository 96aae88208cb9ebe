//! Issue 14, item 7: a tree coming from Hugo or Zola builds, or says exactly what to
//! change: definition lists render, `content/index.md` is the home page, TOML front
//! matter is explained with the conversion, and `title: ~` is an error.

use crate::common;

use common::TestSite;

#[test]
fn content_index_md_is_the_home_page() {
    let site = TestSite::fixture("minimal");
    let home = site.read("content/_index.md");
    std::fs::remove_file(site.path("content/_index.md")).unwrap();
    site.write("content/index.md", home);
    site.build();
    assert!(site.page("").contains("Welcome to the test clinic"));
}

#[test]
fn definition_lists_render_as_such() {
    let site = TestSite::fixture("minimal");
    let page = site.read("content/contact.md");
    site.write("content/contact.md", format!("{page}\nTouch-up\n: A short session that refreshes faded pigment.\n"));
    site.build();
    let html = site.page("contact/");
    assert!(html.contains("<dt>Touch-up</dt>\n<dd>A short session that refreshes faded pigment.</dd>"), "{html}");
}

#[test]
fn toml_front_matter_says_how_to_convert_it() {
    let site = TestSite::fixture("minimal");
    site.write("content/contact.md", "+++\ntitle = \"Contact\"\n+++\nHi\n");
    let err = site.run(&["build"]).fails();
    assert!(
        err.contains("content/contact.md:1:1: error: this front matter is TOML (`+++`, as Hugo and Zola write it)"),
        "{err}"
    );
    assert!(err.contains("replace both `+++` lines with `---`"), "{err}");
}

/// Issue 14, item 4: a folder of pages without `_index.md` is a section, titled after
/// the folder, with its own listing page and a place in the breadcrumbs; its pages stay
/// out of the generated menu.
#[test]
fn folders_without_an_index_are_sections_with_breadcrumbs_and_a_listing() {
    let site = TestSite::fixture("minimal");
    site.write("content/journal/spring-2019/first-visit.md", "---\ntitle: First visit\ndescription: D.\n---\nHi\n");
    site.write("content/journal/spring-2019/second-visit.md", "---\ntitle: Second visit\ndescription: D.\n---\nHi\n");
    site.build();
    let post = site.page("journal/spring-2019/first-visit/");
    let crumbs = post.split("breadcrumb").nth(1).unwrap_or("");
    let (journal, year) = (crumbs.find(">Journal<").unwrap(), crumbs.find(">Spring 2019<").unwrap());
    assert!(journal < year && year < crumbs.find("First visit").unwrap(), "{crumbs}");
    let listing = site.page("journal/spring-2019/");
    assert!(listing.contains("First visit") && listing.contains("Second visit"), "{listing}");
    assert!(site.page("journal/").contains("Spring 2019"));
    let home = site.page("");
    let nav = &home[home.find("site-nav").unwrap()..home.find("</nav>").unwrap()];
    assert!(nav.contains(">Journal<") && !nav.contains("First visit"), "{nav}");
}

/// A page bundle inside another (`a/index.md` + `a/b/index.md`) is its child: the
/// breadcrumbs go through it, and the inner one is not a top-level menu entry.
#[test]
fn a_bundle_inside_a_bundle_is_its_child() {
    let site = TestSite::fixture("minimal");
    site.write("content/results/index.md", "---\ntitle: Results\ndescription: D.\n---\nHi\n");
    site.write("content/results/crown/index.md", "---\ntitle: Crown work\ndescription: D.\n---\nHi\n");
    site.build();
    let inner = site.page("results/crown/");
    let crumbs = &inner[inner.find("breadcrumbs").unwrap()..];
    let crumbs = &crumbs[..crumbs.find("</nav>").unwrap()];
    assert!(crumbs.contains(">Results</a>") && crumbs.contains(">Crown work</span>"), "{crumbs}");
    let home = site.page("");
    let nav = &home[home.find("site-nav").unwrap()..home.find("</nav>").unwrap()];
    assert!(nav.contains(">Results<") && !nav.contains("Crown work"), "{nav}");
}
