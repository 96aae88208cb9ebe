//! The theme's words in the site's language (issue 17): one string table per language
//! (`themes/default/i18n/*.yaml`, built in), the site's own `strings:` from site.yaml on
//! top, and dates and opening hours written the way that language writes them.

use std::collections::BTreeMap;

use serde::Deserialize;

/// The built-in tables, by language code. English is the reference: every other table
/// has exactly its keys (a unit test holds them to it).
const TABLES: [(&str, &str); 6] = [
    ("en", include_str!("../themes/default/i18n/en.yaml")),
    ("es", include_str!("../themes/default/i18n/es.yaml")),
    ("fr", include_str!("../themes/default/i18n/fr.yaml")),
    ("de", include_str!("../themes/default/i18n/de.yaml")),
    ("it", include_str!("../themes/default/i18n/it.yaml")),
    ("pt", include_str!("../themes/default/i18n/pt.yaml")),
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    /// `{day} {month} {year}`.
    date: String,
    months: [String; 12],
    /// Monday first, as schema.org's `Mo`..`Su`.
    days: [String; 7],
    strings: BTreeMap<String, String>,
}

/// How a language writes the time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Clock {
    /// `09:00`.
    TwentyFourHour,
    /// `9 AM`, `5:30 PM`: English in the United States (and Canada).
    TwelveHour,
}

/// The words and formats of one language, with the site's overrides applied.
#[derive(Debug, Clone)]
pub struct Locale {
    table: Table,
    clock: Clock,
    /// `{month} {day}, {year}` in the US instead of the table's form.
    month_first: bool,
}

/// Whether `code` can name a language in a file's name (`about.es.md`): two lowercase
/// letters, and an optional two-letter region (`pt-BR`, `es-mx`).
pub(crate) fn is_file_code(code: &str) -> bool {
    let letters = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_alphabetic());
    let well_formed = match code.split_once('-') {
        Some((base, region)) => letters(base) && letters(region),
        None => letters(code),
    };
    well_formed && code.bytes().take(2).all(|b| b.is_ascii_lowercase())
}

/// The languages with a built-in table.
pub(crate) fn languages() -> impl Iterator<Item = &'static str> {
    TABLES.iter().map(|(code, _)| *code)
}

/// Every string key a site may override (the English table's keys).
pub(crate) fn keys() -> Vec<String> {
    table("en").expect("the English table is built in").strings.into_keys().collect()
}

fn table(code: &str) -> Option<Table> {
    let (_, text) = TABLES.iter().find(|(c, _)| *c == code)?;
    Some(crate::yaml::from_str(text).expect("the built-in string tables are valid (unit-tested)"))
}

/// `es-MX` -> `es`; `EN_us` -> `en`.
fn base_language(language: &str) -> String {
    language.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase()
}

impl Locale {
    /// The locale for `language` (a code like `es` or `en-GB`) at a clinic in `country`,
    /// or None when there is no table for the language. `overrides` must use known keys
    /// (site.yaml checks them).
    pub fn new(language: &str, country: Option<&str>, overrides: &BTreeMap<String, String>) -> Option<Locale> {
        let base = base_language(language);
        let mut table = table(&base)?;
        for (key, text) in overrides {
            table.strings.insert(key.clone(), text.clone());
        }
        let region = language.split(['-', '_']).nth(1).map(str::to_ascii_uppercase);
        let region = region.or_else(|| country.map(str::to_ascii_uppercase));
        let american =
            base == "en" && matches!(region.as_deref(), Some("US" | "USA" | "UNITED STATES" | "CA" | "CANADA"));
        let clock = if american { Clock::TwelveHour } else { Clock::TwentyFourHour };
        Some(Locale { table, clock, month_first: american && !matches!(region.as_deref(), Some("CA" | "CANADA")) })
    }

