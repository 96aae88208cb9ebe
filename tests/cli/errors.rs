//! Bad input is a first-class user: every error names file, line and column, says what
//! was expected and how to fix it, exits 1 (2 for usage), and leaves the previous output
//! byte-identical.

use crate::common;

use common::TestSite;

/// Builds the minimal fixture, breaks it with `edit`, and returns the failed build's
/// stderr after checking the previous output survived untouched.
fn broken(edit: impl FnOnce(&TestSite)) -> String {
    let site = TestSite::fixture("minimal");
    site.build();
    let before = site.output();
    edit(&site);
    let stderr = site.run(&["build"]).fails();
    assert_eq!(site.output(), before, "a failed build changed the output");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".smpsite"))
        .collect();
    assert!(leftovers.is_empty(), "temporary folders left behind: {leftovers:?}");
    stderr
}

#[test]
fn errors_on_yaml_syntax_with_position() {
    let err =
        broken(|s| s.write("content/faq.md", "---\ntitle: Questions\ndescription: \"unclosed\nfaq: true\n---\nBody\n"));
    assert!(err.contains("content/faq.md:3:"), "{err}");
    assert!(err.contains("is not valid YAML"), "{err}");
    assert!(err.contains("help: "), "{err}");
}

#[test]
fn errors_on_wrong_type_at_the_value() {
    let err = broken(|s| {
        let text = s.read("content/process/second.md").replace("stage: 2", "stage: two");
        s.write("content/process/second.md", text);
    });
    assert!(
        err.contains(
            "content/process/second.md:4:8: error: `stage` should be a whole number, but it is the text \"two\""
        ),
        "{err}"
    );
    assert!(err.contains(" 4 | stage: two"), "{err}");
    assert!(err.contains("help: write it like `stage: 2`"), "{err}");
}

#[test]
fn errors_on_missing_title() {
    let err = broken(|s| s.write("content/faq.md", "---\ndescription: Common questions.\nfaq: true\n---\nBody\n"));
    assert!(err.contains("content/faq.md:2:"), "{err}");
    assert!(err.contains("the front matter has no `title`, which is required"), "{err}");
    assert!(err.contains("help: add a line such as `title: First session`"), "{err}");
}

#[test]
fn errors_on_duplicate_stage_naming_both_files() {
    let err = broken(|s| s.write("content/process/third.md", "---\ntitle: Third\ndescription: x\nstage: 2\n---\n"));
    assert!(
        err.contains("content/process/third.md:4:1: error: stage 2 is already used by content/process/second.md:4"),
        "{err}"
    );
    assert!(err.contains("renumber"), "{err}");
}

#[test]
fn errors_on_unknown_site_yaml_key_with_suggestion() {
    let err = broken(|s| {
        let text = s.read("site.yaml").replace("description:", "descripton:");
        s.write("site.yaml", text);
    });
    assert!(err.contains("site.yaml:2:1: error: unknown key `descripton` of the site.yaml"), "{err}");
    assert!(err.contains("did you mean `description`?"), "{err}");
}

#[test]
fn errors_on_unknown_front_matter_key_with_suggestion() {
    let err = broken(|s| {
        let text = s.read("content/process/first.md").replace("duration:", "duraton:");
        s.write("content/process/first.md", text);
    });
    assert!(err.contains("content/process/first.md:5:1: error: unknown key `duraton`"), "{err}");
    assert!(err.contains("did you mean `duration`?"), "{err}");
}

#[test]
fn errors_on_link_to_missing_page() {
    let err = broken(|s| {
        let text =
            s.read("content/process/second.md").replace("[first session](first.md)", "[first session](frist.md)");
        s.write("content/process/second.md", text);
    });
    assert!(err.contains("content/process/second.md:9:13: error: the link to `frist.md` leads to no page: content/process/frist.md does not exist"), "{err}");
}

#[test]
fn errors_on_unclosed_front_matter() {
    let err = broken(|s| s.write("content/faq.md", "---\ntitle: Questions\n\n## Does it hurt?\n"));
    assert!(err.contains("content/faq.md:1:1: error: the front matter opened on line 1 is never closed"), "{err}");
    assert!(err.contains("add a line with only `---`"), "{err}");
}

#[test]
fn errors_on_invalid_utf8_at_the_byte() {
    let err = broken(|s| s.write("content/faq.md", b"---\ntitle: Q\n---\nCaf\xe9 au lait\n".as_slice()));
    assert!(err.contains("content/faq.md:4:4: error: the file is not valid UTF-8"), "{err}");
}

