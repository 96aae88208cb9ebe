//! The checks `Config::parse` runs on site.yaml beyond its shape: each finds every
//! problem of its kind and records it at the line of the value, with the fix.

use std::collections::BTreeMap;
use std::path::Path;

use super::{Clinic, FILE_NAME, RawConfig, tel_uri};
use crate::color::{self, Palette, Rgb};
use crate::error::Diagnostic;
use crate::i18n::{self, Locale};
use crate::yaml;
use crate::yaml::locate_value;

/// The problems found in site.yaml so far, each at its line.
pub(super) struct Problems<'a> {
    text: &'a str,
    pub(super) list: Vec<Diagnostic>,
}

impl<'a> Problems<'a> {
    pub(super) fn new(text: &'a str) -> Problems<'a> {
        Problems { text, list: Vec::new() }
    }

    /// A problem at the first line that sets `key:` (or the file's start).
    pub(super) fn at_key(&mut self, key: &str, message: String, help: &str) {
        let (line, col) = yaml::locate_key(self.text, key).unwrap_or((1, 1));
        self.at(line, col, message, help);
    }

    /// A problem at the value `value` of `key:`.
    pub(super) fn at_value(&mut self, key: &str, value: &str, message: String, help: &str) {
        let (line, col) = locate_value(self.text, key, value).unwrap_or((1, 1));
        self.at(line, col, message, help);
    }

    fn at(&mut self, line: usize, col: usize, message: String, help: &str) {
        self.list
            .push(Diagnostic::error(Path::new(FILE_NAME), line, col, message).with_help(help).with_source(self.text));
    }
}

/// `base_url` (or `--base-url`, which wins) as (absolute URL, path), both ending in
/// `/`; an error when it is not an http(s) address. A wrong `--base-url` is reported
/// against the command line, and alone: the file is not to blame.
pub(super) fn base_url(
    written: &str,
    flag: Option<&str>,
    problems: &mut Problems,
) -> Result<(String, String), Vec<Diagnostic>> {
    let base = flag.unwrap_or(written);
    let why = match normalize_base_url(base) {
        Ok(pair) => return Ok(pair),
        Err(why) => why,
    };
    let help = "write the address the site will live at, starting with https://, on one line, e.g. `base_url: https://www.example-clinic.com`";
    // Shown escaped, so a line break reads `\n` rather than breaking the message.
    let shown: String = base.escape_debug().collect();
    let message = |what: &str| format!("{what} is not a web address a browser can open: {why} (`{shown}`)");
    if flag.is_some() {
        let help = "give the address the site will live at, starting with https://, e.g. `--base-url https://staging.example-clinic.com/`";
        return Err(vec![Diagnostic::error("--base-url", 0, 0, message("`--base-url`")).with_help(help)]);
    }
    problems.at_key("base_url", message("`base_url`"), help);
    Ok((String::new(), String::new()))
}

/// The site's `title` is not empty and `theme` names a folder.
pub(super) fn names(raw: &RawConfig, problems: &mut Problems) {
    if raw.title.trim().is_empty() {
        problems.at_key("title", "the site `title` is empty".into(), "write the site's name after `title:`");
    }
    if raw.theme.is_empty() || raw.theme.contains(['/', '\\']) || raw.theme.starts_with('.') {
        problems.at_key(
            "theme",
            format!("`theme: {}` is not a theme folder name", raw.theme),
            "use `default` or the name of a folder under `themes/`",
        );
    }
}

/// Phone numbers that can be dialled and opening hours search engines can read, each
/// at its own line (returned, as they come after the problems found by key).
pub(super) fn clinic_values(clinic: &Clinic, text: &str) -> Vec<Diagnostic> {
    let mut found = Problems::new(text);
    for phone in &clinic.phones {
        if tel_uri(&phone.number, None).is_none() {
            found.at_value(
                "number",
                &phone.number,
                format!("the phone number `{}` has no digits to dial", phone.number),
                "write the number as people dial it, e.g. `number: \"480-555-0100\"`",
            );
        }
    }
    for hours in &clinic.hours {
        if let Err(why) = opening_hours(hours) {
            let (line, col) = text
                .lines()
                .enumerate()
                .find_map(|(i, l)| Some((i + 1, l[..l.find(hours.as_str())?].chars().count() + 1)))
                .unwrap_or((1, 1));
            found.list.push(
                Diagnostic::error(FILE_NAME, line, col, format!("the opening hours `{hours}` cannot be read: {why}"))
                    .with_len(hours.chars().count())
                    .with_help(
                        "write the days as `Mo` `Tu` `We` `Th` `Fr` `Sa` `Su` (a range with `-`, several with `,`), a space, \
                         and the 24-hour times it opens and closes: `\"Mo-Fr 09:00-17:00\"`, `\"Sa 10:00-14:00\"`",
                    )
                    .with_source(text),
            );
        }
    }
    found.list
}

/// Review links are web addresses.
pub(super) fn reviews(clinic: &Clinic, problems: &mut Problems) {
    for review in &clinic.reviews {
        if !(review.url.starts_with("https://") || review.url.starts_with("http://")) {
            problems.at_value(
                "url",
                &review.url,
                format!("the reviews link `{}` is not a web address", review.url),
                "copy the address of the clinic's review page from the browser, starting with https://",
            );
        }
    }
}

/// The theme's accents from `brand.color`: None, with an error, when the colour cannot
/// be read or fails WCAG contrast (the error names the nearest shade that passes).
pub(super) fn palette(written: Option<&str>, problems: &mut Problems) -> Option<Palette> {
    let text = written?;
    let Some(rgb) = Rgb::parse(text) else {
        problems.at_key(
            "color",
            format!("`color: {text}` is not a colour the theme can use"),
            "write the colour as a hex code in quotes, as design tools show it, e.g. `color: \"#0b5d5b\"`",
        );
        return None;
    };
    match color::palette(rgb) {
        Ok(palette) => Some(palette),
        Err(f) => {
            problems.at_key(
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
    }
}

/// The theme's words in `language`, with the site's `strings:`; None, with an error,
/// for a language the theme does not speak. Unknown `strings:` keys are errors too.
pub(super) fn locale(
    language: &str,
    country: Option<&str>,
    strings: &BTreeMap<String, String>,
    problems: &mut Problems,
) -> Option<Locale> {
    let known = i18n::keys();
    for key in strings.keys().filter(|k| !known.contains(k)) {
        let hint = yaml::closest(key, &known).map(|b| format!("did you mean `{b}`? ")).unwrap_or_default();
        problems.at_key(
            key,
            format!("`strings:` has no theme string called `{key}`"),
            &format!("{hint}the strings a site can change are: {}", known.join(", ")),
        );
    }
    let locale = Locale::new(language, country, strings);
    if locale.is_none() {
        let codes: Vec<&str> = i18n::languages().collect();
        problems.at_key(
            "language",
            format!("the theme has no words for `language: {language}`"),
            &format!(
                "write the language as a code the theme speaks: {} (a region may follow, e.g. `es-MX`)",
                codes.join(", ")
            ),
        );
    }
    locale
}

/// Links written in site.yaml appear on every page: one that runs code would run on
/// all of them.
pub(super) fn link_schemes<'u>(links: impl Iterator<Item = (&'static str, &'u str)>, problems: &mut Problems) {
    for (key, url) in links {
        if let Some(scheme) = crate::markdown::unsafe_scheme(url, false) {
            problems.at_value(
                key,
                url,
                format!("`{key}: {url}` runs code (`{scheme}:`) in the browser of everyone who clicks it"),
                &format!("point it at a page of the site (`{key}: /contact/`) or a web address starting with https://"),
            );
        }
    }
}

/// Checks one `clinic.hours` entry in schema.org's form (`Mo-Fr 09:00-18:00`,
/// `Mo,We 10:00-14:00`): days `Mo`–`Su`, times 00:00–24:00, opening before closing.
/// Search engines read these; a wrong one shows clients the wrong hours.
pub(super) fn opening_hours(text: &str) -> Result<(), String> {
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

/// `https://host/clinic` -> (`https://host/clinic/`, `/clinic/`); what is wrong with it
/// otherwise. The address is written as it is into robots.txt, the sitemap and every
/// page's `<head>`, so it may hold no space, line break, quote or `<`/`>`: one could
/// add a line to robots.txt (`Disallow: /`) or end an attribute.
pub(super) fn normalize_base_url(url: &str) -> Result<(String, String), String> {
    if let Some(c) = url.chars().find(|&c| c.is_whitespace() || c.is_control() || "\"'<>\\`{}|^".contains(c)) {
        return Err(match c {
            '\n' | '\r' => "it has a line break".into(),
            c if c.is_whitespace() => "it has a space".into(),
            c if c.is_control() => "it has an invisible control character".into(),
            c => format!("it has a `{c}`"),
        });
    }
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    let Some(rest) = rest else { return Err("it does not start with https:// (or http://)".into()) };
    if url.contains(['?', '#']) {
        return Err("it has a `?` or `#`, which a site's address cannot have".into());
    }
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    if !valid_host(host) {
        return Err(format!(
            "`{host}` is not a host name (such as `www.example-clinic.com`, with an optional `:port`)"
        ));
    }
    let path = path.trim_matches('/');
    let root = if path.is_empty() { "/".to_string() } else { format!("/{path}/") };
    let scheme_len = url.len() - rest.len();
    Ok((format!("{}{host}{root}", &url[..scheme_len]), root))
}

/// A host name or IP address (`[::1]` for IPv6), with an optional `:port`; no user
/// name (`user@`), which would make the address show one site and open another.
fn valid_host(host: &str) -> bool {
    let (name, port) = match host.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((addr, port)) if addr.chars().all(|c| c.is_ascii_hexdigit() || c == ':') => (addr, port),
            _ => return false,
        },
        None => host.find(':').map_or((host, ""), |at| host.split_at(at)),
    };
    let port_ok = port.is_empty()
        || port.strip_prefix(':').is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u16>().is_ok());
    let label = |l: &str| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-');
    let name_ok = !name.is_empty() && (host.starts_with('[') || name.split('.').all(label));
    name_ok && port_ok
}

