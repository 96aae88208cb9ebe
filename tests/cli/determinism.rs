//! Two builds of the same sources are byte-identical, whatever the threads do (issue 6).
//! A generated site of a few hundred pages is built by separate processes of the real
//! binary: twice with rayon's default threads, once with one thread, and once with more
//! threads than cores. Each process seeds its `HashMap`s anew, so output that followed
//! hash iteration order would differ between the two default runs, and output that
//! followed the order in which threads finish would differ from the one-thread run.
//! The corpus has ties on purpose (dates, weights), aliases, a feed and image sizes.

use crate::common;

use std::path::Path;
use std::process::Command;

const POSTS: usize = 300;

type Tree = Vec<(String, Vec<u8>)>;

#[test]
fn output_is_byte_identical_across_runs_and_thread_counts() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    common::corpus::write(&site, POSTS);

    let reference = build(&site, &dir.path().join("out-reference"), None);
    looks_like_a_full_site(&reference);
    let runs =
        [("default threads, again", None), ("RAYON_NUM_THREADS=1", Some("1")), ("RAYON_NUM_THREADS=7", Some("7"))];
    for (i, (what, threads)) in runs.into_iter().enumerate() {
        let other = build(&site, &dir.path().join(format!("out-{i}")), threads);
        assert_same(&reference, &other, what);
    }
}

/// Builds `site` into `out` through the binary; `threads` sets `RAYON_NUM_THREADS`.
fn build(site: &Path, out: &Path, threads: Option<&str>) -> Tree {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_smpsite"));
    cmd.arg("--root").arg(site).args(["build", "--quiet", "-o"]).arg(out).env("NO_COLOR", "1");
    match threads {
        Some(n) => cmd.env("RAYON_NUM_THREADS", n),
        None => cmd.env_remove("RAYON_NUM_THREADS"),
    };
    let output = cmd.output().unwrap();
    assert!(
        output.status.success(),
        "build failed ({threads:?} threads)\nstdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    common::tree(out)
}

/// Guards the comparison against a build that trivially agrees (an empty or partial site).
fn looks_like_a_full_site(tree: &Tree) {
    let has = |path: &str| tree.iter().any(|(p, _)| p == path);
    let html = tree.iter().filter(|(p, _)| p.ends_with(".html")).count();
    assert!(html > POSTS, "only {html} HTML files for {POSTS} posts");
    for path in [
        "atom.xml",
        "sitemap.xml",
        "404.html",
        "old/posts/10/index.html",
        "journal/archive/index.html",
        "journal/post-0003/photo.png",
    ] {
        assert!(has(path), "the build has no {path}");
    }
    let page = tree.iter().find(|(p, _)| p == "journal/post-0003/index.html").expect("a bundle page");
    let page = String::from_utf8_lossy(&page.1);
    // A photo shows through its smaller copies (issue 16).
    assert!(page.contains(r#"src="/smp/journal/post-0003/photo-43w.png""#), "bundle photo not linked:\n{page}");
    assert!(page.contains(r#"width="43" height="30""#), "bundle photo has no size:\n{page}");
}

/// Panics naming the first path that only one tree has, or the first file that differs
/// (with the bytes around the first difference).
fn assert_same(expected: &Tree, actual: &Tree, what: &str) {
    let paths = |t: &Tree| t.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    let (want, got) = (paths(expected), paths(actual));
    if let Some(p) = want.iter().find(|p| !got.contains(p)) {
        panic!("{what}: {p} is missing (the reference build has it)");
    }
    if let Some(p) = got.iter().find(|p| !want.contains(p)) {
        panic!("{what}: {p} is extra (the reference build does not have it)");
    }
    for ((path, a), (_, b)) in expected.iter().zip(actual) {
        if a != b {
            let at = a.iter().zip(b).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()));
            let around = |bytes: &[u8]| {
                String::from_utf8_lossy(&bytes[at.saturating_sub(120)..(at + 120).min(bytes.len())]).into_owned()
            };
            panic!(
                "{what}: {path} differs from the reference build at byte {at}\n--- reference:\n{}\n--- {what}:\n{}",
                around(a),
                around(b)
            );
        }
    }
}
