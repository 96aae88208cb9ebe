//! Issue 17: the theme speaks the site's language. A Spanish site shows no English UI
//! string (text, labels or dates), and site.yaml can reword any string.

use crate::common;

use std::collections::BTreeMap;

use common::TestSite;
use scraper::{Html, Node};

/// Every piece of text a visitor or a screen reader meets on a page: text nodes outside
/// scripts and styles, and the attributes that are read out or shown. Text marked as
/// another language than the page's (`<a lang="en">English</a>` in a language switcher)
/// is left out: it is meant to be in that language.
fn visible_strings(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let page_lang = doc.root_element().attr("lang").unwrap_or_default().to_string();
    let mut out = Vec::new();
    for node in doc.tree.nodes() {
        let lang = std::iter::successors(Some(node), |n| n.parent())
            .find_map(|n| n.value().as_element().and_then(|e| e.attr("lang")));
        if lang.is_some_and(|l| l != page_lang) {
            continue;
        }
        match node.value() {
            Node::Text(text) => {
                let parent = node.parent().and_then(|p| p.value().as_element().map(|e| e.name().to_string()));
                if !matches!(parent.as_deref(), Some("script" | "style")) && !text.trim().is_empty() {
                    out.push(text.to_string());
                }
            }
            Node::Element(e) => {
                for attr in ["aria-label", "title", "alt", "content", "placeholder"] {
                    if let Some(value) = e.attr(attr) {
                        out.push(value.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The English table: key -> text.
fn english() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/i18n/en.yaml")).unwrap();
    let table: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    serde_yaml::from_value(table["strings"].clone()).unwrap()
}

fn pages(site: &TestSite) -> Vec<(String, String)> {
    common::tree(&site.path("public"))
        .into_iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(path, bytes)| (path, String::from_utf8(bytes).unwrap()))
        .collect()
}

#[test]
fn a_spanish_site_has_no_english_ui_string() {
    let site = TestSite::fixture("es");
    site.build();
    let pages = pages(&site);
    assert!(pages.len() >= 9, "{:?}", pages.iter().map(|p| &p.0).collect::<Vec<_>>());
    let found = english_in(&pages);
    assert!(found.is_empty(), "English UI strings on a `language: es` site:\n{}", found.join("\n"));
    spanish_is_there(&site);
}

/// Where `pages` show an English UI string: each English string (its parts around
/// `{n}`-style slots) that Spanish words differently, plus the English day and month
/// names and the 12-hour clock.
fn english_in(pages: &[(String, String)]) -> Vec<String> {
    let spanish = {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/i18n/es.yaml")).unwrap();
        let table: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        serde_yaml::from_value::<BTreeMap<String, String>>(table["strings"].clone()).unwrap()
    };
    // Each English string (its parts around `{n}`-style slots) that Spanish words differently,
    // plus the English day and month names and the 12-hour clock.
    let mut needles: Vec<String> = english()
        .iter()
        .filter(|(key, text)| spanish[*key] != **text)
        .flat_map(|(_, text)| text.split(['{', '}']).step_by(2).map(|p| p.trim().to_string()).collect::<Vec<_>>())
        .filter(|part| part.chars().filter(|c| c.is_alphabetic()).count() >= 3)
        .collect();
    needles.extend(["Monday", "Friday", "Saturday", "January", "February", "AM", "PM"].map(String::from));
    let patterns: Vec<(String, regex::Regex)> = needles
        .into_iter()
        .map(|n| {
            let re = regex::Regex::new(&format!(r"(^|\W){}($|\W)", regex::escape(&n))).unwrap();
            (n, re)
        })
        .collect();

    let quoted = regex::Regex::new("«[^»]*»").unwrap();
    let mut found = Vec::new();
    for (path, html) in pages {
        for text in visible_strings(html) {
            // A name quoted in «guillemets» is a title as published («Think Before You Ink»).
            let text = quoted.replace_all(&text, "«»").into_owned();
            for (needle, re) in &patterns {
                if re.is_match(&text) {
                    found.push(format!("{path}: `{needle}` in {text:?}"));
                }
            }
        }
    }
    found
}

/// The Spanish is there: words, dates, hours, labels.
fn spanish_is_there(site: &TestSite) {
    let home = site.page("");
    for expected in ["Reservar una consulta", "Saltar al contenido", "lunes–viernes 09:00–18:00", "Horario", "Menú"]
    {
        assert!(home.contains(expected), "the home page lacks {expected:?}");
    }
    let news = site.page("noticias/apertura/");
    assert!(news.contains("Publicado el <time datetime=\"2026-01-10\">10 de enero de 2026</time>"), "{news}");
    assert!(site.page("proceso/primera/").contains("Sesión 1 · Aprox. 3–4 horas"));
    assert!(site.read("public/404.html").contains("Página no encontrada"));
    assert!(site.read("public/primera/index.html").contains("Redirigiendo…"));
}

#[test]
fn site_yaml_rewords_any_theme_string() {
    let site = TestSite::fixture("es");
    let yaml = site.read("site.yaml");
    site.write("site.yaml", format!("{yaml}strings:\n  book_consultation: Pida su cita gratuita\n  home: Portada\n"));
    site.build();
    let home = site.page("");
    assert!(home.contains("Pida su cita gratuita"), "the override is not used");
    assert!(!home.contains("Reservar una consulta"), "the table's wording is still shown");
    assert!(site.page("contacto/").contains("<a href=\"/\">Portada</a>"), "the breadcrumb keeps the old word");
}

#[test]
fn an_unknown_string_or_language_is_an_error_at_its_line() {
    let site = TestSite::fixture("es");
    let yaml = site.read("site.yaml");
    site.write("site.yaml", format!("{yaml}strings:\n  book_consultaton: Pida su cita\n"));
    let err = site.run(&["build"]).fails();
    assert!(err.contains("site.yaml:15:3"), "{err}");
    assert!(err.contains("did you mean `book_consultation`?"), "{err}");
    assert!(!site.path("public").exists(), "a failed build wrote output");

    site.write("site.yaml", yaml.replace("language: es", "language: nl"));
    let err = site.run(&["build"]).fails();
    assert!(err.contains("site.yaml:4:1") && err.contains("language: nl"), "{err}");
}

#[test]
fn the_spanish_starter_has_no_english_ui_string() {
    let site = TestSite::empty();
    let root = site.root().to_str().unwrap().to_string();
    site.run(&["init", &root, "--language", "es"]).success();
    let built = site.build();
    // Its only warnings are the placeholders a clinic replaces (issue 24).
    let stderr = built.stderr();
    let others: Vec<&str> =
        stderr.lines().filter(|l| l.contains("warning[") && !l.contains("warning[content/placeholder]")).collect();
    assert!(others.is_empty(), "the starter builds without other warnings: {stderr}");
    assert!(stderr.contains("warning[content/placeholder]"), "{stderr}");
    let pages = pages(&site);
    assert!(pages.len() >= 6, "{:?}", pages.iter().map(|p| &p.0).collect::<Vec<_>>());
    let found = english_in(&pages);
    assert!(found.is_empty(), "English UI strings in `init --language es`:\n{}", found.join("\n"));
    let home = site.page("");
    assert!(home.contains("<html lang=\"es\">") && home.contains("Micropigmentación capilar, explicada"), "{home}");
    assert!(site.page("preguntas-frecuentes/").contains("¿Duele?"));
}

#[test]
fn the_spanish_pages_of_a_bilingual_site_have_no_english_ui_string() {
    let site = TestSite::fixture("bilingual");
    site.build();
    let spanish: Vec<(String, String)> = pages(&site).into_iter().filter(|(path, _)| path.starts_with("es/")).collect();
    assert!(spanish.len() >= 6, "{:?}", spanish.iter().map(|p| &p.0).collect::<Vec<_>>());
    let found = english_in(&spanish);
    assert!(found.is_empty(), "English UI strings under /es/:\n{}", found.join("\n"));
}
