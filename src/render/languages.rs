//! A page's language as the templates see it (issue 17): its code for `<html lang>`,
//! the `hreflang` alternates, the language switcher, and the note on a page that is
//! not translated. On a site in one language these are the page's own language and
//! nothing more.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::{Value, json};

use crate::config::{Config, Language};
use crate::i18n::Locale;
use crate::site::{PageId, Site};

/// The settings of language `lang` (an index into [`Site::languages`]). A code that
/// site.yaml does not list (an error `site::languages::check` reports) reads as the
/// default language.
pub(super) fn language<'a>(config: &'a Config, site: &Site, lang: usize) -> &'a Language {
    let code = site.languages.get(lang).filter(|_| lang > 0);
    code.and_then(|code| config.languages.iter().skip(1).find(|l| l.code.eq_ignore_ascii_case(code)))
        .unwrap_or(&config.languages[0])
}

pub(super) fn locale<'a>(config: &'a Config, site: &Site, lang: usize) -> &'a Locale {
    &language(config, site, lang).locale
}

/// An `hreflang` alternate of a page: `<link rel="alternate" hreflang href>`.
#[derive(Serialize)]
pub(super) struct Alternate {
    hreflang: String,
    href: String,
}

/// The same page in another language, for the switcher: its translation, else that
/// language's home page (`translated` tells which).
#[derive(Serialize)]
pub(super) struct Switch<'a> {
    code: &'a str,
    /// The language's own name for itself: `Español`.
    name: &'a str,
    url: String,
    translated: bool,
}

/// On a page of the default language that a language lacks: "Esta página solo está
/// disponible en inglés", in that language, with a link to its home page.
#[derive(Serialize)]
pub(super) struct Note<'a> {
    code: &'a str,
    text: String,
    home_url: String,
    home_text: &'a str,
}

/// What a page shows of its languages.
#[derive(Serialize, Default)]
pub(super) struct PageLanguages<'a> {
    pub language: &'a str,
    pub alternates: Vec<Alternate>,
    pub translations: Vec<Switch<'a>>,
    pub translation_notes: Vec<Note<'a>>,
}

pub(super) fn page_languages<'a>(config: &'a Config, site: &Site, id: PageId) -> PageLanguages<'a> {
    let page = &site.pages[id];
    let own = language(config, site, page.lang);
    if site.languages.len() < 2 {
        let alternates = vec![Alternate { hreflang: own.code.clone(), href: config.permalink(&page.path) }];
        return PageLanguages { language: &own.code, alternates, ..PageLanguages::default() };
    }
    let mut alternates = Vec::new();
    let mut translations = Vec::new();
    let mut translation_notes = Vec::new();
    let main = &config.languages[0];
    for (lang, other) in page.translations.iter().enumerate() {
        let theirs = language(config, site, lang);
        if let Some(other) = other {
            alternates
                .push(Alternate { hreflang: theirs.code.clone(), href: config.permalink(&site.pages[*other].path) });
        }
        if lang == page.lang {
            continue;
        }
        let target = other.unwrap_or_else(|| site.home_of(lang));
        let name = theirs.locale.get("language_name");
        translations.push(Switch {
            code: &theirs.code,
            name,
            url: config.url(&site.pages[target].path),
            translated: other.is_some(),
        });
        if other.is_none() && page.lang == 0 {
            let in_main = theirs.locale.get(&format!("name_{}", base(&main.code))).to_string();
            translation_notes.push(Note {
                code: &theirs.code,
                text: theirs.locale.get("only_available_in").replace("{language}", &in_main),
                home_url: config.url(&site.pages[site.home_of(lang)].path),
                home_text: theirs.locale.get("go_home"),
            });
        }
    }
    if let Some(Some(first)) = page.translations.first() {
        alternates.push(Alternate { hreflang: "x-default".into(), href: config.permalink(&site.pages[*first].path) });
    }
    PageLanguages { language: &own.code, alternates, translations, translation_notes }
}

/// `es-MX` -> `es`.
fn base(code: &str) -> String {
    code.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase()
}

/// The generated menu of language `lang`: its home page, then the default language's
/// top-level pages, each in this language when translated, else as it is (marked with
/// its language, so the link says it leads to another language).
pub(super) fn generated_nav(config: &Config, site: &Site, lang: usize) -> Vec<Value> {
    let home = &site.pages[site.home];
    let mut top: Vec<PageId> = home.subsections.iter().chain(&home.pages).copied().collect();
    top.sort_by_key(|&id| {
        (site.pages[id].doc.meta.fm.weight.unwrap_or(i64::MAX), site.pages[id].title().to_lowercase())
    });
    let words = locale(config, site, lang);
    let mut nav = vec![json!({"title": words.get("home"), "url": config.url(&site.pages[site.home_of(lang)].path)})];
    for id in top {
        let shown = site.in_language(id, lang);
        let page = &site.pages[shown];
        let mut item = json!({"title": page.menu_title(), "url": config.url(&page.path)});
        if page.lang != lang {
            item["lang"] = json!(language(config, site, page.lang).code);
        }
        nav.push(item);
    }
    nav
}

/// The titles of GitHub-style alerts (`> [!NOTE]`), which `markdown` writes in English,
/// in the page's language.
pub(super) fn alert_titles<'h>(html: Cow<'h, str>, words: &Locale) -> Cow<'h, str> {
    const OPEN: &str = "<p class=\"markdown-alert-title\">";
    if !html.contains(OPEN) {
        return html;
    }
    let mut html = html.into_owned();
    for (kind, english) in
        [("note", "Note"), ("tip", "Tip"), ("important", "Important"), ("warning", "Warning"), ("caution", "Caution")]
    {
        let key = format!("alert_{kind}");
        let title = words.get(&key);
        if title != english {
            let escaped = title.replace('&', "&amp;").replace('<', "&lt;");
            html = html.replace(&format!("{OPEN}{english}</p>"), &format!("{OPEN}{escaped}</p>"));
        }
    }
    Cow::Owned(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alert_titles_read_in_the_page_language() {
        let es = Locale::new("es", None, &Default::default()).unwrap();
        let html = "<div class=\"markdown-alert markdown-alert-warning\">\n<p class=\"markdown-alert-title\">Warning</p>\n<p>Warning: x</p>";
        let out = alert_titles(Cow::Borrowed(html), &es);
        assert!(out.contains("<p class=\"markdown-alert-title\">Advertencia</p>"), "{out}");
        assert!(out.contains("<p>Warning: x</p>"));
        let en = Locale::new("en", None, &Default::default()).unwrap();
        assert_eq!(alert_titles(Cow::Borrowed(html), &en), html);
    }
}
