//! Issue 17, item 6: one site in several languages. `tests/fixtures/bilingual` is in
//! English with Spanish translations (`about.es.md`) of all but the FAQ page.

use crate::common;

use common::TestSite;
use scraper::{Html, Selector};

fn select<'a>(html: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    html.select(&Selector::parse(css).unwrap()).collect()
}

/// `hreflang` -> `href` of a page's `<link rel="alternate" hreflang>`.
fn alternates(html: &str) -> Vec<(String, String)> {
    let doc = Html::parse_document(html);
    select(&doc, "link[rel=alternate][hreflang]")
        .iter()
        .map(|l| (l.attr("hreflang").unwrap().to_string(), l.attr("href").unwrap().to_string()))
        .collect()
}

fn built() -> TestSite {
    let site = TestSite::fixture("bilingual");
    site.build();
    site
}

#[test]
fn translations_are_published_below_their_language_with_reciprocal_hreflang() {
    let site = built();
    let pairs =
        [("", "es/"), ("about/", "es/sobre-la-clinica/"), ("contact/", "es/contacto/"), ("process/", "es/proceso/")];
    for (en, es) in pairs {
        let (en_html, es_html) = (site.page(en), site.page(es));
        assert!(en_html.contains("<html lang=\"en\">"), "{en}");
        assert!(es_html.contains("<html lang=\"es\">"), "{es}");
        let expected = vec![
            ("en".to_string(), format!("https://clinic.test/{en}")),
            ("es".to_string(), format!("https://clinic.test/{es}")),
            ("x-default".to_string(), format!("https://clinic.test/{en}")),
        ];
        // The same set on both pages: each names the other, and itself.
        assert_eq!(alternates(&en_html), expected, "{en}");
        assert_eq!(alternates(&es_html), expected, "{es}");
    }
    // A session translated with its own slug, under the translated section's.
    let first = site.page("es/proceso/primera-sesion/");
    assert!(first.contains("Primera sesión"));
    // Its link to `second.md` (not translated) leads to the English page.
    assert!(first.contains("href=\"/process/second/\""), "{first}");
}

#[test]
fn the_switcher_links_the_same_page_in_the_other_language() {
    let site = built();
    for (page, other, code, name) in
        [("about/", "/es/sobre-la-clinica/", "es", "Español"), ("es/sobre-la-clinica/", "/about/", "en", "English")]
    {
        let html = site.page(page);
        let doc = Html::parse_document(&html);
        let links = select(&doc, ".language-switch a");
        assert_eq!(links.len(), 1, "{page}");
        let link = links[0];
        assert_eq!(link.attr("href"), Some(other), "{page}");
        assert_eq!((link.attr("lang"), link.attr("hreflang")), (Some(code), Some(code)), "{page}");
        assert_eq!(link.text().collect::<String>(), name);
        // The phone's menu has it too.
        assert!(select(&doc, ".menu .menu-language a").iter().any(|a| a.attr("href") == Some(other)), "{page}");
        // The switcher is named in the page's language.
        let label = if code == "es" { "Language" } else { "Idioma" };
        assert_eq!(select(&doc, "nav.language-switch")[0].attr("aria-label"), Some(label));
    }
}

