//! Issue 14, item 3: every internal link is checked against the addresses the site
//! will have (pages, sections, aliases, static and bundle files): `.md` links, site
//! paths, relative links with or without an extension, folders, percent-encoding. A
//! link that leads nowhere is an error (rule `content/link`); a case slip gets "did you
//! mean". The coverage test crawls a built site of over 1,000 pages, as a reader would,
//! and proves `check` reports the links there that lead nowhere.

use crate::common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use common::TestSite;

#[test]
fn links_that_lead_nowhere_are_errors_with_a_fix() {
    let site = TestSite::fixture("minimal");
    let broken = [
        "[a](g)",
        "[b](missing/)",
        "[c](../nowhere/)",
        "[d](/Process/First/)",
        "[e](100%-sure)",
        "[f](faq)",
        "![g](photos/missing.png)",
    ];
    let fine = [
        "[1](../faq/)",
        "[2](/process/first/)",
        "[3](../first/)",
        "[4](/images/logo.svg)",
        "[5](../process/)",
        "[6](/news/index.html)",
        "[7](../process/first/#what-happens)",
        "[8](team.svg)",
        "[9](/images/logo%2Esvg)",
        "[10](../)",
        "[11](/atom.xml)",
        "[12](faq.md)",
        "[13](mailto:desk@clinic.test)",
    ];
    let old = site.read("content/contact.md");
    let first = old.lines().count() + 2;
    site.write("content/contact.md", format!("{old}\n{}\n\n{}\n", broken.join("\n\n"), fine.join(" ")));
    let err = site.run(&["check"]).fails();
    let line = |i: usize| first + 2 * i;
    for (i, expected) in [
        "error[content/link]: the link `g` leads to no page or file of this site (from this page it opens `/contact/g`)",
        "error[content/link]: the link `missing/` leads to no page or file of this site (from this page it opens `/contact/missing/`)",
        "error[content/link]: the link `../nowhere/` leads to no page or file of this site (from this page it opens `/nowhere/`)",
        "error[content/link]: the link `/Process/First/` leads to no page or file of this site",
        "error[content/link]: the address `100%-sure` has a `%` that is not followed by two hexadecimal digits (%-s…)",
        "error[content/link]: the link `faq` leads to no page or file of this site (from this page it opens `/contact/faq`)",
        "error[content/link]: the image `photos/missing.png` does not exist: content/photos/missing.png is not there",
    ]
    .iter()
    .enumerate()
    {
        assert!(err.contains(&format!("content/contact.md:{}:1: {expected}", line(i))), "{expected}\n{err}");
    }
    assert!(err.contains("did you mean `/process/first/`? Addresses differ in upper and lower case"), "{err}");
    assert!(err.contains("write a percent sign in an address as `%25`"), "{err}");
    assert!(err.contains("link to its file: `faq.md`"), "{err}");
    assert!(err.contains(&format!("{} errors found", broken.len())), "{err}");
    // `build` fails the same way, and writes nothing.
    assert!(site.run(&["build"]).fails().contains(&format!("{} errors found", broken.len())));
    assert!(!site.path("public").exists());
}

#[test]
fn links_to_an_address_only_another_case_has_suggest_it() {
    let site = TestSite::fixture("minimal");
    site.write("content/contact.md", "---\ntitle: C\ndescription: D.\n---\nSee [logo](/Images/Logo.svg).\n");
    let err = site.run(&["check"]).fails();
    assert!(err.contains("did you mean `/images/logo.svg`?"), "{err}");
}

