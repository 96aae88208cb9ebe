//! Inputs the fuzzers (`scripts/fuzz`) found, kept so they stay fixed, and the safety
//! net they check on every input: a build of a broken site changes nothing outside its
//! output folder.

use crate::common;

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use common::snapshot;
use smpsite::build::{self, BuildOptions};
use smpsite::error::Severity;

/// Each path under a folder (links not followed) with its kind, size, modification time
/// and a hash of its bytes or link target.
fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

#[cfg(unix)]
fn symlink(target: &str, link: &Path) {
    std::fs::create_dir_all(link.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(target, link).unwrap();
}

/// Windows makes links only with administrator rights: there the linked cases build
/// without their link.
#[cfg(not(unix))]
fn symlink(_: &str, _: &Path) {}

const CONFIG: &str = "title: Broken Clinic\nbase_url: https://example.com/\nclinic:\n  name: Broken SMP\n";

fn page(front_matter: &str) -> String {
    format!("---\ntitle: A page\n{front_matter}\n---\nSome text.\n")
}

/// One broken site per entry: (name, what it holds as (path, contents) pairs, symlinks
/// as (path, target) pairs).
type Broken = (&'static str, Vec<(PathBuf, Vec<u8>)>, Vec<(&'static str, &'static str)>);

fn broken_sites() -> Vec<Broken> {
    let text = |p: &str, t: &str| (PathBuf::from(p), t.as_bytes().to_vec());
    let home = || text("content/_index.md", &page(""));
    #[cfg_attr(not(unix), allow(unused_mut))]
    let mut sites: Vec<Broken> = vec![
        // Sites that build: the safety net must also walk the path that writes.
        ("a plain site", vec![home()], vec![]),
        ("a page with an alias", vec![home(), text("content/a.md", &page("aliases: [/old-a/]"))], vec![]),
        (
            "a bundle with a file",
            vec![home(), text("content/b/index.md", &page("")), text("content/b/x.txt", "x")],
            vec![],
        ),
        ("a link that stays inside", vec![home(), text("static/img/a.txt", "a")], vec![("static/pictures", "img")]),
        ("front matter never closed", vec![home(), text("content/a.md", "---\ntitle: A\nSome text.\n")], vec![]),
        ("front matter not YAML", vec![home(), text("content/a.md", "---\ntitle: [A\n---\nx\n")], vec![]),
        ("site.yaml not YAML", vec![text("site.yaml", "title: [x\n"), home()], vec![]),
        ("site.yaml without a base_url", vec![text("site.yaml", "title: x\nclinic: {name: y}\n"), home()], vec![]),
        ("alias over the home page", vec![home(), text("content/a.md", &page("aliases: [/index.html]"))], vec![]),
        ("alias over the sitemap", vec![home(), text("content/a.md", &page("aliases: [/sitemap.xml]"))], vec![]),
        ("alias climbing out", vec![home(), text("content/a.md", &page("aliases: [/../../outside/x/]"))], vec![]),
        ("slug climbing out", vec![home(), text("content/a.md", &page("slug: ../../outside"))], vec![]),
        ("slug that is a file", vec![home(), text("content/a.md", &page("slug: index.html"))], vec![]),
        ("static link to a file outside", vec![home()], vec![("static/secret.txt", "../../outside/secret.txt")]),
        ("static link to a folder outside", vec![home()], vec![("static/etc", "../../outside")]),
        (
            "bundle link outside",
            vec![home(), text("content/b/index.md", &page(""))],
            vec![("content/b/x.txt", "../../../outside/secret.txt")],
        ),
        ("dangling link", vec![home()], vec![("static/gone.txt", "missing")]),
        ("link loop", vec![home()], vec![("content/loop", "..")]),
    ];
    // Only Unix file names can be bytes that are not UTF-8.
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let name = PathBuf::from(std::ffi::OsStr::from_bytes(b"content/caf\xe9.md"));
        sites.push(("page name not UTF-8", vec![home(), (name, page("").into_bytes())], vec![]));
    }
    sites
}

/// Builds each broken site in a folder beside a folder of files that are not the site's,
/// and proves that neither that folder nor the site itself changed: only the output.
#[test]
fn building_broken_sites_changes_nothing_outside_the_output_folder() {
    let tmp = tempfile::tempdir().unwrap();
    write(&tmp.path().join("outside/secret.txt"), "not part of any site");
    write(&tmp.path().join("outside/x/index.html"), "a file the clinic wrote");
    write(&tmp.path().join("outside/notes.md"), page(""));
    let mut built = [0, 0]; // failed, succeeded
    for (i, (name, files, links)) in broken_sites().into_iter().enumerate() {
        let site = tmp.path().join(format!("site{i}"));
        write(&site.join("site.yaml"), CONFIG);
        for (path, bytes) in files {
            write(&site.join(path), bytes);
        }
        for (link, target) in links {
            symlink(target, &site.join(link));
        }
        for output in [tmp.path().join(format!("out{i}")), site.join("public")] {
            let before = snapshot(tmp.path(), &[&output]);
            let result = build::build(&BuildOptions {
                root: site.clone(),
                output: Some(output.clone()),
                ..BuildOptions::default()
            });
            built[usize::from(result.is_ok())] += 1;
            let after = snapshot(tmp.path(), &[&output]);
            let changed: Vec<_> = after.iter().filter(|(p, v)| before.get(*p) != Some(*v)).map(|(p, _)| p).collect();
            let gone: Vec<_> = before.keys().filter(|p| !after.contains_key(*p)).collect();
            assert!(changed.is_empty() && gone.is_empty(), "{name}: changed {changed:?}, removed {gone:?}");
            if result.is_err() {
                assert!(!output.exists(), "{name}: a failed build left {} behind", output.display());
            }
        }
    }
    // Both paths are walked: builds that stop on an error and builds that write a site.
    assert!(built[0] >= 8 && built[1] >= 4, "failed and succeeded builds: {built:?}");
}

/// The snapshot the safety net compares sees every kind of change it is meant to catch.
#[test]
fn the_snapshot_sees_a_changed_added_or_touched_file() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("a/b.txt");
    write(&file, "one");
    let skip = tmp.path().join("out");
    let first = snapshot(tmp.path(), &[&skip]);
    write(&file, "two");
    assert_ne!(first, snapshot(tmp.path(), &[&skip]), "same size, other bytes");
    let second = snapshot(tmp.path(), &[&skip]);
    let f = std::fs::File::options().write(true).open(&file).unwrap();
    f.set_modified(SystemTime::UNIX_EPOCH).unwrap();
    assert_ne!(second, snapshot(tmp.path(), &[&skip]), "same bytes, other time");
    let third = snapshot(tmp.path(), &[&skip]);
    write(&skip.join("c.txt"), "in the output");
    assert_eq!(third, snapshot(tmp.path(), &[&skip]), "the output folder is not looked at");
    write(&tmp.path().join("a/new.txt"), "");
    assert_ne!(third, snapshot(tmp.path(), &[&skip]), "a new empty file");
}

