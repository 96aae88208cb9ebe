//! `site.yaml` -> a validated [`Config`]. Unknown keys are errors that name the key and
//! its line (typos must not silently vanish); `extra` holds free-form data.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::color::{self, Palette, Rgb};
use crate::error::Diagnostic;
use crate::i18n::{self, Locale};
use crate::yaml::{self, Origin};

mod languages;
pub use languages::Language;

pub const FILE_NAME: &str = "site.yaml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    #[serde(default)]
    description: String,
    base_url: String,
    #[serde(default = "default_language")]
    language: String,
    #[serde(default = "default_theme")]
    theme: String,
    clinic: Clinic,
    #[serde(default)]
    brand: Brand,
    /// The site menu, in order; generated from the top-level sections and pages when absent.
    #[serde(default)]
    menu: Option<Vec<MenuItem>>,
    /// The content rules: levels and the site's own claim rules.
    #[serde(default)]
    lint: LintSettings,
    /// The site's own wording of any theme string (`book_consultation: Book a free visit`).
    #[serde(default)]
    strings: BTreeMap<String, String>,
    /// The site's other languages (see `config/languages.rs`).
    #[serde(default)]
    languages: serde_yaml::Value,
    #[serde(default)]
    extra: serde_yaml::Mapping,
}

/// The clinic's own look: `brand:` in site.yaml.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Brand {
    /// A file of the site's `static/` folder (`static/logo.svg`), shown in the header.
    #[serde(default)]
    pub logo: Option<String>,
    /// `#0b5d5b`: buttons, links and accents, checked for contrast.
    #[serde(default)]
    pub color: Option<String>,
    /// The social preview (`og:image`) of pages that have no photo of their own: a site
    /// address (`/images/studio.jpg` for `static/images/studio.jpg`) or a full URL.
    #[serde(default)]
    pub image: Option<String>,
}

/// One entry of `menu:` in site.yaml.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MenuItem {
    pub title: String,
    /// Site-relative (`/process/`) or absolute (`https://...`).
    pub url: String,
}

fn default_language() -> String {
    "en".into()
}

fn default_theme() -> String {
    "default".into()
}

/// The clinic, shown on every page and in structured data.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Clinic {
    pub name: String,
    #[serde(default)]
    pub address: Option<Address>,
    #[serde(default)]
    pub phones: Vec<Phone>,
    #[serde(default)]
    pub email: Option<String>,
    /// Where the consultation call to action points; site-relative (`/contact/`) or
    /// absolute. When unset: the `/contact/` page if there is one, else the first phone.
    #[serde(default)]
    pub booking_url: Option<String>,
    /// schema.org opening hours, e.g. `Mo-Fr 09:00-18:00`.
    #[serde(default)]
    pub hours: Vec<String>,
    /// Qualifications and memberships, named so clients can check them
    /// (`"Certified by the XYZ SMP Academy, 2021"`). Listing any allows credential words.
    #[serde(default)]
    pub credentials: Vec<String>,
    /// The clinic's own review profiles (Google, Trustpilot...): linked, never copied.
    #[serde(default)]
    pub reviews: Vec<Review>,
}

/// One entry of `clinic.reviews`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    /// Where the reviews are: `Google`, `Trustpilot`.
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    #[serde(default)]
    pub street: Option<String>,
    #[serde(default)]
    pub locality: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub postal_code: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Phone {
    pub label: String,
    pub number: String,
}

/// The site's settings, validated, with the base URL normalised.
#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// Absolute, ending in `/`: `https://host/clinic/`.
    pub base_url: String,
    /// The base URL's path, ending in `/`: `/clinic/` (or `/`). Every link starts with it.
    pub root: String,
    pub language: String,
    pub theme: String,
    pub clinic: Clinic,
    pub brand: Brand,
    /// Where `brand.logo` is written in site.yaml (line, column), for errors found later.
    pub logo_at: (usize, usize),
    /// The theme's accent colours from `brand.color`, checked; None for the theme's own.
    pub palette: Option<Palette>,
    pub menu: Option<Vec<MenuItem>>,
    /// The content rules in effect, compiled.
    /// `lint:` as written; `lint::Rules::new` compiles it where the rules are used.
    pub lint: LintSettings,
    /// The theme's words, dates and hours in `language`, with the site's `strings:`.
    pub locale: Arc<Locale>,
    /// Every language the site publishes, the default (`language`, `locale`, `menu`,
    /// `description`) first, then those of `languages:`.
    pub languages: Vec<Language>,
    pub extra: serde_yaml::Mapping,
}

