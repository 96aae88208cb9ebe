//! `smpsite --version`: the release and the commit it was built from, and the build
//! script's fallback when there is no git checkout to ask (a crates.io download, an
//! unpacked source archive).

use std::path::Path;
use std::process::Command;

#[allow(dead_code)] // the script's `main` is cargo's to call
#[path = "../../build.rs"]
mod build_script;

const UNKNOWN: &str = "commit unknown";

/// `git` for the tests' own repositories: HOME in the temporary folder, no system config.
fn git_in(home: &Path) -> impl Fn() -> Command + '_ {
    move || {
        let mut git = Command::new("git");
        git.env("HOME", home).env("GIT_CONFIG_NOSYSTEM", "1").env_remove("GIT_DIR").env_remove("GIT_WORK_TREE");
        git
    }
}

fn has_git() -> bool {
    Command::new("git").arg("--version").output().is_ok_and(|o| o.status.success())
}

#[test]
fn version_names_the_release_and_the_commit_it_was_built_from() {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_smpsite")).arg("--version").env("HOME", home.path()).output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let prefix = format!("smpsite {} (", env!("CARGO_PKG_VERSION"));
    assert!(stdout.starts_with(&prefix) && stdout.ends_with(")\n"), "{stdout}");

    // Asked independently of the build script: this checkout's commit, when the crate is
    // the top of a git checkout (it is not when built from a crates.io download).
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ask = |args: &[&str]| {
        let out = git_in(home.path())().arg("-C").arg(repo).args(args).output().ok()?;
        out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    let top = ask(&["rev-parse", "--show-toplevel"]);
    let is_checkout = top.is_some_and(|t| Path::new(&t).canonicalize().ok() == repo.canonicalize().ok());
    match ask(&["log", "-1", "--abbrev=7", "--date=short", "--format=%h %cd"]) {
        Some(commit) if is_checkout && std::env::var_os("SMPSITE_COMMIT").is_none() => {
            assert_eq!(stdout, format!("{prefix}{commit})\n"), "the commit checked out now, with its date");
        }
        _ => assert!(stdout.contains(UNKNOWN) || std::env::var_os("SMPSITE_COMMIT").is_some(), "{stdout}"),
    }
}

#[test]
fn the_commit_is_found_only_at_the_top_of_a_git_checkout() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(repo.join("unpacked-crate")).unwrap();
    std::fs::create_dir(&home).unwrap();
    let git = git_in(&home);

    // An unpacked archive: no git repository anywhere up to the temporary folder.
    assert!(build_script::describe_with(&repo, &git).is_none());
    if !has_git() {
        return; // without git nothing can be asked: `commit unknown`, as checked above
    }

    let run = |args: &[&str]| {
        let out = git().arg("-C").arg(&repo).args(args).env("GIT_COMMITTER_DATE", "2026-01-02T10:00:00Z").output();
        let out = out.unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    run(&["init", "-q", "-b", "main"]);
    // A repository with no commit yet: nothing to name.
    assert!(build_script::describe_with(&repo, &git).is_none());
    std::fs::write(repo.join("Cargo.toml"), "[package]\n").unwrap();
    run(&["add", "Cargo.toml"]);
    run(&["-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", "first"]);

    let found = build_script::describe_with(&repo, &git).expect("the top of a checkout has a commit");
    let (hash, date) = found.text.split_once(' ').unwrap();
    assert!(hash.len() == 7 && hash.bytes().all(|b| b.is_ascii_hexdigit()), "{}", found.text);
    assert_eq!(date, "2026-01-02");
    // A new commit or another branch checked out changes these files; nothing else
    // makes cargo run the script again.
    let watched: Vec<String> = found.watch.iter().map(|p| p.to_string_lossy().replace('\\', "/")).collect();
    assert!(watched.iter().any(|p| p.ends_with(".git/HEAD")), "{watched:?}");
    assert!(watched.iter().any(|p| p.ends_with(".git/refs/heads/main")), "{watched:?}");
    assert!(found.watch.iter().all(|p| p.exists()), "a missing file would make cargo run the script every time");

    // A crate unpacked inside someone else's repository (a home folder kept in git) is
    // not that repository's commit.
    assert!(build_script::describe_with(&repo.join("unpacked-crate"), &git).is_none());
}
