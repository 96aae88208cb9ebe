//! Issue 17: `brand:` in site.yaml. The logo shows in the header; the colour is checked
//! against WCAG 2.2 AA before anything is written, and a failing one is refused with the
//! nearest shade that passes.

use crate::common;

use common::TestSite;

fn with_brand(brand: &str) -> TestSite {
    let site = TestSite::fixture("minimal");
    let yaml = site.read("site.yaml");
    site.write("site.yaml", format!("{yaml}brand:\n{brand}"));
    site
}

/// The stylesheet the home page links (the theme's, with the brand's colours at its end).
fn stylesheet(site: &TestSite) -> String {
    let home = site.page("");
    let href = home.split("<link rel=\"stylesheet\" href=\"/").nth(1).and_then(|s| s.split('"').next()).unwrap();
    assert!(!home.contains("<style>"), "the brand's colours are in the stylesheet, not inline");
    site.read(&format!("public/{href}"))
}

#[test]
fn a_brand_colour_too_light_to_read_is_refused_with_a_passing_shade() {
    let site = with_brand("  color: \"#7fd3d9\"\n");
    let err = site.run(&["build"]).fails();
    assert!(err.contains("site.yaml:13:3"), "{err}");
    assert!(err.contains("#7fd3d9 is too light to read"), "{err}");
    assert!(err.contains("WCAG 2.2 AA asks for 4.5:1"), "{err}");
    assert!(!site.path("public").exists(), "a refused colour still wrote the site");

    // The suggested shade is accepted as it is.
    let suggested = err.split("use `color: \"").nth(1).and_then(|rest| rest.split('"').next()).unwrap();
    let yaml = site.read("site.yaml").replace("#7fd3d9", suggested);
    site.write("site.yaml", yaml);
    site.build();
    assert!(stylesheet(&site).contains(&format!("--accent:{suggested}")), "the shade is not used");
}

#[test]
fn a_passing_brand_colour_and_logo_reach_every_page() {
    let site = with_brand("  color: \"#0b5d5b\"\n  logo: static/images/logo.svg\n");
    site.build();
    let home = site.page("");
    let css = stylesheet(&site);
    let css = css.rsplit("\n:root{--accent:").next().unwrap();
    assert!(css.starts_with("#0b5d5b;"), "{css}");
    assert!(css.contains("@media (prefers-color-scheme: dark){:root{--accent:#"), "no dark-mode shade: {css}");
    assert!(home.contains("<img class=\"brand-logo\" src=\"/images/logo.svg\" alt=\"\""), "no logo in the header");
    assert!(site.page("process/first/").contains("class=\"brand-logo\""));
}

#[test]
fn a_missing_logo_is_an_error_at_its_line() {
    let site = with_brand("  logo: static/nope.svg\n");
    let err = site.run(&["build"]).fails();
    assert!(err.contains("site.yaml:13:3") && err.contains("the logo `static/nope.svg` is not in"), "{err}");
    assert!(!site.path("public").exists());
}

/// Issue 24: the favicon stayed teal after the brand colour changed. The built-in
/// favicon is drawn in `brand.color`; a clinic's own favicon is copied as it is.
#[test]
fn the_favicon_follows_the_brand_colour_and_a_clinics_own_is_kept() {
    let site = with_brand("  color: \"#7a1f5c\"\n");
    site.build();
    let favicon = std::fs::read_to_string(site.path("public/favicon.svg")).unwrap();
    assert!(favicon.contains("fill=\"#7a1f5c\""), "{favicon}");
    assert!(!favicon.contains("#0b5d63"), "the theme's teal is still there: {favicon}");

    let own = "<svg xmlns=\"http://www.w3.org/2000/svg\"><circle r=\"1\" fill=\"#0b5d63\"/></svg>";
    site.write("static/favicon.svg", own);
    site.build();
    assert_eq!(std::fs::read_to_string(site.path("public/favicon.svg")).unwrap(), own);
}