/// A message points at a line of `text` and a column within that line (or just past
/// its end), the way the snippet under it counts lines: by `\n`.
fn assert_points_into(d: &smpsite::error::Diagnostic, text: &str) {
    let lines: Vec<&str> = text.split('\n').collect();
    assert!(d.line >= 1 && d.line <= lines.len(), "line {} of a {}-line file: {d:?}", d.line, lines.len());
    let width = lines[d.line - 1].trim_end_matches('\r').chars().count();
    assert!(d.col >= 1 && d.col <= width + 1, "column {} on a line of {width} characters: {d:?}", d.col);
}

/// Found by the `config` target: libyaml also breaks lines at a lone `\r`, and messages
/// took its line numbers, pointing past the end of the file.
#[test]
fn a_site_yaml_message_after_lone_carriage_returns_points_into_the_file() {
    let text = "title: Clinic\r\r\r\r\r\r\r\r\r\r\r\r\nbase_url https://example.com\nclinic: {name: N}\n";
    let problems = smpsite::config::Config::parse(text, None).unwrap_err();
    for d in &problems {
        assert_points_into(d, text);
    }
    assert_eq!((problems[0].line, problems[0].col), (3, 1), "where the parser gave up: {problems:?}");
}

/// Found by the `front_matter` target: the same in front matter, where the column also
/// ran past the end of its line.
#[test]
fn a_front_matter_message_after_lone_carriage_returns_points_into_the_file() {
    let text = "---\ntitle: About the studio\r\r\r\r\r\r\r\rwe: work\n---\nText.\n";
    let path = Path::new("content/about.md");
    let split = smpsite::front_matter::split(text, path).unwrap();
    let problems = smpsite::front_matter::parse(&split, text, path).unwrap_err();
    for d in &problems {
        assert_points_into(d, text);
    }
    // `we` is the 32nd character of line 2 (the `\r`s are characters of that line).
    assert_eq!((problems[0].line, problems[0].col), (2, 32), "the unknown key `we`: {problems:?}");
}

