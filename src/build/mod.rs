//! The stages, in the one order `build`, `check` and `serve` all run them:
//!
//! 1. load ([`crate::load`]): site.yaml, the content rules, every source file;
//! 2. parse front matter and link the site graph ([`prepare`]);
//! 3. Markdown: each page's body, with the page-by-page content rules;
//! 4. templates ([`Renderer`]): every output file;
//! 5. the site-wide content rules ([`Prepared::findings`]);
//! 6. write, through [`crate::output`]: `build` streams into a staging folder that
//!    replaces the output only when every file is written and nothing failed; `serve`
//!    writes the files that changed (`serve::live`); `check` writes nothing.
//!
//! `build` renders each body as its page is rendered (stages 3 and 4 interleave, so a
//! build never holds the whole site's HTML); `serve` keeps the bodies and adds caches
//! and keys, never another order. Parsing, Markdown and templates run in parallel.
//! Every stage collects all of its problems, so one run reports every error it can find.
//!
//! Files: `prepare` (stage 2, and serve's cache with its bodies), `bodies` (stage 3 for
//! one page), `safety` (where a build may not write); this file runs the stages and
//! collects their findings. Imports among them point one way: prepare -> bodies.

mod bodies;
mod prepare;
mod safety;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::Config;
use crate::error::{Cause, Diagnostic, Error, Result};
use crate::load::{self, Loaded};
use crate::output::Staging;
use crate::render::{Job, Outputs, Renderer};
use crate::site::Site;
use crate::source::Sources;

use prepare::prepare_all;
pub use prepare::{Cache, Fresh, Prepared, prepare, render_bodies};
use safety::check_output_is_safe;

/// What `build` is asked to do (the command line's `build` options).
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site folder, holding `site.yaml` (found once, by `lib::run`).
    pub root: PathBuf,
    /// Where to write; `public/` under the root when None.
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
}

/// What a finished build did.
#[derive(Debug)]
pub struct Summary {
    pub pages: usize,
    pub output: PathBuf,
    pub elapsed: Duration,
    pub warnings: Vec<Diagnostic>,
}

/// What one rebuild of `serve` did.
#[derive(Debug)]
pub struct Rebuilt {
    /// Output paths written or deleted, in order.
    pub changed: Vec<String>,
    pub pages: usize,
    pub elapsed: Duration,
    /// Shared with the next rebuild's when no finding changed, so it is not copied.
    pub warnings: Arc<Vec<Diagnostic>>,
}

/// Builds the site described by `options` and writes it.
pub fn build(options: &BuildOptions) -> Result<Summary> {
    let started = Instant::now();
    let root = &options.root;
    let output = options.output.clone().unwrap_or_else(|| root.join("public"));
    check_output_is_safe(root, &output)?;
    let site = load::load(root, options.base_url.as_deref())?;
    let rendered = render_site(&site, options.drafts, Some(&output));
    free_in_background(site);
    let (pages, warnings) = rendered?;
    Ok(Summary { pages, output, elapsed: started.elapsed(), warnings })
}

/// Frees `value` on a thread of its own: a big site's sources, graph and compiled rules
/// take tens of milliseconds to free (a 10,000-page site's ~50 ms), and nothing waits
/// for it. Freed at once when no thread can be started.
fn free_in_background<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new().name("free".into()).spawn(move || drop(value));
}

/// Everything `build` validates, templates included, without writing: the warnings.
pub fn check(site: &Loaded, drafts: bool) -> Result<Vec<Diagnostic>> {
    render_site(site, drafts, None).map(|(_, warnings)| warnings)
}

