//! `site.yaml` -> a validated [`Config`]. Unknown keys are errors that name the key and
//! its line (typos must not silently vanish); `extra` holds free-form data.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::color::Palette;
use crate::error::Diagnostic;
use crate::i18n::Locale;
use crate::yaml::{self, Origin};

mod admin;
mod checks;
mod hosting;
mod languages;
mod lint_settings;
mod phone;

pub use admin::{Admin, Backend};
#[cfg(test)]
use checks::opening_hours;
pub use hosting::Hosting;
pub use languages::Language;
pub use lint_settings::{Level, LintSettings, RuleSpec, Unless};
pub use phone::{e164, tel_uri};

pub(crate) const FILE_NAME: &str = "site.yaml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawConfig {
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
    languages: crate::yaml::Value,
    /// Which hosts' rule files to write (see `config/hosting.rs`).
    #[serde(default)]
    hosting: crate::yaml::Value,
    /// The browser editor (see `config/admin.rs`).
    #[serde(default)]
    admin: crate::yaml::Value,
    #[serde(default)]
    extra: crate::yaml::Mapping,
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
    /// The link's text in the menu.
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
    /// The clinic's name: in every page's header, footer and `<title>`.
    pub name: String,
    /// Where the clinic is, for visitors and maps.
    #[serde(default)]
    pub address: Option<Address>,
    /// The numbers clients call or text, in the order shown.
    #[serde(default)]
    pub phones: Vec<Phone>,
    /// The address clients write to.
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
    /// The address of the clinic's page there.
    pub url: String,
}

/// `clinic.address`: where the clinic is; each part may be left out.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// The street and number.
    #[serde(default)]
    pub street: Option<String>,
    /// The town or city, also added to the pages' titles.
    #[serde(default)]
    pub locality: Option<String>,
    /// The state, county or province.
    #[serde(default)]
    pub region: Option<String>,
    /// The postal or ZIP code.
    #[serde(default)]
    pub postal_code: Option<String>,
    /// The country's two-letter code (`US`); national phone numbers are completed with it.
    #[serde(default)]
    pub country: Option<String>,
}

/// One entry of `clinic.phones`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Phone {
    /// What the number is for, shown beside it: `Bookings`, `Text us`.
    pub label: String,
    /// The number as written, national or with its country code.
    pub number: String,
    /// A number for text messages only: an `sms:` link, never the number "Call" dials.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub text_only: bool,
}

impl Phone {
    /// The link that reaches the number: `tel:` to call, `sms:` for a text-only one.
    pub fn href(&self, country: Option<&str>) -> Option<String> {
        let tel = tel_uri(&self.number, country)?;
        Some(if self.text_only { tel.replacen("tel:", "sms:", 1) } else { tel })
    }
}

/// The site's settings, validated, with the base URL normalised.
#[derive(Debug, Clone)]
pub struct Config {
    /// The site's name: the home page's `<title>` and every page's `og:site_name`.
    pub title: String,
    /// What the site offers, for search results of pages without their own description.
    pub description: String,
    /// Absolute, ending in `/`: `https://host/clinic/`.
    pub base_url: String,
    /// The base URL's path, ending in `/`: `/clinic/` (or `/`). Every link starts with it.
    pub root: String,
    /// The default language's code (`en`): the pages' `lang` and the theme's words.
    pub language: String,
    /// The theme's name: `default`, or a folder of the site's `themes/`.
    pub theme: String,
    /// The clinic's details (`clinic:`).
    pub clinic: Clinic,
    /// The clinic's own look (`brand:`).
    pub brand: Brand,
    /// Where `brand.logo` is written in site.yaml (line, column), for errors found later.
    pub logo_at: (usize, usize),
    /// The theme's accent colours from `brand.color`, checked; None for the theme's own.
    pub palette: Option<Palette>,
    /// The default language's `menu:`; generated from the pages when absent.
    pub menu: Option<Vec<MenuItem>>,
    /// The content rules in effect, compiled.
    /// `lint:` as written; `lint::Rules::new` compiles it where the rules are used.
    pub lint: LintSettings,
    /// The theme's words, dates and hours in `language`, with the site's `strings:`.
    pub locale: Arc<Locale>,
    /// Every language the site publishes, the default (`language`, `locale`, `menu`,
    /// `description`) first, then those of `languages:`.
    pub languages: Vec<Language>,
    /// The hosts whose rule files the build writes (`hosting:`).
    pub hosting: Hosting,
    /// The browser editor's settings (`admin:`); None when switched off.
    pub admin: Option<Admin>,
    /// `extra:` as written: data for the templates (`site.extra`), such as `aftercare`.
    pub extra: crate::yaml::Mapping,
    /// site.yaml as written (a byte-order mark left out): where later checks find the
    /// line of a key or value they report on ([`Config::text`]).
    text: String,
}

