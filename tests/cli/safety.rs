//! Never lose or leak a file (issue 12): the output folder holds only what smpsite
//! wrote, links never lead the build out of the site, every address belongs to one
//! thing, and no broken input changes anything outside the output. Every output and
//! root here is a folder the test made in its own temporary folder, with `HOME` there
//! too (see `TestSite`).

use crate::common;

use std::path::Path;

use common::{TestSite, snapshot};

/// Whether a message names a build's staging folder (now `.smpsite-staging-*`,
/// `.smpsite-new-*` before).
fn names_staging(message: &str) -> bool {
    message.contains(".smpsite-staging") || message.contains(".smpsite-new")
}

/// A folder of someone's work: nested files, an empty folder, a link and a dotfile.
fn someones_files(dir: &Path) {
    std::fs::create_dir_all(dir.join("taxes/2025")).unwrap();
    std::fs::create_dir_all(dir.join("empty")).unwrap();
    std::fs::write(dir.join("taxes/2025/return.pdf"), "private").unwrap();
    std::fs::write(dir.join("index.html"), "my own home page").unwrap();
    std::fs::write(dir.join("notes.md"), "# notes").unwrap();
    std::fs::write(dir.join(".bashrc"), "alias ll='ls -l'").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.join("notes.md"), dir.join("notes-link.md")).unwrap();
}

#[test]
fn a_folder_of_someones_files_given_as_output_keeps_every_file() {
    let site = TestSite::fixture("minimal");
    let docs = site.scratch().join("Documents/website");
    someones_files(&docs);
    let before = snapshot(site.scratch(), &[]);
    let run = site.run(&["build", "-o", docs.to_str().unwrap()]);
    assert_eq!(run.code(), 2, "{}", run.stderr());
    let err = run.stderr();
    assert!(err.contains("did not write") && err.contains("index.html") && err.contains("notes.md"), "{err}");
    assert!(err.contains("new or empty folder"), "the message says what to do instead: {err}");
    assert!(!names_staging(&err), "no message names a staging folder: {err}");
    assert_eq!(snapshot(site.scratch(), &[]), before, "a refused build changed files");
}

#[test]
fn the_home_folder_is_refused_even_with_only_dotfiles() {
    let site = TestSite::fixture("minimal");
    std::fs::write(site.home().join(".profile"), "export A=1").unwrap();
    let before = snapshot(site.scratch(), &[]);
    let run = site.run(&["build", "-o", site.home().to_str().unwrap()]);
    assert_eq!(run.code(), 2, "{}", run.stderr());
    assert!(run.stderr().contains("home folder"), "{}", run.stderr());
    assert_eq!(snapshot(site.scratch(), &[]), before);
}

#[test]
fn an_output_inside_the_sites_own_folders_is_refused_at_any_depth() {
    let site = TestSite::fixture("minimal");
    site.write("themes/default/templates/.keep", "");
    let before = snapshot(site.scratch(), &[]);
    for out in ["content/x", "content/process/deep/er", "static/x", "templates/x", "themes/default/x", ".", ".."] {
        let run = site.run(&["build", "-o", site.path(out).to_str().unwrap()]);
        assert_eq!(run.code(), 2, "-o {out}: {}", run.stderr());
        assert!(run.stderr().contains("refusing"), "-o {out}: {}", run.stderr());
    }
    assert_eq!(snapshot(site.scratch(), &[]), before, "nothing was created");
}

