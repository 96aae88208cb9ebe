//! Issue 12, item 7: no URL that runs code. `javascript:`, `vbscript:` and `data:` URLs
//! (other than `data:image/…` in images) are errors at their line wherever the site
//! shows them, in every disguise a browser still runs; e-mail autolinks stay links.

use crate::common;

use common::TestSite;

/// The minimal fixture with `edit` applied, and the failed build's stderr; nothing was written.
fn fails(edit: impl FnOnce(&TestSite)) -> String {
    let site = TestSite::fixture("minimal");
    edit(&site);
    let err = site.run(&["build"]).fails();
    assert!(!site.path("public").exists(), "a failed build wrote output");
    err
}

fn append(site: &TestSite, rel: &str, text: &str) {
    let old = site.read(rel);
    site.write(rel, format!("{old}{text}"));
}

#[test]
fn email_autolinks_build_as_mailto_links() {
    let site = TestSite::fixture("minimal");
    append(&site, "content/contact.md", "\nWrite to <someone@example.org> or [call](tel:+14805551111).\n");
    site.build();
    let page = site.page("contact/");
    assert!(page.contains(r#"<a href="mailto:someone@example.org">someone@example.org</a>"#), "{page}");
}

#[test]
fn script_links_in_bodies_faq_answers_and_images_are_errors_at_their_line() {
    let err = fails(|s| {
        append(s, "content/contact.md", "\n[Book](&#106;avascript:alert(1))\n");
        append(s, "content/faq.md", "\n## Safe?\n\nSee [this](<VBScript:msgbox(1)>).\n");
        append(s, "content/process/first.md", "\n![x](data:text/html;base64,PHNjcmlwdD4=)\n");
    });
    assert!(
        err.contains("content/contact.md:10:1: error: the link `javascript:alert(1)` runs a script (`javascript:`)"),
        "{err}"
    );
    assert!(err.contains("content/faq.md:19:5: error: the link `VBScript:msgbox(1)` runs a script"), "{err}");
    assert!(err.contains("content/process/first.md:17:1: error: the image `data:text/html"), "{err}");
    assert!(err.contains("3 errors found"), "{err}");
}

#[test]
fn script_links_in_aftercare_and_healing_items_are_errors_at_the_item() {
    let err = fails(|s| {
        let text = s
            .read("content/process/first.md")
            .replace("\"No sun\"", "\"[No sun](<java\tscript:alert(1)>)\"")
            .replace("mild* tenderness.", "mild* [tenderness](javascript:x).");
        s.write("content/process/first.md", text);
    });
    assert!(err.contains("content/process/first.md:8:25: error: the link `javascript:x` runs a script"), "{err}");
    assert!(
        err.contains("content/process/first.md:11:3: error: the link `java\tscript:alert(1)` runs a script"),
        "{err}"
    );
}

#[test]
fn script_urls_in_site_yaml_are_errors_at_their_line() {
    let err = fails(|s| {
        let text = s.read("site.yaml").replace("booking_url: /contact/", "booking_url: \" javascript:alert(1)\"");
        s.write("site.yaml", format!("{text}menu:\n  - {{ title: X, url: \"data:text/html,hi\" }}\n"));
    });
    assert!(
        err.contains("site.yaml:10:16: error: `booking_url:  javascript:alert(1)` runs code (`javascript:`)"),
        "{err}"
    );
    assert!(err.contains("site.yaml:13:22: error: `url: data:text/html,hi` runs code (`data:`)"), "{err}");
}

#[test]
fn data_images_and_ordinary_links_pass() {
    let site = TestSite::fixture("minimal");
    append(
        &site,
        "content/contact.md",
        "\n![Dot](data:image/gif;base64,R0lGODlhAQABAAAAACw=) [Map](https://maps.example.org/?q=javascript:)\n",
    );
    site.build();
    assert!(site.page("contact/").contains("src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\""));
}

/// F4: the theme shows `aftercare:` items and `healing[].expect` as Markdown, raw HTML
/// included, so `content/raw-html` covers them as it covers the body, at the same level
/// and at the item's line and column.
#[test]
fn raw_html_in_aftercare_and_healing_items_trips_content_raw_html() {
    let site = TestSite::fixture("minimal");
    let text = site
        .read("content/process/first.md")
        .replace("\"No sun\"", "\"No sun <script>alert(1)</script>\"")
        .replace("mild* tenderness.", "mild* <img src=x onerror=alert(1)>.");
    site.write("content/process/first.md", text);
    site.write("site.yaml", format!("{}lint:\n  levels:\n    content/raw-html: error\n", site.read("site.yaml")));
    let err = site.run(&["build"]).fails();
    assert!(!site.path("public").exists(), "a failed build wrote output");
    assert!(err.contains("content/process/first.md:8:61: error[content/raw-html]: raw HTML with `onerror=`"), "{err}");
    assert!(err.contains("content/process/first.md:11:13: error[content/raw-html]: raw HTML with `<script`"), "{err}");
}

/// F6: `base_url` is written into robots.txt, the sitemap and every canonical link, so
/// a line break or a quote in it rewrites those files; it must be a plain web address.
#[test]
fn base_url_with_line_breaks_spaces_or_markup_is_an_error_at_its_line() {
    let err = fails(|s| {
        let text = s
            .read("site.yaml")
            .replace("base_url: https://clinic.test", "base_url: \"https://x.com/\\nDisallow: /\\n\"");
        s.write("site.yaml", text);
    });
    assert!(
        err.contains("site.yaml:3:1: error: `base_url` is not a web address a browser can open: it has a line break"),
        "{err}"
    );
    assert!(err.contains("help: "), "{err}");
    for bad in ["https://clinic.test/\"><script>", "https://clinic .test/", "https://clinic.test/<x>"] {
        let site = TestSite::fixture("minimal");
        let err = site.run(&["build", "--base-url", bad]).fails();
        assert!(err.contains("--base-url"), "{bad}: {err}");
        assert!(err.contains("is not a web address a browser can open"), "{bad}: {err}");
        assert!(!site.path("public").exists(), "{bad}: a failed build wrote output");
    }
    for good in ["http://127.0.0.1:18080/", "https://clinic.example/sub/", "https://[::1]:8080/x"] {
        let site = TestSite::fixture("minimal");
        site.run(&["build", "--base-url", good]).success();
        assert!(site.read("public/robots.txt").contains(&format!("Sitemap: {good}")), "{good}");
    }
}
