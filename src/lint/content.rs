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
use crate::site::{Doc, Page, PageId, Site};
use crate::theme::Theme;
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
pub(super) const SESSION_AFTERCARE: &str = "content/session-aftercare";
pub(super) const SESSION_EXPECTATIONS: &str = "content/session-expectations";
pub(super) const STAGE: &str = "content/stage";
pub(super) const UNUSED_ALLOW: &str = "content/unused-allow";
pub(super) const BODY_BEFORE_AFTER: &str = "content/body-before-after";
pub(super) const BODY_TESTIMONIAL: &str = "content/body-testimonial";
pub(super) const FRESH_AFTER_PHOTO: &str = "content/fresh-after-photo";
pub(super) const AFTERCARE_DAYS: &str = "content/aftercare-days";

/// An `after` photo taken fewer days than this after its session shows skin that has
/// not healed: the dots are darker and sharper, the skin red, and the result flatters
/// the work. Four weeks is when the healing pages of the example site, and most
/// aftercare advice, judge a session's result.
pub(super) const HEALED_AFTER_DAYS: u32 = 28;
pub(super) const RAW_HTML: &str = "content/raw-html";

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
        id: AFTERCARE_DAYS,
        why: "a client who reads only one page follows the number on it: two pages that disagree on when to swim or shave mean some clients do it too soon",
        source: None,
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
fn finding(id: &str, doc: &Doc, (line, col, len): (usize, usize, usize), message: String, help: &str) -> Diagnostic {
    let d = Diagnostic::warning(doc.display_path(), line, col, message).with_len(len).with_help(help);
    let d = d.with_source(doc.text());
    with_rule(d, id)
}

pub(super) fn with_rule(d: Diagnostic, id: &str) -> Diagnostic {
    let rule = RULES.iter().find(|r| r.id == id);
    d.with_rule(id, rule.map(|r| r.why.into()), rule.and_then(|r| r.source.map(Into::into)))
}

fn link_span(doc: &Doc, link: &LinkRef) -> (usize, usize, usize) {
    doc.span(doc.body_offset(link.range.start), doc.body_offset(link.range.end))
}