#[test]
fn errors_on_template_syntax_in_an_override() {
    let err = broken(|s| s.write("templates/page.html", "<p>\n{% if page.title %}\n{{ page.title }\n"));
    assert!(err.contains("templates/page.html:3:"), "{err}");
}

#[test]
fn errors_without_site_yaml() {
    let site = TestSite::empty();
    let err = site.run(&["build"]).fails();
    assert!(err.contains("site.yaml: error: no site.yaml here"), "{err}");
    assert!(err.contains("smpsite init"), "{err}");
}

#[test]
fn reports_all_errors_of_one_build_together() {
    let err = broken(|s| {
        s.write("content/faq.md", "---\ntitle: Q\nweight: heavy\n---\n");
        let text = s.read("content/process/first.md").replace("stage: 1", "stage: one");
        s.write("content/process/first.md", text);
    });
    assert!(err.contains("content/faq.md:3:9"), "{err}");
    assert!(err.contains("content/process/first.md:4:8"), "{err}");
    assert!(err.contains("2 errors found"), "{err}");
}

#[test]
fn refuses_to_write_over_the_sources() {
    let site = TestSite::fixture("minimal");
    let run = site.run(&["build", "-o", site.path("content").to_str().unwrap()]);
    assert_eq!(run.code(), 2, "{}", run.stderr());
    assert!(run.stderr().contains("refusing to write the site into"));
    assert!(site.path("content/faq.md").exists());
}

#[test]
fn usage_errors_exit_2() {
    let site = TestSite::fixture("minimal");
    assert_eq!(site.run(&["build", "--no-such-flag"]).code(), 2);
    assert_eq!(site.run(&["new", "gallery", "X"]).code(), 2);
}

#[test]
fn never_panics_on_arbitrary_bytes() {
    // A spread of hostile inputs: each must fail (or pass) with a message, never a panic.
    let inputs: [&[u8]; 8] = [
        b"",
        b"---",
        b"---\n---\n",
        b"---\n: :\n---\n",
        b"---\ntitle: [\n---\n",
        b"\xff\xfe---\ntitle: x\n---\n",
        b"---\ntitle: x\nhealing: {when: 1}\n---\n",
        b"---\ntitle: x\n---\n[a](../../../../etc/passwd.md) ![b](%zz.md) [c](<>)",
    ];
    for input in inputs {
        let site = TestSite::fixture("minimal");
        site.write("content/faq.md", input);
        let run = site.run(&["build"]);
        assert!(matches!(run.code(), 0 | 1), "input {input:?}: code {}\n{}", run.code(), run.stderr());
        assert!(!run.stderr().contains("panicked"), "input {input:?}: {}", run.stderr());
    }
}

#[test]
fn no_colour_codes_when_output_is_not_a_terminal() {
    let site = TestSite::fixture("minimal");
    site.write("content/faq.md", "---\ntitle: Q\nweight: heavy\n---\n");
    // Piped output, and NO_COLOR unset: still plain text.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_smpsite"))
        .arg("--root")
        .arg(site.root())
        .arg("build")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("content/faq.md:3:9: error:"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "escape codes in piped output: {stderr:?}");
}

#[test]
fn every_field_of_a_front_matter_is_checked_in_one_run() {
    let err = broken(|s| {
        s.write("content/faq.md", "---\ntitle: Q\nstage: two\nweight: abc\ndraft: maybe\ncolour: red\nstyle: x\n---\n");
        s.write("content/news/opening.md", "---\ndescription: no title\ntags: x\n---\n");
    });
    for expected in [
        "content/faq.md:3:8: error: `stage` should be a whole number",
        "content/faq.md:4:9: error: `weight` should be a whole number",
        "content/faq.md:5:8: error: `draft` should be true or false",
        "content/faq.md:6:1: error: unknown key `colour` of the front matter",
        "content/faq.md:7:1: error: unknown key `style` of the front matter",
        "content/news/opening.md:2:1: error: the front matter has no `title`, which is required",
        "content/news/opening.md:3:7: error: `tags` should be a list",
    ] {
        assert!(err.contains(expected), "{expected}\n{err}");
    }
    assert!(err.contains("7 errors found"), "{err}");
}

