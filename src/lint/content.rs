//! Content validation (`content/*` rules): descriptions, alt text, `tel:` numbers,
//! `#anchors`, links to files and site paths, what a session page must show, and the
//! files before/after photos name. A file a relative link or image names that does not
//! exist is an error (the page would show it broken); the rest are warnings.

use std::path::Path;

use crate::config::{self, Config};
use crate::error::Diagnostic;
use crate::markdown::{LinkRef, Outline};
use crate::site::{Doc, Site};
use crate::yaml;

/// A content rule: its id, why it matters and where it comes from.
pub(super) struct Rule {
    pub id: &'static str,
    pub why: &'static str,
    pub source: Option<&'static str>,
}

pub(super) const DESCRIPTION: &str = "content/description";
pub(super) const ALT_TEXT: &str = "content/alt-text";
pub(super) const TEL: &str = "content/tel";
pub(super) const ANCHOR: &str = "content/anchor";
pub(super) const LINK: &str = "content/link";
pub(super) const LINK_SPACE: &str = "content/link-space";
pub(super) const SESSION_AFTERCARE: &str = "content/session-aftercare";
pub(super) const SESSION_EXPECTATIONS: &str = "content/session-expectations";
pub(super) const STAGE: &str = "content/stage";
pub(super) const UNUSED_ALLOW: &str = "content/unused-allow";
pub(super) const BODY_BEFORE_AFTER: &str = "content/body-before-after";
pub(super) const BODY_TESTIMONIAL: &str = "content/body-testimonial";
pub(super) const FRESH_AFTER_PHOTO: &str = "content/fresh-after-photo";
pub(super) const AFTERCARE_DAYS: &str = "content/aftercare-days";
pub(super) const PLACEHOLDER: &str = "content/placeholder";

/// An `after` photo taken fewer days than this after its session shows skin that has
/// not healed: the dots are darker and sharper, the skin red, and the result flatters
/// the work. Four weeks is when the healing pages of the example site, and most
/// aftercare advice, judge a session's result.
pub(super) const HEALED_AFTER_DAYS: u32 = 28;
pub(super) const RAW_HTML: &str = "content/raw-html";
pub(super) const PHOTO_GPS: &str = "photo/gps";

