//! The site `smpsite init` writes becomes the clinic's own (issue 24): its details come
//! from site.yaml alone, and `check` tells a starter from a clinic.

use crate::common;

use common::TestSite;

/// An `init`ed site in `language` with every clinic detail of its site.yaml changed.
fn init_and_change_every_detail(language: &str, old: &[&str], new: &[&str]) -> TestSite {
    let site = TestSite::empty();
    site.run(&["init", "--language", language, site.root().to_str().unwrap()]).success();
    let mut yaml = site.read("site.yaml");
    for (old, new) in old.iter().zip(new) {
        assert!(yaml.contains(old), "site.yaml of `init --language {language}` has no `{old}`");
        yaml = yaml.replace(old, new);
    }
    site.write("site.yaml", yaml);
    site
}

/// Every text file of `public/` that still holds one of `old`, with the value.
fn stale(site: &TestSite, old: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for (path, bytes) in site.output() {
        let Ok(text) = String::from_utf8(bytes) else { continue };
        for value in old {
            if text.contains(value) {
                found.push(format!("{path}: {value}"));
            }
        }
    }
    found
}

#[test]
fn every_clinic_detail_of_the_english_starter_comes_from_site_yaml() {
    // Name, both phones, street, town, region, postal code, email, web address, hours.
    let old = [
        "Example SMP Studio",
        "480-555-0100",
        "833-555-0199",
        "1 Main St",
        "Scottsdale",
        "region: AZ",
        "85251",
        "hello@example-clinic.com",
        "www.example-clinic.com",
        "Mo-Fr 09:00-18:00",
        "Sa 10:00-14:00",
    ];
    let new = [
        "Northside Hair Pigment",
        "303-867-5309",
        "720-867-5310",
        "77 Elm Road",
        "Boulder",
        "region: CO",
        "80302",
        "desk@northside.test",
        "www.northside.test",
        "Tu-Fr 08:30-17:30",
        "Sa 09:00-13:00",
    ];
    let site = init_and_change_every_detail("en", &old, &new);
    site.build();
    // How the old details read on a page, in every form a page could show them.
    let shown = [
        "Example SMP Studio",
        "480-555-0100",
        "4805550100",
        "833-555-0199",
        "8335550199",
        "1 Main St",
        "Scottsdale",
        "Arizona",
        ", AZ",
        "85251",
        "example-clinic.com",
        "Monday–Friday",
        "Monday to Friday",
        "10:00",
        "10\u{a0}AM",
        "6\u{a0}PM",
    ];
    assert_eq!(stale(&site, &shown), Vec::<String>::new());
    let contact = site.page("contact/");
    for value in ["Northside Hair Pigment", "303-867-5309", "720-867-5310", "77 Elm Road, Boulder, CO 80302"] {
        assert!(contact.contains(value), "the contact page does not show {value}");
    }
}

#[test]
fn every_clinic_detail_of_the_spanish_starter_comes_from_site_yaml() {
    let old = [
        "Estudio SMP de Ejemplo",
        "+34 910 000 000",
        "Calle Mayor 1",
        "Madrid",
        "28013",
        "hola@clinica-ejemplo.es",
        "www.clinica-ejemplo.es",
        "Mo-Fr 10:00-19:00",
        "Sa 10:00-14:00",
    ];
    let new = [
        "Clínica Capilar Norte",
        "+34 944 123 456",
        "Gran Vía 20",
        "Bilbao",
        "48001",
        "cita@norte.test",
        "www.norte.test",
        "Tu-Fr 09:30-18:30",
        "Sa 09:00-13:00",
    ];
    let site = init_and_change_every_detail("es", &old, &new);
    site.build();
    let shown = [
        "Estudio SMP de Ejemplo",
        "910 000 000",
        "910000000",
        "Calle Mayor",
        "Madrid",
        "28013",
        "clinica-ejemplo.es",
        "lunes–viernes",
        "10:00",
        "19:00",
    ];
    assert_eq!(stale(&site, &shown), Vec::<String>::new());
}

/// Issue 24: the Spanish starter had two session pages and a near-empty "Qué esperar".
/// It now has the English example's pages, and shows the same photos.
#[test]
fn the_spanish_starter_has_as_many_pages_and_photos_as_the_english_one() {
    let built = |language: &str| {
        let site = TestSite::empty();
        site.run(&["init", "--language", language, site.root().to_str().unwrap()]).success();
        let out = site.build().stdout();
        let pages = out.split("Built ").nth(1).and_then(|s| s.split(' ').next()).map(str::to_string);
        let photos = site.output().iter().filter(|(path, _)| path.ends_with(".jpg") || path.ends_with(".svg")).count();
        (pages, photos)
    };
    let english = built("en");
    assert!(english.1 >= 27, "the English example shows its 24 gallery photos and 3 more: {english:?}");
    assert_eq!(built("es"), english);
}