impl Config {
    /// Parses the text of `site.yaml`. `base_url_override` is `--base-url`.
    pub fn parse(text: &str, base_url_override: Option<&str>) -> Result<Config, Vec<Diagnostic>> {
        // Windows Notepad starts UTF-8 files with a byte-order mark.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let path = Path::new(FILE_NAME);
        let origin = Origin { path, file_text: text, first_line: 1 };
        let raw: RawConfig = yaml::parse_all(text, origin, FILE_NAME)?;
        let mut problems = Vec::new();
        let mut at_key = |key: &str, message: String, help: &str| {
            let (line, col) = yaml::locate_key(text, key).unwrap_or((1, 1));
            problems.push(Diagnostic::error(path, line, col, message).with_help(help).with_source(text));
        };

        let base = base_url_override.unwrap_or(&raw.base_url);
        let (base_url, root) = match normalize_base_url(base) {
            Some(pair) => pair,
            None => {
                let help = "write the address the site will live at, starting with https://, e.g. `base_url: https://www.example-clinic.com`";
                if base_url_override.is_some() {
                    // Not in the file: report against the command line.
                    return Err(vec![
                        Diagnostic::error("--base-url", 0, 0, format!("`{base}` is not an http(s) URL"))
                            .with_help(help),
                    ]);
                }
                at_key("base_url", format!("`base_url: {base}` is not an http(s) URL"), help);
                (String::new(), String::new())
            }
        };
        if raw.title.trim().is_empty() {
            at_key("title", "the site `title` is empty".into(), "write the site's name after `title:`");
        }
        if raw.theme.is_empty() || raw.theme.contains(['/', '\\']) || raw.theme.starts_with('.') {
            at_key(
                "theme",
                format!("`theme: {}` is not a theme folder name", raw.theme),
                "use `default` or the name of a folder under `themes/`",
            );
        }
        // Problems found at a value's own line (pushed once `at_key` is done).
        let mut located = Vec::new();
        for phone in &raw.clinic.phones {
            if tel_uri(&phone.number, None).is_none() {
                let (line, col) = locate_value(text, "number", &phone.number).unwrap_or((1, 1));
                let message = format!("the phone number `{}` has no digits to dial", phone.number);
                located.push(
                    Diagnostic::error(path, line, col, message)
                        .with_help("write the number as people dial it, e.g. `number: \"480-555-0100\"`")
                        .with_source(text),
                );
            }
        }
        for hours in &raw.clinic.hours {
            if let Err(why) = opening_hours(hours) {
                let (line, col) = text
                    .lines()
                    .enumerate()
                    .find_map(|(i, l)| Some((i + 1, l[..l.find(hours.as_str())?].chars().count() + 1)))
                    .unwrap_or((1, 1));
                located.push(
                    Diagnostic::error(path, line, col, format!("the opening hours `{hours}` cannot be read: {why}"))
                        .with_len(hours.chars().count())
                        .with_help(
                            "write the days as `Mo` `Tu` `We` `Th` `Fr` `Sa` `Su` (a range with `-`, several with `,`), a space, \
                             and the 24-hour times it opens and closes: `\"Mo-Fr 09:00-17:00\"`, `\"Sa 10:00-14:00\"`",
                        )
                        .with_source(text),
                );
            }
        }
        for review in &raw.clinic.reviews {
            if !(review.url.starts_with("https://") || review.url.starts_with("http://")) {
                at_key(
                    "url",
                    format!("the reviews link `{}` is not a web address", review.url),
                    "copy the address of the clinic's review page from the browser, starting with https://",
                );
            }
        }
        let palette = raw.brand.color.as_deref().and_then(|text| match Rgb::parse(text) {
            None => {
                at_key(
                    "color",
                    format!("`color: {text}` is not a colour the theme can use"),
                    "write the colour as a hex code in quotes, as design tools show it, e.g. `color: \"#0b5d5b\"`",
                );
                None
            }
            Some(rgb) => match color::palette(rgb) {
                Ok(palette) => Some(palette),
                Err(f) => {
                    at_key(
                        "color",
                        format!(
                            "the brand colour {} is too light to read: {} have a contrast of {:.1}:1, and WCAG 2.2 AA asks for {}:1",
                            rgb.hex(),
                            f.what,
                            f.ratio,
                            color::AA_TEXT
                        ),
                        &format!(
                            "use `color: \"{}\"`, the nearest darker shade of the same colour that passes ({:.1}:1); the theme makes the lighter shade for dark mode itself",
                            f.suggestion.hex(),
                            f.suggestion_ratio
                        ),
                    );
                    None
                }
            },
        });
        let known = i18n::keys();
        for key in raw.strings.keys().filter(|k| !known.contains(k)) {
            let hint = yaml::closest(key, &known).map(|b| format!("did you mean `{b}`? ")).unwrap_or_default();
            at_key(
                key,
                format!("`strings:` has no theme string called `{key}`"),
                &format!("{hint}the strings a site can change are: {}", known.join(", ")),
            );
        }
        let country = raw.clinic.address.as_ref().and_then(|a| a.country.as_deref());
        let locale = Locale::new(&raw.language, country, &raw.strings);
        if locale.is_none() {
            let codes: Vec<&str> = i18n::languages().collect();
            at_key(
                "language",
                format!("the theme has no words for `language: {}`", raw.language),
                &format!(
                    "write the language as a code the theme speaks: {} (a region may follow, e.g. `es-MX`)",
                    codes.join(", ")
                ),
            );
        }
        problems.extend(located);
        let others = languages::parse(
            &raw.languages,
            text,
            &raw.language,
            country,
            (&raw.title, &raw.description),
            &mut problems,
        );
        // Links written here appear on every page: one that runs code would run on all of them.
        let links = raw.clinic.booking_url.iter().map(|url| ("booking_url", url));
        let menus = raw.menu.iter().chain(others.iter().filter_map(|l| l.menu.as_ref()));
        let menu = menus.flatten().map(|item| ("url", &item.url));
        for (key, url) in links.chain(menu) {
            if let Some(scheme) = crate::markdown::unsafe_scheme(url, false) {
                let (line, col) = locate_value(text, key, url).unwrap_or((1, 1));
                problems.push(
                    Diagnostic::error(
                        path,
                        line,
                        col,
                        format!("`{key}: {url}` runs code (`{scheme}:`) in the browser of everyone who clicks it"),
                    )
                    .with_help(format!(
                        "point it at a page of the site (`{key}: /contact/`) or a web address starting with https://"
                    ))
                    .with_source(text),
                );
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let Some(locale) = locale else { return Err(problems) };
        let locale = Arc::new(locale);
        let main = Language {
            code: raw.language.clone(),
            locale: locale.clone(),
            menu: raw.menu.clone(),
            title: raw.title.clone(),
            description: raw.description.clone(),
        };
        Ok(Config {
            title: raw.title,
            description: raw.description,
            base_url,
            root,
            language: raw.language,
            theme: raw.theme,
            clinic: raw.clinic,
            brand: raw.brand,
            logo_at: yaml::locate_key(text, "logo").unwrap_or((0, 0)),
            palette,
            menu: raw.menu,
            lint: raw.lint,
            locale,
            languages: std::iter::once(main).chain(others).collect(),
            extra: raw.extra,
        })
    }

    /// A site-relative path (`process/first-session/`) as a link: `/clinic/process/first-session/`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.root, path.trim_start_matches('/'))
    }

    /// A site-relative path as an absolute URL, for canonical links, sitemaps and feeds.
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path.trim_start_matches('/'))
    }

    /// A URL written in site.yaml as a link: `/contact/` -> `/clinic/contact/`; absolute stays.
    pub fn link(&self, url: &str) -> String {
        if url.starts_with('/') { self.url(url) } else { url.to_string() }
    }

    /// The country code used to complete national phone numbers.
    pub fn country(&self) -> Option<&str> {
        self.clinic.address.as_ref()?.country.as_deref()
    }
}

