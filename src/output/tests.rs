//! The output writer's rules, one test each: only smpsite's files are replaced,
//! a failed build changes nothing, and dot-entries are never touched.

use std::collections::BTreeMap;

use super::*;

fn plan<'a>(files: &'a [(&'a str, &'a str)]) -> impl Iterator<Item = (&'a str, &'a [u8])> + Clone {
    files.iter().map(|(p, b)| (*p, b.as_bytes()))
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(STAGING_PREFIX))
        .collect()
}

#[test]
fn replaces_previous_output_and_removes_stale_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    write_atomically(plan(&[("index.html", "one"), ("old/index.html", "stale")]), &out).unwrap();
    write_atomically(plan(&[("index.html", "two"), ("a/b/c.txt", "deep")]), &out).unwrap();
    assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "two");
    assert_eq!(std::fs::read_to_string(out.join("a/b/c.txt")).unwrap(), "deep");
    assert!(!out.join("old").exists());
    assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
    let manifest = manifest::read_manifest(&out).unwrap();
    assert_eq!(
        manifest.files.into_iter().collect::<Vec<_>>(),
        [("a/b/c.txt".to_string(), fingerprint(b"deep")), ("index.html".to_string(), fingerprint(b"two"))]
    );
}

#[test]
fn a_file_can_become_a_folder_and_back() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    write_atomically(plan(&[("a", "file")]), &out).unwrap();
    write_atomically(plan(&[("a/index.html", "page")]), &out).unwrap();
    assert_eq!(std::fs::read_to_string(out.join("a/index.html")).unwrap(), "page");
    write_atomically(plan(&[("a", "file again")]), &out).unwrap();
    assert_eq!(std::fs::read_to_string(out.join("a")).unwrap(), "file again");
}

#[test]
fn refuses_a_file_as_output() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    std::fs::write(&out, "x").unwrap();
    assert!(matches!(write_atomically(plan(&[]), &out), Err(Error::Usage(_))));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "x");
}

#[test]
fn refuses_a_folder_of_someone_elses_files_and_keeps_them() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("Documents");
    std::fs::create_dir_all(out.join("taxes")).unwrap();
    std::fs::write(out.join("taxes/2025.pdf"), "mine").unwrap();
    std::fs::write(out.join("index.html"), "my own page").unwrap();
    let Err(Error::Usage(message)) = write_atomically(plan(&[("index.html", "site")]), &out) else {
        panic!("a folder of someone's files must be refused")
    };
    assert!(message.contains("index.html") && message.contains("taxes/2025.pdf"), "{message}");
    assert!(message.contains("earlier version of smpsite"), "a folder without a manifest: {message}");
    assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "my own page");
    assert_eq!(std::fs::read_to_string(out.join("taxes/2025.pdf")).unwrap(), "mine");
    assert!(leftovers(&out).is_empty() && !out.join(MANIFEST).exists());
}

#[test]
fn leaves_dot_entries_alone_across_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("gh-pages");
    std::fs::create_dir_all(out.join(".git/objects")).unwrap();
    std::fs::write(out.join(".git/HEAD"), "ref: refs/heads/gh-pages\n").unwrap();
    write_atomically(plan(&[("index.html", "one"), ("old/index.html", "x")]), &out).unwrap();
    std::fs::write(out.join("old/.DS_Store"), "finder").unwrap();
    write_atomically(plan(&[("index.html", "two")]), &out).unwrap();
    assert_eq!(std::fs::read_to_string(out.join(".git/HEAD")).unwrap(), "ref: refs/heads/gh-pages\n");
    assert!(out.join(".git/objects").is_dir());
    // The stale page is gone; its folder stays because someone's file is in it.
    assert!(!out.join("old/index.html").exists());
    assert_eq!(std::fs::read_to_string(out.join("old/.DS_Store")).unwrap(), "finder");
}

#[cfg(unix)]
#[test]
fn writes_through_an_output_link_without_emptying_its_target() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("www");
    std::fs::create_dir(&target).unwrap();
    let link = tmp.path().join("public");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    write_atomically(plan(&[("index.html", "one")]), &link).unwrap();
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read_to_string(target.join("index.html")).unwrap(), "one");
    // A file of someone's in the target: refused, and kept.
    std::fs::write(target.join("notes.txt"), "keep").unwrap();
    let Err(Error::Usage(message)) = write_atomically(plan(&[("index.html", "two")]), &link) else {
        panic!("a file of someone's in the target must be refused")
    };
    assert!(!message.contains("earlier version"), "the folder has a manifest: {message}");
    assert_eq!(std::fs::read_to_string(target.join("notes.txt")).unwrap(), "keep");
    assert_eq!(std::fs::read_to_string(target.join("index.html")).unwrap(), "one");
}

