//! The `site` value every template reads (clinic details, menu, brand) and the clinic's
//! own blocks of a page: the home page's photo, the team, tappable phone numbers.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::Serialize;
use serde_json::{Value, json};

use super::FEED;
use crate::config::{Config, tel_uri};
use crate::error::Diagnostic;
use crate::site::{Page, Site};
use crate::theme::Theme;

#[derive(Serialize)]
struct PhoneValue<'a> {
    label: &'a str,
    number: &'a str,
    /// The link: `tel:`, or `sms:` for a text-only number.
    tel: String,
    text_only: bool,
}

/// The `site` value of the pages in language `lang` (an index into [`Site::languages`]):
/// the same clinic, with that language's menu, description, hours and booking page.
pub(super) fn site_value(config: &Config, site: &Site, has_feed: bool, lang: usize) -> Value {
    let clinic = &config.clinic;
    let language = super::languages::language(config, site, lang);
    let phones: Vec<PhoneValue> = clinic
        .phones
        .iter()
        .map(|p| PhoneValue {
            label: &p.label,
            number: &p.number,
            tel: p.href(config.country()).unwrap_or_default(),
            text_only: p.text_only,
        })
        .collect();
    let nav: Vec<Value> = match &language.menu {
        Some(menu) => menu.iter().map(|item| json!({"title": item.title, "url": config.link(&item.url)})).collect(),
        None => super::languages::generated_nav(config, site, lang),
    };
    let home_url = config.url(&site.pages[site.home_of(lang)].path);
    json!({
        "title": language.title,
        "description": language.description,
        "language": language.code,
        "base_url": config.base_url,
        "root": config.root,
        "home_url": home_url,
        "clinic": {
            "name": clinic.name,
            "address": clinic.address,
            // The number "Call" dials: the first that is not for texts only.
            "phone": phones.iter().find(|p| !p.text_only),
            "phones": phones,
            "email": clinic.email,
            "booking_url": booking_url(config, site, lang),
            "hours": clinic.hours,
            "hours_display": clinic.hours.iter().map(|h| language.locale.hours(h)).collect::<Vec<_>>(),
            "credentials": clinic.credentials,
            "reviews": clinic.reviews,
            "directions": clinic.address.as_ref().and_then(directions_url),
        },
        // Too long to share the desktop row: the menu then stays a "Menu" button there too.
        "nav_long": nav_too_long(&nav, &home_url),
        "nav": nav,
        "feed_url": has_feed.then(|| config.url(FEED)),
        "extra": yaml_to_json(&config.extra),
    })
}

/// The clinic's details page text names as `{{ clinic.name }}` (see `markdown/values.rs`),
/// for the pages in language `lang`: opening hours read in its words. A detail
/// site.yaml leaves out is there with no value, so naming it says what to add.
pub(crate) fn text_values(config: &Config, site: &Site, lang: usize) -> crate::markdown::Values {
    let clinic = &config.clinic;
    let locale = super::languages::locale(config, site, lang);
    let part = |get: fn(&crate::config::Address) -> &Option<String>| {
        clinic.address.as_ref().and_then(|a| get(a).clone()).filter(|p| !p.trim().is_empty())
    };
    let (street, locality, region, postal_code) =
        (part(|a| &a.street), part(|a| &a.locality), part(|a| &a.region), part(|a| &a.postal_code));
    // As the footer shows it, on one line: `1 Main St, Scottsdale, AZ 85251`.
    let town = [locality.clone(), region.clone()].into_iter().flatten().collect::<Vec<_>>().join(", ");
    let town = [Some(town).filter(|t| !t.is_empty()), postal_code.clone()].into_iter().flatten();
    let town = Some(town.collect::<Vec<_>>().join(" ")).filter(|t| !t.is_empty());
    let line = Some([street.clone(), town].into_iter().flatten().collect::<Vec<_>>().join(", "));
    let line = line.filter(|l| !l.is_empty());
    let hours: Vec<String> = clinic.hours.iter().map(|h| locale.hours(h)).collect();
    let mut values = vec![
        ("clinic.name", Some(clinic.name.clone())),
        ("clinic.phone", clinic.phones.first().map(|p| p.number.clone())),
        ("clinic.email", clinic.email.clone()),
        ("clinic.address", line),
        ("clinic.address.street", street),
        ("clinic.address.locality", locality),
        ("clinic.address.region", region),
        ("clinic.address.postal_code", postal_code),
        ("clinic.hours", Some(hours.join("; ")).filter(|h| !h.is_empty())),
        ("clinic.website", Some(config.base_url.clone())),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_string(), value))
    .collect::<Vec<_>>();
    for phone in &clinic.phones {
        let name = format!("clinic.phones.{}", crate::site::slugify(&phone.label));
        if !values.iter().any(|(n, _)| *n == name) {
            values.push((name, Some(phone.number.clone())));
        }
    }
    crate::markdown::Values(values)
}