/// A generated clinic of 1,000 journal posts (1,025 pages) where every seventh post
/// carries links that lead nowhere, one of each kind. With `content/link` lowered to a
/// warning the site builds; a crawler then walks every written HTML file, resolves
/// each `href` and `src` the way a browser does and collects those that lead to no
/// written file. `check` must report at least 95 % of them (it reports them all).
#[test]
fn check_reports_the_links_a_crawler_finds_broken_in_a_1000_page_site() {
    const POSTS: usize = 1000;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    common::corpus::write(&root, POSTS);
    let config = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    std::fs::write(root.join("site.yaml"), format!("{config}lint:\n  levels:\n    content/link: warning\n")).unwrap();
    let mut injected = 0;
    for entry in walkdir::WalkDir::new(root.join("content/journal")) {
        let entry = entry.unwrap();
        let name = entry.path().to_string_lossy().into_owned();
        let Some(i) = name.rsplit("post-").next().and_then(|n| n[..4].parse::<usize>().ok()) else { continue };
        if !name.ends_with(".md") || i % 7 != 0 {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        if text.contains("draft: true") {
            continue;
        }
        let links = [
            format!("[a](nowhere-{i})"),
            format!("[b](gone-{i}/)"),
            format!("[c](../../lost-{i}/)"),
            format!("[d](/Journal/Post-{i:04}/)"),
            format!("[e](/images/missing-{i}.png)"),
            format!("![f](picture-{i}.jpg)"),
            format!("[g](50%-off-{i})"),
            format!("[h](/old/place-{i}/index.html)"),
        ];
        injected += links.len();
        std::fs::write(entry.path(), format!("{text}\n{}\n", links.join(" "))).unwrap();
    }

    let out = dir.path().join("out");
    let home = dir.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_smpsite"))
            .arg("--root")
            .arg(&root)
            .args(args)
            .env("NO_COLOR", "1")
            .env("HOME", &home)
            .output()
            .unwrap()
    };
    let checked = run(&["check", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&checked.stdout).unwrap();
    let reported: BTreeSet<String> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "content/link")
        .map(|d| d["message"].as_str().unwrap().split('`').nth(1).unwrap().to_string())
        .collect();
    let built = run(&["build", "--quiet", "-o", out.to_str().unwrap()]);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));

    let (pages, crawled) = crawl(&out, "/smp/");
    assert!(pages >= 1000, "only {pages} pages");
    assert!(crawled.len() >= injected, "the crawler found {} of {injected} injected links", crawled.len());
    let found = crawled.iter().filter(|href| reported.contains(*href)).count();
    let share = found as f64 / crawled.len() as f64;
    eprintln!(
        "{pages} pages; the crawler found {} distinct internal links that lead nowhere ({injected} injected); check reported {found} of them ({:.1} %)",
        crawled.len(),
        share * 100.0
    );
    let missed: Vec<&String> = crawled.iter().filter(|href| !reported.contains(*href)).take(10).collect();
    assert!(share >= 0.95, "check missed {missed:?}");
}

/// Every HTML file under `out`, and the distinct `href`/`src` values in them that point
/// into the site (`root` is the base path) but lead to no written file, as written in
/// the Markdown (the base path taken off again).
fn crawl(out: &Path, root: &str) -> (usize, BTreeSet<String>) {
    let attr = regex::Regex::new(r#"(?:href|src)="([^"]*)""#).unwrap();
    let mut pages = 0;
    let mut broken = BTreeSet::new();
    for entry in walkdir::WalkDir::new(out) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(out).unwrap().to_string_lossy().replace('\\', "/");
        if !rel.ends_with(".html") {
            continue;
        }
        pages += 1;
        let html = std::fs::read_to_string(entry.path()).unwrap();
        let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
        for cap in attr.captures_iter(&html) {
            let href = cap[1].replace("&amp;", "&");
            if href.is_empty() || href.starts_with('#') || href.starts_with("//") || href.contains(':') {
                continue;
            }
            let path = href.split(['#', '?']).next().unwrap();
            let target = match path.strip_prefix('/') {
                Some(_) => match path.strip_prefix(root) {
                    Some(inside) => inside.to_string(),
                    None => {
                        broken.insert(href.clone());
                        continue;
                    }
                },
                None => join(dir, path),
            };
            let target = percent_encoding::percent_decode_str(&target).decode_utf8_lossy().into_owned();
            let file = out.join(&target);
            if !(file.is_file() || file.join("index.html").is_file()) {
                broken.insert(href.strip_prefix(root).map_or(href.clone(), |rest| format!("/{rest}")));
            }
        }
    }
    (pages, broken)
}

