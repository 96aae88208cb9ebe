//! Content validation (`content/*` rules): descriptions, alt text, `tel:` numbers,
//! `#anchors`, links to files and site paths, what a session page must show, and the
//! files before/after photos name. A file a relative link or image names that does not
//! exist is an error (the page would show it broken); the rest are warnings.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::config::{self, Config};
use crate::error::Diagnostic;
use crate::front_matter::SectionKind;
use crate::markdown::{self, Anchors, LinkRef, Outline};
use crate::site::{Doc, PageId, Site};
use crate::theme::Theme;
use crate::yaml;

/// A content rule: its id, why it matters and where it comes from.
pub struct Rule {
    pub id: &'static str,
    pub why: &'static str,
    pub source: Option<&'static str>,
}

pub const DESCRIPTION: &str = "content/description";
pub const ALT_TEXT: &str = "content/alt-text";
pub const TEL: &str = "content/tel";
pub const ANCHOR: &str = "content/anchor";
pub const LINK: &str = "content/link";
pub const SESSION_AFTERCARE: &str = "content/session-aftercare";
pub const SESSION_EXPECTATIONS: &str = "content/session-expectations";
pub const STAGE: &str = "content/stage";
pub const UNUSED_ALLOW: &str = "content/unused-allow";
pub const BODY_BEFORE_AFTER: &str = "content/body-before-after";
pub const BODY_TESTIMONIAL: &str = "content/body-testimonial";
pub const FRESH_AFTER_PHOTO: &str = "content/fresh-after-photo";

/// An `after` photo taken fewer days than this after its session shows skin that has
/// not healed: the dots are darker and sharper, the skin red, and the result flatters
/// the work. Four weeks is when the healing pages of the example site, and most
/// aftercare advice, judge a session's result.
pub const HEALED_AFTER_DAYS: u32 = 28;

/// The content rules, documented in the README.
pub const RULES: &[Rule] = &[
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
        why: "a link to a site address that this build does not publish leads to the not-found page",
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
        id: UNUSED_ALLOW,
        why: "an `allow:` that silences nothing would silently hide the rule if the page is later changed",
        source: None,
    },
];

/// Where descriptions get cut in search results.
const DESCRIPTION_LIMIT: usize = 160;

/// A finding of content rule `id` in `doc` at (line, col, len).
fn finding(id: &str, doc: &Doc, (line, col, len): (usize, usize, usize), message: String, help: &str) -> Diagnostic {
    let d = Diagnostic::warning(doc.display_path(), line, col, message).with_len(len).with_help(help);
    let d = d.with_source(doc.text());
    with_rule(d, id)
}

pub fn with_rule(d: Diagnostic, id: &str) -> Diagnostic {
    let rule = RULES.iter().find(|r| r.id == id);
    d.with_rule(id, rule.map(|r| r.why.into()), rule.and_then(|r| r.source.map(Into::into)))
}

fn link_span(doc: &Doc, link: &LinkRef) -> (usize, usize, usize) {
    doc.span(doc.body_offset(link.range.start), doc.body_offset(link.range.end))
}