/// Where "Book a consultation" leads: `booking_url` as written; else the site's
/// `/contact/` page (in language `lang` when it is translated); else a call to the
/// first phone, else an email; else nowhere (the theme then leaves the button out).
pub(super) fn booking_url(config: &Config, site: &Site, lang: usize) -> Option<String> {
    let clinic = &config.clinic;
    if let Some(url) = &clinic.booking_url {
        // A page of the site leads to its translation.
        let path = url.strip_prefix('/').filter(|_| lang > 0);
        let page = path.and_then(|p| site.pages.iter().position(|page| page.lang == 0 && page.path == p));
        return Some(match page {
            Some(id) => config.url(&site.pages[site.in_language(id, lang)].path),
            None => config.link(url),
        });
    }
    if let Some(id) = site.pages.iter().position(|p| p.path == "contact/") {
        return Some(config.url(&site.pages[site.in_language(id, lang)].path));
    }
    let call = clinic.phones.iter().filter(|p| !p.text_only).find_map(|p| tel_uri(&p.number, config.country()));
    call.or_else(|| clinic.email.as_ref().map(|email| format!("mailto:{email}")))
}

/// The home page's photo: `extra: { hero: { photo, alt } }`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Hero {
    photo: String,
    alt: String,
}

fn hero(extra: &crate::yaml::Mapping) -> Result<Option<Hero>, String> {
    let Some(value) = extra.get("hero") else { return Ok(None) };
    let hero: Hero = crate::yaml::from_value(value.clone()).map_err(|e| {
        let words = e.to_string().replace(" field", " key").replace("struct Hero", "`photo:` and `alt:`");
        format!("the `hero` photo is not as expected: {words}")
    })?;
    if hero.alt.trim().is_empty() {
        return Err("the `hero` photo has no `alt` text: describe what it shows".into());
    }
    Ok(Some(hero))
}

/// One practitioner of `extra.team` in a page's front matter.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Practitioner {
    name: String,
    #[serde(default)]
    role: Option<String>,
    /// A photo beside the page (`sam.jpg`) or a site path (`/images/sam.jpg`).
    #[serde(default)]
    photo: Option<String>,
    #[serde(default)]
    alt: Option<String>,
    /// Where and when they trained: `SMP Academy, 2019`.
    #[serde(default)]
    training: Vec<String>,
    /// Licences and memberships clients can check.
    #[serde(default)]
    credentials: Vec<String>,
    /// Years practising SMP.
    #[serde(default)]
    years: Option<u32>,
    /// The body-art licence or permit, and who issued it.
    #[serde(default)]
    licence: Option<String>,
}

/// The practitioners a page introduces (`extra: { team: [...] }`), or what is wrong
/// with the list, in words.
fn team(extra: &crate::yaml::Mapping) -> Result<Vec<Practitioner>, String> {
    let Some(list) = extra.get("team") else { return Ok(Vec::new()) };
    let team: Vec<Practitioner> = crate::yaml::from_value(list.clone()).map_err(|e| {
        let words = e.to_string().replace(" field", " key").replace("a sequence", "a list of people");
        format!(
            "the `team` list is not as expected: {}",
            words.replace("struct Practitioner", "a person (`name:` and more)")
        )
    })?;
    // An empty field is the clinic's to fill in: `check` lists it (`content/placeholder`).
    for (i, p) in team.iter().enumerate() {
        if p.photo.is_some() && p.alt.as_deref().is_none_or(|a| a.trim().is_empty()) {
            let who =
                if p.name.trim().is_empty() { format!("person {} of the `team` list", i + 1) } else { p.name.clone() };
            return Err(format!("the photo of {who} has no `alt` text: describe what it shows"));
        }
    }
    Ok(team)
}