impl Config {
    /// Parses the text of `site.yaml`. `base_url_override` is `--base-url`. Every
    /// problem the file has is reported in one go, each at its line.
    pub fn parse(text: &str, base_url_override: Option<&str>) -> Result<Config, Vec<Diagnostic>> {
        // Windows Notepad starts UTF-8 files with a byte-order mark.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let origin = Origin { path: Path::new(FILE_NAME), file_text: text, first_line: 1 };
        let raw: RawConfig = yaml::parse_all(text, origin, FILE_NAME)?;
        let mut problems = checks::Problems::new(text);
        let (base_url, root) = checks::base_url(&raw.base_url, base_url_override, &mut problems)?;
        checks::names(&raw, &mut problems);
        let located = checks::clinic_values(&raw.clinic, text);
        checks::reviews(&raw.clinic, &mut problems);
        let palette = checks::palette(raw.brand.color.as_deref(), &mut problems);
        let country = raw.clinic.address.as_ref().and_then(|a| a.country.as_deref());
        let locale = checks::locale(&raw.language, country, &raw.strings, &mut problems);
        problems.list.extend(located);
        let site = (raw.title.as_str(), raw.description.as_str());
        let others = languages::parse(&raw.languages, text, &raw.language, country, site, &mut problems.list);
        let hosting = hosting::parse(&raw.hosting, text, &mut problems.list);
        let admin = admin::parse(&raw.admin, text, &mut problems.list);
        let links = raw.clinic.booking_url.iter().map(|url| ("booking_url", url.as_str()));
        let brand = [("logo", &raw.brand.logo), ("image", &raw.brand.image)];
        let links = links.chain(brand.into_iter().filter_map(|(key, url)| Some((key, url.as_deref()?))));
        let menus = raw.menu.iter().chain(others.iter().filter_map(|l| l.menu.as_ref()));
        checks::link_schemes(links.chain(menus.flatten().map(|item| ("url", item.url.as_str()))), &mut problems);
        match locale {
            Some(locale) if problems.list.is_empty() => {
                Ok(Config { hosting, admin, ..Config::new(raw, text, base_url, root, palette, locale, others) })
            }
            _ => Err(problems.list),
        }
    }

    /// The checked settings, the default language first.
    fn new(
        raw: RawConfig,
        text: &str,
        base_url: String,
        root: String,
        palette: Option<Palette>,
        locale: Locale,
        others: Vec<Language>,
    ) -> Config {
        let locale = Arc::new(locale);
        let main = Language {
            code: raw.language.clone(),
            locale: locale.clone(),
            menu: raw.menu.clone(),
            title: raw.title.clone(),
            description: raw.description.clone(),
        };
        Config {
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
            hosting: Hosting::ALL,
            admin: None,
            extra: raw.extra,
            text: text.to_string(),
        }
    }

    /// site.yaml as written, for the positions of what later checks report in it
    /// (`crate::yaml::locate_key` and friends).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Where `key` is written in site.yaml (line, column), for a message about it.
    pub fn key_at(&self, key: &str) -> Option<(usize, usize)> {
        yaml::locate_key(&self.text, key)
    }

    /// Where `key: value` is written in site.yaml (line, column of the value).
    pub fn value_at(&self, key: &str, value: &str) -> Option<(usize, usize)> {
        yaml::locate_value(&self.text, key, value)
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
        assert!(errs[0].message.contains("not a web address"), "{}", errs[0].message);
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