    /// The string `key`, or the key itself if there is none (never for the built-in keys).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.table.strings.get(key).map_or(key, String::as_str)
    }

    /// Every string, for the templates' `t` value.
    pub fn strings(&self) -> &BTreeMap<String, String> {
        &self.table.strings
    }

    /// `2026-03-01` -> `1 March 2026`, `March 1, 2026` (US), `1 de marzo de 2026`.
    pub fn date(&self, date: jiff::civil::Date) -> String {
        let month = &self.table.months[date.month() as usize - 1];
        if self.month_first {
            return format!("{month} {}, {}", date.day(), date.year());
        }
        self.table
            .date
            .replace("{day}", &date.day().to_string())
            .replace("{month}", month)
            .replace("{year}", &date.year().to_string())
    }

    /// schema.org hours in words: `Mo-Fr 09:00-18:00` -> `Monday–Friday 09:00–18:00`, or
    /// `Monday–Friday 9 AM–6 PM` on a 12-hour clock. Anything it does not understand is
    /// shown as written.
    pub fn hours(&self, hours: &str) -> String {
        const CODES: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];
        let day = |code: &str| CODES.iter().position(|c| *c == code).map(|i| self.table.days[i].as_str());
        let Some((days, times)) = hours.trim().split_once(' ') else {
            return hours.to_string();
        };
        let days_text: Option<Vec<String>> = days
            .split(',')
            .map(|part| match part.split_once('-') {
                Some((a, b)) => Some(format!("{}–{}", day(a)?, day(b)?)),
                None => day(part).map(str::to_string),
            })
            .collect();
        let times_text: Option<Vec<String>> = times
            .trim()
            .split(',')
            .map(|range| {
                let (from, to) = range.split_once('-')?;
                Some(format!("{}–{}", self.time(from)?, self.time(to)?))
            })
            .collect();
        match (days_text, times_text) {
            (Some(days), Some(times)) => format!("{} {}", days.join(", "), times.join(", ")),
            _ => hours.to_string(),
        }
    }

    /// The label beside an `after` photo: `After session 2, healed 4 weeks, unretouched`,
    /// `Tras la sesión 2, cicatrizado, a 4 semanas, sin retocar`.
    /// `retouched` is None for an illustration, which has no photo to retouch.
    pub fn photo_label(
        &self,
        session: u32,
        healed: Option<bool>,
        days_after: Option<u32>,
        retouched: Option<bool>,
    ) -> String {
        let span = |days: u32| match days {
            1 => self.get("one_day").to_string(),
            7 => self.get("one_week").to_string(),
            d if d % 7 == 0 => self.get("weeks").replace("{n}", &(d / 7).to_string()),
            d => self.get("days").replace("{n}", &d.to_string()),
        };
        let when = match (healed, days_after) {
            (Some(true), Some(d)) => self.get("healed_for").replace("{span}", &span(d)),
            (Some(true), None) => self.get("healed").to_string(),
            (Some(false), Some(d)) => {
                format!("{}, {}", self.get("later").replace("{span}", &span(d)), self.get("not_yet_healed"))
            }
            (Some(false), None) => self.get("not_yet_healed").to_string(),
            (None, Some(d)) => self.get("later").replace("{span}", &span(d)),
            (None, None) => String::new(),
        };
        let edited = match retouched {
            None => "",
            Some(true) => self.get("retouched"),
            Some(false) => self.get("unretouched"),
        };
        [self.get("after_session").replace("{n}", &session.to_string()), when, edited.to_string()]
            .into_iter()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `18:30` -> `18:30`, or `6:30 PM` on a 12-hour clock.
    fn time(&self, time: &str) -> Option<String> {
        let (h, m) = time.trim().split_once(':')?;
        let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
        if h > 24 || m > 59 {
            return None;
        }
        Some(match self.clock {
            Clock::TwentyFourHour => format!("{h:02}:{m:02}"),
            Clock::TwelveHour => {
                let suffix = if h % 24 < 12 { "AM" } else { "PM" };
                let h12 = if h % 12 == 0 { 12 } else { h % 12 };
                if m == 0 { format!("{h12}\u{a0}{suffix}") } else { format!("{h12}:{m:02}\u{a0}{suffix}") }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locale(language: &str, country: Option<&str>) -> Locale {
        Locale::new(language, country, &BTreeMap::new()).unwrap()
    }

    #[test]
    fn every_table_parses_and_has_exactly_the_english_keys() {
        let english = keys();
        for code in languages() {
            let table = table(code).unwrap_or_else(|| panic!("{code}"));
            let mine: Vec<String> = table.strings.keys().cloned().collect();
            assert_eq!(mine, english, "the `{code}` table's keys differ from English");
            for (key, text) in &table.strings {
                assert!(!text.trim().is_empty(), "{code}.{key} is empty");
                for slot in ["{n}", "{duration}", "{span}"] {
                    assert_eq!(text.contains(slot), table_en(key).contains(slot), "{code}.{key}: {slot}");
                }
            }
        }
    }

    fn table_en(key: &str) -> String {
        table("en").unwrap().strings[key].clone()
    }

    #[test]
    fn translations_are_not_english() {
        let en = table("en").unwrap().strings;
        for code in languages().filter(|c| *c != "en") {
            let t = table(code).unwrap().strings;
            // Words that are the same in both languages ("Menu", "Contact", "Pages").
            let same: Vec<&String> = t.iter().filter(|(k, v)| en[*k] == **v).map(|(k, _)| k).collect();
            assert!(same.len() <= 3, "`{code}` leaves these in English: {same:?}");
        }
    }

    #[test]
    fn dates_read_in_each_language() {
        let d = jiff::civil::date(2026, 3, 1);
        assert_eq!(locale("en", Some("GB")).date(d), "1 March 2026");
        assert_eq!(locale("en", Some("US")).date(d), "March 1, 2026");
        assert_eq!(locale("en-US", None).date(d), "March 1, 2026");
        assert_eq!(locale("es", Some("US")).date(d), "1 de marzo de 2026");
        assert_eq!(locale("de", None).date(d), "1. März 2026");
        assert_eq!(locale("fr-CA", None).date(d), "1 mars 2026");
    }

    #[test]
    fn hours_use_the_local_clock_and_day_names() {
        assert_eq!(locale("en", Some("US")).hours("Mo-Fr 09:00-18:00"), "Monday–Friday 9\u{a0}AM–6\u{a0}PM");
        assert_eq!(locale("en", Some("US")).hours("Sa 12:30-00:00"), "Saturday 12:30\u{a0}PM–12\u{a0}AM");
        assert_eq!(locale("en", Some("GB")).hours("Sa,Su 10:00-14:00"), "Saturday, Sunday 10:00–14:00");
        assert_eq!(locale("es", Some("US")).hours("Mo-Fr 09:00-18:00"), "lunes–viernes 09:00–18:00");
        assert_eq!(locale("de", None).hours("Mo 9:00-12:00,14:00-18:00"), "Montag 09:00–12:00, 14:00–18:00");
        assert_eq!(locale("en", None).hours("by appointment"), "by appointment");
        assert_eq!(locale("en", None).hours("Mo-Fr 9-5"), "Mo-Fr 9-5");
    }

    #[test]
    fn photo_labels_read_in_each_language() {
        let en = locale("en", None);
        assert_eq!(
            en.photo_label(2, Some(true), Some(28), Some(false)),
            "After session 2, healed 4 weeks, unretouched"
        );
        assert_eq!(
            en.photo_label(2, Some(false), Some(3), Some(false)),
            "After session 2, 3 days later, not yet healed, unretouched"
        );
        assert_eq!(en.photo_label(2, None, Some(7), Some(false)), "After session 2, 1 week later, unretouched");
        assert_eq!(en.photo_label(1, None, None, Some(false)), "After session 1, unretouched");
        assert_eq!(
            locale("es", None).photo_label(2, Some(true), Some(28), Some(false)),
            "Tras la sesión 2, cicatrizado, a 4 semanas, sin retocar"
        );
    }

    #[test]
    fn overrides_replace_single_strings_and_unknown_languages_have_no_locale() {
        let overrides = BTreeMap::from([("book_consultation".to_string(), "Book a free consultation".to_string())]);
        let l = Locale::new("en", None, &overrides).unwrap();
        assert_eq!(l.get("book_consultation"), "Book a free consultation");
        assert_eq!(l.get("call"), "Call");
        assert!(Locale::new("nl", None, &overrides).is_none());
    }
}