/// The checks that need only the page itself: description, alt text, `tel:` numbers.
pub fn page(doc: &Doc, outline: &Outline, country: Option<&str>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    match doc.meta.fm.description.as_deref().map(str::trim) {
        None | Some("") => out.push(finding(
            DESCRIPTION,
            doc,
            (0, 0, 0),
            "no `description`: search results and link previews will use the site's description".into(),
            "add `description: ` with one sentence (at most 160 characters) about the page",
        )),
        Some(description) if description.chars().count() > DESCRIPTION_LIMIT => {
            let (line, col) = doc.key_position("description");
            out.push(finding(
                DESCRIPTION,
                doc,
                (line, col, "description".len()),
                format!(
                    "the description is {} characters long; search results cut it at about {DESCRIPTION_LIMIT}",
                    description.chars().count()
                ),
                "keep it to one sentence of at most 160 characters; put the rest in the page",
            ));
        }
        Some(_) => {}
    }
    for link in &outline.links {
        if link.image && link.alt.trim().is_empty() {
            out.push(finding(
                ALT_TEXT,
                doc,
                link_span(doc, link),
                format!("the image `{}` has no alt text", link.dest),
                "describe what it shows inside the brackets: `![Healed crown in daylight](photo.jpg)`",
            ));
        }
        if link.image && says_before_after(&link.alt, &link.dest) {
            out.push(finding(
                BODY_BEFORE_AFTER,
                doc,
                link_span(doc, link),
                format!("the image `{}` looks like a before/after photo placed in the text", link.dest),
                "move it to `before_after:` in the front matter, with `consent`, `retouched`, `session` and `days_after` or `healed` (the theme shows the disclosures)",
            ));
        }
        let number = link.dest.get(..4).filter(|s| s.eq_ignore_ascii_case("tel:")).map(|_| &link.dest[4..]);
        if let Some(number) = number.filter(|n| config::e164(n, country).is_none()) {
            out.push(finding(
                TEL,
                doc,
                link_span(doc, link),
                format!("`tel:{number}` is not a phone number that dials everywhere (E.164)"),
                "write the full number with its country code, e.g. `tel:+14805550100` (or set `clinic.address.country` for national numbers)",
            ));
        }
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

/// What the site-wide checks know: where every page, alias and file is published, and
/// each page's links and anchor targets.
pub struct World<'a> {
    site: &'a Site,
    pages_by_url: HashMap<&'a str, PageId>,
    files: HashSet<&'a str>,
    statics: HashSet<&'a str>,
    /// Ids the theme's templates give (`#aftercare-heading`): anchors on any page.
    theme_ids: HashSet<String>,
}

/// Files every build writes besides pages and static files.
const GENERATED: &[&str] = &["sitemap.xml", "robots.txt", "404.html", "atom.xml"];

impl<'a> World<'a> {
    pub fn new(site: &'a Site, theme: &'a Theme) -> World<'a> {
        let mut pages_by_url: HashMap<&str, PageId> =
            site.pages.iter().enumerate().map(|(id, p)| (p.path.as_str(), id)).collect();
        pages_by_url.extend(site.aliases.iter().map(|(path, &id)| (path.as_str(), id)));
        let statics: HashSet<&str> = theme.statics.keys().map(String::as_str).collect();
        let mut files: HashSet<&str> = site.assets.iter().map(|a| a.output.as_str()).collect();
        files.extend(statics.iter().copied().chain(GENERATED.iter().copied()));
        let theme_ids = theme
            .templates
            .values()
            .flat_map(|t| markdown::html_ids(&t.text))
            .filter(|id| !id.contains(['{', '}']))
            .collect();
        World { site, pages_by_url, files, statics, theme_ids }
    }

    /// Links, images and before/after photos of page `id` that lead nowhere, and
    /// `#anchors` that match no heading; `anchors` gives each page's anchor targets.
    pub fn links<'f>(&self, id: PageId, links: &[LinkRef], anchors: impl Fn(PageId) -> &'f Anchors) -> Vec<Diagnostic> {
        let (site, page) = (self.site, &self.site.pages[id]);
        let doc = &page.doc;
        let mut out = Vec::new();
        for link in links {
            let dest = link.dest.as_str();
            if dest.is_empty() || crate::site::is_external(dest) {
                continue;
            }
            let (path, fragment) = dest.split_once('#').unwrap_or((dest, ""));
            let path = path.split('?').next().unwrap_or(path);
            let target = if path.is_empty() {
                Some(id)
            } else if path.ends_with(".md") {
                // A missing page is already an error of the Markdown stage.
                Site::source_path(page, path).and_then(|key| site.page_at(&key))
            } else if let Some(rooted) = path.strip_prefix('/') {
                let page_there = self
                    .pages_by_url
                    .get(rooted.trim_end_matches('/'))
                    .or_else(|| self.pages_by_url.get(format!("{}/", rooted.trim_end_matches('/')).as_str()));
                if page_there.is_none() && !self.files.contains(rooted) && !rooted.is_empty() {
                    let what = if link.image { "image" } else { "link" };
                    out.push(finding(
                        LINK,
                        doc,
                        link_span(doc, link),
                        format!("the {what} `{dest}` leads to no page or file of this site"),
                        "check the address; files in static/ are linked from the site root (`static/images/a.png` is `/images/a.png`)",
                    ));
                }
                page_there.copied()
            } else {
                if let Some(problem) = self.missing_file(id, path, link.image) {
                    let (line, col, len) = link_span(doc, link);
                    out.push(
                        Diagnostic::error(doc.display_path(), line, col, problem.0)
                            .with_len(len)
                            .with_help(problem.1)
                            .with_source(doc.text()),
                    );
                }
                None
            };
            if let Some(target) = target.filter(|_| !fragment.is_empty()) {
                let targets = anchors(target);
                if !targets.contains(fragment) && !self.theme_ids.contains(fragment) {
                    let shown = if target == id {
                        "this page".to_string()
                    } else {
                        site.pages[target].doc.display_path().display().to_string()
                    };
                    // Sorted: of two equally close ids, the same one is suggested every time.
                    let mut candidates: Vec<&str> = targets.ids().into_iter().collect();
                    candidates.sort_unstable();
                    let help = match yaml::closest(fragment, &candidates) {
                        Some(best) => format!("did you mean `#{best}`? Heading ids come from their text: `## Week 2` is `#week-2`"),
                        None => "link to a heading's id: `## Week 2` is `#week-2`, or choose one with `## Week 2 {#week-two}`".into(),
                    };
                    out.push(finding(
                        ANCHOR,
                        doc,
                        link_span(doc, link),
                        format!("`#{fragment}` is not a heading of {shown}"),
                        &help,
                    ));
                }
            }
        }
        for (index, entry) in doc.meta.fm.before_after.iter().enumerate() {
            for (side, photo) in [("before", &entry.before), ("after", &entry.after)] {
                let src = photo.src.as_str();
                let problem = match src.strip_prefix('/') {
                    Some(rooted) if !self.files.contains(rooted) => Some((
                        format!("the {side} photo `{src}` does not exist"),
                        "put the photo in static/ (`/images/a.jpg` is `static/images/a.jpg`) or beside the page"
                            .to_string(),
                    )),
                    Some(_) => None,
                    None if src.contains(':') => None,
                    None => self.missing_file(id, src, true),
                };
                if let Some((message, help)) = problem {
                    let (line, col) = doc.entry_position("before_after", index, &[side, "src"]);
                    out.push(
                        Diagnostic::error(doc.display_path(), line, col, message)
                            .with_help(help)
                            .with_source(doc.text()),
                    );
                }
            }
        }
        out
    }

    /// (message, help) when the relative path `path` written in page `id` names a file
    /// that is not there. Paths without an extension (`../contact/`) are not files.
    fn missing_file(&self, id: PageId, path: &str, image: bool) -> Option<(String, String)> {
        let page = &self.site.pages[id];
        let name = path.rsplit('/').next().unwrap_or(path);
        if !name.contains('.') {
            return None;
        }
        let source = Site::source_path(page, path);
        if source.as_deref().and_then(|s| self.site.asset_at(s)).is_some() {
            return None;
        }
        let shown = source.as_deref().map_or_else(|| path.to_string(), |key| format!("content/{key}"));
        let what = if image { "image" } else { "file" };
        let in_static = self.statics.contains(path.trim_start_matches("./"));
        let help = if in_static {
            format!("files in static/ are linked from the site root: `/{path}`")
        } else {
            "check the file name and folder; a file beside the page is linked by its name, e.g. `photo.jpg`".into()
        };
        Some((format!("the {what} `{path}` does not exist: {shown} is not there"), help))
    }

    /// What a session page must show (the theme shows `aftercare:` and `healing:`, or
    /// the page links to the pages that cover them), and `stage` outside sessions.
    pub fn structure(&self, id: PageId, links: &[LinkRef]) -> Vec<Diagnostic> {
        let (site, page) = (self.site, &self.site.pages[id]);
        let (doc, fm) = (&page.doc, &page.doc.meta.fm);
        let mut out = Vec::new();
        if fm.stage.is_some() && !page.is_session() {
            let (line, col) = doc.key_position("stage");
            out.push(finding(
                STAGE,
                doc,
                (line, col, "stage".len()),
                "`stage` has no effect outside a `kind: sessions` section".into(),
                "move the page into the sessions folder, or remove `stage`",
            ));
        }
        if !page.is_session() {
            return out;
        }
        let linked: Vec<PageId> = links
            .iter()
            .filter(|l| !l.image)
            .filter_map(|l| {
                let path = l.dest.split('#').next()?;
                let path = path.ends_with(".md").then_some(path)?;
                site.page_at(&Site::source_path(page, path)?)
            })
            .collect();
        let (title_line, title_col) = doc.key_position("title");
        let at_title = (title_line, title_col, "title".len());
        let about_aftercare = |p: PageId| {
            let other = &site.pages[p];
            let stem = Path::new(&other.doc.source).file_stem().map(|s| s.to_string_lossy().to_lowercase());
            stem.is_some_and(|s| s.contains("aftercare")) || other.title().to_lowercase().contains("aftercare")
        };
        if fm.aftercare.is_empty() && !linked.iter().any(|&p| about_aftercare(p)) {
            out.push(finding(
                SESSION_AFTERCARE,
                doc,
                at_title,
                "this session page shows no aftercare: it has no `aftercare:` list and links to no aftercare page"
                    .into(),
                "add an `aftercare:` list to the front matter (the theme shows it), or link to your aftercare page",
            ));
        }
        if fm.healing.is_empty() && !linked.iter().any(|&p| site.pages[p].section_kind == SectionKind::Expectations) {
            out.push(finding(
                SESSION_EXPECTATIONS,
                doc,
                at_title,
                "this session page says nothing about what to expect: it has no `healing:` timeline and links to no expectations page".into(),
                "add `healing:` steps (the theme shows them as a timeline), or link to a page of your `kind: expectations` section",
            ));
        }
        out
    }
}

/// site.yaml's phone numbers that are not E.164 once normalised.
pub fn phones(config: &Config, config_text: &str) -> Vec<Diagnostic> {
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
        .collect()
}