#[test]
fn each_language_has_its_menu_strings_dates_and_404_page() {
    let site = built();
    let es = site.page("es/sobre-la-clinica/");
    let doc = Html::parse_document(&es);
    let menu: Vec<(String, Option<String>)> = select(&doc, ".site-nav a")
        .iter()
        .map(|a| (a.attr("href").unwrap().to_string(), a.attr("lang").map(String::from)))
        .collect();
    // Spanish pages where translated; the FAQ in English, marked as English.
    assert!(menu.contains(&("/es/".into(), None)), "{menu:?}");
    assert!(menu.contains(&("/es/sobre-la-clinica/".into(), None)), "{menu:?}");
    assert!(menu.contains(&("/es/contacto/".into(), None)), "{menu:?}");
    assert!(menu.contains(&("/faq/".into(), Some("en".into()))), "{menu:?}");
    assert!(!menu.iter().any(|(url, _)| url == "/about/"), "{menu:?}");
    assert!(
        es.contains("Reservar una consulta") && es.contains("href=\"/es/contacto/\""),
        "booking leads to /es/contacto/"
    );
    assert!(es.contains("1 de marzo de 2026"), "the date in Spanish");
    assert!(es.contains("<p class=\"markdown-alert-title\">Nota</p>"), "the alert's title in Spanish");
    assert!(es.contains("lunes–viernes 09:00–17:00"), "the hours in Spanish");
    let en = site.page("about/");
    assert!(en.contains("March 1, 2026") && en.contains("<p class=\"markdown-alert-title\">Note</p>"));
    assert!(en.contains("Book a consultation") && !en.contains("Reservar una consulta"));
    let home = site.page("es/");
    assert!(home.contains("<title>Clínica de prueba — Test SMP Clinic, Tempe</title>"), "the Spanish site title");
    assert!(home.contains("\"name\":\"Clínica de prueba\"") && home.contains("dos idiomas"), "the Spanish JSON-LD");
    assert!(site.page("").contains("<title>Test Clinic — Test SMP Clinic, Tempe</title>"));
    let not_found = site.read("public/es/404.html");
    assert!(not_found.contains("<html lang=\"es\">") && not_found.contains("Página no encontrada"));
    assert!(site.read("public/404.html").contains("Page not found"));
    // A translation's old address redirects in its language.
    let moved = site.read("public/es/primera/index.html");
    assert!(moved.contains("<html lang=\"es\">") && moved.contains("Redirigiendo…"), "{moved}");
    assert!(moved.contains("https://clinic.test/es/proceso/primera-sesion/"));
}

#[test]
fn an_untranslated_page_says_so_in_the_missing_language() {
    let site = built();
    let faq = site.page("faq/");
    let doc = Html::parse_document(&faq);
    let notes = select(&doc, "p.translation-note");
    assert_eq!(notes.len(), 1, "{faq}");
    assert_eq!(notes[0].attr("lang"), Some("es"));
    assert!(notes[0].text().collect::<String>().contains("Esta página solo está disponible en inglés."));
    assert!(select(&doc, "p.translation-note a[href='/es/'][hreflang=es]").len() == 1);
    // The switcher leads to the Spanish home page; hreflang names only what exists.
    assert_eq!(select(&doc, ".language-switch a")[0].attr("href"), Some("/es/"));
    assert_eq!(
        alternates(&faq),
        [
            ("en".to_string(), "https://clinic.test/faq/".to_string()),
            ("x-default".into(), "https://clinic.test/faq/".into())
        ]
    );
    // Translated pages carry no note.
    assert!(!site.page("about/").contains("translation-note"));
    assert!(!site.page("es/sobre-la-clinica/").contains("translation-note"));
}