#[cfg(unix)]
#[test]
fn never_follows_a_link_inside_the_output_while_removing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("index.html"), "not smpsite's").unwrap();
    write_atomically(plan(&[("index.html", "one"), ("old/index.html", "x")]), &out).unwrap();
    // Someone replaces the folder `old` with a link: the stale `old/index.html` in
    // the manifest now names a file outside the output.
    std::fs::remove_dir_all(out.join("old")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out.join("old")).unwrap();
    assert!(matches!(write_atomically(plan(&[("index.html", "two")]), &out), Err(Error::Usage(_))));
    assert_eq!(std::fs::read_to_string(elsewhere.join("index.html")).unwrap(), "not smpsite's");
    // And the removal step itself never goes through a link.
    remove_own_file(&out, "old/index.html");
    remove_empty_folders(&out, ["old/index.html"].into_iter());
    assert_eq!(std::fs::read_to_string(elsewhere.join("index.html")).unwrap(), "not smpsite's");
}

#[test]
fn a_failed_build_leaves_no_trace() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let staging = Staging::new(&out, ["index.html"]).unwrap();
    staging.write("index.html", b"half").unwrap();
    drop(staging);
    assert!(!out.exists(), "a first build that fails leaves no folder");
    write_atomically(plan(&[("index.html", "one")]), &out).unwrap();
    let staging = Staging::new(&out, ["index.html", "new.html"]).unwrap();
    staging.write("index.html", b"two").unwrap();
    drop(staging);
    assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "one");
    assert!(!out.join("new.html").exists() && leftovers(&out).is_empty());
}

#[test]
fn a_manifest_cannot_name_files_outside_the_output() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    std::fs::write(tmp.path().join("precious.txt"), "keep").unwrap();
    write_atomically(plan(&[("index.html", "one")]), &out).unwrap();
    let line = |path: &str| format!("3 {:032x} {path}\n", fingerprint(b"one").hash);
    let planted = [line("index.html"), line("../precious.txt"), line("/etc/passwd")].concat();
    std::fs::write(out.join(MANIFEST), planted).unwrap();
    write_atomically(plan(&[("about.html", "two")]), &out).unwrap();
    assert_eq!(std::fs::read_to_string(tmp.path().join("precious.txt")).unwrap(), "keep");
    assert!(!out.join("index.html").exists());
}

#[test]
fn output_paths_must_stay_inside() {
    for bad in ["../x", "a/../../x", "/etc/passwd", ".git/config", "a//b", ""] {
        assert!(!is_plain_path(bad), "{bad}");
    }
    assert!(is_plain_path("process/first-session/index.html"));
}

// --- Findings of the adversarial review (F2, F7, F8, the a/b leftover) --------------

/// Every entry below `dir`, dot-entries included: path -> what it is and holds (a
/// file's bytes, a link's target). Two of these around a failed build prove that
/// nothing in the output changed, byte for byte.
fn tree_bytes(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .follow_links(false)
        .min_depth(1)
        .into_iter()
        .map(|e| e.unwrap())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            let what = if e.file_type().is_symlink() {
                [b"link ".as_slice(), std::fs::read_link(e.path()).unwrap().to_string_lossy().as_bytes()].concat()
            } else if e.file_type().is_dir() {
                b"folder".to_vec()
            } else {
                [b"file ".as_slice(), &std::fs::read(e.path()).unwrap()].concat()
            };
            (rel, what)
        })
        .collect()
}