/// The home page's photo as the theme shows it, built by `photo(src, alt)`.
pub(super) fn hero_value(extra: &crate::yaml::Mapping, photo: impl Fn(&str, &str) -> Value) -> Option<Value> {
    hero(extra).ok().flatten().map(|h| photo(&h.photo, &h.alt))
}

/// The practitioners as the theme shows them, each photo built by `photo(src, alt)`.
pub(super) fn team_value(extra: &crate::yaml::Mapping, photo: impl Fn(&str, &str) -> Value) -> Vec<Value> {
    let team = team(extra).unwrap_or_default();
    team.into_iter()
        .map(|p| {
            let picture = p.photo.as_deref().map(|dest| photo(dest, p.alt.as_deref().unwrap_or_default()));
            let licence = p.licence.filter(|l| !l.trim().is_empty());
            json!({"name": p.name, "role": p.role, "photo": picture, "training": p.training,
                   "credentials": p.credentials, "years": p.years, "licence": licence})
        })
        .collect()
}

/// What is wrong with a page's clinic blocks (`extra.hero`, `extra.team`), at their lines.
pub(super) fn page_problems(page: &Page) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let doc = &page.doc;
    if let Err(message) = hero(&doc.meta.fm.extra) {
        let (line, col) = doc.key_position("hero");
        problems.push(
            Diagnostic::error(doc.display_path(), line, col, message)
                .with_help("write the home page's photo as `hero: { photo: studio.jpg, alt: \"The studio's treatment room\" }`")
                .with_source(doc.text()),
        );
    }
    if let Err(message) = team(&doc.meta.fm.extra) {
        // At the misspelled key when there is one, else at `team:`.
        let typo = message.split("unknown key `").nth(1).and_then(|rest| rest.split('`').next());
        let (line, col) = match typo {
            Some(key) => doc.value_position("team", &format!("{key}:")),
            None => doc.key_position("team"),
        };
        problems.push(
            Diagnostic::error(doc.display_path(), line, col, message)
                .with_help("write each person as `- { name: Dr Sam Reyes, photo: sam.jpg, alt: \"Sam at the studio\", role: Practitioner, training: [\"...\"], credentials: [\"...\"] }`; only `name` is required")
                .with_source(doc.text()),
        );
    }
    problems
}

/// A map search for the clinic's address (no embedded map, no third-party script):
/// the visitor's own map app or site opens it.
fn directions_url(address: &crate::config::Address) -> Option<String> {
    let parts = [&address.street, &address.locality, &address.region, &address.postal_code, &address.country];
    let query: Vec<&str> = parts.iter().filter_map(|p| p.as_deref()).filter(|p| !p.trim().is_empty()).collect();
    if query.is_empty() {
        return None;
    }
    let query = query.join(", ");
    let encoded = percent_encoding::utf8_percent_encode(&query, percent_encoding::NON_ALPHANUMERIC);
    Some(format!("https://www.google.com/maps/search/?api=1&query={encoded}"))
}

/// Phone-number-like runs of text: an optional `+`, then digits, spaces, dots, dashes
/// and brackets, at least 7 digits' worth.
static PHONE_LIKE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?:^|[^\d+])(\+?\(?\d[\d\s().\-\u{a0}]{5,}\d)").expect("a valid pattern")
});