/// The line and column of the value of `key:` that reads `value` (quoted or not).
pub fn locate_value(text: &str, key: &str, value: &str) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let at = line.find(&format!("{key}:"))?;
        let rest = &line[at + key.len() + 1..];
        let value_at = at + key.len() + 1 + (rest.len() - rest.trim_start().len());
        let rest = rest.trim_start().trim_start_matches(['"', '\'']).trim_start();
        rest.starts_with(value.trim()).then(|| (i + 1, line[..value_at].chars().count() + 1))
    })
}

/// Checks one `clinic.hours` entry in schema.org's form (`Mo-Fr 09:00-18:00`,
/// `Mo,We 10:00-14:00`): days `Mo`–`Su`, times 00:00–24:00, opening before closing.
/// Search engines read these; a wrong one shows clients the wrong hours.
fn opening_hours(text: &str) -> Result<(), String> {
    const DAYS: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];
    let Some((days, times)) = text.trim().split_once(' ') else {
        return Err("it needs the days, a space, then the times".into());
    };
    for day in days.split([',', '-']) {
        if !DAYS.contains(&day) {
            return Err(format!("`{day}` is not one of the days `Mo` to `Su`"));
        }
    }
    let minutes = |time: &str| -> Result<u32, String> {
        let wrong = || format!("`{time}` is not a time of day from 00:00 to 24:00");
        // `HH:MM`: the `:` is ASCII, so the slices fall on character boundaries.
        if time.len() != 5 || time.as_bytes()[2] != b':' {
            return Err(wrong());
        }
        let (h, m) = match (time[..2].parse::<u32>(), time[3..].parse::<u32>()) {
            (Ok(h), Ok(m)) if m < 60 && (h < 24 || (h == 24 && m == 0)) => (h, m),
            _ => return Err(wrong()),
        };
        Ok(h * 60 + m)
    };
    let Some((open, close)) = times.trim().split_once('-') else {
        return Err(format!("`{times}` should be the opening and closing times, e.g. `09:00-17:00`"));
    };
    if minutes(open)? >= minutes(close)? {
        return Err(format!("it closes ({close}) before it opens ({open})"));
    }
    Ok(())
}

