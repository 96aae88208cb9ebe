//! What the site-wide content checks know of the site (where every page, alias and
//! file is published, each page's anchors): links, images and before/after photos that
//! lead nowhere, `#anchors` that match no heading, and what a session page must show.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::content::{ANCHOR, LINK, SESSION_AFTERCARE, SESSION_EXPECTATIONS, STAGE, finding, link_span};
use super::fields;
use crate::error::Diagnostic;
use crate::front_matter::SectionKind;
use crate::markdown::{self, Anchors, LinkRef};
use crate::site::{Page, PageId, Site};
use crate::theme::Theme;
use crate::yaml;

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
                out.extend(self.missing_anchor(id, link, target, fragment, &anchors));
            }
        }
        out.extend(self.front_matter_photos(page));
        out
    }

    /// `#fragment` of `link` (on page `id`) when it matches no heading of `target` nor
    /// an id the theme gives.
    fn missing_anchor<'f>(
        &self,
        id: PageId,
        link: &LinkRef,
        target: PageId,
        fragment: &str,
        anchors: impl Fn(PageId) -> &'f Anchors,
    ) -> Option<Diagnostic> {
        let doc = &self.site.pages[id].doc;
        let targets = anchors(target);
        if targets.contains(fragment) || self.theme_ids.contains(fragment) {
            return None;
        }
        let shown = if target == id {
            "this page".to_string()
        } else {
            self.site.pages[target].doc.display_path().display().to_string()
        };
        // Sorted: of two equally close ids, the same one is suggested every time.
        let mut candidates: Vec<&str> = targets.ids().into_iter().collect();
        candidates.sort_unstable();
        let help = match yaml::closest(fragment, &candidates) {
            Some(best) => format!("did you mean `#{best}`? Heading ids come from their text: `## Week 2` is `#week-2`"),
            None => {
                "link to a heading's id: `## Week 2` is `#week-2`, or choose one with `## Week 2 {#week-two}`".into()
            }
        };
        Some(finding(ANCHOR, doc, link_span(doc, link), format!("`#{fragment}` is not a heading of {shown}"), &help))
    }

    /// The photos `page`'s front matter names (see [`fields::page_photos`]) whose address
    /// runs code or leaves the site insecurely, or whose file does not exist.
    fn front_matter_photos(&self, page: &Page) -> Vec<Diagnostic> {
        let (site, doc) = (self.site, &page.doc);
        let mut out = Vec::new();
        for fields::Photo { dest: src, at: (line, col), what } in fields::page_photos(doc) {
            let at = |d: Diagnostic| Diagnostic { line, col, ..d }.with_source(doc.text());
            if let Some(problem) = fields::address_problem(&doc.display_path(), &what, src) {
                out.push(at(problem));
                continue;
            }
            let problem = match src.strip_prefix('/') {
                _ if crate::site::is_external(src) => None,
                Some(rooted) if !self.files.contains(rooted) => Some((
                    format!("{what} `{src}` does not exist"),
                    match self.other_case(rooted) {
                        Some(same) => format!("did you mean `/{same}`? Addresses differ in upper and lower case"),
                        None => {
                            "put the photo in static/ (`/images/a.jpg` is `static/images/a.jpg`) or beside the page"
                                .to_string()
                        }
                    },
                )),
                Some(_) => None,
                None if Site::source_path(page, src).is_some_and(|key| site.asset_at(&key).is_some()) => None,
                None => {
                    let shown =
                        Site::source_path(page, src).map_or_else(|| src.to_string(), |k| format!("content/{k}"));
                    let help = if self.statics.contains(src.trim_start_matches("./")) {
                        format!("files in static/ are linked from the site root: `/{}`", src.trim_start_matches("./"))
                    } else if let Some(best) = self.file_beside(page, src) {
                        format!("did you mean `{best}`?")
                    } else {
                        "check the file name and folder; a file beside the page is linked by its name, e.g. `photo.jpg`"
                            .into()
                    };
                    Some((format!("the image `{src}` does not exist: {shown} is not there"), help))
                }
            };
            if let Some((message, help)) = problem {
                out.push(at(Diagnostic::error(doc.display_path(), 0, 0, message).with_help(help)));
            }
        }
        out
    }

    /// Whether the site publishes a file at `url` (no leading `/`).
    pub(super) fn has_file(&self, url: &str) -> bool {
        self.files.contains(url)
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
        } else if let Some(best) = self.file_beside(page, path) {
            format!("did you mean `{best}`?")
        } else if let Some(md) = self.markdown_beside(page, path) {
            format!("to link to that page, link to its file: `{md}` (links to `.md` files always find their page)")
        } else if let Some((id, renamed)) = self.site.renamed_to(&url).filter(|_| !file && !image) {
            let new = &self.site.pages[id];
            let alias = format!(
                " If the page was renamed, add `aliases: [\"/{}/\"]` to {} so old links and bookmarks still lead to it",
                url.trim_matches('/'),
                new.doc.display_path().display()
            );
            format!("did you mean `/{}`?{}", new.path, if renamed { alias.as_str() } else { "" })
        } else if !path.starts_with('/') && self.statics.contains(path.trim_start_matches("./")) {
            format!("files in static/ are linked from the site root: `/{}`", path.trim_start_matches("./"))
        } else if file && !path.starts_with('/') {
            "check the file name and folder; a file beside the page is linked by its name, e.g. `photo.jpg`".into()
        } else {
            let generic = if path.starts_with('/') {
                "check the address; files in static/ are linked from the site root (`static/images/a.png` is `/images/a.png`)"
            } else {
                "link to the page's Markdown file (`../process/first-session.md`) or its address from the site root (`/process/first-session/`); a file beside the page is linked by its name, e.g. `photo.jpg`"
            };
            match (file || image, url.trim_matches('/')) {
                (false, old) if !old.is_empty() => format!(
                    "{generic}; if the page was renamed, add `aliases: [\"/{old}/\"]` to the page that replaced it"
                ),
                _ => generic.into(),
            }
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

    /// For a file beside the page that is not there (`studiophoto.jpg`), the one in the
    /// same folder closest by name (`StudioPhoto.JPG`), written as the link should be.
    fn file_beside(&self, page: &Page, path: &str) -> Option<String> {
        let key = Site::source_path(page, path).filter(|_| !path.starts_with('/'))?;
        let (dir, name) = key.rsplit_once('/').unwrap_or(("", &key));
        let names: Vec<&str> = (self.site.assets.iter())
            .filter_map(|a| a.source.to_str())
            .map(|source| source.rsplit_once('/').unwrap_or(("", source)))
            .filter(|(d, _)| *d == dir)
            .map(|(_, n)| n)
            .collect();
        let best = yaml::closest(name, &names)?;
        Some(format!("{}{best}", &path[..path.rfind('/').map_or(0, |i| i + 1)]))
    }

    /// An address from the site root that is not there, in another case: as published.
    pub(super) fn other_case(&self, url: &str) -> Option<&'a str> {
        self.lowercase().get(url.to_lowercase().as_str()).copied()
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