#[test]
fn the_sitemap_and_structured_data_name_each_language() {
    let site = built();
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.contains("xmlns:xhtml=\"http://www.w3.org/1999/xhtml\""));
    let about = sitemap.split("<url>").find(|u| u.contains("<loc>https://clinic.test/about/</loc>")).unwrap();
    assert!(
        about.contains(
            "<xhtml:link rel=\"alternate\" hreflang=\"es\" href=\"https://clinic.test/es/sobre-la-clinica/\"/>"
        ),
        "{about}"
    );
    assert!(about.contains("<xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"https://clinic.test/about/\"/>"));
    assert!(
        about.contains("<xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"https://clinic.test/about/\"/>")
    );
    let sobre =
        sitemap.split("<url>").find(|u| u.contains("<loc>https://clinic.test/es/sobre-la-clinica/</loc>")).unwrap();
    assert!(sobre.contains("hreflang=\"en\" href=\"https://clinic.test/about/\""), "reciprocal: {sobre}");
    let faq = sitemap.split("<url>").find(|u| u.contains("<loc>https://clinic.test/faq/</loc>")).unwrap();
    assert!(!faq.contains("xhtml:link"), "an untranslated page has no alternates: {faq}");
    assert!(sitemap.contains("<loc>https://clinic.test/es/proceso/primera-sesion/</loc>"));

    for (page, lang) in
        [("", "en"), ("es/", "es"), ("es/contacto/", "es"), ("contact/", "en"), ("es/sobre-la-clinica/", "es")]
    {
        let html = site.page(page);
        assert!(html.contains(&format!("\"inLanguage\":\"{lang}\"")), "{page} has no inLanguage {lang}");
    }
}

#[test]
fn a_file_in_a_language_the_site_does_not_list_is_an_error() {
    let site = TestSite::fixture("bilingual");
    site.write("content/contact.fr.md", "---\ntitle: Contact\n---\nAppelez-nous.\n");
    let err = site.run(&["build"]).fails();
    assert!(err.contains("content/contact.fr.md"), "{err}");
    assert!(err.contains("named as a translation into `fr`") && err.contains("site.yaml does not list"), "{err}");
    assert!(err.contains("languages: [es, fr]"), "the fix is spelled out: {err}");
}

#[test]
fn a_translation_of_a_page_that_does_not_exist_is_an_error() {
    let site = TestSite::fixture("bilingual");
    site.write("content/prices.es.md", "---\ntitle: Precios\n---\nPrecios.\n");
    let err = site.run(&["build"]).fails();
    assert!(err.contains("content/prices.es.md:1:1"), "{err}");
    assert!(err.contains("there is no content/prices.md"), "{err}");
}

#[test]
fn a_listed_language_needs_its_home_page() {
    let site = TestSite::fixture("bilingual");
    std::fs::remove_file(site.path("content/_index.es.md")).unwrap();
    let err = site.run(&["build"]).fails();
    assert!(err.contains("content/_index.es.md, does not exist"), "{err}");
    assert!(err.contains("translate the home page first"), "{err}");
}

#[test]
fn an_alias_or_page_may_not_take_another_languages_address() {
    let site = TestSite::fixture("bilingual");
    site.write(
        "content/faq.md",
        "---\ntitle: Questions\nfaq: true\naliases: [\"/es/contacto/\"]\n---\n## Does it hurt?\n\nA little.\n",
    );
    let err = site.run(&["build"]).fails();
    assert!(err.contains("content/faq.md"), "{err}");
    assert!(err.contains("/es/contacto/"), "{err}");
}

#[test]
fn a_language_can_have_its_own_menu_and_words() {
    let site = TestSite::fixture("bilingual");
    let yaml = site.read("site.yaml").replace(
        "    description: Un sitio pequeño en dos idiomas, para las pruebas.\n",
        "    description: Un sitio pequeño en dos idiomas, para las pruebas.\n    menu:\n      - { title: Empezar, url: /es/ }\n      - { title: Escríbanos, url: /es/contacto/ }\n    strings:\n      book_consultation: Pida su cita\n",
    );
    site.write("site.yaml", yaml);
    site.build();
    let es = site.page("es/sobre-la-clinica/");
    let doc = Html::parse_document(&es);
    let menu: Vec<String> = select(&doc, ".site-nav a").iter().map(|a| a.text().collect()).collect();
    assert_eq!(menu, ["Empezar", "Escríbanos"]);
    assert!(es.contains("Pida su cita") && !es.contains("Reservar una consulta"));
    // The main language keeps its generated menu and words.
    let en = site.page("about/");
    assert!(en.contains("Book a consultation") && !en.contains("Escríbanos"));
}

#[test]
fn a_listed_language_must_be_one_the_theme_speaks() {
    let site = TestSite::fixture("bilingual");
    let yaml = site.read("site.yaml").replace("languages:\n  es:", "languages:\n  nl: {}\n  es:");
    site.write("site.yaml", yaml);
    let err = site.run(&["build"]).fails();
    assert!(err.contains("site.yaml:6:3"), "the error points at `nl:`: {err}");
    assert!(err.contains("the theme has no words for the language `nl`"), "{err}");
}

#[test]
fn a_file_named_in_the_main_language_is_an_error_that_names_the_right_name() {
    let site = TestSite::fixture("bilingual");
    site.write("content/prices.en.md", "---\ntitle: Prices\n---\nPrices.\n");
    let err = site.run(&["build"]).fails();
    assert!(err.contains("content/prices.en.md"), "{err}");
    assert!(
        err.contains("`en` is the site's main language") && err.contains("rename the file to content/prices.md"),
        "{err}"
    );
}
