//! Time of each build stage on a fixed site generated in process (issue 6):
//!
//!     cargo bench --bench stages                 # full criterion run
//!     cargo bench --bench stages -- --quick      # a quick look, under a minute
//!     cargo bench --bench stages -- markdown     # one stage
//!     cargo bench --bench stages -- adversarial  # inputs that were once quadratic
//!
//! The site is `tests/common/corpus.rs` with 300 journal posts (about 320 pages of
//! every kind), so the numbers do not depend on anything outside the repository.
//! Stages, each one helper over the public library API so that a rename touches one
//! function: front matter (split + parse), Markdown (every body, no link resolution),
//! prepare (parse + site graph, as `build` runs it, in parallel), bodies (every page's
//! Markdown with its links resolved, in parallel), templates (the `Renderer` and every
//! output file from those bodies, in parallel), write (a staging folder swapped
//! in, in parallel) and build (the whole `smpsite build` in process, sources read from
//! disk). Front matter and Markdown run on one thread: they report the cost per page;
//! the others use rayon's threads as a build does. Files go to a temporary folder on
//! /dev/shm when it exists, so the disk's noise stays out of the figures.

#[path = "../tests/common/corpus.rs"]
mod corpus;

use std::borrow::Cow;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use rayon::prelude::*;

use smpsite::build::{self, BuildOptions, Cache, Kept, Prepared, Sink};
use smpsite::load::{self, Loaded};
use smpsite::markdown::{self, LinkTarget};
use smpsite::render::{Bodies, Job, Renderer};
use smpsite::{front_matter, output};

const POSTS: usize = 300;

/// The generated site, in memory and on disk.
struct Fixture {
    site: Loaded,
    /// Holds `site/` (the sources, for the build stage) and the outputs.
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let parent = if Path::new("/dev/shm").is_dir() { PathBuf::from("/dev/shm") } else { std::env::temp_dir() };
        let dir = tempfile::Builder::new().prefix("smpsite-stages-").tempdir_in(parent).unwrap();
        let root = dir.path().join("site");
        corpus::write(&root, POSTS);
        // Read back as `build` reads it.
        Fixture { site: load::load(&root, None).unwrap(), dir }
    }

    fn markdown_files(&self) -> impl Iterator<Item = (&Path, &str)> {
        let md = self.site.sources.content.iter().filter(|f| f.is_markdown());
        md.map(|f| (f.rel.as_path(), std::str::from_utf8(&f.bytes).unwrap()))
    }
}

/// Front matter: split and parse every Markdown file's front matter.
fn front_matter(files: &[(&Path, &str)]) -> usize {
    let mut titles = 0;
    for (path, text) in files {
        let split = front_matter::split(text, path).unwrap();
        titles += front_matter::parse(&split, text, path).unwrap().fm.title.len();
    }
    titles
}

/// Markdown: render every body (FAQ pages split into questions); links are kept as written.
fn markdown(bodies: &[(&str, bool)]) -> usize {
    let keep = |_: &str| LinkTarget::Keep;
    bodies.iter().map(|(body, faq)| markdown::render(body, *faq, &keep).html.len()).sum()
}

/// Parse and link (the site graph), from an empty cache as `smpsite build` runs it.
fn prepare(f: &Fixture) -> Prepared {
    build::prepare(&f.site, false, &mut Cache::default()).unwrap()
}

/// Every page's Markdown with its links resolved through the graph, in parallel.
fn linked_bodies(f: &Fixture, prepared: &Prepared) -> Kept {
    let bodies = build::render_bodies(prepared, &f.site.config, &mut Cache::live());
    assert!(bodies.iter().all(Result::is_ok), "the corpus's links all resolve");
    bodies
}

/// Templates: load them, plan the outputs and render every file from bodies rendered
/// beforehand; returns the bytes made.
fn templates(f: &Fixture, prepared: &Prepared, bodies: &dyn Bodies) -> usize {
    let renderer = Renderer::new(&f.site.config, prepared.parts(), bodies).unwrap();
    let outputs = renderer.outputs(build::assets(&f.site.sources, &prepared.site)).unwrap();
    let counted = Counted(AtomicUsize::new(0));
    build::render_each(&renderer, &outputs, &counted).unwrap();
    counted.0.into_inner()
}

/// A sink that only counts the bytes it is given.
struct Counted(AtomicUsize);

