//! `smpsite init` and `smpsite new`.

use crate::common;

use common::TestSite;

#[test]
fn init_writes_the_example_site_which_builds_without_warnings() {
    let site = TestSite::empty();
    let run = site.run(&["init", site.path("clinic").to_str().unwrap()]).success();
    assert!(run.stdout().contains("Created a clinic site in"), "{}", run.stdout());
    let clinic = site.path("clinic");
    assert!(clinic.join("site.yaml").is_file());
    assert!(clinic.join("content/_index.md").is_file());
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    assert_eq!(
        std::fs::read(clinic.join("content/faq.md")).unwrap(),
        std::fs::read(repo.join("content/faq.md")).unwrap()
    );

    let build = std::process::Command::new(env!("CARGO_BIN_EXE_smpsite"))
        .args(["build", "--root"])
        .arg(&clinic)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
    // Its only warnings are the placeholders a clinic replaces (issue 24).
    let stderr = String::from_utf8_lossy(&build.stderr);
    let others: Vec<&str> =
        stderr.lines().filter(|l| l.contains("warning[") && !l.contains("warning[content/placeholder]")).collect();
    assert!(others.is_empty(), "the example site has other warnings: {stderr}");
    assert!(stderr.contains("warning[content/placeholder]"), "{stderr}");
    assert!(clinic.join("public/process/first-session/index.html").is_file());
}

#[test]
fn init_refuses_a_non_empty_folder_and_touches_nothing() {
    let site = TestSite::empty();
    site.write("notes.txt", "keep me");
    let run = site.run(&["init", site.root().to_str().unwrap()]);
    assert_eq!(run.code(), 2);
    assert!(run.stderr().contains("is not empty"), "{}", run.stderr());
    assert!(run.stderr().contains("Name a new folder instead, e.g. `smpsite init my-clinic-site`"), "{}", run.stderr());
    assert_eq!(site.read("notes.txt"), "keep me");
    assert!(!site.path("site.yaml").exists());
}

#[test]
fn new_session_takes_the_next_free_stage_and_is_a_draft() {
    let site = TestSite::fixture("minimal");
    let run = site.run(&["new", "session", "Third session"]).success();
    assert!(run.stdout().contains("content/process/third-session.md"), "{}", run.stdout());
    let text = site.read("content/process/third-session.md");
    assert!(
        text.contains("title: \"Third session\"") && text.contains("stage: 3") && text.contains("draft: true"),
        "{text}"
    );
    // A draft is left out, and previewing drafts shows it in stage order.
    site.build();
    assert!(!site.path("public/process/third-session").exists());
    site.run(&["build", "--drafts"]).success();
    let second = site.page("process/second/");
    assert!(second.contains("href=\"/process/third-session/\""), "second session links to the new third");
}

#[test]
fn new_page_builds_and_refuses_to_overwrite() {
    let site = TestSite::fixture("minimal");
    site.run(&["new", "page", "About", "us"]).success();
    site.run(&["build", "--drafts"]).success();
    assert!(site.page("about-us/").contains("About us"));
    let again = site.run(&["new", "page", "About us"]);
    assert_eq!(again.code(), 2);
    assert!(again.stderr().contains("already exists"));
}

#[test]
fn new_session_without_a_sessions_section_explains() {
    let site = TestSite::fixture("minimal");
    std::fs::remove_dir_all(site.path("content/process")).unwrap();
    let err = site.run(&["new", "session", "X"]).fails();
    assert!(err.contains("no sessions section"), "{err}");
    assert!(err.contains("kind: sessions"), "{err}");
}

/// Issue 23: `new page _index` wrote `content/index.md`, whose address is the home page's.
#[test]
fn new_refuses_a_title_whose_file_would_be_a_sections_own_page() {
    let site = TestSite::fixture("minimal");
    for (kind, title) in [("page", "_index"), ("page", "Index"), ("session", "_index")] {
        let run = site.run(&["new", kind, title]);
        assert_eq!(run.code(), 2, "new {kind} {title}: {}", run.stderr());
        assert!(run.stderr().contains("choose another title"), "{}", run.stderr());
    }
    assert!(!site.path("content/index.md").exists() && !site.path("content/process/index.md").exists());
    site.build();
}

/// Issue 24: `new faq "…"` made a whole new FAQ page (in the menu, and on the home page
/// with its placeholder question). It adds a `## ` question to the FAQ page instead.
#[test]
fn new_faq_appends_a_question_to_the_faq_page_and_says_where() {
    let site = TestSite::fixture("minimal");
    let before = site.read("content/faq.md");
    let run = site.run(&["new", "faq", "Can I swim after a session?"]).success();
    let after = site.read("content/faq.md");
    assert!(after.starts_with(&before), "the page's text is kept as it was:\n{after}");
    let added = &after[before.len()..];
    assert!(added.contains("\n## Can I swim after a session?\n"), "{added:?}");
    let line = after.lines().position(|l| l == "## Can I swim after a session?").unwrap() + 1;
    assert!(run.stdout().contains(&format!("content/faq.md:{line}")), "{}", run.stdout());
    assert!(!site.path("content/can-i-swim-after-a-session.md").exists(), "no new page");
    site.build();
    let faq = site.page("faq/");
    assert!(faq.contains("Can I swim after a session?"), "the question is on the FAQ page");

    // The same question again is refused, naming the line it is on.
    let again = site.run(&["new", "faq", "can I swim after a session?"]);
    assert_eq!(again.code(), 2, "{}", again.stderr());
    assert!(again.stderr().contains(&format!("content/faq.md:{line}")), "{}", again.stderr());
    assert_eq!(site.read("content/faq.md"), after, "nothing was added");
}

