//! Build script: records the commit the binary is built from, for `smpsite --version`
//! (`smpsite 0.1.0 (abc1234 2026-12-07)`). It asks git only when the crate is the top of a
//! git checkout; a crates.io download, an unpacked source archive or a copy inside someone
//! else's repository says `commit unknown`. Packagers may set `SMPSITE_COMMIT` instead.
//!
//! Cargo runs it again only when the checked-out commit can have changed (the files git
//! moves on a commit or a checkout), not on every edit.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=SMPSITE_COMMIT");
    let given = std::env::var("SMPSITE_COMMIT").ok().filter(|c| !c.trim().is_empty());
    let commit = given.unwrap_or_else(|| {
        let dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
        match describe_with(&dir, &|| Command::new("git")) {
            Some(found) => {
                for path in &found.watch {
                    println!("cargo:rerun-if-changed={}", path.display());
                }
                found.text
            }
            None => "commit unknown".to_string(),
        }
    });
    println!("cargo:rustc-env=SMPSITE_COMMIT={commit}");
}

/// A commit as `--version` shows it, and the files whose change may mean another one.
pub struct Commit {
    /// `abc1234 2026-12-07`: the short hash and the commit's date.
    pub text: String,
    /// Files that exist now (cargo runs the script every time for a missing one).
    pub watch: Vec<PathBuf>,
}

/// The commit checked out in `dir`, or None when `dir` is not the top of a git checkout
/// with at least one commit, or git cannot be run. `git` makes the command.
pub fn describe_with(dir: &Path, git: &dyn Fn() -> Command) -> Option<Commit> {
    let ask = |args: &[&str]| -> Option<String> {
        let out = git().arg("-C").arg(dir).args(args).output().ok()?;
        let text = String::from_utf8(out.stdout).ok()?;
        out.status.success().then(|| text.trim().to_string())
    };
    let top = ask(&["rev-parse", "--show-toplevel"])?;
    if Path::new(&top).canonicalize().ok()? != dir.canonicalize().ok()? {
        return None;
    }
    let text = ask(&["log", "-1", "--abbrev=7", "--date=short", "--format=%h %cd"]).filter(|t| !t.is_empty())?;
    // In a worktree, HEAD is in the worktree's own git folder and the branches in the
    // shared one. Relative answers are relative to `dir`.
    let git_dir = dir.join(ask(&["rev-parse", "--git-dir"])?);
    let common = dir.join(ask(&["rev-parse", "--git-common-dir"])?);
    let mut watch = vec![git_dir.join("HEAD"), common.join("packed-refs")];
    if let Some(branch) = ask(&["symbolic-ref", "-q", "HEAD"]) {
        watch.push(common.join(branch));
    }
    watch.retain(|p| p.is_file());
    Some(Commit { text, watch })
}