impl Sink for Counted {
    fn take(&self, _: &str, _: Job<'_>, _: &Renderer<'_>, bytes: Cow<'_, [u8]>) -> smpsite::error::Result<()> {
        self.0.fetch_add(bytes.len(), Ordering::Relaxed);
        Ok(())
    }
}

/// Every output file, rendered once, for the write stage.
fn rendered(f: &Fixture, prepared: &Prepared, bodies: &dyn Bodies) -> Vec<(String, Vec<u8>)> {
    let renderer = Renderer::new(&f.site.config, prepared.parts(), bodies).unwrap();
    let outputs = renderer.outputs(build::assets(&f.site.sources, &prepared.site)).unwrap();
    outputs.iter().map(|(path, job)| (path.clone(), renderer.render(*job).unwrap().into_owned())).collect()
}

/// Write: a staging folder beside `out`, every file written in parallel, swapped in.
fn write(files: &[(String, Vec<u8>)], out: &Path) {
    let staging = output::Staging::new(out, files.iter().map(|(p, _)| p.as_str())).unwrap();
    files.par_iter().for_each(|(path, bytes)| staging.write(path, bytes).unwrap());
    staging.commit().unwrap();
}

/// The whole build, as `smpsite build -o OUT` runs it.
fn full_build(site: &Path, out: &Path) -> usize {
    let options = BuildOptions { root: site.into(), output: Some(out.into()), ..BuildOptions::default() };
    build::build(&options).unwrap().pages
}

fn stages(c: &mut Criterion) {
    let f = Fixture::new();
    let files: Vec<(&Path, &str)> = f.markdown_files().collect();
    let bodies: Vec<(&str, bool)> = files
        .iter()
        .map(|(path, text)| {
            let body = front_matter::split(text, path).unwrap().body;
            let is_faq = (path.starts_with("faq") && !path.ends_with("_index.md")) || path.ends_with("about.md");
            (body, is_faq)
        })
        .collect();
    let prepared = prepare(&f);
    let pages = prepared.site.pages.len() as u64;
    let out = f.dir.path().join("out");
    let empty_out = || {
        let _ = std::fs::remove_dir_all(&out);
    };

    let mut group = c.benchmark_group("stages");
    group.sample_size(20).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    group.throughput(Throughput::Elements(files.len() as u64));
    group.bench_function("front_matter", |b| b.iter(|| front_matter(black_box(&files))));
    group.bench_function("markdown", |b| b.iter(|| markdown(black_box(&bodies))));
    group.throughput(Throughput::Elements(pages));
    group.bench_function("prepare", |b| b.iter(|| prepare(black_box(&f))));
    group.bench_function("bodies", |b| b.iter(|| linked_bodies(black_box(&f), &prepared)));
    let html = linked_bodies(&f, &prepared);
    group.bench_function("templates", |b| b.iter(|| templates(black_box(&f), &prepared, &html)));
    let rendered = rendered(&f, &prepared, &html);
    group.bench_function("write", |b| b.iter_batched(empty_out, |()| write(&rendered, &out), BatchSize::PerIteration));
    let site = f.dir.path().join("site");
    group.bench_function("build", |b| b.iter_batched(empty_out, |()| full_build(&site, &out), BatchSize::PerIteration));
    group.finish();
}

/// Inputs that once cost quadratic time (issue 12): an FAQ of 20,000 identical
/// questions, whose heading ids must each be made unique. Target: under 0.3 s.
fn adversarial(c: &mut Criterion) {
    let parent = if Path::new("/dev/shm").is_dir() { PathBuf::from("/dev/shm") } else { std::env::temp_dir() };
    let dir = tempfile::Builder::new().prefix("smpsite-adversarial-").tempdir_in(parent).unwrap();
    let site = dir.path().join("site");
    corpus::write(&site, 0);
    let faq =
        "---\ntitle: The same question\nfaq: true\n---\n".to_string() + &"## Same question?\n\nYes.\n\n".repeat(20_000);
    std::fs::write(site.join("content/same-question.md"), faq).unwrap();
    let out = dir.path().join("out");
    let mut group = c.benchmark_group("adversarial");
    group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(5));
    group.bench_function("faq_20000_same_headings", |b| b.iter(|| full_build(&site, &out)));
    group.finish();
}

criterion_group!(benches, stages, adversarial);
criterion_main!(benches);