fn usage_error(result: Result<()>) -> String {
    match result {
        Err(Error::Usage(message)) => message,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn f2_a_folder_where_a_file_must_go_is_refused_before_anything_moves() {
    for (what, in_the_way) in [("an empty folder", None), ("a folder of dot-files", Some("page.html/.DS_Store"))] {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write_atomically(plan(&[("index.html", "one"), ("stale/index.html", "old"), ("z.html", "z1")]), &out).unwrap();
        std::fs::create_dir(out.join("page.html")).unwrap();
        if let Some(dotfile) = in_the_way {
            std::fs::write(out.join(dotfile), "finder").unwrap();
        }
        let before = tree_bytes(&out);
        let message =
            usage_error(write_atomically(plan(&[("index.html", "two"), ("page.html", "new"), ("z.html", "z2")]), &out));
        assert!(message.contains("page.html"), "{what}: the message names it: {message}");
        assert_eq!(tree_bytes(&out), before, "{what}: the output changed");
    }
}

#[test]
fn f7_a_manifest_planted_beside_someones_files_is_no_licence_to_delete_them() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("Documents");
    std::fs::create_dir_all(out.join("taxes")).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    std::fs::write(out.join("taxes/2025.pdf"), "mine too").unwrap();
    // An older smpsite's manifest (paths only), copied here by mistake.
    std::fs::write(out.join(MANIFEST), format!("{}\nnotes.txt\ntaxes/2025.pdf\n", manifest::MANIFEST_HEADER)).unwrap();
    let before = tree_bytes(&out);
    let message = usage_error(write_atomically(plan(&[("index.html", "site")]), &out));
    assert!(message.contains("notes.txt") && message.contains("taxes/2025.pdf"), "{message}");
    assert!(message.contains("delete what it holds once"), "the message says what to do: {message}");
    assert!(message.contains("`.git`, may stay"), "a gh-pages worktree keeps its history: {message}");
    assert_eq!(tree_bytes(&out), before);
}

#[test]
fn f7_a_file_edited_by_hand_is_refused_not_overwritten_or_deleted() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    write_atomically(plan(&[("index.html", "one"), ("old.html", "old")]), &out).unwrap();
    std::fs::write(out.join("index.html"), "edited by hand").unwrap();
    std::fs::write(out.join("old.html"), "edited too, and longer").unwrap();
    let before = tree_bytes(&out);
    let message = usage_error(write_atomically(plan(&[("index.html", "two")]), &out));
    assert!(message.contains("index.html") && message.contains("old.html"), "{message}");
    assert!(message.contains("did not write") || message.contains("changed"), "{message}");
    assert_eq!(tree_bytes(&out), before);
}

#[test]
fn f8_a_users_dot_folder_named_like_a_staging_folder_is_never_touched() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    std::fs::create_dir_all(out.join(".smpsite-staging-notes/drafts")).unwrap();
    std::fs::write(out.join(".smpsite-staging-notes/drafts/plan.txt"), "keep").unwrap();
    let mine = tree_bytes(&out.join(".smpsite-staging-notes"));
    write_atomically(plan(&[("index.html", "one")]), &out).unwrap();
    write_atomically(plan(&[("index.html", "two")]), &out).unwrap();
    assert_eq!(tree_bytes(&out.join(".smpsite-staging-notes")), mine);
}

#[test]
fn a_failed_first_build_into_a_new_nested_folder_leaves_none_of_its_folders() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("kept")).unwrap();
    let out = tmp.path().join("kept/a/b/out");
    let staging = Staging::new(&out, ["index.html"]).unwrap();
    staging.write("index.html", b"half").unwrap();
    drop(staging);
    assert_eq!(tree_bytes(tmp.path()).into_keys().collect::<Vec<_>>(), ["kept"], "only what was there before");
}

/// Old and new builds that exercise every kind of move: a replaced file, an unchanged
/// one, a stale one (in a folder with someone's dot-file), a file that becomes a
/// folder, a folder that becomes a file, and new nested folders.
const OLD: &[(&str, &str)] =
    &[("index.html", "one"), ("same.html", "same"), ("stale/index.html", "x"), ("a", "file"), ("b/index.html", "b")];
const NEW: &[(&str, &str)] =
    &[("index.html", "two"), ("same.html", "same"), ("a/index.html", "page"), ("b", "file"), ("new/deep/x.html", "x")];

fn old_output(out: &Path) {
    write_atomically(plan(OLD), out).unwrap();
    std::fs::create_dir_all(out.join(".git")).unwrap();
    std::fs::write(out.join(".git/HEAD"), "ref").unwrap();
    std::fs::write(out.join("stale/.DS_Store"), "finder").unwrap();
}

/// Builds NEW into `out`, with the change at `fail_at` failing (or the process
/// "killed" there): whether it committed.
fn build_new(out: &Path, fail_at: usize, crash: bool) -> bool {
    let mut staging = Staging::new(out, NEW.iter().map(|(p, _)| *p)).unwrap();
    staging.steps.fail_at = Some(fail_at);
    staging.crash = crash;
    for (path, bytes) in NEW {
        staging.write(path, bytes.as_bytes()).unwrap();
    }
    staging.commit().is_ok()
}