/// `https://host/clinic` -> (`https://host/clinic/`, `/clinic/`).
fn normalize_base_url(url: &str) -> Option<(String, String)> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    if host.is_empty() || host.contains(char::is_whitespace) || url.contains(['?', '#']) {
        return None;
    }
    let path = path.trim_matches('/');
    let root = if path.is_empty() { "/".to_string() } else { format!("/{path}/") };
    let scheme_len = url.len() - rest.len();
    Some((format!("{}{host}{root}", &url[..scheme_len]), root))
}

/// A dialable `tel:` URI: `480-555-0100` (US) -> `tel:+14805550100`. Numbers written with
/// `+` keep their country code; national numbers in the US or Canada get `+1`.
pub fn tel_uri(number: &str, country: Option<&str>) -> Option<String> {
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return None;
    }
    let international = number.trim_start().starts_with('+');
    let nanp = matches!(
        country.map(str::to_ascii_uppercase).as_deref(),
        Some("US" | "CA" | "USA" | "UNITED STATES" | "CANADA")
    );
    Some(match (international, nanp, digits.len()) {
        (true, _, _) => format!("tel:+{digits}"),
        (false, true, 10) => format!("tel:+1{digits}"),
        (false, true, 11) if digits.starts_with('1') => format!("tel:+{digits}"),
        _ => format!("tel:{digits}"),
    })
}

/// The number in E.164 form (`+14805550100`) when it is one once normalised: written
/// as people dial it (spaces, dashes, dots, brackets), with `+` and its country code or
/// as a national number of the clinic's country (US/Canada). None otherwise, or when it
/// holds letters.
pub fn e164(number: &str, country: Option<&str>) -> Option<String> {
    let trimmed = number.trim();
    let body = trimmed.strip_prefix('+').unwrap_or(trimmed);
    if !body.chars().all(|c| c.is_ascii_digit() || " -.()/\u{a0}".contains(c)) {
        return None;
    }
    let tel = tel_uri(trimmed, country)?;
    let digits = tel.strip_prefix("tel:+")?;
    if (7..=15).contains(&digits.len()) && !digits.starts_with('0') { Some(format!("+{digits}")) } else { None }
}

// site.yaml's `lint:` as written, and the rule shape it shares with the built-in
// `claims.yaml`. The lint module compiles them (`lint::Rules::new`).

/// What a rule's findings are: nothing, warnings (the default) or errors that fail the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Off,
    Warning,
    Error,
}