#[test]
fn new_faq_without_an_faq_page_says_how_to_make_one() {
    let site = TestSite::fixture("minimal");
    std::fs::remove_file(site.path("content/faq.md")).unwrap();
    let err = site.run(&["new", "faq", "Does it hurt?"]).fails();
    assert!(err.contains("no FAQ page"), "{err}");
    assert!(err.contains("smpsite new page") && err.contains("faq: true"), "{err}");
    assert!(!site.path("content/does-it-hurt.md").exists());
}

/// `KEY: "value"` (YAML) or `KEY = "value"` (TOML) in `text`.
fn setting<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines().map(str::trim).find_map(|line| {
        let rest = line.strip_prefix(key)?.trim_start();
        let value = rest.strip_prefix(':').or_else(|| rest.strip_prefix('='))?.trim();
        value.strip_prefix('"')?.strip_suffix('"')
    })
}

#[test]
fn init_writes_publishing_files_that_fetch_one_pinned_release() {
    let site = TestSite::empty();
    site.run(&["init", site.path("clinic").to_str().unwrap()]).success();
    let workflow = std::fs::read_to_string(site.path("clinic/.github/workflows/deploy.yml")).unwrap();
    let netlify = std::fs::read_to_string(site.path("clinic/netlify.toml")).unwrap();

    let version = setting(&workflow, "SMPSITE_VERSION").expect("deploy.yml names the release");
    let sha256 = setting(&workflow, "SMPSITE_SHA256").expect("deploy.yml names the checksum");
    assert_eq!(setting(&netlify, "SMPSITE_VERSION"), Some(version), "{netlify}");
    assert_eq!(setting(&netlify, "SMPSITE_SHA256"), Some(sha256), "{netlify}");
    // A real checksum, or none at all (no release published yet): never a made-up one.
    let pin: serde_json::Value =
        serde_json::from_str(include_str!("../../starters/deploy/release.json")).expect("release.json is JSON");
    match pin["x86_64-unknown-linux-gnu"].as_str().unwrap_or("") {
        "" => {
            assert_eq!((version, sha256), (env!("CARGO_PKG_VERSION"), ""));
            assert!(workflow.contains("# No checksum is pinned") && netlify.contains("# No checksum is pinned"));
        }
        pinned => {
            assert_eq!((version, sha256), (pin["version"].as_str().unwrap(), pinned));
            assert!(sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit()), "{sha256}");
        }
    }
    let download = format!("{}/releases/download/v${{SMPSITE_VERSION}}/${{archive}}", env!("CARGO_PKG_REPOSITORY"));
    assert!(workflow.contains(&download), "{workflow}");
    assert!(netlify.contains(&format!("{}/releases/download/v$SMPSITE_VERSION/", env!("CARGO_PKG_REPOSITORY"))));
    for text in [&workflow, &netlify] {
        assert!(text.contains("sha256sum --check --strict -"), "the download is checked: {text}");
        for placeholder in ["{{version}}", "{{sha256}}", "{{sha256_comment}}", "{{repository}}"] {
            assert!(!text.contains(placeholder), "{placeholder} was left: {text}");
        }
    }
    // GitHub Pages: check, then build for the address Pages gives (a project site's sub-path).
    for needed in [
        "pages: write",
        "id-token: write",
        "concurrency:",
        "actions/configure-pages@",
        "actions/upload-pages-artifact@",
        "actions/deploy-pages@",
        "smpsite check",
        "BASE_URL: ${{ steps.pages.outputs.base_url }}",
        "smpsite build --base-url \"$BASE_URL\"",
    ] {
        assert!(workflow.contains(needed), "deploy.yml lacks {needed}:\n{workflow}");
    }
    assert!(netlify.contains("publish = \"public\"") && netlify.contains("smpsite check &&"), "{netlify}");

    // The site builds as it was written: the publishing files are not content.
    site.run(&["build", "--root", site.path("clinic").to_str().unwrap(), "--quiet"]).success();
}

#[test]
fn a_second_init_into_the_same_folder_refuses_and_changes_nothing() {
    let site = TestSite::empty();
    let clinic = site.path("clinic");
    site.run(&["init", clinic.to_str().unwrap()]).success();
    std::fs::write(clinic.join("netlify.toml"), "# edited by the clinic\n").unwrap();
    let again = site.run(&["init", clinic.to_str().unwrap()]);
    assert_eq!(again.code(), 2, "{}", again.stderr());
    assert!(again.stderr().contains("is not empty"), "{}", again.stderr());
    assert_eq!(std::fs::read_to_string(clinic.join("netlify.toml")).unwrap(), "# edited by the clinic\n");
}