/// The page's HTML with every written form of one of the clinic's own numbers (`(480)
/// 555-0100` for `480-555-0100`) turned into a `tel:` link, so a visitor on a phone can
/// tap it (`sms:` for a text-only number). Text already inside a link, and tags, are
/// left alone.
pub(super) fn phone_links<'h>(html: &'h str, config: &Config) -> Cow<'h, str> {
    let country = config.country();
    // Each number's `tel:` form (what a written number is matched by) and its link.
    let (tels, hrefs): (Vec<String>, Vec<String>) =
        config.clinic.phones.iter().filter_map(|p| Some((tel_uri(&p.number, country)?, p.href(country)?))).unzip();
    if tels.is_empty() {
        return Cow::Borrowed(html);
    }
    // A run the pattern finds is one of these numbers only when its digits are the
    // number's, less a leading country code `1` at most: text with fewer digits than
    // that is passed over without running the pattern (most of a page's text).
    let fewest = tels.iter().map(|t| t.bytes().filter(u8::is_ascii_digit).count()).min().unwrap_or(0);
    let fewest = fewest.saturating_sub(1).max(2);
    if !has_digit_run(html, fewest) {
        return Cow::Borrowed(html);
    }
    // Built only from the first number found: `html[..copied]` is in `out`.
    let mut out = String::new();
    let mut copied = 0;
    let mut in_link = 0usize;
    let mut at = 0;
    while at < html.len() {
        let rest = &html[at..];
        if rest.starts_with('<') {
            let end = rest.find('>').map_or(rest.len(), |i| i + 1);
            let name = rest[1..end].split(|c: char| c.is_whitespace() || c == '>').next().unwrap_or("");
            match name {
                "a" | "pre" | "code" => in_link += 1,
                "/a" | "/pre" | "/code" => in_link = in_link.saturating_sub(1),
                _ => {}
            }
            at += end;
            continue;
        }
        let end = rest.find('<').unwrap_or(rest.len());
        let (text, start) = (&rest[..end], at);
        at += end;
        if in_link > 0 || text.bytes().filter(u8::is_ascii_digit).nth(fewest - 1).is_none() {
            continue;
        }
        for m in PHONE_LIKE.captures_iter(text).filter_map(|c| c.get(1)) {
            let Some(at) = tel_uri(m.as_str(), country).and_then(|t| tels.iter().position(|known| *known == t)) else {
                continue;
            };
            let tel = &hrefs[at];
            if out.is_empty() {
                out.reserve(html.len() + 64);
            }
            out.push_str(&html[copied..start + m.start()]);
            out.push_str(&format!("<a href=\"{tel}\">{}</a>", m.as_str()));
            copied = start + m.end();
        }
    }
    if copied == 0 {
        return Cow::Borrowed(html);
    }
    out.push_str(&html[copied..]);
    Cow::Owned(out)
}

/// Whether `html` holds a run of at least `digits` digits with nothing between them but
/// what a written number may hold (spaces, brackets, dots, dashes) or a non-ASCII
/// character (which may be a space): where [`PHONE_LIKE`] could find a number that
/// long. One pass over the bytes, cheaper than walking the tags.
fn has_digit_run(html: &str, digits: usize) -> bool {
    let keeps = |b: u8| matches!(b, b'0'..=b'9' | b'\t'..=b'\r' | b' ' | b'(' | b')' | b'.' | b'-' | 0x80..);
    let mut count = 0;
    // Most of a page has no digit: a chunk without one only ends the run or not, which
    // the compiler checks many bytes at a time.
    for chunk in html.as_bytes().chunks(32) {
        if !chunk.iter().fold(false, |any, b| any | b.is_ascii_digit()) {
            if !chunk.iter().fold(true, |all, &b| all & keeps(b)) {
                count = 0;
            }
            continue;
        }
        for &b in chunk {
            if b.is_ascii_digit() {
                count += 1;
                if count >= digits {
                    return true;
                }
            } else if !keeps(b) {
                count = 0;
            }
        }
    }
    false
}