/// Found by the `config` target: a site.yaml that starts with a byte order mark (some
/// Windows editors write one) had its first-line messages one column off.
#[test]
fn a_byte_order_mark_takes_no_column_in_site_yaml_messages() {
    let text = "\u{feff}";
    let problems = smpsite::config::Config::parse(text, None).unwrap_err();
    assert!(problems[0].message.contains("no `title`"), "{problems:?}");
    assert_eq!((problems[0].line, problems[0].col), (1, 1), "{problems:?}");
    let text = "\u{feff}title: [Clinic\n";
    let problems = smpsite::config::Config::parse(text, None).unwrap_err();
    assert_points_into(&problems[0], text);
}

/// Found by the `front_matter` target: an unclosed quote was pointed at by its byte
/// offset, past the end of a line with accents or dashes in its key.
#[test]
fn an_unclosed_quote_after_a_non_ascii_key_is_pointed_at_by_character() {
    let text = "---\ntitle: First session\nextra:\n  séance—première: \"Welcome\n---\nText.\n";
    let path = Path::new("content/first.md");
    let split = smpsite::front_matter::split(text, path).unwrap();
    let problems = smpsite::front_matter::parse(&split, text, path).unwrap_err();
    assert!(problems[0].help.as_deref().unwrap_or_default().contains("never closed"), "{problems:?}");
    // The quote is the 20th character of line 4 (its 24th byte).
    assert_eq!((problems[0].line, problems[0].col), (4, 20), "{problems:?}");
}

/// Found by the `config` target: a file that ends in the middle of a line, after a
/// `\r`, had its "unexpected end" message one column past the end of that line.
#[test]
fn a_message_at_the_end_of_a_file_ending_in_a_carriage_return_stays_on_its_line() {
    let text = "title: Clinic\nclinic:\n  address: { street: \"1 Main\r";
    let problems = smpsite::config::Config::parse(text, None).unwrap_err();
    for d in &problems {
        assert_points_into(d, text);
    }
}

const SITE_YAML: &str = "title: T\nbase_url: https://example.com/\nclinic: {name: C}\n";

/// Found by review (F5): aliases count their uses, not their bytes, so a 100 KB text
/// repeated with `*name` grew a site.yaml into gigabytes. Past 1 MB of repeats, the
/// alias that crosses the line is refused.
#[test]
fn aliases_that_repeat_megabytes_of_text_are_refused_at_the_alias() {
    let big = "x".repeat(100_000);
    let uses = vec!["*big"; 30].join(", ");
    let text = format!("{SITE_YAML}extra:\n  text: &big \"{big}\"\n  again: [{uses}]\n");
    let problems = smpsite::config::Config::parse(&text, None).expect_err("1 MB of repeats must be refused");
    assert_eq!(problems.len(), 1, "{problems:?}");
    let d = &problems[0];
    // The 11th `*big` (1.1 MB) crosses the line: `  again: [` and ten `*big, `.
    assert_eq!((d.line, d.col), (6, 71), "{d:?}");
    assert!(d.message.contains("`*big`"), "{}", d.message);
    assert!(d.help.as_deref().unwrap_or_default().contains("write the text out once"), "{d:?}");
    assert_points_into(d, &text);
}

/// The same in front matter, with repeats of repeats: `b` holds five `*a` (500 KB) and
/// each `*b` brings them again, so the second `*b` takes the total to 1.5 MB.
#[test]
fn repeats_of_repeats_count_every_byte_they_bring() {
    let big = "y".repeat(100_000);
    let text = format!(
        "---\ntitle: T\nextra:\n  a: &a \"{big}\"\n  b: &b [*a, *a, *a, *a, *a]\n  c: [*b, *b, *b]\n---\nText.\n"
    );
    let path = Path::new("content/page.md");
    let split = smpsite::front_matter::split(&text, path).unwrap();
    let problems = smpsite::front_matter::parse(&split, &text, path).expect_err("1.5 MB of repeats");
    let d = &problems[0];
    assert_eq!((d.line, d.col), (6, 11), "the second `*b`: {d:?}");
    assert!(d.message.contains("`*b`"), "{}", d.message);
}

/// Found by review (F9): 100 000 `[` took half a minute to refuse, and 1000 gave a
/// message about a "recursion limit". Nesting is now counted before the YAML is read,
/// and refused where it passes 100 levels.
#[test]
fn lists_nested_too_deep_are_refused_where_the_limit_is_crossed() {
    for depth in [1000, 100_000] {
        let text = format!("{SITE_YAML}extra:\n  deep: {}\n", "[".repeat(depth));
        let problems = smpsite::config::Config::parse(&text, None).unwrap_err();
        let d = &problems[0];
        assert!(d.message.contains("nests lists and groups more than 100 levels deep"), "{}", d.message);
        // Levels: the file's keys, `extra:`'s, then each `[`: the 99th `[` is level 101.
        assert_eq!((d.line, d.col), (5, 8 + 99), "{d:?}");
        assert_points_into(d, &text);
    }
    let text = format!("---\ntitle: T\nextra: {}\n---\n", "{a: ".repeat(50_000));
    let path = Path::new("content/page.md");
    let split = smpsite::front_matter::split(&text, path).unwrap();
    let problems = smpsite::front_matter::parse(&split, &text, path).unwrap_err();
    assert!(problems[0].message.starts_with("the front matter nests"), "{problems:?}");
    assert_eq!((problems[0].line, problems[0].col), (3, 8 + 4 * 99), "{problems:?}");
}