fn join(dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// F10: photos and addresses written in front matter (`extra.hero.photo`,
/// `extra.team[].photo`, `before_after:` photos) and site.yaml (`brand.image`, `logo`)
/// are checked like images in the text: a file of the site must exist, an address
/// that runs code is an error and one on another site should be `https:`.
#[test]
fn photo_and_image_fields_are_checked_like_body_images() {
    let site = TestSite::fixture("minimal");
    let home = site.read("content/_index.md").replace(
        "description: Home of the test clinic.\n",
        "description: Home of the test clinic.\nextra: { hero: { photo: studio.jpg, alt: \"The room\" } }\n",
    );
    site.write("content/_index.md", home);
    let contact = site.read("content/contact.md").replace(
        "weight: 3\n",
        "weight: 3\nextra:\n  team:\n    - { name: Sam, photo: \"javascript:alert(1)\", alt: Sam }\n    - { name: Jo, photo: \"http://cdn.example/jo.jpg\", alt: Jo }\n    - { name: Al, photo: /images/logo.svg, alt: Al }\n",
    );
    site.write("content/contact.md", contact);
    site.write("site.yaml", format!("{}brand:\n  image: /images/studio.jpg\n", site.read("site.yaml")));
    let err = site.run(&["build"]).fails();
    assert!(!site.path("public").exists(), "a failed build wrote output");
    assert!(
        err.contains(
            "content/_index.md:4:25: error: the image `studio.jpg` does not exist: content/studio.jpg is not there"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "content/contact.md:7:20: error: the photo of Sam `javascript:alert(1)` runs a script (`javascript:`)"
        ),
        "{err}"
    );
    assert!(err.contains("content/contact.md:8:19: warning: the photo of Jo `http://cdn.example/jo.jpg` is not a secure (https:) address"), "{err}");
    assert!(!err.contains("contact.md:9:"), "{err}");
    assert!(
        err.contains("site.yaml:13:10: error: the sharing image (`brand.image`) `/images/studio.jpg` does not exist"),
        "{err}"
    );

    let site = TestSite::fixture("minimal");
    site.write(
        "site.yaml",
        format!(
            "{}brand:\n  logo: \"javascript:alert(1)\"\n  image: \"javascript:alert(1)\"\n",
            site.read("site.yaml")
        ),
    );
    let err = site.run(&["build"]).fails();
    assert!(err.contains("site.yaml:13:9: error: `logo: javascript:alert(1)` runs code"), "{err}");
    assert!(err.contains("site.yaml:14:10: error: `image: javascript:alert(1)` runs code"), "{err}");
}

/// `aftercare:` items and `healing:` steps are Markdown the visitor reads: their links
/// resolve and are checked as the body's are (a link to `second.md` became a dead
/// `second.md` on the published page, with no warning).
#[test]
fn links_in_aftercare_and_healing_items_resolve_and_are_checked() {
    let site = TestSite::fixture("minimal");
    let page = site.read("content/process/first.md");
    site.write(
        "content/process/first.md",
        page.replace("\"No sun\"", "\"No sun: see [the second session](second.md)\"")
            .replace("Redness, *mild* tenderness.", "Redness; read [the FAQ](../faq.md#top)."),
    );
    site.build();
    let html = site.page("process/first/");
    assert!(html.contains(r#"see <a href="/process/second/">the second session</a>"#), "aftercare link: {html}");
    assert!(html.contains(r#"read <a href="/faq/#top">the FAQ</a>"#), "healing link: {html}");

    let page = site.read("content/process/first.md");
    site.write("content/process/first.md", page.replace("(second.md)", "(gone.md)"));
    let err = site.run(&["build"]).fails();
    assert!(err.contains("content/process/first.md:11:") && err.contains("gone.md"), "{err}");
}

/// Issue 24: `![Our treatment room](Studio Photo.JPG)` (a space in the file name) was
/// printed as text with no warning. It is a warning that shows both fixes.
#[test]
fn a_link_or_image_with_a_space_in_its_address_gets_a_warning_with_the_fix() {
    let site = TestSite::fixture("minimal");
    site.write("content/Studio Photo.svg", site.read("content/team.svg"));
    let old = site.read("content/contact.md");
    site.write(
        "content/contact.md",
        format!("{old}\n![Our treatment room](Studio Photo.svg)\n\nSee [our prices](price list.md).\n"),
    );
    let line = old.lines().count() + 2;
    let run = site.run(&["check"]).success();
    let err = run.stderr();
    assert!(
        err.contains(&format!("content/contact.md:{line}:1: warning[content/link-space]: the image `Studio Photo.svg` is shown as text, not as an image: its address has a space")),
        "{err}"
    );
    assert!(err.contains("write the address in angle brackets, `![Our treatment room](<Studio Photo.svg>)`, or rename the file without spaces (`Studio-Photo.svg`)"), "{err}");
    assert!(
        err.contains(&format!("content/contact.md:{}:5: warning[content/link-space]: the link `price list.md` is shown as text, not as a link", line + 2)),
        "{err}"
    );

    // The first fix works: the photo is shown, and nothing is reported.
    site.write("content/contact.md", format!("{old}\n![Our treatment room](<Studio Photo.svg>)\n"));
    let run = site.run(&["check"]).success();
    assert!(!run.stderr().contains("link-space"), "{}", run.stderr());
    site.build();
    assert!(site.page("contact/").contains("alt=\"Our treatment room\""));
}

/// Issue 24: a case slip in a file name (`studiophoto.svg` for `StudioPhoto.svg`) said
/// "not there" with no "did you mean", in the text, in front matter and for `logo:`.
#[test]
fn a_case_slip_in_a_file_name_gets_did_you_mean_everywhere() {
    let site = TestSite::fixture("minimal");
    site.write("content/StudioPhoto.svg", site.read("content/team.svg"));
    let old = site.read("content/contact.md");
    site.write("content/contact.md", format!("{old}\n![Our treatment room](studiophoto.svg)\n"));
    let err = site.run(&["check"]).fails();
    assert!(err.contains("did you mean `StudioPhoto.svg`?"), "the text's image\n{err}");
    let hero = "weight: 3\nextra: { hero: { photo: studiophoto.svg, alt: \"The room\" } }\n";
    site.write("content/contact.md", old.replace("weight: 3\n", hero));
    let err = site.run(&["check"]).fails();
    assert!(err.contains("did you mean `StudioPhoto.svg`?"), "the hero photo\n{err}");

    let site = TestSite::fixture("minimal");
    let yaml = site.read("site.yaml");
    site.write("site.yaml", format!("{yaml}brand:\n  logo: static/images/Logo.SVG\n"));
    let err = site.run(&["build"]).fails();
    assert!(
        err.contains("site.yaml:13:3: error: the logo `static/images/Logo.SVG` is not in the site's static/ folder"),
        "{err}"
    );
    assert!(err.contains("did you mean `static/images/logo.svg`?"), "{err}");
    site.write("site.yaml", format!("{yaml}brand:\n  image: /images/LOGO.svg\n"));
    let err = site.run(&["build"]).fails();
    assert!(err.contains("did you mean `/images/logo.svg`?"), "{err}");
}

/// Issue 24: a page that was renamed got "did you mean" an unrelated page. A link to
/// the old name suggests the page close by name, and an alias on it for old links.
#[test]
fn a_link_to_a_renamed_page_suggests_an_alias_on_the_new_one() {
    let site = TestSite::fixture("minimal");
    std::fs::rename(site.path("content/news/opening.md"), site.path("content/news/our-opening.md")).unwrap();
    let old = site.read("content/contact.md");
    site.write("content/contact.md", format!("{old}\nSee [the opening](news/opening.md) and [it](/news/opening/).\n"));
    let err = site.run(&["check"]).fails();
    let alias = "add `aliases: [\"/news/opening/\"]` to content/news/our-opening.md";
    assert_eq!(err.matches(alias).count(), 2, "the `.md` link and the address\n{err}");
    assert!(err.contains("did you mean content/news/our-opening.md?"), "{err}");
    assert!(err.contains("did you mean `/news/our-opening/`?"), "{err}");

    // A page with an unrelated name is not suggested.
    let site = TestSite::fixture("minimal");
    let old = site.read("content/contact.md");
    site.write("content/contact.md", format!("{old}\nSee [care](aftercare.md) and [it](/aftercare/).\n"));
    let err = site.run(&["check"]).fails();
    assert!(!err.contains("did you mean"), "{err}");
    assert!(
        err.contains("if the page was renamed, add `aliases: [\"/aftercare/\"]` to the page that replaced it"),
        "{err}"
    );
}
