//! How a link or image written in Markdown resolves: to a page's URL, to a file
//! published beside it, or kept as written; broken links get a message naming the
//! closest file.

use super::{Page, Site, key_dir};
use crate::markdown::LinkTarget;
use crate::yaml;

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
                    }
                } else {
                    let help = match target.as_deref().and_then(|t| self.closest_source(t)) {
                        Some(best) => format!("did you mean content/{best}? Links are relative to this file"),
                        None => "check the file name and folder; links are relative to this file, e.g. `../process/first-session.md`".into(),
                    };
                    LinkTarget::Broken {
                        message: format!("the link to `{path}` leads to no page: {shown} does not exist"),
                        help,
                    }
                }
            }
        }
    }

    /// The published source whose path is closest to a mistyped one, if any is close.
    fn closest_source(&self, wanted: &str) -> Option<String> {
        let candidates: Vec<&str> = self.pages.iter().map(|p| p.doc.key.as_str()).collect();
        yaml::closest(wanted, &candidates).map(str::to_string)
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
