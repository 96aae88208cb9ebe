//! One pipeline (`build::run`): `check`, `build` and `serve` report the same findings,
//! warnings on a site that builds and every error on one that does not, because they
//! run the same stages and differ only in where the files go.

use crate::common;

use std::path::Path;

use common::TestSite;
use smpsite::build::{BuildOptions, build};
use smpsite::error::{Diagnostic, Error, Result};
use smpsite::serve::Live;

/// Every finding of a run, as it prints, and whether the run failed.
fn printed(result: Result<Vec<Diagnostic>>) -> (bool, Vec<String>) {
    let (failed, found) = match result {
        Ok(warnings) => (false, warnings),
        Err(Error::Content(problems)) => (true, problems),
        Err(other) => panic!("not a finding: {other}"),
    };
    let mut printed: Vec<String> = found.iter().map(|d| format!("{d}")).collect();
    printed.sort();
    (failed, printed)
}

/// What `check`, `build` and `serve`'s first rebuild each report on the site at `root`.
fn three_commands(root: &Path, scratch: &Path) -> [(bool, Vec<String>); 3] {
    let checked = printed(smpsite::check(Some(root.to_path_buf()), false));
    let options = BuildOptions { root: root.to_path_buf(), output: Some(scratch.join("built")), ..Default::default() };
    let built = printed(build(&options).map(|summary| summary.warnings));
    std::fs::create_dir(scratch.join("served")).unwrap();
    let mut live = Live::new(root, &scratch.join("served"), None, false);
    let served = printed(live.rebuild(&[]).map(|rebuilt| rebuilt.warnings.to_vec()));
    [checked, built, served]
}

fn assert_same(site: &TestSite, what: &str) -> (bool, Vec<String>) {
    let [checked, built, served] = three_commands(site.root(), site.scratch());
    assert_eq!(built, checked, "{what}: build and check differ");
    assert_eq!(served, checked, "{what}: serve and check differ");
    checked
}

#[test]
fn check_build_and_serve_report_the_same_warnings_on_every_fixture_and_the_example() {
    for name in ["claims", "minimal", "bilingual", "es"] {
        let (failed, warnings) = assert_same(&TestSite::fixture(name), name);
        assert!(!failed, "{name} builds: {warnings:#?}");
        // The claims fixture breaks every rule: the comparison is not of empty lists.
        assert!(name != "claims" || warnings.len() > 20, "{warnings:#?}");
    }
    let (failed, warnings) = assert_same(&TestSite::example(), "the example");
    assert!(!failed, "the example builds: {warnings:#?}");
}

#[test]
fn check_build_and_serve_report_the_same_errors_from_every_stage_in_one_run() {
    let site = TestSite::fixture("claims");
    // Front matter that does not parse (stage 2), a link to a page that does not exist
    // (stage 3), and a rule set to error (stage 5), in three files.
    site.write("content/about.md", "---\ntitle: \"About\n---\nText.\n");
    let ads = site.read("content/ads.md");
    site.write("content/ads.md", format!("{ads}\nSee [the prices](/no-such-page/).\n"));
    let yaml = site.read("site.yaml");
    let levels = "  levels:\n    claims/painless: error\n";
    site.write("site.yaml", yaml.replacen("  levels:\n", levels, 1));
    let (failed, errors) = assert_same(&site, "a site with three broken files");
    assert!(failed, "{errors:#?}");
    for expected in ["content/about.md:2:", "content/ads.md:", "claims/painless"] {
        assert!(errors.iter().any(|e| e.contains(expected)), "one run reports {expected}: {errors:#?}");
    }
}