/// `lint:` in site.yaml.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LintSettings {
    /// A rule id (`claims/painless`) or a whole group (`claims`, `content`) -> its level.
    #[serde(default)]
    pub levels: BTreeMap<String, Level>,
    /// The site's own claim rules, in the shape of `claims.yaml`.
    #[serde(default)]
    pub rules: Vec<RuleSpec>,
}

/// One rule as written in `claims.yaml` or in site.yaml's `lint.rules`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub id: String,
    pub pattern: String,
    /// Finishes the sentence that starts with the phrase found.
    pub message: String,
    pub why: String,
    pub fix: String,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub unless: Option<Unless>,
    /// A pattern for honest uses of the rule's words: a match it overlaps is dropped
    /// (`semi-permanent`, `permanent makeup`).
    #[serde(default)]
    pub except: Option<String>,
}

/// When a rule does not apply to a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unless {
    /// The site lists `clinic.credentials`, so credential words have something behind them.
    Credentials,
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "title: T\nbase_url: https://example.com\nclinic:\n  name: C\n";

    #[test]
    fn normalizes_base_url_with_sub_path() {
        let c = Config::parse(MINIMAL, Some("https://host.io/clinic")).unwrap();
        assert_eq!(c.base_url, "https://host.io/clinic/");
        assert_eq!(c.root, "/clinic/");
        assert_eq!(c.url("process/"), "/clinic/process/");
        assert_eq!(c.permalink("/process/"), "https://host.io/clinic/process/");
        assert_eq!(c.link("/contact/"), "/clinic/contact/");
        assert_eq!(c.link("https://book.example.com/"), "https://book.example.com/");
    }

    #[test]
    fn errors_on_unknown_key_with_line_and_suggestion() {
        let text = format!("{MINIMAL}lanugage: en\n");
        let errs = Config::parse(&text, None).unwrap_err();
        assert_eq!((errs[0].line, errs[0].col), (5, 1));
        assert_eq!(errs[0].message, "unknown key `lanugage` of the site.yaml");
        assert!(errs[0].help.as_deref().unwrap().starts_with("did you mean `language`?"));
    }

    #[test]
    fn errors_on_unknown_nested_key() {
        let text = format!("{MINIMAL}  adress: {{}}\n");
        let errs = Config::parse(&text, None).unwrap_err();
        assert_eq!(errs[0].line, 5);
        assert!(errs[0].message.contains("`adress` in `clinic`"), "{}", errs[0].message);
        assert!(errs[0].help.as_deref().unwrap().starts_with("did you mean `address`?"));
    }

    #[test]
    fn errors_on_relative_base_url_at_its_line() {
        let errs = Config::parse(&MINIMAL.replace("https://example.com", "example.com"), None).unwrap_err();
        assert_eq!(errs[0].line, 2);
        assert!(errs[0].message.contains("not an http(s) URL"));
    }

    #[test]
    fn phone_numbers_normalise_to_e164() {
        assert_eq!(e164("480-555-0100", Some("US")).as_deref(), Some("+14805550100"));
        assert_eq!(e164("+44 (20) 7946 0000", None).as_deref(), Some("+442079460000"));
        assert_eq!(e164("020 7946 0000", Some("GB")), None, "no country code");
        assert_eq!(e164("1-800-FLOWERS", Some("US")), None, "letters");
        assert_eq!(e164("+1234567890123456", None), None, "longer than 15 digits");
        assert_eq!(e164("+0 20 7946", None), None, "country codes do not start with 0");
    }

    #[test]
    fn errors_on_unknown_theme_string_and_language() {
        let errs = Config::parse(&format!("{MINIMAL}strings:\n  book_consultaton: Book now\n"), None).unwrap_err();
        assert_eq!((errs[0].line, errs[0].col), (6, 3));
        assert!(errs[0].help.as_deref().unwrap().starts_with("did you mean `book_consultation`?"), "{:?}", errs[0]);
        let errs = Config::parse(&format!("{MINIMAL}language: nl\n"), None).unwrap_err();
        assert_eq!((errs[0].line, errs[0].col), (5, 1));
        assert!(errs[0].message.contains("no words for `language: nl`"), "{}", errs[0].message);
        let c = Config::parse(&format!("{MINIMAL}language: es-MX\nstrings:\n  call: Llámenos\n"), None).unwrap();
        assert_eq!((c.locale.get("call"), c.locale.get("book")), ("Llámenos", "Reservar"));
    }

    #[test]
    fn a_brand_colour_that_fails_contrast_is_an_error_with_a_passing_shade() {
        let errs = Config::parse(&format!("{MINIMAL}brand:\n  color: \"#7fd3d9\"\n"), None).unwrap_err();
        assert_eq!((errs[0].line, errs[0].col), (6, 3));
        assert!(errs[0].message.contains("#7fd3d9 is too light"), "{}", errs[0].message);
        let help = errs[0].help.as_deref().unwrap();
        let suggested = help.split('"').nth(1).unwrap();
        let c = Config::parse(&format!("{MINIMAL}brand:\n  color: \"{suggested}\"\n"), None).unwrap();
        assert_eq!(c.palette.unwrap().accent.hex(), suggested);
        let errs = Config::parse(&format!("{MINIMAL}brand:\n  color: teal\n"), None).unwrap_err();
        assert!(errs[0].message.contains("not a colour"), "{}", errs[0].message);
    }

    #[test]
    fn urls_that_run_code_are_errors_at_their_line() {
        let text = format!(
            "{MINIMAL}  booking_url: \"JavaScript:alert(1)\"\nmenu:\n  - {{ title: Home, url: / }}\n  - {{ title: X, url: \"data:text/html,<b>hi</b>\" }}\n"
        );
        let errs = Config::parse(&text, None).unwrap_err();
        let at: Vec<(usize, usize)> = errs.iter().map(|e| (e.line, e.col)).collect();
        assert_eq!(at, [(5, 16), (8, 22)], "{errs:?}");
        assert!(errs[0].message.contains("runs code (`javascript:`)"), "{}", errs[0].message);
        assert!(errs[1].help.as_deref().unwrap().contains("`url: /contact/`"));
        let fine = format!("{MINIMAL}  booking_url: https://book.example.com/javascript:x\n");
        Config::parse(&fine, None).unwrap();
    }

    #[test]
    fn opening_hours_are_checked_with_the_fix() {
        for fine in ["Mo-Fr 09:00-18:00", "Sa 10:00-14:00", "Mo,We,Fr 08:30-24:00", "Su 00:00-12:00"] {
            assert_eq!(opening_hours(fine), Ok(()), "{fine}");
        }
        for (bad, why) in [
            ("Mo-Fr 25:00-99:00", "`25:00` is not a time of day"),
            ("Monday to Friday 9-5", "`Monday` is not one of the days"),
            ("Mo-Fr 9-5", "`9` is not a time of day"),
            ("Mo-Fr 18:00-09:00", "it closes (09:00) before it opens (18:00)"),
            ("Mo-Fr", "it needs the days, a space, then the times"),
            ("Mo 09:60-10:00", "`09:60` is not a time"),
        ] {
            assert!(opening_hours(bad).unwrap_err().contains(why), "{bad}: {:?}", opening_hours(bad));
        }
        let text = format!("{MINIMAL}  hours: [\"Mo-Fr 09:00-17:00\", \"Mo-Fr 25:00-99:00\"]\n");
        let errs = Config::parse(&text, None).unwrap_err();
        assert_eq!((errs[0].line, errs[0].col), (5, 33), "{errs:?}");
        assert!(errs[0].help.as_deref().unwrap().contains("`\"Mo-Fr 09:00-17:00\"`"));
    }

    #[test]
    fn a_byte_order_mark_and_a_bad_phone_number_are_read_at_their_line() {
        let text = format!(
            "\u{feff}{MINIMAL}  phones:\n    - {{ label: A, number: \"480\" }}\n    - {{ label: B, number: call us }}\n"
        );
        let errs = Config::parse(&text, None).unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!((errs[0].line, errs[0].col), (7, 27), "{errs:?}");
        assert!(errs[0].message.contains("`call us` has no digits"));
    }

    #[test]
    fn tel_uris_are_dialable() {
        assert_eq!(tel_uri("480-555-0100", Some("US")).unwrap(), "tel:+14805550100");
        assert_eq!(tel_uri("+44 20 7946 0000", Some("US")).unwrap(), "tel:+442079460000");
        assert_eq!(tel_uri("020 7946 0000", Some("GB")).unwrap(), "tel:02079460000");
        assert_eq!(tel_uri("call us", None), None);
    }
}
