//! The stages, in the one order `build`, `check` and `serve` all run them, in one
//! function ([`run`], in `pipeline.rs`):
//!
//! 1. load ([`crate::load`]): site.yaml, the content rules, every source file;
//! 2. parse front matter and link the site graph ([`prepare`]);
//! 3. Markdown: each page's body, with the page-by-page content rules;
//! 4. templates ([`Renderer`]): every output file, into the command's [`Sink`];
//! 5. the content rules ([`Prepared::findings`]);
//! 6. the sink is finished, through [`crate::output`]: `build` streams into a staging
//!    folder that replaces the output only when every file is written and nothing
//!    failed; `serve` writes the files that changed (`serve::live`); `check` writes
//!    nothing. Then the site-wide findings of a finished site (links in site.yaml,
//!    photos that record where they were taken).
//!
//! `build` renders each body as its page is rendered (stages 3 and 4 interleave, so a
//! build never holds the whole site's HTML); `serve`'s [`Cache`] keeps the bodies,
//! templates and findings, never another order. Parsing, Markdown and templates run in
//! parallel. Every stage collects all of its problems, so one run reports every error
//! it can find.
//!
//! Files: `pipeline` (the stages in order, and the [`Sink`] a command gives them),
//! `prepare` (stage 2, and the [`Cache`] with serve's bodies), `bodies` (stage 3 for one
//! page), `findings` (every stage's findings merged), `safety` (where a build may not
//! write); this file holds `build` and `check` and their sinks. Imports among them
//! point one way: pipeline -> prepare -> bodies, and each -> findings.

mod bodies;
mod findings;
mod pipeline;
mod prepare;
mod safety;

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::error::{Diagnostic, Result};
use crate::load::{self, Loaded};
use crate::output::Staging;
use crate::render::{Job, Outputs, Renderer};
use crate::site::Site;
use crate::source::Sources;

pub use pipeline::{Plan, Run, Sink, render_each, run};
pub use prepare::{Cache, Fresh, Kept, Prepared, prepare, render_bodies};
use safety::check_output_is_safe;

/// What `build` is asked to do (the command line's `build` options).
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site folder, holding `site.yaml` (found once, by `lib::run`).
    pub root: PathBuf,
    /// Where to write; `public/` under the root when None.
    pub output: Option<PathBuf>,
    /// Replaces site.yaml's `base_url` (`--base-url`).
    pub base_url: Option<String>,
    /// Publish pages marked `draft: true` too (`--drafts`).
    pub drafts: bool,
}

/// What a finished build did.
#[derive(Debug)]
pub struct Summary {
    /// How many pages the site has (every language's).
    pub pages: usize,
    /// The folder written.
    pub output: PathBuf,
    /// From the start of the command to the output swapped in.
    pub elapsed: Duration,
    /// The warnings, and the notes for what pages allowed.
    pub warnings: Vec<Diagnostic>,
}

/// What one rebuild of `serve` did.
#[derive(Debug)]
pub struct Rebuilt {
    /// Output paths written or deleted, in order.
    pub changed: Vec<String>,
    /// How many pages the site has.
    pub pages: usize,
    /// From the change seen to the folder up to date.
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
    let mut cache = Cache::default();
    let run = pipeline::run(&site, options.drafts, &mut cache, &mut Staged { output: &output, staging: None });
    free_in_background((site, cache));
    let run = run?;
    Ok(Summary { pages: run.pages, output, elapsed: started.elapsed(), warnings: Arc::unwrap_or_clone(run.warnings) })
}

/// Frees `value` on a thread of its own: a big site's sources, graph and compiled rules
/// take tens of milliseconds to free (a 10,000-page site's ~50 ms), and nothing waits
/// for it. Freed at once when no thread can be started.
fn free_in_background<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new().name("free".into()).spawn(move || drop(value));
}

/// Everything `build` validates, templates included, without writing: the warnings.
pub fn check(site: &Loaded, drafts: bool) -> Result<Vec<Diagnostic>> {
    let run = pipeline::run(site, drafts, &mut Cache::for_check(), &mut Checked)?;
    Ok(Arc::unwrap_or_clone(run.warnings))
}

/// `check`'s sink: every file is rendered, to find every template problem, and dropped.
struct Checked;

impl Sink for Checked {
    fn take(&self, _: &str, _: Job<'_>, _: &Renderer<'_>, _: Cow<'_, [u8]>) -> Result<()> {
        Ok(())
    }
}

/// `build`'s sink: files stream into a staging folder as they render, which replaces
/// the output only when the run succeeds. Nothing is staged once a file has failed.
struct Staged<'o> {
    output: &'o Path,
    staging: Option<Staging>,
}

impl Sink for Staged<'_> {
    fn start(&mut self, plan: &Plan<'_>) -> Result<()> {
        if plan.clean {
            self.staging = Some(Staging::new(self.output, plan.outputs.keys().map(String::as_str))?);
        }
        Ok(())
    }

    fn take(&self, path: &str, _: Job<'_>, _: &Renderer<'_>, bytes: Cow<'_, [u8]>) -> Result<()> {
        self.staging.as_ref().map_or(Ok(()), |staging| staging.write(path, &bytes))
    }

    fn finish(&mut self, _: &Outputs<'_>) -> Result<()> {
        self.staging.take().map_or(Ok(()), Staging::commit)
    }
}

/// The content's files that are not Markdown, as output path -> bytes.
pub fn assets<'a>(sources: &'a Sources, site: &Site) -> Vec<(String, &'a [u8])> {
    let by_source: HashMap<&Path, &[u8]> =
        sources.content.iter().filter(|f| !f.is_markdown()).map(|f| (f.rel.as_path(), &f.bytes[..])).collect();
    site.assets.iter().map(|a| (a.output.clone(), by_source[a.source.as_path()])).collect()
}