#[test]
fn an_unknown_clinic_detail_is_an_error_at_its_braces_with_a_did_you_mean() {
    let site = TestSite::fixture("minimal");
    let page = "---\ntitle: Prices\ndescription: What SMP costs here.\n---\nCall {{ clinic.phone }}.\n\nAsk {{ clinic.nmae }} or write `{{ as is }}` and \\{{ this }}.\n";
    site.write("content/prices.md", page);
    let err = site.run(&["build"]).fails();
    assert!(err.contains("content/prices.md:7:5:"), "{err}");
    assert!(err.contains("did you mean `{{ clinic.name }}`?"), "{err}");
    assert!(err.contains("write `\\{{`"), "{err}");
    assert!(!site.path("public/prices/index.html").exists());
}

/// A title showed `About {{ clinic.name }}` in the tab and the menu: details are filled in
/// page text only, so braces in a title are an error at its line, not published.
#[test]
fn a_clinic_detail_in_a_title_or_description_is_an_error_not_published_braces() {
    let site = TestSite::fixture("minimal");
    site.write(
        "content/team.md",
        "---\ntitle: \"About {{ clinic.name }}\"\ndescription: \"Who works at {{ clinic.name }}.\"\n---\nWe are {{ clinic.name }}.\n",
    );
    let out = site.run(&["build", "--quiet", "-o", site.scratch().join("out").to_str().unwrap()]).fails();
    for (line, key) in [(2, "title"), (3, "description")] {
        let expected = format!(
            "content/team.md:{line}:1: error: `{key}` names a clinic detail in `{{{{ }}}}`, which is filled in only in the page's text"
        );
        assert!(out.contains(&expected), "missing {expected:?} in:\n{out}");
    }
    assert!(!site.scratch().join("out/team/index.html").exists(), "nothing published");
}

#[test]
fn code_and_an_escaped_brace_show_the_braces_themselves() {
    let site = TestSite::fixture("minimal");
    let page = "---\ntitle: Prices\ndescription: What SMP costs here.\n---\nAt {{ clinic.name }}: `{{ as is }}` and \\{{ this }}.\n";
    site.write("content/prices.md", page);
    site.build();
    let html = site.page("prices/");
    let name = site.read("site.yaml").lines().find_map(|l| l.trim().strip_prefix("name: ").map(str::to_string));
    let name = name.expect("the fixture names its clinic");
    assert!(
        html.contains(&format!("At {}: <code>{{{{ as is }}}}</code> and {{{{ this }}}}.", name.trim_matches('"'))),
        "{html}"
    );
}

#[test]
fn check_lists_the_placeholders_of_an_untouched_starter_and_init_names_three_to_change() {
    let site = TestSite::empty();
    let init = site.run(&["init", site.root().to_str().unwrap()]).success();
    assert!(init.stdout().contains("Change these three first:"), "{}", init.stdout());
    // Every placeholder, as init's message asks for them (without --verbose, the first
    // three of the rule and a count).
    let check = site.run(&["check", "--verbose"]);
    let out = check.stdout() + &check.stderr();
    for expected in [
        "site.yaml:7:9: warning[content/placeholder]: `Example SMP Studio` is the example clinic's detail",
        "`555-0100` is a 555-01xx number",
        "`example-clinic.com` is an example address",
        "content/about.md",
        "practitioner 1 of `team` has no `name`, `training`, `years`, `licence`, `photo` yet",
        "content/expectations/prices.md",
        "this page still shows the starter's 12 generated illustrations",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
    // The text `new` writes is a placeholder too, once it is no longer a draft.
    site.run(&["new", "page", "Our prices"]).success();
    let page = site.read("content/our-prices.md").replace("draft: true\n", "");
    site.write("content/our-prices.md", page);
    let check = site.run(&["check", "--verbose"]);
    let check = check.stdout() + &check.stderr();
    assert!(
        check.contains("content/our-prices.md:3:15: warning[content/placeholder]: `One sentence about this page")
            && check.contains("content/our-prices.md:5:1: warning[content/placeholder]: `Write the page here.`"),
        "{check}"
    );
}

#[test]
fn the_repository_example_turns_the_placeholder_rule_off_and_passes_deny_warnings() {
    let site = TestSite::example();
    site.run(&["check", "--deny-warnings"]).success();
}

/// `init --language es` named the English starter's files (`content/about.md`) as the
/// things to change first; each starter now names its own, and they exist.
#[test]
fn init_names_the_starters_own_files_to_change_first() {
    for (language, profile, gallery) in [
        ("en", "content/about.md", "content/expectations/gallery/"),
        ("es", "content/sobre-nosotros.md", "content/expectativas/galeria/"),
    ] {
        let site = TestSite::empty();
        let out = site.run(&["init", "--language", language, site.root().to_str().unwrap()]).success().stdout();
        assert!(out.contains(&format!("  2. {profile}: who will treat clients")), "{language}: {out}");
        assert!(out.contains(&format!("  3. {gallery}: generated illustrations")), "{language}: {out}");
        assert!(site.path(profile).is_file() && site.path(gallery).is_dir(), "{language}: {profile}, {gallery}");
    }
}
