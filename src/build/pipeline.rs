//! The one stage sequence. [`run`] is what `build`, `check` and `serve` all call; they
//! differ only in their [`Sink`] (where the rendered files go, and which need not be
//! rendered) and their [`Cache`] (what is kept for the next run):
//!
//! | command | sink | cache |
//! |---|---|---|
//! | `build` | a staging folder, swapped in whole (`build::Staged`) | none kept; bodies rendered per page and dropped |
//! | `check` | nothing (`build::Checked`) | none kept; photos only opened |
//! | `serve` | the live folder, only changed files (`serve::live`) | documents, graph, bodies, templates, findings |
//!
//! Every stage runs on what got through the ones before, so one run reports every
//! problem it can find, and every command reports the same findings.

use std::borrow::Cow;
use std::sync::Arc;

use rayon::prelude::*;

use crate::error::{Diagnostic, Error, Result};
use crate::load::Loaded;
use crate::render::{Bodies, Body, Job, Outputs, Renderer};

use super::findings::{check_site_links, content_error, failed_keys, merged};
use super::prepare::{Cache, Fresh, Prepared, prepare_all, render_bodies};

/// Where a run's rendered files go. Rendering is parallel, so a sink takes files
/// through `&self`; `start` and `finish` run once, on the calling thread.
pub trait Sink: Sync {
    /// The output plan is made and nothing is rendered yet.
    fn start(&mut self, plan: &Plan<'_>) -> Result<()> {
        let _ = plan;
        Ok(())
    }

    /// Whether the file at `path`, made by `job`, is to be rendered: false when the
    /// sink already holds what it would be.
    fn wants(&self, path: &str, job: Job<'_>, renderer: &Renderer<'_>) -> bool {
        let _ = (path, job, renderer);
        true
    }

    /// One rendered file.
    fn take(&self, path: &str, job: Job<'_>, renderer: &Renderer<'_>, bytes: Cow<'_, [u8]>) -> Result<()>;

    /// Every file rendered and no rule failed: the output becomes whole. Not called
    /// when a run fails, so a failed run leaves the output as it was.
    fn finish(&mut self, outputs: &Outputs<'_>) -> Result<()> {
        let _ = outputs;
        Ok(())
    }
}

/// What a sink sees of a run before anything renders.
pub struct Plan<'p> {
    /// Every output file, by path.
    pub outputs: &'p Outputs<'p>,
    /// The site, parsed and linked.
    pub prepared: &'p Prepared,
    /// What renders each file (and gives its key, [`Renderer::key`]).
    pub renderer: &'p Renderer<'p>,
    /// Each page's Markdown as HTML, when the cache keeps them (`serve`); a page whose
    /// links are broken has its problems instead.
    pub bodies: Option<&'p [std::result::Result<Arc<Body>, Vec<Diagnostic>>]>,
    /// No file failed before rendering, so the run can still succeed.
    pub clean: bool,
}

/// What a run that succeeded found.
pub struct Run {
    /// How many pages the site has.
    pub pages: usize,
    /// Shared with the cache (`serve`): a save that changes no finding gets the same
    /// list back, not a copy.
    pub warnings: Arc<Vec<Diagnostic>>,
    /// Every page's body, when the cache keeps them (`serve`, which compares the next
    /// run's with them).
    pub bodies: Option<Vec<Arc<Body>>>,
}

/// Runs every stage on `site` into `sink` (see the module docs of [`crate::build`]).
/// On success the sink is finished and the warnings are returned; on failure every
/// problem found is the error, and the sink is not finished.
pub fn run(site: &Loaded, drafts: bool, cache: &mut Cache, sink: &mut dyn Sink) -> Result<Run> {
    let (sources, config) = (&site.sources, &site.config);
    // Stage 2: parse and link. A file whose front matter fails is left out, and the
    // later stages run on the others.
    let (prepared, problems) = prepare_all(site, drafts, cache)?;
    let failed = failed_keys(&problems);
    let stop = |later: Vec<Diagnostic>| content_error(merged(problems.clone(), later, &failed));
    // Stage 3: the bodies, kept (serve) or rendered as each page is (build, check).
    let kept = cache.keeps_bodies().then(|| render_bodies(&prepared, config, cache));
    let fresh = Fresh { prepared: &prepared, config };
    let bodies: &dyn Bodies = match &kept {
        Some(kept) => kept,
        None => &fresh,
    };
    // Stage 4: templates, into the sink.
    let tera = cache.templates(&prepared.theme).map_err(stop)?;
    let renderer = Renderer::with_templates(config, prepared.parts(), bodies, tera).map_err(stop)?;
    let outputs = renderer.outputs(super::assets(sources, &prepared.site)).map_err(stop)?;
    let bodies = kept.as_deref();
    sink.start(&Plan {
        outputs: &outputs,
        prepared: &prepared,
        renderer: &renderer,
        bodies,
        clean: problems.is_empty(),
    })?;
    let mut later = match render_each(&renderer, &outputs, sink) {
        Ok(()) => Vec::new(),
        Err(Error::Content(found)) => found,
        Err(other) => return Err(other),
    };
    // Stage 5: the content rules.
    let mut warnings = match prepared.findings(config, cache) {
        Ok(found) => found,
        Err(Error::Content(found)) => Arc::new(found),
        Err(other) => return Err(other),
    };
    if !problems.is_empty() || !later.is_empty() {
        later.extend(Arc::unwrap_or_clone(warnings));
        warnings = Arc::new(merged(problems, later, &failed));
    }
    if warnings.iter().any(Diagnostic::is_error) {
        return Err(content_error(Arc::unwrap_or_clone(warnings)));
    }
    // Stage 6: the output becomes whole, and what only a finished site shows is added.
    sink.finish(&outputs)?;
    let mut site_wide = check_site_links(config, &outputs);
    site_wide.extend(prepared.gps_findings());
    if !site_wide.is_empty() {
        Arc::make_mut(&mut warnings).extend(site_wide);
    }
    // The run succeeded, so every page's body rendered.
    let bodies = kept.and_then(|kept| kept.into_iter().map(std::result::Result::ok).collect());
    Ok(Run { pages: prepared.site.pages.len(), warnings, bodies })
}

/// Renders every output file the sink wants, in parallel, and hands each to it as soon
/// as it is rendered, so the whole site is never held in memory. All template errors
/// are reported together, in path order.
pub fn render_each<'a>(renderer: &Renderer<'a>, outputs: &Outputs<'a>, sink: &dyn Sink) -> Result<()> {
    let jobs: Vec<(&String, &Job)> = outputs.iter().collect();
    let results: Vec<Result<()>> = jobs
        .par_iter()
        .filter(|(path, job)| sink.wants(path, **job, renderer))
        .map(|(path, job)| match renderer.render(**job) {
            Ok(bytes) => sink.take(path, **job, renderer, bytes),
            Err(problems) => Err(Error::Content(problems)),
        })
        .collect();
    let mut problems = Vec::new();
    for result in results {
        match result {
            Ok(()) => {}
            Err(Error::Content(found)) => problems.extend(found),
            Err(other) => return Err(other),
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(content_error(problems)) }
}
