//! `languages:` in site.yaml: the site's other languages (issue 17). Either a list of
//! codes (`languages: [es]`), or a mapping from code to that language's own settings:
//!
//! ```yaml
//! languages:
//!   es:
//!     title: La micropigmentación capilar, explicada
//!     description: Micropigmentación capilar en Phoenix
//!     menu: [{title: Inicio, url: /es/}, {title: Contacto, url: /es/contacto/}]
//!     strings: {book_consultation: Reserve su consulta gratuita}
//! ```
//!
//! The default language (`language:`, with the top-level `title`, `description`, `menu` and
//! `strings`) is always first.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;

use super::MenuItem;
use crate::error::Diagnostic;
use crate::i18n::{self, Locale};
use crate::yaml;

/// One language the site publishes.
#[derive(Debug, Clone)]
pub struct Language {
    /// As written in site.yaml, and in the files' names: `es`.
    pub code: String,
    /// The theme's words, dates and hours in this language, with its `strings:`.
    pub locale: Arc<Locale>,
    /// This language's `menu:`; generated from its pages when absent.
    pub menu: Option<Vec<MenuItem>>,
    /// The site's title in this language (the home page's `<title>`, `og:site_name`).
    pub title: String,
    /// The site's description in this language (for pages without their own).
    pub description: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    menu: Option<Vec<MenuItem>>,
    #[serde(default)]
    strings: BTreeMap<String, String>,
}

/// The other languages of `languages:` (`value`, in the file `text`), each with its
/// words; `default` holds the `title` and `description` used when a language has none
/// of its own.
pub(super) fn parse(
    value: &crate::yaml::Value,
    text: &str,
    main: &str,
    country: Option<&str>,
    default: (&str, &str),
    problems: &mut Vec<Diagnostic>,
) -> Vec<Language> {
    // A language's own key (`es:` in the mapping form), else `languages:`.
    let at = |key: &str| yaml::locate_key(text, key).or_else(|| yaml::locate_key(text, "languages")).unwrap_or((1, 1));
    let mut error = |key: &str, message: String, help: String| {
        let (line, col) = at(key);
        problems.push(Diagnostic::error(super::FILE_NAME, line, col, message).with_help(help).with_source(text));
    };
    let entries = entries(value, &mut error);
    let known = i18n::keys();
    let mut languages: Vec<Language> = Vec::new();
    for (code, settings) in entries {
        let is_suffix = i18n::is_file_code(&code);
        if code.eq_ignore_ascii_case(main) || languages.iter().any(|l| l.code.eq_ignore_ascii_case(&code)) {
            error(
                "languages",
                format!("`languages:` lists `{code}` twice (or it is also `language:`)"),
                "list each of the site's other languages once; `language:` is the main one".into(),
            );
            continue;
        }
        for key in settings.strings.keys().filter(|k| !known.contains(k)) {
            let hint = yaml::closest(key, &known).map(|b| format!("did you mean `{b}`? ")).unwrap_or_default();
            error(
                key,
                format!("`strings:` of `{code}` has no theme string called `{key}`"),
                format!("{hint}see the `strings:` keys in the README"),
            );
        }
        match Locale::new(&code, country, &settings.strings).filter(|_| is_suffix) {
            Some(locale) => languages.push(Language {
                code,
                locale: Arc::new(locale),
                menu: settings.menu,
                title: settings.title.unwrap_or_else(|| default.0.to_string()),
                description: settings.description.unwrap_or_else(|| default.1.to_string()),
            }),
            None => {
                let codes: Vec<&str> = i18n::languages().collect();
                error(
                    &code,
                    format!("the theme has no words for the language `{code}`"),
                    format!(
                        "list languages as codes the theme speaks: {} (a region may follow, e.g. `es-MX`)",
                        codes.join(", ")
                    ),
                );
            }
        }
    }
    languages
}

/// The codes of `languages:` with their settings, in either form; what cannot be read
/// is reported through `error` (key, message, help) and left out.
fn entries(value: &crate::yaml::Value, error: &mut impl FnMut(&str, String, String)) -> Vec<(String, Settings)> {
    match value {
        crate::yaml::Value::Null => Vec::new(),
        crate::yaml::Value::Sequence(codes) => codes
            .iter()
            .filter_map(|c| match c {
                crate::yaml::Value::String(code) => Some((code.clone(), Settings::default())),
                _ => {
                    error("languages", "`languages:` lists something that is not a language code".into(), example());
                    None
                }
            })
            .collect(),
        crate::yaml::Value::Mapping(map) => map
            .iter()
            .filter_map(|(code, settings)| {
                let code = code.as_str()?.to_string();
                match crate::yaml::from_value::<Option<Settings>>(settings.clone()) {
                    Ok(settings) => Some((code, settings.unwrap_or_default())),
                    Err(e) => {
                        let words = e.to_string().replace(" field", " key").replace("struct Settings", "a language");
                        error(
                            &code,
                            format!("the settings of language `{code}` are not as expected: {words}"),
                            "a language may have `title:`, `description:`, `menu:` and `strings:`".into(),
                        );
                        None
                    }
                }
            })
            .collect(),
        _ => {
            error("languages", "`languages:` is neither a list of codes nor a mapping".into(), example());
            Vec::new()
        }
    }
}

fn example() -> String {
    "write the site's other languages as codes, e.g. `languages: [es]`".into()
}

#[cfg(test)]
mod tests {
    use super::super::Config;

    const MINIMAL: &str = "title: T\nbase_url: https://x.test\nclinic: { name: C }\n";

    #[test]
    fn languages_are_a_list_or_a_mapping_after_the_main_one() {
        let c = Config::parse(&format!("{MINIMAL}languages: [es, fr]\n"), None).unwrap();
        let codes: Vec<&str> = c.languages.iter().map(|l| l.code.as_str()).collect();
        assert_eq!(codes, ["en", "es", "fr"]);
        assert_eq!(c.languages[1].locale.get("book"), "Reservar");
        let text = format!("{MINIMAL}languages:\n  es:\n    description: Hola\n    strings: {{ book: Pedir cita }}\n");
        let c = Config::parse(&text, None).unwrap();
        assert_eq!((c.languages[1].description.as_str(), c.languages[1].locale.get("book")), ("Hola", "Pedir cita"));
        assert_eq!(c.languages[0].locale.get("book"), "Book");
    }

    #[test]
    fn a_language_twice_or_unknown_or_misspelled_is_an_error_at_its_line() {
        let errs = Config::parse(&format!("{MINIMAL}languages: [en]\n"), None).unwrap_err();
        assert!(errs[0].message.contains("lists `en` twice"), "{}", errs[0].message);
        let errs = Config::parse(&format!("{MINIMAL}languages:\n  es:\n    menú: []\n"), None).unwrap_err();
        assert_eq!((errs[0].line, errs[0].col), (5, 3), "{errs:?}");
        assert!(errs[0].message.contains("unknown key `menú`"), "{}", errs[0].message);
        let errs = Config::parse(&format!("{MINIMAL}languages: 3\n"), None).unwrap_err();
        assert!(errs[0].message.contains("neither a list"), "{}", errs[0].message);
    }
}
