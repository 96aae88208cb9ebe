//! How a link or image written in Markdown resolves: to a page's URL, to a file
//! published beside it, or kept as written; broken links get a message naming the
//! closest file.

use super::{Page, PageId, Site, key_dir};
use crate::error::Cause;
use crate::markdown::LinkTarget;

impl Site {
    /// Decides a link or image destination written in `from`'s Markdown, for `root`
    /// (the site's base path): `.md` links become the target page's URL (or are broken),
    /// root-relative links get the base path, everything else is kept.
    pub fn resolve(&self, from: &Page, dest: &str, root: &str) -> LinkTarget {
        if dest.is_empty() || is_external(dest) || dest.starts_with('#') {
            return LinkTarget::Keep;
        }
        let split = dest.find(['#', '?']).unwrap_or(dest.len());
        let (path, suffix) = dest.split_at(split);
        if let Some(rest) = path.strip_prefix('/').filter(|_| !path.ends_with(".md")) {
            return LinkTarget::Replace(format!("{root}{rest}{suffix}"));
        }
        let target = Site::source_path(from, path);
        if !path.ends_with(".md") {
            // A file beside the Markdown (a photo next to `about.md`) is published
            // under its folder's URL, not under the page's: link to where it really is.
            return match target.as_ref().and_then(|t| self.asset_index.get(t)) {
                Some(&i) => LinkTarget::Replace(format!("{root}{}{suffix}", self.assets[i].output)),
                None => LinkTarget::Keep,
            };
        }
        match target.as_ref().and_then(|t| self.by_source.get(t)) {
            Some(&id) => {
                // From a translation, a link to a page leads to that page in the same language.
                let id = self.in_language(id, from.lang);
                LinkTarget::Replace(format!("{root}{}{suffix}", self.pages[id].path))
            }
            None => {
                let shown = target.as_deref().map_or_else(|| path.to_string(), |t| format!("content/{t}"));
                if target.as_ref().is_some_and(|t| self.drafts.contains(t)) {
                    LinkTarget::Broken {
                        message: format!("the link to `{path}` leads to a draft ({shown}), which this build leaves out"),
                        help: "publish the target (remove `draft: true`), remove the link, or build with `--drafts` to preview".into(),
                        cause: None,
                    }
                } else {
                    let old = target.as_deref().map(old_address);
                    let help = match target.as_deref().and_then(|t| self.renamed_to(t)) {
                        Some((id, renamed)) => {
                            let best = &self.pages[id].doc.key;
                            let alias = old.filter(|_| renamed).map(|old| format!(". If the page was renamed, link to its new file, and add `aliases: [\"{old}\"]` to content/{best} so old links and bookmarks still lead to it")).unwrap_or_default();
                            format!("did you mean content/{best}? Links are relative to this file{alias}")
                        }
                        None => {
                            let alias = old.map(|old| format!("; if the page was renamed, add `aliases: [\"{old}\"]` to the page that replaced it")).unwrap_or_default();
                            format!(
                                "check the file name and folder; links are relative to this file, e.g. `../process/first-session.md`{alias}"
                            )
                        }
                    };
                    LinkTarget::Broken {
                        message: format!("the link to `{path}` leads to no page: {shown} does not exist"),
                        help,
                        cause: target.map(Cause::MissingPage),
                    }
                }
            }
        }
    }

    /// The page a link to `wanted` (a Markdown file, `news/opening.md`, or an address,
    /// `news/opening/`, that leads nowhere) most likely meant: the published page closest
    /// to it by name (its file's or folder's name, or its title), if any is close. A
    /// mistyped name and a renamed page are both found; an unrelated page is not. The
    /// flag tells a rename (`opening` -> `our-opening`) from a slip of a letter or two
    /// (`secnd`, `About`), which an alias would not help.
    pub fn renamed_to(&self, wanted: &str) -> Option<(PageId, bool)> {
        let wanted = last_name(wanted);
        if wanted.is_empty() {
            return None;
        }
        let score = |page: &Page| {
            let by_title = strsim::jaro_winkler(&wanted, &super::slugify(page.title()));
            strsim::jaro_winkler(&wanted, &last_name(&page.doc.key)).max(by_title)
        };
        let id = (self.pages.iter().enumerate())
            .map(|(id, page)| (score(page), id))
            .filter(|&(score, _)| score > RENAMED_SCORE)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, id)| id)?;
        Some((id, strsim::levenshtein(&wanted, &last_name(&self.pages[id].doc.key)) > 2))
    }

    /// The file under `content/` (as a key: `process/photo.jpg`) that a link or image
    /// path written in `from` names (`../faq.md`, `photo.jpg`, `/about.md`); None when
    /// it climbs out of `content/`.
    pub fn source_path(from: &Page, path: &str) -> Option<String> {
        let decoded = percent_decode(path);
        match decoded.strip_prefix('/') {
            Some(rest) => normalize("", rest),
            None => normalize(key_dir(&from.doc.key), &decoded),
        }
    }
}

/// How close (Jaro-Winkler, 0 to 1) a page's name must be to a missing one's to be
/// suggested: `first` finds `first-session` (0.88), `aftercare` does not find `contact`.
const RENAMED_SCORE: f64 = 0.85;

/// The last part of a content key or address, in lower case, as a page is named:
/// `news/opening.md`, `news/opening/` and `news/opening/_index.md` are all `opening`.
fn last_name(path: &str) -> String {
    let path = path.trim_end_matches('/');
    let path = own_page_folder(path.strip_suffix(".md").unwrap_or(path));
    path.rsplit('/').next().unwrap_or("").to_lowercase()
}

/// `news/_index` and `news/index` (a folder's own page) -> `news`; other paths as they are.
fn own_page_folder(path: &str) -> &str {
    match path.rsplit_once('/') {
        Some((dir, "_index" | "index")) => dir,
        None if matches!(path, "_index" | "index") => "",
        _ => path,
    }
}

/// The address the page at content key `key` had (`news/opening.md` -> `/news/opening/`),
/// as an `aliases:` entry writes it.
pub(crate) fn old_address(key: &str) -> String {
    let path = own_page_folder(key.strip_suffix(".md").unwrap_or(key)).trim_matches('/');
    if path.is_empty() { "/".into() } else { format!("/{path}/") }
}

/// `rel` (with `/`) taken from the folder `dir` (a content key, `""` at the top), with
/// `.` and `..` resolved without touching the disk; None when it climbs out of `content/`.
fn normalize(dir: &str, rel: &str) -> Option<String> {
    let mut out = String::with_capacity(dir.len() + rel.len() + 1);
    out.push_str(dir.trim_matches('/'));
    for part in rel.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                if out.is_empty() {
                    return None;
                }
                out.truncate(out.rfind('/').unwrap_or(0));
            }
            part => {
                if !out.is_empty() {
                    out.push('/');
                }
                out.push_str(part);
            }
        }
    }
    Some(out)
}

/// `first%20session.md` -> `first session.md`, as editors write links to files with spaces.
fn percent_decode(text: &str) -> std::borrow::Cow<'_, str> {
    percent_encoding::percent_decode_str(text).decode_utf8_lossy()
}

/// Whether a link leaves the site: it has a URL scheme (`https:`, `mailto:`, `tel:`)
/// or starts with `//`.
pub(crate) fn is_external(dest: &str) -> bool {
    let has_scheme = dest.split_once(':').is_some_and(|(scheme, _)| {
        scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    has_scheme || dest.starts_with("//")
}
