//! Findings from every stage, put together: the front-matter problems that leave a
//! file out, the templates', the content rules' and the site-wide ones (links written
//! in site.yaml), merged without duplicates and without what only follows from a file
//! left out, which is dropped by its typed [`Cause`], never by its wording.

use std::collections::HashSet;

use crate::config::Config;
use crate::error::{Cause, Diagnostic, Error};
use crate::render::Outputs;

/// The content keys (`process/first.md`) of the files whose front matter failed.
pub(super) fn failed_keys(problems: &[Diagnostic]) -> HashSet<String> {
    problems
        .iter()
        .filter_map(|d| d.path.strip_prefix("content").ok())
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect()
}

/// `earlier` and `later` findings together, without duplicates, and without what only
/// follows from a file left out (`failed`): a link to it, or the home page missing
/// when its own front matter failed.
pub(super) fn merged(earlier: Vec<Diagnostic>, later: Vec<Diagnostic>, failed: &HashSet<String>) -> Vec<Diagnostic> {
    // By a hash of how each prints: a big site has tens of thousands of findings, and
    // keeping each one's text for the comparison alone held tens of megabytes.
    let mut seen = HashSet::new();
    let mut text = String::new();
    earlier
        .into_iter()
        .chain(later.into_iter().filter(|d| match d.cause.as_deref() {
            Some(Cause::NoHomePage) => !failed.contains("_index.md"),
            Some(Cause::MissingPage(key)) => !failed.contains(key),
            None => true,
        }))
        .filter(|d| {
            text.clear();
            let _ = std::fmt::Write::write_fmt(&mut text, format_args!("{d}"));
            seen.insert(crate::fingerprint::hash_of(&text))
        })
        .collect()
}

/// Links written in site.yaml appear on every page (the consultation call to action,
/// the menu): a site-relative one that leads nowhere would break all of them.
pub(super) fn check_site_links(config: &Config, outputs: &Outputs) -> Vec<Diagnostic> {
    let booking = config
        .clinic
        .booking_url
        .as_deref()
        .map(|url| ("booking_url", url, "every \"Book a consultation\" link leads nowhere"));
    let menu = config.menu.iter().flatten().map(|item| ("url", item.url.as_str(), "this menu entry leads nowhere"));
    booking
        .into_iter()
        .chain(menu)
        .filter(|(_, url, _)| !publishes(outputs, url))
        .map(|(key, url, consequence)| {
            let (line, col) = config.value_at(key, url).unwrap_or((0, 0));
            let d = Diagnostic::warning(crate::config::FILE_NAME, line, col, format!("`{key}: {url}` has no page behind it, so {consequence}"))
                .with_help("create that page (for /contact/: content/contact.md), or point it at an existing page or another site's address");
            d.with_source(config.text())
        })
        .collect()
}

/// Whether a URL from site.yaml is published by this build; absolute URLs are not ours to check.
fn publishes(outputs: &Outputs, url: &str) -> bool {
    let Some(path) = url.strip_prefix('/') else { return true };
    let path = path.split(['#', '?']).next().unwrap_or("");
    let file = if path.is_empty() || path.ends_with('/') { format!("{path}index.html") } else { path.to_string() };
    outputs.contains_key(&file) || outputs.contains_key(&format!("{path}/index.html"))
}

pub(super) fn content_error(mut problems: Vec<Diagnostic>) -> Error {
    // The same problem can be met twice (a page's body is also rendered where another
    // page shows it, e.g. the home page's FAQ teaser): it is reported once.
    problems.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let mut seen = std::collections::HashSet::new();
    problems.retain(|d| seen.insert(d.to_string()));
    Error::Content(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Findings that only follow from a file left out are dropped by their cause, so
    /// rewording a message cannot bring them back (or drop another finding).
    #[test]
    fn findings_that_follow_from_a_failed_file_are_dropped_by_cause_not_by_wording() {
        let failed: HashSet<String> = ["_index.md".to_string(), "process/first.md".to_string()].into();
        let link = |to: &str| {
            Diagnostic::error("content/faq.md", 3, 1, "any words at all")
                .with_cause(Some(Cause::MissingPage(to.to_string())))
        };
        let home = Diagnostic::error("content/_index.md", 0, 0, "no home").with_cause(Some(Cause::NoHomePage));
        let worded = Diagnostic::error(
            "content/faq.md",
            4,
            1,
            "the home page is missing: content/process/first.md does not exist",
        );
        let later = vec![link("process/first.md"), link("process/second.md"), home, worded.clone()];
        let kept: Vec<String> = merged(Vec::new(), later, &failed).into_iter().map(|d| d.message).collect();
        assert_eq!(kept, ["any words at all".to_string(), worded.message], "only the link to the missing page is kept");
    }
}