/// Renders the whole site and, with an `output` folder, swaps it in there once every
/// file rendered and no content rule failed. The page count and the warnings.
fn render_site(site: &Loaded, drafts: bool, output: Option<&Path>) -> Result<(usize, Vec<Diagnostic>)> {
    let (sources, config) = (&site.sources, &site.config);
    // Every stage runs, on the files that got through the ones before, and all their
    // findings come out together: one run shows every problem.
    let mut cache = if output.is_some() { Cache::default() } else { Cache::for_check() };
    let (prepared, problems) = prepare_all(site, drafts, &mut cache)?;
    let failed = failed_keys(&problems);
    let bodies = Fresh { prepared: &prepared, config };
    let stop = |later: Vec<Diagnostic>| content_error(merged(problems.clone(), later, &failed));
    let renderer = Renderer::new(config, prepared.parts(), &bodies).map_err(stop)?;
    let outputs = renderer.outputs(assets(sources, &prepared.site)).map_err(stop)?;
    let write = output.filter(|_| problems.is_empty());
    let staging = write.map(|out| Staging::new(out, outputs.keys().map(String::as_str))).transpose()?;
    let mut later =
        match render_each(&renderer, &outputs, |path, bytes| staging.as_ref().map_or(Ok(()), |s| s.write(path, bytes)))
        {
            Ok(()) => Vec::new(),
            Err(Error::Content(found)) => found,
            Err(other) => return Err(other),
        };
    match prepared.findings(config, &sources.config_text, None) {
        Ok(findings) => later.extend(Arc::unwrap_or_clone(findings)),
        Err(Error::Content(findings)) => later.extend(findings),
        Err(other) => return Err(other),
    }
    let all = merged(problems, later, &failed);
    if all.iter().any(Diagnostic::is_error) {
        return Err(content_error(all));
    }
    let mut warnings = all;
    if let Some(staging) = staging {
        staging.commit()?;
    }
    warnings.extend(prepared.gps_findings());
    warnings.extend(check_site_links(config, &sources.config_text, &outputs));
    let pages = prepared.site.pages.len();
    drop((renderer, outputs));
    free_in_background((prepared, cache));
    Ok((pages, warnings))
}

/// Renders every output file in parallel and hands each to `sink` as soon as it is
/// rendered, so the whole site is never held in memory. All template errors are
/// reported together, in path order.
pub fn render_each<'a>(
    renderer: &Renderer<'a>,
    outputs: &Outputs<'a>,
    sink: impl Fn(&str, &[u8]) -> Result<()> + Sync,
) -> Result<()> {
    let jobs: Vec<(&String, &Job)> = outputs.iter().collect();
    let results: Vec<Result<(), Error>> = jobs
        .par_iter()
        .map(|(path, job)| match renderer.render(**job) {
            Ok(bytes) => sink(path, &bytes),
            Err(problems) => Err(Error::Content(problems)),
        })
        .collect();
    let mut problems = Vec::new();
    for result in results {
        match result {
            Ok(()) => {}
            Err(Error::Content(ds)) => problems.extend(ds),
            Err(other) => return Err(other),
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(content_error(problems)) }
}

/// The content's files that are not Markdown, as output path -> bytes.
pub fn assets<'a>(sources: &'a Sources, site: &Site) -> Vec<(String, &'a [u8])> {
    let by_source: HashMap<&Path, &[u8]> =
        sources.content.iter().filter(|f| !f.is_markdown()).map(|f| (f.rel.as_path(), &f.bytes[..])).collect();
    site.assets.iter().map(|a| (a.output.clone(), by_source[a.source.as_path()])).collect()
}

/// The content keys (`process/first.md`) of the files whose front matter failed.
fn failed_keys(problems: &[Diagnostic]) -> HashSet<String> {
    problems
        .iter()
        .filter_map(|d| d.path.strip_prefix("content").ok())
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect()
}

/// `earlier` and `later` findings together, without duplicates, and without what only
/// follows from a file left out (`failed`): a link to it, or the home page missing
/// when its own front matter failed.
fn merged(earlier: Vec<Diagnostic>, later: Vec<Diagnostic>, failed: &HashSet<String>) -> Vec<Diagnostic> {
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
pub(crate) fn check_site_links(config: &Config, config_text: &str, outputs: &Outputs) -> Vec<Diagnostic> {
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
            let (line, col) = crate::yaml::locate_value(config_text, key, url).unwrap_or((0, 0));
            let d = Diagnostic::warning(crate::config::FILE_NAME, line, col, format!("`{key}: {url}` has no page behind it, so {consequence}"))
                .with_help("create that page (for /contact/: content/contact.md), or point it at an existing page or another site's address");
            d.with_source(config_text)
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

fn content_error(mut problems: Vec<Diagnostic>) -> Error {
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