#[test]
fn every_missing_field_of_photos_and_testimonials_is_named_at_once() {
    let err = broken(|s| {
        s.write(
            "content/guide/photos/index.md",
            "---\ntitle: P\nbefore_after:\n  - before: { src: before.svg }\n    after: { src: after.svg, alt: After }\ntestimonials:\n  - quote: Great\n---\n",
        );
    });
    for expected in [
        "content/guide/photos/index.md:4:5: error: the front matter has no `session` in `before_after[0]`",
        "content/guide/photos/index.md:4:5: error: the front matter has no `consent` in `before_after[0]`",
        "content/guide/photos/index.md:4:5: error: the front matter has no `retouched` in `before_after[0]`",
        "content/guide/photos/index.md:4:5: error: the front matter has no `alt` in `before_after[0].before`",
        "content/guide/photos/index.md:7:5: error: the front matter has no `source` in `testimonials[0]`",
        "content/guide/photos/index.md:7:5: error: the front matter has no `typical` in `testimonials[0]`",
        "content/guide/photos/index.md:7:5: error: the front matter has no `material_connection` in `testimonials[0]`",
    ] {
        assert!(err.contains(expected), "{expected}\n{err}");
    }
    assert!(err.contains("add a line such as `consent: true` (`true` when the client agreed in writing"), "{err}");
    assert!(err.contains("7 errors found"), "{err}");
}

#[test]
fn a_title_of_tilde_is_an_error_not_a_page_called_tilde() {
    let err = broken(|s| s.write("content/faq.md", "---\ntitle: ~\n---\nHi\n"));
    assert!(err.contains("content/faq.md:2:1: error: the `title` is empty (`~` means nothing in YAML)"), "{err}");
}

/// Issue 14: front-matter errors used to hide alias clashes, which hid `.md`-link
/// errors, which hid missing images and every warning. A file whose front matter fails
/// is left out; every other file goes through every stage, and all come out together.
#[test]
fn one_run_reports_the_problems_of_every_stage_with_the_warnings() {
    let err = broken(|s| {
        s.write("content/faq.md", "---\ntitle: Q\nweight: heavy\n---\nSee [the process](process/_index.md).\n");
        s.write("content/news/opening.md", "---\ntitle: Opening\naliases: [\"/first/\"]\ndescription: x\n---\nHi\n");
        let text =
            s.read("content/process/second.md").replace("[first session](first.md)", "[first session](frist.md)");
        s.write(
            "content/process/second.md",
            format!("{text}\n![Scalp](crown.jpg)\n\nLinks to [the FAQ](../faq.md) and it's painless.\n"),
        );
    });
    for expected in [
        "content/faq.md:3:9: error: `weight` should be a whole number",
        "content/process/first.md:6:12: error: the alias `/first/` is the address of content/news/opening.md",
        "content/process/second.md:9:13: error: the link to `frist.md` leads to no page",
        "content/process/second.md:11:1: error[content/link]: the image `crown.jpg` does not exist",
        "content/process/second.md:13:40: warning[claims/painless]",
    ] {
        assert!(err.contains(expected), "{expected}\n{err}");
    }
    // A link to the file left out is not reported as a missing file: its own error says why.
    assert!(!err.contains("faq.md does not exist"), "{err}");
    assert!(err.contains("4 errors found"), "{err}");
}

/// Issue 24: `menu_title` shortens a page's name in the menu; an empty or long one is
/// an error at its line, and a good one is the menu's label.
#[test]
fn menu_title_is_the_menus_label_and_a_long_one_is_an_error_at_its_line() {
    let err = broken(|site| {
        let faq = site.read("content/faq.md");
        site.write(
            "content/faq.md",
            faq.replacen(
                "title: Questions\n",
                "title: Questions\nmenu_title: Questions people ask us all the time\n",
                1,
            ),
        );
    });
    assert!(
        err.contains("content/faq.md:3:1: error: `menu_title` must be one short line of at most 24 characters"),
        "{err}"
    );
    assert!(err.contains("e.g. `menu_title: FAQ`"), "{err}");

    let site = TestSite::fixture("minimal");
    let faq = site.read("content/faq.md");
    site.write("content/faq.md", faq.replacen("title: Questions\n", "title: Questions\nmenu_title: FAQ\n", 1));
    site.build();
    let home = site.page("");
    assert!(home.contains(">FAQ</a>") && home.contains("<h1>"), "{home}");
}

/// The site folder is found once, for every command that needs one: a folder without
/// site.yaml gets the same message from each, at the file it looked for, exit code 1.
#[test]
fn every_command_that_needs_a_site_says_when_the_folder_is_not_one() {
    let site = TestSite::empty();
    let out = site.scratch().join("out");
    let expected =
        format!("{}: error: no site.yaml here, so this is not a smpsite site", site.root().join("site.yaml").display());
    for args in [
        vec!["build", "-o", out.to_str().unwrap()],
        vec!["serve", "--port", "0"],
        vec!["check"],
        vec!["new", "page", "Prices"],
    ] {
        let err = site.run(&args).fails();
        assert!(err.contains(&expected), "{args:?}: {err}");
    }
    assert!(!out.exists(), "nothing written");
}