/// `site.brand`: the logo's URL and pixel size, and the CSS that sets the brand colour
/// (checked by site.yaml's parser). A logo that is not among the site's static files is
/// an error at its line.
pub(super) fn brand_value(
    config: &Config,
    theme: &Theme,
    sizes: &HashMap<String, (u32, u32)>,
) -> Result<Value, Diagnostic> {
    let css = config.palette.as_ref().map(crate::color::Palette::css);
    let Some(logo) = &config.brand.logo else {
        return Ok(json!({"logo": null, "css": css}));
    };
    let file = logo.trim_start_matches('/');
    let file = file.strip_prefix("static/").unwrap_or(file);
    if !theme.statics.contains_key(file) {
        let (line, col) = config.logo_at;
        let message = format!("the logo `{logo}` is not in the site's static/ folder");
        let statics: Vec<&str> = theme.statics.keys().map(String::as_str).collect();
        let help = match crate::yaml::closest(file, &statics) {
            // Written as the logo is (`static/…`, `/…` or from static/).
            Some(best) => format!("did you mean `{}{best}`?", &logo[..logo.len() - file.len()]),
            None => {
                "put the logo file in static/ (an SVG is sharpest) and write its path, e.g. `logo: static/logo.svg`"
                    .into()
            }
        };
        return Err(Diagnostic::error(crate::config::FILE_NAME, line, col, message).with_help(help));
    }
    let size = sizes.get(file);
    Ok(json!({
        "logo": config.url(file),
        "logo_width": size.map(|s| s.0),
        "logo_height": size.map(|s| s.1),
        "css": css,
    }))
}

/// The stylesheet pages link: the theme's `style.css`, then the brand's colours (so no
/// page needs an inline `<style>`, which the Content-Security-Policy would have to
/// allow), named by a fingerprint of its bytes (`style.0123456789abcdef.css`) so hosts
/// may cache it for good. None when the theme has no `style.css`.
pub(super) fn stylesheet(theme: &Theme, brand_css: Option<&str>) -> Option<(String, Vec<u8>)> {
    let mut bytes = theme.statics.get("style.css")?.to_vec();
    if let Some(css) = brand_css {
        bytes.push(b'\n');
        bytes.extend_from_slice(css.as_bytes());
    }
    let name = format!("style.{:016x}.css", (crate::fingerprint::of(&bytes) >> 64) as u64);
    Some((name, bytes))
}

/// Whether the menu is too long to share the desktop header's one row at 1024 px with
/// the name, phone and booking button (titles may take two lines): more than five items
/// besides Home, or more than 100 characters of titles. The example site's menu has
/// five items and 98 characters.
fn nav_too_long(nav: &[Value], root: &str) -> bool {
    let items: Vec<&str> = nav.iter().filter(|i| i["url"] != root).filter_map(|i| i["title"].as_str()).collect();
    items.len() > 5 || items.iter().map(|t| t.chars().count()).sum::<usize>() > 100
}

pub(super) fn yaml_to_json(mapping: &crate::yaml::Mapping) -> Value {
    serde_json::to_value(mapping).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clinics_own_numbers_in_text_become_tel_links() {
        let yaml = "title: T\nbase_url: https://x.test\nclinic:\n  name: C\n  address: { country: US }\n  phones:\n    - { label: Desk, number: \"480-555-0100\" }\n";
        let config = Config::parse(yaml, None).unwrap();
        let html = "<p>Call (480) 555-0100 or 480.555.0100, not 480-555-0199.</p><p><a href=\"x\">480-555-0100</a> <code>480-555-0100</code></p>";
        assert_eq!(
            phone_links(html, &config),
            "<p>Call <a href=\"tel:+14805550100\">(480) 555-0100</a> or <a href=\"tel:+14805550100\">480.555.0100</a>, not 480-555-0199.</p><p><a href=\"x\">480-555-0100</a> <code>480-555-0100</code></p>"
        );
        assert!(matches!(phone_links("<p>No numbers, 2026.</p>", &config), Cow::Borrowed(_)));
        // With the country code, and split across a tag's edge (text either side).
        assert_eq!(
            phone_links("<p>Or +1 480 555 0100.</p><p>480-555</p>-0100", &config),
            "<p>Or <a href=\"tel:+14805550100\">+1 480 555 0100</a>.</p><p>480-555</p>-0100"
        );
        assert!(!has_digit_run("<img width=\"800\" height=\"600\"> 2026-01-18", 10));
        assert!(has_digit_run("(480)\u{a0}555-0100", 10));
    }
}