/// The content rules, documented in the README.
pub(super) const RULES: &[Rule] = &[
    Rule {
        id: DESCRIPTION,
        why: "search results and link previews show the description; without one they show the site's, and longer than about 160 characters they cut it off mid-sentence",
        source: None,
    },
    Rule {
        id: ALT_TEXT,
        why: "alt text is what screen readers read aloud instead of the image, and what shows when it does not load",
        source: Some("WCAG 2.2, success criterion 1.1.1 (non-text content)"),
    },
    Rule {
        id: TEL,
        why: "a number without its country code (E.164) may not dial from a mobile abroad, or from every phone app",
        source: Some("ITU-T E.164; RFC 3966 (tel: URIs)"),
    },
    Rule {
        id: ANCHOR,
        why: "a link to a heading that does not exist lands at the top of the page instead of the answer it promised",
        source: None,
    },
    Rule {
        id: LINK,
        why: "a link or image that leads to no page or file of this build shows the reader the not-found page or a broken image",
        source: None,
    },
    Rule {
        id: LINK_SPACE,
        why: "Markdown ends an address at a space: `![Room](Studio Photo.jpg)` is printed as it is written, not shown as a photo or a link",
        source: None,
    },
    Rule {
        id: SESSION_AFTERCARE,
        why: "clients read a session page before and after treatment; how they look after the scalp decides much of the result",
        source: Some("CAP Code 3.3 (material information); ASA advertising guidance on cosmetic interventions"),
    },
    Rule {
        id: SESSION_EXPECTATIONS,
        why: "each session heals patchy or uneven for weeks; a session page that does not say so sets expectations the result cannot meet",
        source: Some("CAP Code 3.3 (material information); FTC Act §5"),
    },
    Rule { id: STAGE, why: "`stage` orders session pages; anywhere else it does nothing", source: None },
    Rule {
        id: BODY_BEFORE_AFTER,
        why: "a before/after photo in the text skips what `before_after:` requires: the client's consent, whether the photos were retouched, and which session and how long after it the photo was taken",
        source: Some(
            "CAP Code 3.1, 3.11 and 3.45; ASA advertising guidance on cosmetic interventions (before-and-after images); FTC Act §5",
        ),
    },
    Rule {
        id: BODY_TESTIMONIAL,
        why: "a client's quote in the text skips what `testimonials:` requires: its source, the client's consent, any connection to the clinic and whether the result is typical",
        source: Some(
            "FTC Endorsement Guides (16 CFR 255); FTC Trade Regulation Rule on Consumer Reviews and Testimonials (16 CFR 465); CAP Code 3.45-3.47",
        ),
    },
    Rule {
        id: FRESH_AFTER_PHOTO,
        why: "a photo taken before the skin heals (about four weeks) shows darker, sharper dots than the client will live with, so it flatters the work",
        source: Some(
            "CAP Code 3.1 and 3.11; ASA advertising guidance on cosmetic interventions (before-and-after images)",
        ),
    },
    Rule {
        id: RAW_HTML,
        why: "raw HTML is published as written: a script, an embedded page or an event handler runs in every reader's browser, and a pasted snippet can carry one unnoticed",
        source: None,
    },
    Rule {
        id: PLACEHOLDER,
        why: "a site published with the starter's name, address, 555 numbers, example.com addresses, empty practitioner profile or generated gallery sends clients nowhere and states what is not true of the clinic",
        source: Some("CAP Code 3.1 and 3.3 (misleading and material information); FTC Act §5"),
    },
    Rule {
        id: AFTERCARE_DAYS,
        why: "a client who reads only one page follows the number on it: two pages that disagree on when to swim or shave mean some clients do it too soon",
        source: None,
    },
    Rule {
        id: PHOTO_GPS,
        why: "the published copy has no position (smpsite removes it), but the original photo on this computer still records where it was taken: a client's home, say, if it is shared as it is",
        source: Some("GDPR Art. 4(1): location data is personal data"),
    },
    Rule {
        id: UNUSED_ALLOW,
        why: "an `allow:` that silences nothing would silently hide the rule if the page is later changed",
        source: None,
    },
];

/// The rules whose findings are errors unless site.yaml says otherwise: a link that
/// leads nowhere is a broken page, not a matter of style.
pub(super) const ERRORS_BY_DEFAULT: &[&str] = &[LINK];

/// Where descriptions get cut in search results.
const DESCRIPTION_LIMIT: usize = 160;

/// A finding of content rule `id` in `doc` at (line, col, len).
pub(super) fn finding(
    id: &str,
    doc: &Doc,
    (line, col, len): (usize, usize, usize),
    message: String,
    help: &str,
) -> Diagnostic {
    let d = Diagnostic::warning(doc.display_path(), line, col, message).with_len(len).with_help(help);
    let d = d.with_source(doc.text());
    with_rule(d, id)
}

pub(super) fn with_rule(d: Diagnostic, id: &str) -> Diagnostic {
    let rule = RULES.iter().find(|r| r.id == id);
    d.with_rule(id, rule.map(|r| r.why.into()), rule.and_then(|r| r.source.map(Into::into)))
}

pub(super) fn link_span(doc: &Doc, link: &LinkRef) -> (usize, usize, usize) {
    doc.span(doc.body_offset(link.range.start), doc.body_offset(link.range.end))
}

/// The checks that need only the page itself: description, alt text, `tel:` numbers.
pub(super) fn page(doc: &Doc, outline: &Outline, fields: &[Field<'_>], country: Option<&str>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let Ok(split) = crate::front_matter::split(doc.text(), &doc.display_path()) {
        out.extend(cut_by_comment(&doc.display_path(), doc.text(), split.yaml, split.yaml_line));
    }
    out.extend(description(doc));
    let body_span = |range: &std::ops::Range<usize>| doc.span(doc.body_offset(range.start), doc.body_offset(range.end));
    out.extend(markup_findings(doc, outline, body_span, country));
    // The front matter the theme shows as Markdown gets the same checks, each finding
    // at the piece's place in its item (or at the item, when it is written otherwise).
    for &Field { text, at, outline: field } in fields {
        let item_span = |range: &std::ops::Range<usize>| in_item(doc, at, &text[range.clone()]);
        out.extend(markup_findings(doc, field, item_span, country));
    }
    for range in quoted_clients(&outline.prose) {
        let start = doc.body_offset(outline.source_offset(range.start));
        let end = doc.body_offset(outline.source_offset(range.end.saturating_sub(1)) + 1);
        out.push(finding(
            BODY_TESTIMONIAL,
            doc,
            doc.span(start, end),
            "this quotes a client, with who said it, in the text".into(),
            "move the quote to `testimonials:` in the front matter, with its `source`, `consent`, `connection` and `typical` (the theme shows the disclosures)",
        ));
    }
    out.extend(fresh_after_photos(doc));
    out.extend(spaced_addresses(doc, outline));
    out
}