#[cfg(test)]
mod tests {
    use super::normalize_base_url;

    #[test]
    fn base_urls_are_plain_http_addresses() {
        let ok = |url: &str| normalize_base_url(url).unwrap();
        assert_eq!(ok("https://clinic.example/sub"), ("https://clinic.example/sub/".into(), "/sub/".into()));
        assert_eq!(ok("http://127.0.0.1:18080/"), ("http://127.0.0.1:18080/".into(), "/".into()));
        assert_eq!(ok("https://[::1]:8080"), ("https://[::1]:8080/".into(), "/".into()));
        assert_eq!(ok("https://bücher.example/"), ("https://bücher.example/".into(), "/".into()));
        let why = |url: &str| normalize_base_url(url).unwrap_err();
        assert_eq!(why("https://x.com/\nDisallow: /\n"), "it has a line break");
        assert_eq!(why("https://x.com/a b"), "it has a space");
        assert_eq!(why("https://x.com/\"><script>"), "it has a `\"`");
        assert_eq!(why("https://x.com/\u{7}"), "it has an invisible control character");
        assert!(why("ftp://x.com/").contains("https://"));
        assert!(why("https://user@evil.example/").contains("not a host name"));
        assert!(why("https://x.com:99999/").contains("not a host name"));
        assert!(why("https:///path").contains("not a host name"));
        assert!(why("https://x.com/?a=1").contains("`?`"));
    }
}