#[test]
fn f2_a_move_that_fails_at_any_step_is_undone_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    old_output(&out);
    let before = tree_bytes(&out);
    let mut step = 0;
    while !build_new(&out, step, false) {
        assert!(step < 100, "the build never succeeds");
        assert_eq!(tree_bytes(&out), before, "a build failing at change {step} changed the output");
        step += 1;
    }
    assert!(step > 10, "every kind of change was tried ({step})");
    let after = tree_bytes(&out);
    assert_eq!(after["a/index.html"], b"file page");
    assert_eq!(after["b"], b"file file");
    assert!(!after.contains_key("stale/index.html") && after.contains_key("stale/.DS_Store"));
}

#[test]
fn f2_a_build_killed_at_any_step_is_undone_by_the_next_one() {
    let mut step = 0;
    loop {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        old_output(&out);
        let before = tree_bytes(&out);
        if build_new(&out, step, true) {
            break;
        }
        assert!(step < 100, "the build never succeeds");
        // The next build starts by undoing what the killed one began; it fails too
        // (it is dropped unfinished), so the output is the old one again.
        drop(Staging::new(&out, ["other.html"]).unwrap());
        assert_eq!(tree_bytes(&out), before, "killed at change {step}, not undone");
        write_atomically(plan(NEW), &out).unwrap();
        assert_eq!(tree_bytes(&out)["a/index.html"], b"file page", "and a build then works");
        step += 1;
    }
    assert!(step > 10, "every kind of change was tried ({step})");
}

#[test]
fn the_builds_own_htaccess_is_recorded_replaced_and_removed_like_its_other_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    write_atomically(plan(&[("index.html", "one"), (HTACCESS, "ErrorDocument 404 /404.html\n")]), &out).unwrap();
    let listed = manifest::read_manifest(&out).unwrap().files;
    assert_eq!(listed.get(HTACCESS), Some(&fingerprint(b"ErrorDocument 404 /404.html\n")), "{listed:?}");
    write_atomically(plan(&[("index.html", "two"), (HTACCESS, "ErrorDocument 404 /clinic/404.html\n")]), &out).unwrap();
    assert_eq!(std::fs::read_to_string(out.join(HTACCESS)).unwrap(), "ErrorDocument 404 /clinic/404.html\n");
    // `hosting:` without apache: the build's own file goes, as a stale page would.
    write_atomically(plan(&[("index.html", "three")]), &out).unwrap();
    assert!(!out.join(HTACCESS).exists());
    assert!(!manifest::read_manifest(&out).unwrap().files.contains_key(HTACCESS));
}

#[test]
fn someones_own_htaccess_is_refused_by_name_and_never_overwritten() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join(HTACCESS), "AuthType Basic\n").unwrap();
    // A build that writes no .htaccess leaves it alone, as every dot-file.
    write_atomically(plan(&[("index.html", "one")]), &out).unwrap();
    assert_eq!(std::fs::read_to_string(out.join(HTACCESS)).unwrap(), "AuthType Basic\n");
    let before = tree_bytes(&out);
    let message = usage_error(write_atomically(plan(&[("index.html", "two"), (HTACCESS, "ours")]), &out));
    assert!(message.contains("files smpsite did not write (.htaccess)"), "{message}");
    assert!(message.contains("leave `apache` out of `hosting:`"), "{message}");
    assert_eq!(tree_bytes(&out), before);
    assert_eq!(std::fs::read_to_string(out.join(HTACCESS)).unwrap(), "AuthType Basic\n");

    // The build's own, edited by hand since, is someone's now.
    let out = tmp.path().join("second");
    write_atomically(plan(&[("index.html", "one"), (HTACCESS, "ours")]), &out).unwrap();
    std::fs::write(out.join(HTACCESS), "ours, with a line of mine").unwrap();
    let message = usage_error(write_atomically(plan(&[("index.html", "two"), (HTACCESS, "ours")]), &out));
    assert!(message.contains("changed since smpsite wrote them (.htaccess)"), "{message}");
    assert_eq!(std::fs::read_to_string(out.join(HTACCESS)).unwrap(), "ours, with a line of mine");
}