/// Links and images printed as text because their address has a space
/// (`![Room](Studio Photo.jpg)`): Markdown reads them as words, so they are in the prose.
fn spaced_addresses(doc: &Doc, outline: &Outline) -> Vec<Diagnostic> {
    static SPACED: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let spaced = SPACED.get_or_init(|| {
        regex::Regex::new(r"(!?)\[([^\]\x00]*)\]\(([^()\s\x00]+(?: [^()\s\x00]+)+)\)").expect("a valid pattern")
    });
    let mut out = Vec::new();
    for found in spaced.captures_iter(&outline.prose) {
        let (image, text, dest) = (!found[1].is_empty(), &found[2], &found[3]);
        let range = found.get(0).expect("the whole match").range();
        let start = doc.body_offset(outline.source_offset(range.start));
        let end = doc.body_offset(outline.source_offset(range.end.saturating_sub(1)) + 1);
        let (what, shown, bang) = if image { ("image", "an image", "!") } else { ("link", "a link", "") };
        let fixed = format!("{bang}[{text}](<{dest}>)");
        let renamed = dest.replace(' ', "-");
        out.push(finding(
            LINK_SPACE,
            doc,
            doc.span(start, end),
            format!("the {what} `{dest}` is shown as text, not as {shown}: its address has a space"),
            &format!("write the address in angle brackets, `{fixed}`, or rename the file without spaces (`{renamed}`)"),
        ));
    }
    out
}

/// One of [`markdown_fields`] as the build rendered it: its text, where it is written,
/// and what the rendering saw of it.
pub(crate) struct Field<'a> {
    pub(crate) text: &'a str,
    pub(crate) at: (usize, usize),
    pub(crate) outline: &'a Outline,
}

/// The front matter the theme renders as Markdown, as a visitor reads it (`aftercare:`
/// items, the `expect` of `healing:` steps), each with where it is written. Testimonials,
/// captions and the other texts are shown as plain text, so markup in them is harmless.
/// Aftercare items come first, then healing steps (`build` splits them so).
pub(crate) fn markdown_fields(doc: &Doc) -> Vec<(&str, (usize, usize))> {
    let fm = &doc.meta.fm;
    let aftercare =
        fm.aftercare.iter().enumerate().map(|(i, text)| (text.as_str(), doc.entry_position("aftercare", i, &[])));
    let healing =
        fm.healing.iter().enumerate().map(|(i, h)| (h.expect.as_str(), doc.entry_position("healing", i, &["expect"])));
    aftercare.chain(healing).collect()
}

/// Where `piece` (text of the item written at `at`) is on the item's line, as a span;
/// the item's own position when it is not written there as it reads (escaped, folded).
fn in_item(doc: &Doc, (line, col): (usize, usize), piece: &str) -> (usize, usize, usize) {
    let piece = piece.trim();
    let written = doc.text().lines().nth(line.saturating_sub(1)).unwrap_or("");
    let from = written.char_indices().nth(col.saturating_sub(1)).map_or(written.len(), |(i, _)| i);
    match written[from..].find(piece) {
        Some(at) if !piece.is_empty() => (line, written[..from + at].chars().count() + 1, piece.chars().count()),
        _ => (line, col, 0),
    }
}

/// What the rules find in Markdown's raw HTML and links: `span` places a byte range of
/// the Markdown in the page file.
fn markup_findings(
    doc: &Doc,
    outline: &Outline,
    span: impl Fn(&std::ops::Range<usize>) -> (usize, usize, usize),
    country: Option<&str>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (range, what) in &outline.risky_html {
        out.push(finding(
            RAW_HTML,
            doc,
            span(range),
            format!("raw HTML with `{what}` runs code or shows another site inside this page"),
            "keep it only if you trust where it came from (a booking widget, a map); otherwise write the text in Markdown and link with `[text](https://…)`",
        ));
    }
    out.extend(outline.links.iter().flat_map(|link| link_findings(doc, link, span(&link.range), country)));
    out
}