/// Found by review: a control character in site.yaml was reported at the start of the
/// file, not where it is.
#[test]
fn a_control_character_is_reported_where_it_is() {
    let text = format!("{SITE_YAML}extra:\n  note: \"a\u{1}b\"\n");
    let problems = smpsite::config::Config::parse(&text, None).unwrap_err();
    assert!(problems[0].message.contains("control character"), "{problems:?}");
    assert_eq!((problems[0].line, problems[0].col), (5, 11), "{problems:?}");
    let text = "---\ntitle: T\ndescription: caf\u{e9} \u{7f}\n---\nText.\n";
    let path = Path::new("content/page.md");
    let split = smpsite::front_matter::split(text, path).unwrap();
    let problems = smpsite::front_matter::parse(&split, text, path).unwrap_err();
    assert_eq!((problems[0].line, problems[0].col), (3, 19), "{problems:?}");
}

/// A site with `page` as its only page, built into a fresh output folder.
fn build_page(page: &str) -> (tempfile::TempDir, Result<build::Summary, smpsite::error::Error>) {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    write(&site.join("site.yaml"), SITE_YAML);
    write(&site.join("content/_index.md"), page);
    let result =
        build::build(&BuildOptions { root: site, output: Some(tmp.path().join("out")), ..BuildOptions::default() });
    (tmp, result)
}

/// Found by review (F12): a 10 MB table of 100 000 columns took 1.8 GB to render. A
/// table wider than 64 columns is refused at its line before it is read.
#[test]
fn a_table_wider_than_64_columns_is_refused_at_its_line() {
    for columns in [65, 100_000] {
        let row = "| a ".repeat(columns) + "|\n";
        let rule = "|---".repeat(columns) + "|\n";
        let page = format!("---\ntitle: T\n---\nIntro.\n\n{row}{rule}{row}{row}");
        let (_tmp, result) = build_page(&page);
        let Err(smpsite::error::Error::Content(problems)) = result else {
            panic!("a table of {columns} columns must be refused: {result:?}")
        };
        let d = problems.iter().find(|d| d.severity == Severity::Error).expect("an error");
        assert_eq!((d.line, d.col), (6, 1), "{d:?}");
        assert!(d.message.contains(&format!("{columns} columns")), "{}", d.message);
    }
    let row = "| a ".repeat(64) + "|\n";
    let (_tmp, result) = build_page(&format!("---\ntitle: T\n---\n{row}{}{row}", "|---".repeat(64) + "|\n"));
    assert!(result.is_ok(), "64 columns are fine: {result:?}");
}

/// Found by review: CommonMark replaces a NUL character with U+FFFD; one in raw HTML
/// or in a front-matter text (`"\0"` in quotes) reached the published page as is.
#[test]
fn a_nul_character_is_never_published() {
    let page = "---\ntitle: \"Nul\\0title\"\ndescription: \"a\\x00b\"\n---\nText \0 here.\n\n<div>raw \0 html</div>\n\n`code \0`\n";
    let (tmp, result) = build_page(page);
    result.unwrap();
    for entry in walkdir::WalkDir::new(tmp.path().join("out")).into_iter().flatten() {
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path()).unwrap();
            assert!(!bytes.contains(&0), "a NUL byte in {}", entry.path().display());
        }
    }
    let home = std::fs::read_to_string(tmp.path().join("out/index.html")).unwrap();
    assert!(home.contains("raw \u{fffd} html"), "{home}");
    assert!(home.contains("Nul\u{fffd}title"), "{home}");
}

/// Found by the markdown fuzz target (crash-39e5cf19…): an image inside another image's
/// alt text panicked the renderer; the page now builds, the outer image with both texts
/// as its alt.
#[test]
fn an_image_inside_an_images_alt_text_builds() {
    let page = "---\ntitle: Home\n---\n![before ![after](/favicon.svg) shot](/favicon.svg)\n";
    let (tmp, result) = build_page(page);
    assert!(result.is_ok(), "{:?}", result.err());
    let html = std::fs::read_to_string(tmp.path().join("out/index.html")).unwrap();
    assert!(html.contains(r#"alt="before after shot""#), "{html}");
}