#[cfg(unix)]
#[test]
fn an_output_that_is_a_link_is_written_through_and_never_emptied() {
    let site = TestSite::fixture("minimal");
    let www = site.scratch().join("srv/www");
    std::fs::create_dir_all(&www).unwrap();
    std::os::unix::fs::symlink(&www, site.path("public")).unwrap();
    site.build();
    assert!(std::fs::symlink_metadata(site.path("public")).unwrap().file_type().is_symlink(), "the link stays a link");
    assert!(www.join("index.html").is_file() && www.join("process/first/index.html").is_file());
    // Someone's file in the target: the next build refuses, and everything stays.
    std::fs::write(www.join("uploaded-by-hand.txt"), "keep me").unwrap();
    let before = snapshot(site.scratch(), &[]);
    let run = site.run(&["build"]);
    assert_eq!(run.code(), 2, "{}", run.stderr());
    assert!(run.stderr().contains("uploaded-by-hand.txt"), "{}", run.stderr());
    assert_eq!(snapshot(site.scratch(), &[]), before);
}

#[test]
fn a_git_folder_in_the_output_survives_every_build() {
    let site = TestSite::fixture("minimal");
    site.write("content/extra.md", "---\ntitle: Extra\n---\nMore.\n");
    site.build();
    let git = site.path("public/.git");
    std::fs::create_dir_all(git.join("refs/heads")).unwrap();
    std::fs::write(git.join("HEAD"), "ref: refs/heads/gh-pages\n").unwrap();
    std::fs::write(git.join("refs/heads/gh-pages"), "0123abcd\n").unwrap();
    std::fs::write(site.path("public/.nojekyll"), "").unwrap();
    let kept = snapshot(&git, &[]);
    // A build that removes a page, one that fails, and one that adds it back.
    std::fs::remove_file(site.path("content/extra.md")).unwrap();
    site.build();
    assert!(!site.path("public/extra").exists(), "the removed page's file and folder are gone");
    site.write("content/extra.md", "---\ntitle: [broken\n---\n");
    assert_eq!(site.run(&["build"]).code(), 1);
    site.write("content/extra.md", "---\ntitle: Extra\n---\nMore.\n");
    site.build();
    assert_eq!(snapshot(&git, &[]), kept, ".git changed");
    assert!(site.path("public/.nojekyll").exists());
    assert!(site.path("public/extra/index.html").exists());
    let leftovers: Vec<_> = std::fs::read_dir(site.path("public"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".smpsite-staging"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_failed_first_build_leaves_no_output_folder() {
    let site = TestSite::fixture("minimal");
    site.write("content/faq.md", "---\ntitle: Questions\nfaq: maybe\n---\n");
    site.run(&["build"]).fails();
    assert!(!site.path("public").exists());
}

#[cfg(unix)]
#[test]
fn links_out_of_the_site_are_errors_and_never_published() {
    let site = TestSite::fixture("minimal");
    let private = site.scratch().join("private");
    std::fs::create_dir_all(private.join("etc")).unwrap();
    std::fs::write(private.join("secret.txt"), "the clinic's passwords").unwrap();
    std::fs::write(private.join("etc/shadow"), "root:x").unwrap();
    std::fs::create_dir_all(site.path("static")).unwrap();
    std::os::unix::fs::symlink(private.join("secret.txt"), site.path("static/secret.txt")).unwrap();
    std::os::unix::fs::symlink(private.join("etc"), site.path("static/etc")).unwrap();
    std::os::unix::fs::symlink(private.join("secret.txt"), site.path("content/process/notes.md")).unwrap();
    std::os::unix::fs::symlink(site.scratch().join("nowhere"), site.path("static/dangling.png")).unwrap();
    let err = site.run(&["build"]).fails();
    for link in ["static/secret.txt", "static/etc", "content/process/notes.md"] {
        assert!(err.contains(&format!("{link}: error: this link points to")), "{link} not reported: {err}");
    }
    assert!(err.contains("outside the site folder") && err.contains("copy"), "{err}");
    assert!(err.contains("static/dangling.png: error: this link points to") && err.contains("does not exist"), "{err}");
    assert!(!site.path("public").exists(), "nothing was published");
    assert_eq!(site.run(&["check"]).code(), 1, "check reports it too");
}

/// Issue 23, finding 1: only the start of each walk was checked, so a link at `themes/`,
/// `themes/NAME`, a theme's `static/`, or the photo cache led out of the site unseen.
#[cfg(unix)]
#[test]
fn every_folder_a_build_reads_is_refused_when_a_link_on_its_path_leads_out() {
    // A theme outside the site whose static file must never go live.
    fn make_theme(dir: &Path) {
        std::fs::create_dir_all(dir.join("static")).unwrap();
        std::fs::write(dir.join("static/secret.txt"), "the clinic's passwords").unwrap();
        std::fs::create_dir_all(dir.join("templates")).unwrap();
    }
    type Plant = dyn Fn(&TestSite, &Path);
    let cases: [(&str, &Plant); 6] = [
        ("themes", &|site, outside| {
            make_theme(&outside.join("default"));
            std::os::unix::fs::symlink(outside, site.path("themes")).unwrap();
        }),
        ("themes/default", &|site, outside| {
            make_theme(outside);
            std::fs::create_dir_all(site.path("themes")).unwrap();
            std::os::unix::fs::symlink(outside, site.path("themes/default")).unwrap();
        }),
        ("themes/default/static", &|site, outside| {
            make_theme(outside);
            std::fs::create_dir_all(site.path("themes/default")).unwrap();
            std::os::unix::fs::symlink(outside.join("static"), site.path("themes/default/static")).unwrap();
        }),
        ("static", &|site, outside| {
            make_theme(outside);
            let _ = std::fs::remove_dir_all(site.path("static"));
            std::os::unix::fs::symlink(outside.join("static"), site.path("static")).unwrap();
        }),
        ("templates", &|site, outside| {
            make_theme(outside);
            let _ = std::fs::remove_dir_all(site.path("templates"));
            std::os::unix::fs::symlink(outside.join("templates"), site.path("templates")).unwrap();
        }),
        ("photo-cache", &|site, outside| {
            make_theme(outside);
            std::os::unix::fs::symlink(outside, site.path("photo-cache")).unwrap();
        }),
    ];
    for (link, plant) in cases {
        let site = TestSite::fixture("minimal");
        let outside = site.scratch().join("elsewhere");
        std::fs::create_dir_all(&outside).unwrap();
        plant(&site, &outside);
        let err = site.run(&["build"]).fails();
        assert!(
            err.contains(&format!("{link}: error: this link points to")) && err.contains("outside the site folder"),
            "the link at {link} was not reported: {err}"
        );
        assert!(!site.path("public").exists(), "{link}: nothing is published");
        assert_eq!(site.run(&["check"]).code(), 1, "{link}: check reports it too");
    }
    // A dangling link at the theme folder is an error too, not a silent fallback.
    let site = TestSite::fixture("minimal");
    std::fs::create_dir_all(site.path("themes")).unwrap();
    std::os::unix::fs::symlink(site.scratch().join("nowhere"), site.path("themes/default")).unwrap();
    let err = site.run(&["build"]).fails();
    assert!(err.contains("themes/default: error: this link points to") && err.contains("does not exist"), "{err}");
    // A theme folder linked to another folder inside the site is read as before.
    let site = TestSite::fixture("minimal");
    common::copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default"), &site.path("shared/theme"));
    make_theme(&site.path("shared/theme"));
    std::fs::create_dir_all(site.path("themes")).unwrap();
    std::os::unix::fs::symlink("../shared/theme", site.path("themes/default")).unwrap();
    site.build();
    assert_eq!(site.read("public/secret.txt"), "the clinic's passwords", "a theme inside the site is published");
}

#[cfg(unix)]
#[test]
fn links_that_stay_inside_the_site_keep_working() {
    let site = TestSite::fixture("minimal");
    std::fs::create_dir_all(site.path("static/img")).unwrap();
    std::fs::copy(site.path("content/team.svg"), site.path("static/img/team.svg")).unwrap();
    std::os::unix::fs::symlink("img", site.path("static/pictures")).unwrap();
    std::os::unix::fs::symlink("../static/img/team.svg", site.path("content/logo.svg")).unwrap();
    site.build();
    assert!(site.path("public/pictures/team.svg").is_file());
    assert!(site.path("public/logo.svg").is_file());
}

#[cfg(target_os = "linux")]
#[test]
fn a_file_name_that_is_not_utf8_is_an_error_naming_it() {
    use std::os::unix::ffi::OsStrExt;
    let site = TestSite::fixture("minimal");
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.md");
    std::fs::write(site.path("content").join(name), "---\ntitle: Cafe\n---\n").unwrap();
    let err = site.run(&["build"]).fails();
    assert!(err.contains("content/caf\u{FFFD}.md") && err.contains("not valid text"), "{err}");
    assert!(err.contains("rename"), "{err}");
}

/// Adds `aliases: [ALIAS]` to the first session and returns the failed build's stderr.
fn alias_error(alias: &str) -> String {
    let site = TestSite::fixture("minimal");
    let text =
        site.read("content/process/first.md").replace("aliases: [\"/first/\"]", &format!("aliases: [\"{alias}\"]"));
    site.write("content/process/first.md", text);
    assert_eq!(site.run(&["check"]).code(), 1, "check catches alias {alias}");
    site.run(&["build"]).fails()
}

#[test]
fn an_alias_never_replaces_a_page_or_a_generated_file() {
    for (alias, says) in [
        ("/index.html", "is the address of content/_index.md"),
        ("/", "is the address of content/_index.md"),
        ("/process/first/index.html", "this page's own address"),
        ("/process/first/", "this page's own address"),
        ("/contact/index.html", "is the address of content/contact.md"),
        ("/404.html", "\"page not found\" page"),
        ("/sitemap.xml", "the sitemap"),
        ("/robots.txt", "robots.txt"),
        ("/style.css", "static/style.css"),
        ("/favicon.svg", "static/favicon.svg"),
        ("/atom.xml/", "news feed"),
    ] {
        let err = alias_error(alias);
        assert!(err.contains("content/process/first.md:6:"), "{alias}: at the alias's line: {err}");
        assert!(err.contains(says), "{alias}: {err}");
        assert!(!names_staging(&err), "{alias}: names the staging folder: {err}");
    }
}

#[test]
fn a_slug_that_is_a_file_name_is_an_error_at_the_slug() {
    let site = TestSite::fixture("minimal");
    let text = site.read("content/contact.md").replacen("---\n", "---\nslug: index.html\n", 1);
    site.write("content/contact.md", text);
    let err = site.run(&["build"]).fails();
    assert!(err.contains("content/contact.md:2:"), "{err}");
    assert!(err.contains("slug"), "{err}");
    assert!(!names_staging(&err) && !err.contains("Is a directory"), "{err}");
}

#[test]
fn broken_inputs_change_nothing_outside_the_output() {
    let site = TestSite::fixture("minimal");
    site.build();
    someones_files(&site.scratch().join("Documents"));
    let breakages: &[(&str, &str)] = &[
        ("content/faq.md", "---\ntitle: [unclosed\n---\n"),
        ("content/process/second.md", "---\ntitle: Second\nstage: 1\n---\n"),
        ("content/contact.md", "---\ntitle: Contact\naliases: [\"/index.html\", \"/sitemap.xml\"]\n---\n"),
        ("site.yaml", "title: [\n"),
        ("content/news/opening.md", "no front matter at all"),
        ("templates/page.html", "{% if %}"),
    ];
    let output = site.path("public");
    let published = snapshot(&output, &[]);
    for (file, text) in breakages {
        let good = std::fs::read(site.path(file)).ok();
        site.write(file, text);
        let outside_now = snapshot(site.scratch(), &[&output]);
        let run = site.run(&["build"]);
        assert_eq!(run.code(), 1, "{file}: {}", run.stderr());
        assert_eq!(
            snapshot(site.scratch(), &[&output]),
            outside_now,
            "{file}: a broken build changed a file outside the output"
        );
        assert_eq!(snapshot(&output, &[]), published, "{file}: a broken build changed the output");
        match good {
            Some(bytes) => site.write(file, bytes),
            None => std::fs::remove_file(site.path(file)).unwrap(),
        }
    }
    site.build();
}

// --- The output folder under stress (review findings F2, F3 and the a/b leftover) ---
// Every file is compared byte for byte (`tree`, the manifest apart) or as a whole
// snapshot of the scratch folder.

/// The site's pages as written in the manifest: the last field of each line.
fn manifest_paths(output: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(output.join(smpsite::output::MANIFEST)).unwrap();
    let mut paths: Vec<String> = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.rsplit_once(' ').map_or(l, |(_, p)| p).to_string())
        .collect();
    paths.sort();
    paths
}

#[test]
fn a_folder_where_the_build_needs_a_file_is_refused_and_nothing_changes() {
    let site = TestSite::fixture("minimal");
    // A folder of someone's dot-files where the sitemap must go, in a new output.
    std::fs::create_dir_all(site.path("public/sitemap.xml")).unwrap();
    std::fs::write(site.path("public/sitemap.xml/.DS_Store"), "finder").unwrap();
    let before = snapshot(site.scratch(), &[]);
    let run = site.run(&["build"]);
    assert_eq!(run.code(), 2, "{}", run.stderr());
    assert!(run.stderr().contains("sitemap.xml"), "the message names it: {}", run.stderr());
    assert!(!names_staging(&run.stderr()), "{}", run.stderr());
    assert_eq!(snapshot(site.scratch(), &[]), before, "a refused build changed files");
}

#[test]
fn two_builds_into_one_output_at_once_leave_exactly_one_complete_build() {
    let site = TestSite::fixture("minimal");
    // Enough pages that the two builds' moves overlap.
    for i in 0..300 {
        site.write(
            &format!("content/more/page-{i}.md"),
            format!("---\ntitle: Page {i}\ndescription: Page {i}.\n---\nText {i}.\n"),
        );
    }
    let urls = ["https://a.clinic.test", "https://b.clinic.test"];
    let references: Vec<_> = urls
        .iter()
        .enumerate()
        .map(|(i, url)| {
            let out = site.scratch().join(format!("reference-{i}"));
            site.run(&["build", "--base-url", url, "-o", out.to_str().unwrap()]).success();
            common::tree(&out)
        })
        .collect();
    assert_ne!(references[0], references[1]);
    let public = site.path("public");
    for round in 0..4 {
        let children: Vec<_> = urls
            .iter()
            .map(|url| {
                std::process::Command::new(env!("CARGO_BIN_EXE_smpsite"))
                    .args(["--root", site.root().to_str().unwrap(), "build", "--base-url", url])
                    .env("NO_COLOR", "1")
                    .env("HOME", site.home())
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let done = child.wait_with_output().unwrap();
            let err = String::from_utf8_lossy(&done.stderr);
            assert!(done.status.success() || err.contains("another build"), "round {round}: {err}");
        }
        let built = common::tree(&public);
        assert!(references.contains(&built), "round {round}: the output is not one complete build");
        let files: Vec<String> = built.iter().map(|(p, _)| p.replace('\\', "/")).collect();
        assert_eq!(manifest_paths(&public), files, "round {round}: the manifest lists exactly the files");
    }
    site.build();
}

#[test]
fn a_failed_first_build_into_a_nested_new_folder_leaves_none_of_its_folders() {
    let site = TestSite::fixture("minimal");
    // A template that fails while the pages render: after the output was prepared.
    site.write("templates/page.html", "{{ no_such_thing.at_all }}");
    let before = snapshot(site.scratch(), &[]);
    site.run(&["build", "-o", site.scratch().join("a/b/out").to_str().unwrap()]).fails();
    assert_eq!(snapshot(site.scratch(), &[]), before, "a/ or a/b/ was left behind");
}