/// A page without a `description`, or one longer than search results show.
fn description(doc: &Doc) -> Option<Diagnostic> {
    match doc.meta.fm.description.as_deref().map(str::trim) {
        None | Some("") => Some(finding(
            DESCRIPTION,
            doc,
            (0, 0, 0),
            "no `description`: search results and link previews will use the site's description".into(),
            "add `description: ` with one sentence (at most 160 characters) about the page",
        )),
        Some(description) if description.chars().count() > DESCRIPTION_LIMIT => {
            let (line, col) = doc.key_position("description");
            Some(finding(
                DESCRIPTION,
                doc,
                (line, col, "description".len()),
                format!(
                    "the description is {} characters long; search results cut it at about {DESCRIPTION_LIMIT}",
                    description.chars().count()
                ),
                "keep it to one sentence of at most 160 characters; put the rest in the page",
            ))
        }
        Some(_) => None,
    }
}

/// An image without alt text or that looks like a before/after photo, and a `tel:`
/// link that does not dial everywhere.
fn link_findings(doc: &Doc, link: &LinkRef, at: (usize, usize, usize), country: Option<&str>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if link.image && link.alt.trim().is_empty() {
        out.push(finding(
            ALT_TEXT,
            doc,
            at,
            format!("the image `{}` has no alt text", link.dest),
            "describe what it shows inside the brackets: `![Healed crown in daylight](photo.jpg)`",
        ));
    }
    if link.image && says_before_after(&link.alt, &link.dest) {
        out.push(finding(
            BODY_BEFORE_AFTER,
            doc,
            at,
            format!("the image `{}` looks like a before/after photo placed in the text", link.dest),
            "move it to `before_after:` in the front matter, with `consent`, `retouched`, `session` and `days_after` or `healed` (the theme shows the disclosures)",
        ));
    }
    let number = link.dest.get(..4).filter(|s| s.eq_ignore_ascii_case("tel:")).map(|_| &link.dest[4..]);
    if let Some(number) = number.filter(|n| config::e164(n, country).is_none()) {
        out.push(finding(
            TEL,
            doc,
            at,
            format!("`tel:{number}` is not a phone number that dials everywhere (E.164)"),
            "write the full number with its country code, e.g. `tel:+14805550100` (or set `clinic.address.country` for national numbers)",
        ));
    }
    out
}

/// `after` photos taken before the skin heals, not marked `healed`.
fn fresh_after_photos(doc: &Doc) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (index, entry) in doc.meta.fm.before_after.iter().enumerate() {
        let fresh = entry.days_after.filter(|&days| days < HEALED_AFTER_DAYS && entry.healed != Some(true));
        if let Some(days) = fresh {
            let (line, col) = doc.entry_position("before_after", index, &["days_after"]);
            out.push(finding(
                FRESH_AFTER_PHOTO,
                doc,
                (line, col, "days_after".len()),
                format!(
                    "the `after` photo was taken {days} days after session {}, before the skin heals (about {HEALED_AFTER_DAYS} days): it shows darker, sharper dots than the healed result",
                    entry.session
                ),
                "use a photo taken at least four weeks after the session; if the skin had healed, add `healed: true`",
            ));
        }
    }
    out
}

/// Whether an image's alt text or file name says it is a before or after photo: it has
/// the word "before" or "after" (`crown-after.jpg`, "Hairline before SMP").
fn says_before_after(alt: &str, dest: &str) -> bool {
    let name = dest.rsplit('/').next().unwrap_or(dest);
    [alt, name].iter().any(|text| {
        text.split(|c: char| !c.is_alphanumeric())
            .any(|w| w.eq_ignore_ascii_case("before") || w.eq_ignore_ascii_case("after"))
    })
}