/// The checks that need only the page itself: description, alt text, `tel:` numbers.
pub(super) fn page(doc: &Doc, outline: &Outline, country: Option<&str>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let Ok(split) = crate::front_matter::split(doc.text(), &doc.display_path()) {
        out.extend(cut_by_comment(&doc.display_path(), doc.text(), split.yaml, split.yaml_line));
    }
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
    for (range, what) in &outline.risky_html {
        out.push(finding(
            RAW_HTML,
            doc,
            doc.span(doc.body_offset(range.start), doc.body_offset(range.end)),
            format!("raw HTML with `{what}` runs code or shows another site inside this page"),
            "keep it only if you trust where it came from (a booking widget, a map); otherwise write the text in Markdown and link with `[text](https://…)`",
        ));
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
pub(super) struct World<'a> {
    site: &'a Site,
    pages_by_url: HashMap<&'a str, PageId>,
    files: HashSet<&'a str>,
    statics: HashSet<&'a str>,
    /// Ids the theme's templates give (`#aftercare-heading`): anchors on any page.
    theme_ids: HashSet<String>,
    /// Every address in lower case -> as published, for "did you mean" on a case slip.
    /// (Made on first use: only a link that leads nowhere needs it.)
    lowercase: std::sync::OnceLock<HashMap<String, &'a str>>,
    /// site.yaml lists the aftercare after every session, which session pages show.
    shared_aftercare: bool,
}

/// Files every build writes besides pages and static files.
const GENERATED: &[&str] = &["sitemap.xml", "robots.txt", "404.html", "atom.xml"];

impl<'a> World<'a> {
    pub(super) fn new(site: &'a Site, theme: &'a Theme, shared_aftercare: bool) -> World<'a> {
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
        let lowercase = std::sync::OnceLock::new();
        World { site, pages_by_url, files, statics, theme_ids, lowercase, shared_aftercare }
    }

    fn lowercase(&self) -> &HashMap<String, &'a str> {
        self.lowercase.get_or_init(|| {
            self.pages_by_url
                .keys()
                .chain(self.files.iter())
                .map(|&address| (address.to_lowercase(), address))
                .collect()
        })
    }

    /// Links, images and before/after photos of page `id` that lead nowhere, and
    /// `#anchors` that match no heading; `anchors` gives each page's anchor targets.
    pub(super) fn links<'f>(
        &self,
        id: PageId,
        links: &[LinkRef],
        anchors: impl Fn(PageId) -> &'f Anchors,
    ) -> Vec<Diagnostic> {
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
            } else if Site::source_path(page, path).is_some_and(|key| site.asset_at(&key).is_some()) {
                // A file beside the Markdown: the link was pointed where it is published.
                None
            } else {
                match self.address(page, path, link.image) {
                    Ok(target) => target,
                    Err((message, help)) => {
                        out.push(finding(LINK, doc, link_span(doc, link), message, &help));
                        None
                    }
                }
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
                    None if Site::source_path(page, src).is_some_and(|key| site.asset_at(&key).is_some()) => None,
                    None => {
                        let shown =
                            Site::source_path(page, src).map_or_else(|| src.to_string(), |k| format!("content/{k}"));
                        let help = if self.statics.contains(src.trim_start_matches("./")) {
                            format!(
                                "files in static/ are linked from the site root: `/{}`",
                                src.trim_start_matches("./")
                            )
                        } else {
                            "check the file name and folder; a file beside the page is linked by its name, e.g. `photo.jpg`".into()
                        };
                        Some((format!("the image `{src}` does not exist: {shown} is not there"), help))
                    }
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

    /// Where a link or image path written in `page` (not a `.md` link, not a file
    /// beside it) leads: the page there (None for a file), or (message, help) when the
    /// site publishes nothing at that address. A relative path is taken from the
    /// page's own address, as the reader's browser does.
    fn address(&self, page: &Page, path: &str, image: bool) -> Result<Option<PageId>, (String, String)> {
        if let Some(bad) = bad_percent(path) {
            return Err((
                format!("the address `{path}` has a `%` that is not followed by two hexadecimal digits ({bad}…)"),
                "write a percent sign in an address as `%25`, or a space as `%20`".into(),
            ));
        }
        let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
        let url = match decoded.strip_prefix('/') {
            Some(rooted) => rooted.to_string(),
            None => join_url(&page.path, &decoded),
        };
        if let Some(found) = self.lookup(&url) {
            return Ok(found);
        }
        let file = path.rsplit('/').next().is_some_and(|name| name.contains('.'));
        let what = match (image, file) {
            (true, _) => "image",
            (false, true) => "file",
            (false, false) => "link",
        };
        let message = match Site::source_path(page, path) {
            Some(key) if file && !path.starts_with('/') => {
                format!("the {what} `{path}` does not exist: content/{key} is not there")
            }
            _ if path.starts_with('/') => format!("the {what} `{path}` leads to no page or file of this site"),
            _ => {
                format!("the {what} `{path}` leads to no page or file of this site (from this page it opens `/{url}`)")
            }
        };
        let lower = url.to_lowercase();
        let lowercase = self.lowercase();
        let help = if let Some(same) = lowercase
            .get(lower.as_str())
            .or_else(|| lowercase.get(format!("{}/", lower.trim_end_matches('/')).as_str()))
        {
            format!("did you mean `/{same}`? Addresses differ in upper and lower case")
        } else if let Some(md) = self.markdown_beside(page, path) {
            format!("to link to that page, link to its file: `{md}` (links to `.md` files always find their page)")
        } else if !path.starts_with('/') && self.statics.contains(path.trim_start_matches("./")) {
            format!("files in static/ are linked from the site root: `/{}`", path.trim_start_matches("./"))
        } else if file && !path.starts_with('/') {
            "check the file name and folder; a file beside the page is linked by its name, e.g. `photo.jpg`".into()
        } else if path.starts_with('/') {
            "check the address; files in static/ are linked from the site root (`static/images/a.png` is `/images/a.png`)".into()
        } else {
            "link to the page's Markdown file (`../process/first-session.md`) or its address from the site root (`/process/first-session/`); a file beside the page is linked by its name, e.g. `photo.jpg`".into()
        };
        Err((message, help))
    }

    /// The page (Some) or file (None) the site publishes at `url` (decoded, no leading `/`).
    fn lookup(&self, url: &str) -> Option<Option<PageId>> {
        let dir = url.strip_suffix("index.html").unwrap_or(url);
        let folder = format!("{}/", dir.trim_end_matches('/'));
        let page = [url, dir, folder.as_str()].into_iter().find_map(|u| self.pages_by_url.get(u));
        match page {
            Some(&id) => Some(Some(id)),
            None if url.is_empty() => Some(Some(self.site.home)),
            None if self.files.contains(url) => Some(None),
            None => None,
        }
    }

    /// For a link written without `.md` (`second`, `../faq/`), the Markdown file it
    /// probably meant, as it should be written, when there is one.
    fn markdown_beside(&self, page: &Page, path: &str) -> Option<String> {
        let bare = path.trim_end_matches('/');
        if bare.is_empty() || bare.ends_with('.') {
            return None;
        }
        [format!("{bare}.md"), format!("{bare}/_index.md"), format!("{bare}/index.md")]
            .into_iter()
            .find(|candidate| Site::source_path(page, candidate).is_some_and(|key| self.site.page_at(&key).is_some()))
    }

    /// What a session page must show (the theme shows `aftercare:` and `healing:`, or
    /// the page links to the pages that cover them), and `stage` outside sessions.
    pub(super) fn structure(&self, id: PageId, links: &[LinkRef], mut consult: impl FnMut(PageId)) -> Vec<Diagnostic> {
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
            .inspect(|&p| consult(p))
            .collect();
        let (title_line, title_col) = doc.key_position("title");
        let at_title = (title_line, title_col, "title".len());
        let about_aftercare = |p: PageId| {
            let other = &site.pages[p];
            let stem = Path::new(&other.doc.source).file_stem().map(|s| s.to_string_lossy().to_lowercase());
            stem.is_some_and(|s| s.contains("aftercare")) || other.title().to_lowercase().contains("aftercare")
        };
        if fm.aftercare.is_empty() && !self.shared_aftercare && !linked.iter().any(|&p| about_aftercare(p)) {
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

/// `rel` taken from the page address `base` (`process/first/`) as a browser does:
/// `second/` -> `process/first/second/`, `../faq/` -> `process/faq/`; `..` stops at the root.
fn join_url(base: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = base.split('/').filter(|s| !s.is_empty()).collect();
    let segments: Vec<&str> = rel.split('/').collect();
    for segment in &segments {
        match *segment {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    let folder = matches!(segments.last(), Some(&("" | "." | "..")));
    let mut url = parts.join("/");
    if folder && !url.is_empty() {
        url.push('/');
    }
    url
}

/// The first `%` of `path` not followed by two hexadecimal digits, with what follows it.
fn bad_percent(path: &str) -> Option<&str> {
    path.match_indices('%')
        .map(|(at, _)| &path[at..])
        .find(|rest| {
            let hex = rest.as_bytes().get(1..3);
            !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
        })
        .map(|rest| &rest[..rest.char_indices().nth(3).map_or(rest.len(), |(i, _)| i)])
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

/// site.yaml's phone numbers that are not E.164 once normalised.
pub(super) fn phones(config: &Config, config_text: &str) -> Vec<Diagnostic> {
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

#[cfg(test)]
mod tests {
    use super::{bad_percent, join_url};

    #[test]
    fn relative_links_are_read_from_the_page_address_as_a_browser_does() {
        assert_eq!(join_url("process/first/", "second/"), "process/first/second/");
        assert_eq!(join_url("process/first/", "../faq/"), "process/faq/");
        assert_eq!(join_url("process/first/", "g"), "process/first/g");
        assert_eq!(join_url("a/", "../../../x/"), "x/", "`..` stops at the root");
        assert_eq!(join_url("", "./"), "");
        assert_eq!(join_url("a/b/", ".."), "a/");
    }

    #[test]
    fn a_percent_sign_must_start_an_escape() {
        assert_eq!(bad_percent("100%-sure"), Some("%-s"));
        assert_eq!(bad_percent("a%2"), Some("%2"));
        assert_eq!(bad_percent("first%20session"), None);
        assert_eq!(bad_percent("caf%C3%A9%"), Some("%"));
    }
}
