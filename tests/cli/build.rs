//! `smpsite build` end to end on the minimal fixture: what lands in `public/`, and
//! what every page carries. HTML is inspected through a real HTML5 parser.

use crate::common;

use common::TestSite;
use scraper::{Html, Selector};

fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    doc.select(&Selector::parse(css).unwrap()).collect()
}

fn attr(doc: &Html, css: &str, name: &str) -> String {
    let found = select(doc, css);
    let el = found.first().unwrap_or_else(|| panic!("no {css}"));
    el.value().attr(name).unwrap_or_else(|| panic!("{css} has no {name}")).to_string()
}

fn text(doc: &Html, css: &str) -> Vec<String> {
    select(doc, css)
        .iter()
        .map(|e| e.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

fn json_ld(doc: &Html) -> Vec<serde_json::Value> {
    select(doc, "script[type='application/ld+json']")
        .iter()
        .map(|s| serde_json::from_str(&s.inner_html()).expect("JSON-LD parses"))
        .collect()
}

/// Every HTML page of the output that is a real page (not an alias redirect, nor the
/// browser editor's page, which loads the CMS and is none of the site's).
fn pages(site: &TestSite) -> Vec<(String, Html)> {
    site.output()
        .into_iter()
        .filter(|(path, _)| path.ends_with(".html") && path != "first/index.html" && !path.starts_with("admin/"))
        .map(|(path, bytes)| (path, Html::parse_document(&String::from_utf8(bytes).unwrap())))
        .collect()
}

#[test]
fn writes_pretty_urls_bundles_aliases_and_site_files() {
    let site = TestSite::fixture("minimal");
    let run = site.build();
    let files: Vec<String> = site.output().into_iter().map(|(p, _)| p).collect();
    for expected in [
        "index.html",
        "process/index.html",
        "process/first/index.html",
        "process/second/index.html",
        "faq/index.html",
        "contact/index.html",
        "guide/index.html",
        "guide/photos/index.html",
        "guide/photos/diagram.svg",
        "images/logo.svg",
        "first/index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "style.css",
    ] {
        assert!(files.iter().any(|f| f == expected), "missing {expected} in {files:?}");
    }
    assert!(!files.iter().any(|f| f.starts_with("draft")), "a draft was published");
    let out = run.stdout();
    assert!(out.starts_with("Built 11 pages in ") && out.contains(" ms -> "), "{out}");
    // Opened by double-click, public/index.html finds none of its styles (its links start
    // at the web site's root): every build says how to look at it instead.
    let folder = out.lines().next().and_then(|l| l.split(" -> ").nth(1)).unwrap();
    assert!(folder.ends_with("/site/public/"), "{out}");
    assert_eq!(
        out.lines().nth(1).unwrap_or(""),
        format!(
            "Open it with `smpsite serve`, or upload {folder} to your web host \
             ({folder}index.html opened by double-click shows the pages without their styles)."
        ),
        "{out}"
    );
}

#[test]
fn drafts_are_built_with_the_flag() {
    let site = TestSite::fixture("minimal");
    site.run(&["build", "--drafts"]).success();
    assert!(site.page("draft/").contains("Draft text."));
}

#[test]
fn resolves_markdown_links_to_urls() {
    let site = TestSite::fixture("minimal");
    site.build();
    let home = Html::parse_document(&site.page(""));
    let hrefs: Vec<_> =
        select(&home, "main a").iter().filter_map(|a| a.value().attr("href")).map(str::to_string).collect();
    assert!(hrefs.contains(&"/process/first/".to_string()), "{hrefs:?}");
    assert!(hrefs.contains(&"/faq/#does-it-hurt".to_string()), "{hrefs:?}");
    assert_eq!(attr(&home, "main img[alt='Logo']", "src"), "/images/logo.svg");
}

#[test]
fn images_beside_a_plain_page_are_linked_where_they_are_published() {
    let site = TestSite::fixture("minimal");
    site.build();
    let contact = Html::parse_document(&site.page("contact/"));
    let src = attr(&contact, "main img[alt='Our team at the front desk']", "src");
    assert_eq!(src, "/team.svg");
    assert!(site.path("public/team.svg").is_file());
    // The size comes from the SVG itself, so the browser reserves the space (no layout shift).
    assert_eq!(attr(&contact, "main img[alt='Our team at the front desk']", "width"), "10");
    assert_eq!(attr(&contact, "main img[alt='Our team at the front desk']", "height"), "10");
    let bundle = Html::parse_document(&site.page("guide/photos/"));
    let src = attr(&bundle, "main img", "src");
    assert!(site.path(&format!("public{src}")).is_file(), "bundle image {src} is not where it points");
}

#[test]
fn respects_a_base_url_sub_path_in_every_link() {
    let site = TestSite::fixture("minimal");
    site.run(&["build", "--base-url", "https://host.io/clinic"]).success();
    for (path, doc) in pages(&site) {
        for el in select(&doc, "[href], [src]") {
            let url = el.value().attr("href").or(el.value().attr("src")).unwrap();
            if url.starts_with('/') {
                assert!(url.starts_with("/clinic/"), "{path}: {url} ignores the sub-path");
            }
        }
    }
    let first = Html::parse_document(&site.page("process/first/"));
    assert_eq!(attr(&first, "link[rel=canonical]", "href"), "https://host.io/clinic/process/first/");
    assert!(site.read("public/sitemap.xml").contains("<loc>https://host.io/clinic/process/first/</loc>"));
    assert!(site.read("public/robots.txt").contains("Sitemap: https://host.io/clinic/sitemap.xml"));
    assert!(site.read("public/first/index.html").contains("https://host.io/clinic/process/first/"));
}

#[test]
fn every_page_has_clinic_phone_cta_and_head_metadata() {
    let site = TestSite::fixture("minimal");
    site.build();
    let all = pages(&site);
    assert!(all.len() >= 7);
    for (path, doc) in &all {
        assert_eq!(attr(doc, "html", "lang"), "en", "{path}");
        assert!(!text(doc, "title")[0].is_empty(), "{path}");
        assert!(!attr(doc, "meta[name=description]", "content").is_empty(), "{path}");
        assert!(attr(doc, "link[rel=canonical]", "href").starts_with("https://clinic.test/"), "{path}");
        assert!(!attr(doc, "meta[property='og:title']", "content").is_empty(), "{path}");
        assert!(!select(doc, "a[href='tel:+14805551111']").is_empty(), "{path}: no click-to-call link");
        // The booking page itself offers the phones instead (tests/clinic_staples.rs).
        if path != "contact/index.html" {
            assert!(
                !select(doc, "main a[href='/contact/']").is_empty(),
                "{path}: no consultation call to action in main"
            );
        }
        assert!(text(doc, "body").join(" ").contains("Test SMP Clinic"), "{path}: clinic name missing");
        assert_eq!(select(doc, "h1").len(), 1, "{path}: one h1 per page");
    }
}

#[test]
fn home_page_describes_the_clinic_in_json_ld() {
    let site = TestSite::fixture("minimal");
    site.build();
    let home = Html::parse_document(&site.page(""));
    let docs = json_ld(&home);
    let clinic = docs.iter().find(|d| d["@type"] == "HealthAndBeautyBusiness").expect("clinic JSON-LD");
    assert_eq!(clinic["name"], "Test SMP Clinic");
    assert_eq!(clinic["telephone"], "+14805551111");
    assert_eq!(clinic["address"]["addressLocality"], "Tempe");
    assert_eq!(clinic["openingHours"][0], "Mo-Fr 09:00-17:00");
    assert_eq!(clinic["url"], "https://clinic.test/");
}

#[test]
fn session_pages_have_stage_order_prev_next_healing_and_aftercare() {
    let site = TestSite::fixture("minimal");
    site.build();
    let section = Html::parse_document(&site.page("process/"));
    let timeline = text(&section, "main ol li a");
    let first = timeline.iter().position(|t| t.contains("First session")).expect("first in timeline");
    let second = timeline.iter().position(|t| t.contains("Second session")).expect("second in timeline");
    assert!(first < second, "{timeline:?}");

    let page = Html::parse_document(&site.page("process/first/"));
    assert_eq!(attr(&page, "a[rel=next]", "href"), "/process/second/");
    assert!(select(&page, "a[rel=prev]").is_empty());
    let body = text(&page, "main").join(" ");
    assert!(body.contains("3–4 hours") && body.contains("Days 1–3"), "{body}");
    assert!(page.html().contains("No <strong>washing</strong> for 4 days"));
    let second = Html::parse_document(&site.page("process/second/"));
    assert_eq!(attr(&second, "a[rel=prev]", "href"), "/process/first/");
}

#[test]
fn faq_pages_render_an_accordion_and_faq_json_ld() {
    let site = TestSite::fixture("minimal");
    site.build();
    let faq = Html::parse_document(&site.page("faq/"));
    assert_eq!(text(&faq, ".faq details summary"), ["Does it hurt?", "How long does it last?"]);
    assert_eq!(attr(&faq, ".faq details", "id"), "does-it-hurt");
    let docs = json_ld(&faq);
    let page = docs.iter().find(|d| d["@type"] == "FAQPage").expect("FAQPage");
    assert_eq!(page["mainEntity"].as_array().unwrap().len(), 2);
    assert_eq!(page["mainEntity"][0]["name"], "Does it hurt?");
    let crumbs = docs.iter().find(|d| d["@type"] == "BreadcrumbList").expect("breadcrumbs");
    assert_eq!(crumbs["itemListElement"][1]["item"], "https://clinic.test/faq/");
}

#[test]
fn two_builds_are_byte_identical() {
    let site = TestSite::fixture("minimal");
    site.build();
    let first = site.output();
    site.build();
    assert_eq!(site.output(), first);
}

#[test]
fn rebuild_removes_pages_whose_source_is_gone() {
    let site = TestSite::fixture("minimal");
    site.build();
    assert!(site.path("public/guide/photos/index.html").exists());
    std::fs::remove_dir_all(site.path("content/guide")).unwrap();
    site.build();
    assert!(!site.path("public/guide").exists());
}

#[test]
fn site_templates_and_static_override_single_theme_files() {
    let site = TestSite::fixture("minimal");
    site.write(
        "templates/page.html",
        "<!doctype html><title>{{ page.title }}</title><p class=mine>{{ site.clinic.name }}</p>",
    );
    site.write("static/style.css", "body { color: black }");
    site.build();
    assert!(site.page("guide/photos/").contains("<p class=mine>Test SMP Clinic</p>"));
    assert!(site.page("process/first/").contains("<main"), "session pages still use the theme");
    assert_eq!(site.read("public/style.css"), "body { color: black }");
}

#[test]
fn output_folder_option_writes_elsewhere() {
    let site = TestSite::fixture("minimal");
    let out = site.path("elsewhere/site");
    let run = site.run(&["build", "-o", out.to_str().unwrap(), "--quiet"]).success();
    assert_eq!(run.stdout(), "", "--quiet prints nothing on success");
    assert!(out.join("index.html").exists());
    assert!(!site.path("public").exists());
}

#[test]
fn site_yaml_menu_replaces_the_generated_nav() {
    let site = TestSite::fixture("minimal");
    let config = site.read("site.yaml");
    site.write("site.yaml", format!("{config}menu:\n  - {{ title: Our process, url: /process/ }}\n  - {{ title: Shop, url: \"https://shop.clinic.test/\" }}\n"));
    site.run(&["build", "--base-url", "https://host.io/clinic"]).success();
    let faq = Html::parse_document(&site.page("faq/"));
    let nav: Vec<(String, String)> = select(&faq, "header nav.site-nav a")
        .iter()
        .map(|a| (a.text().collect::<String>(), a.value().attr("href").unwrap().to_string()))
        .collect();
    assert_eq!(
        nav,
        [
            ("Our process".to_string(), "/clinic/process/".to_string()),
            ("Shop".to_string(), "https://shop.clinic.test/".to_string())
        ]
    );
    // Inside a section, its menu entry says so (`true`); only the exact page is `page`.
    let first = Html::parse_document(&site.page("process/first/"));
    assert_eq!(attr(&first, "header nav a[aria-current=true]", "href"), "/clinic/process/");
    assert!(select(&first, "header nav a[aria-current=page]").is_empty());
    let process = Html::parse_document(&site.page("process/"));
    assert_eq!(attr(&process, "header nav a[aria-current=page]", "href"), "/clinic/process/");
    // One entry per menu (the row and the "Menu" drop-down each list the items).
    for menu in ["nav.site-nav", ".menu nav"] {
        assert_eq!(select(&process, &format!("header {menu} a[aria-current]")).len(), 1, "{menu}");
    }
}

#[test]
fn dated_pages_get_an_atom_feed_linked_from_every_page() {
    let site = TestSite::fixture("minimal");
    site.build();
    let feed = site.read("public/atom.xml");
    let xml = roxmltree::Document::parse(&feed).expect("the feed is well-formed XML");
    let entries: Vec<_> = xml.descendants().filter(|n| n.has_tag_name("entry")).collect();
    let title =
        |e: &roxmltree::Node| e.children().find(|c| c.has_tag_name("title")).unwrap().text().unwrap().to_string();
    assert_eq!(entries.iter().map(title).collect::<Vec<_>>(), ["New pigment shades", "We are open"]);
    let feed_updated = xml.root_element().children().find(|c| c.has_tag_name("updated")).unwrap().text().unwrap();
    assert_eq!(feed_updated, "2026-03-05T00:00:00Z", "the feed's date comes from its newest entry");
    let content = entries[1].children().find(|c| c.has_tag_name("content")).unwrap().text().unwrap();
    assert!(content.contains("<em>day</em> &amp; more, 3 &lt; 4"), "HTML content round-trips escaped: {content}");
    let home = Html::parse_document(&site.page(""));
    assert_eq!(attr(&home, "link[type='application/atom+xml']", "href"), "/atom.xml");
    assert_eq!(attr(&home, "link[hreflang]", "hreflang"), "en");
    let post = Html::parse_document(&site.page("news/new-pigments/"));
    let article = json_ld(&post).into_iter().find(|d| d["@type"] == "Article").expect("Article JSON-LD");
    assert_eq!(
        (article["datePublished"].as_str(), article["dateModified"].as_str()),
        (Some("2026-03-01"), Some("2026-03-05"))
    );
}

#[test]
fn no_feed_without_dated_pages_and_the_sitemap_is_valid_xml() {
    let site = TestSite::fixture("minimal");
    std::fs::remove_dir_all(site.path("content/news")).unwrap();
    site.build();
    assert!(!site.path("public/atom.xml").exists());
    assert!(!site.page("").contains("application/atom+xml"));
    let sitemap = site.read("public/sitemap.xml");
    let xml = roxmltree::Document::parse(&sitemap).expect("the sitemap is well-formed XML");
    let locs: Vec<_> =
        xml.descendants().filter(|n| n.has_tag_name("loc")).map(|n| n.text().unwrap().to_string()).collect();
    assert!(locs.contains(&"https://clinic.test/process/first/".to_string()), "{locs:?}");
    assert!(
        !locs.iter().any(|l| l.contains("draft") || l == "https://clinic.test/first/"),
        "drafts and aliases stay out: {locs:?}"
    );
}

/// The "Book a consultation" link of a page's call to action, if it has one.
fn booking_link(site: &TestSite) -> Option<String> {
    let home = Html::parse_document(&site.page(""));
    let buttons = select(&home, "main .cta a.button");
    buttons.first().map(|a| a.value().attr("href").unwrap().to_string())
}

#[test]
fn booking_link_falls_back_to_the_contact_page_then_a_call_then_an_email() {
    let site = TestSite::fixture("minimal");
    let config = site.read("site.yaml").replace("  booking_url: /contact/\n", "");
    site.write("site.yaml", &config);
    site.build();
    assert_eq!(booking_link(&site).as_deref(), Some("/contact/"), "the contact page, when there is one");

    std::fs::remove_file(site.path("content/contact.md")).unwrap();
    site.build();
    assert_eq!(booking_link(&site).as_deref(), Some("tel:+14805551111"), "else a call");

    let no_phone = config.replace("  phones:\n    - { label: Service, number: \"480-555-1111\" }\n", "");
    site.write("site.yaml", &no_phone);
    site.build();
    assert_eq!(booking_link(&site).as_deref(), Some("mailto:desk@clinic.test"), "else an email");

    site.write("site.yaml", no_phone.replace("  email: desk@clinic.test\n", ""));
    let run = site.build();
    assert_eq!(booking_link(&site), None, "no button that leads nowhere");
    assert!(!run.stderr().contains("booking_url"), "no warning about a booking_url nobody wrote");
}

#[test]
fn home_page_lists_the_newest_dated_pages_first() {
    let site = TestSite::fixture("minimal");
    site.build();
    let home = Html::parse_document(&site.page(""));
    let latest: Vec<String> =
        select(&home, "main .latest a").iter().map(|a| a.value().attr("href").unwrap().into()).collect();
    assert_eq!(latest, ["/news/new-pigments/", "/news/opening/"]);
    assert_eq!(attr(&home, "main .latest time", "datetime"), "2026-03-01");
    // A page with no date is not news; one dated later goes first.
    site.write("content/news/late.md", "---\ntitle: Late news\ndescription: x\ndate: 2026-04-02\n---\nText.\n");
    site.build();
    let home = Html::parse_document(&site.page(""));
    let first = select(&home, "main .latest a")[0].value().attr("href").unwrap().to_string();
    assert_eq!(first, "/news/late/");
    let process = Html::parse_document(&site.page("process/"));
    assert!(select(&process, ".latest").is_empty(), "only the home page lists the latest news");
}