/// Where the page's text quotes someone and says who: `“It healed well,” says Mark.`,
/// `"Worth it." — Dan, 41`. Each range runs from the opening quote mark to the name.
fn quoted_clients(prose: &str) -> Vec<std::ops::Range<usize>> {
    static QUOTE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let quote = QUOTE.get_or_init(|| {
        regex::Regex::new(
            r#"[“"][^”"\x00]{8,}[”"]\s*[,.]?\s*(?:[-–—]{1,2}\s*|(?:says|said|writes|wrote|told\s+us)\s+)\p{Lu}[\p{L}.]*"#,
        )
        .expect("a valid pattern")
    });
    quote.find_iter(prose).map(|m| m.range()).collect()
}

/// Warnings for unquoted values in `yaml` (of the file `path`, whose whole text is
/// `text`, the YAML starting on line `first_line`) that a `#` cut short.
pub(super) fn cut_by_comment(path: &Path, text: &str, yaml: &str, first_line: usize) -> Vec<Diagnostic> {
    yaml::cut_by_comment(yaml)
        .into_iter()
        .map(|cut| {
            let message = format!(
                "`{}` ends at the `#`: YAML reads it as “{}” and drops “{}” as a comment",
                cut.key, cut.kept, cut.dropped
            );
            Diagnostic::warning(path, cut.line + first_line - 1, cut.col, message)
                .with_len(cut.dropped.chars().count())
                .with_help(format!("put the whole value in quotes: `{}: \"{} {}\"`", cut.key, cut.kept, cut.dropped))
                .with_source(text)
        })
        .collect()
}

/// About how many entries a menu holds before it stops being one on a phone.
const MENU_LIMIT: usize = 8;

/// A warning when the generated menu (no `menu:` in site.yaml) would list more than
/// about eight entries: every top-level section and page joins it.
pub(super) fn menu_size(site: &Site, config: &Config) -> Option<Diagnostic> {
    let home = &site.pages[site.home];
    let entries = 1 + home.subsections.len() + home.pages.len();
    if config.menu.is_some() || entries <= MENU_LIMIT {
        return None;
    }
    Some(
        Diagnostic::warning(
            config::FILE_NAME,
            0,
            0,
            format!("the generated menu has {entries} entries (Home and every top-level section and page), too many to use on a phone"),
        )
        .with_help("list the main pages in site.yaml: `menu: [{ title: The process, url: /process/ }, { title: Book, url: /contact/ }]`, or move pages into section folders"),
    )
}

/// site.yaml's phone numbers that are not E.164 once normalised, and those labelled
/// for texting that would still be called.
pub(super) fn phones(config: &Config) -> Vec<Diagnostic> {
    let config_text = config.text();
    let texting = config.clinic.phones.iter().filter(|p| !p.text_only && says_texting(&p.label)).map(|p| {
        let (line, col) = config.value_at("label", &p.label).unwrap_or((0, 0));
        let d = Diagnostic::warning(
            config::FILE_NAME,
            line,
            col,
            format!("the phone labelled `{}` becomes a call link (`tel:`), not one that opens a text message", p.label),
        )
        .with_len(p.label.chars().count())
        .with_help(format!(
            "if the number takes texts only, add `text_only: true` to it: `{{ label: {}, number: \"{}\", text_only: true }}` (it becomes an `sms:` link)",
            p.label, p.number
        ));
        with_rule(d.with_source(config_text), TEL)
    });
    let texting: Vec<Diagnostic> = texting.collect();
    config
        .clinic
        .phones
        .iter()
        .filter(|p| config::e164(&p.number, config.country()).is_none())
        .map(|p| {
            let (line, col) = config_text
                .lines()
                .enumerate()
                .find_map(|(i, l)| Some((i + 1, l[..l.find(&p.number)?].chars().count() + 1)))
                .unwrap_or((0, 0));
            let d = Diagnostic::warning(
                config::FILE_NAME,
                line,
                col,
                format!("the phone number `{}` does not become a full international number (E.164)", p.number),
            )
            .with_len(p.number.chars().count())
            .with_help("write it with the country code (`+44 20 7946 0000`), or set `clinic.address.country: US` for a US number");
            with_rule(d.with_source(config_text), TEL)
        })
        .chain(texting)
        .collect()
}

/// Whether a phone's label says it is for texts: "Text us", "SMS", "Texts only".
fn says_texting(label: &str) -> bool {
    label
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| ["text", "texts", "texting", "sms"].contains(&w.to_lowercase().as_str()))
}
