//! `smpsite check`: the build's validation without writing, as text or stable JSON.

use crate::common;

use common::TestSite;

#[test]
fn check_writes_nothing_and_reports_clean_sites() {
    let site = TestSite::fixture("minimal");
    let run = site.run(&["check"]).success();
    assert!(run.stdout().contains("Checked: no errors, 0 warnings."), "{}", run.stdout());
    assert!(!site.path("public").exists(), "check wrote output");
}

#[test]
fn check_json_lists_every_error_with_position() {
    let site = TestSite::fixture("minimal");
    site.write("content/faq.md", "---\ntitle: Q\nweight: heavy\n---\n");
    let run = site.run(&["check", "--format", "json"]);
    assert_eq!(run.code(), 1);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout()).expect("check prints JSON");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["errors"], 1);
    let d = &doc["diagnostics"][0];
    assert_eq!(
        (d["path"].as_str(), d["line"].as_u64(), d["column"].as_u64()),
        (Some("content/faq.md"), Some(3), Some(9))
    );
    assert_eq!(d["severity"], "error");
    assert!(d["help"].as_str().unwrap().contains("weight: 10"));
}

#[test]
fn check_json_reports_warnings_on_success() {
    let site = TestSite::fixture("minimal");
    site.write("content/about.md", "---\ntitle: About\n---\nHi\n");
    let run = site.run(&["check", "--format", "json"]).success();
    let doc: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    assert_eq!((doc["ok"].as_bool(), doc["errors"].as_u64(), doc["warnings"].as_u64()), (Some(true), Some(0), Some(1)));
    assert_eq!(doc["diagnostics"][0]["path"], "content/about.md");
    assert!(doc["diagnostics"][0]["message"].as_str().unwrap().contains("no `description`"));
}

#[test]
fn warns_when_the_booking_url_leads_nowhere() {
    let site = TestSite::fixture("minimal");
    std::fs::remove_file(site.path("content/contact.md")).unwrap();
    let run = site.run(&["check"]).success();
    let err = run.stderr();
    assert!(err.contains("site.yaml:10:16: warning: `booking_url: /contact/` has no page behind it"), "{err}");
    assert!(err.contains("content/contact.md"), "{err}");
}

#[test]
fn warns_about_menu_entries_that_lead_nowhere() {
    let site = TestSite::fixture("minimal");
    let config = site.read("site.yaml");
    site.write(
        "site.yaml",
        format!("{config}menu:\n  - {{ title: Process, url: /process/ }}\n  - {{ title: Prices, url: /prices/ }}\n"),
    );
    let err = site.run(&["check"]).success().stderr();
    assert!(err.contains("site.yaml:14:27: warning: `url: /prices/` has no page behind it"), "{err}");
    assert!(!err.contains("/process/` has no page"), "{err}");
}

#[test]
fn deny_warnings_turns_warnings_into_a_failed_check() {
    let site = TestSite::fixture("minimal");
    site.run(&["check", "--deny-warnings"]).success();
    site.write("content/about.md", "---\ntitle: About\n---\nHi\n");
    let run = site.run(&["check", "--deny-warnings"]);
    assert_eq!(run.code(), 1, "{}", run.stdout());
    assert!(
        run.stdout().contains("Check failed: no errors, but 1 warning; --deny-warnings treats warnings as errors.")
    );
    assert!(run.stderr().contains("content/about.md: warning"), "{}", run.stderr());
    let run = site.run(&["check", "--deny-warnings", "--format", "json"]);
    assert_eq!(run.code(), 1);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    assert_eq!((doc["ok"].as_bool(), doc["warnings"].as_u64()), (Some(false), Some(1)));
    site.run(&["check"]).success();
}

#[test]
fn warns_when_a_hash_cuts_an_unquoted_value_short() {
    let site = TestSite::fixture("minimal");
    let config =
        site.read("site.yaml").replace("description: A small site for tests.", "description: The #1 studio in Tempe");
    site.write("site.yaml", config);
    site.write("content/about.md", "---\ntitle: About\ndescription: Our #hairline work\n---\nHi\n");
    let err = site.run(&["check"]).success().stderr();
    assert!(
        err.contains("site.yaml:2:18: warning: `description` ends at the `#`: YAML reads it as “The” and drops “#1 studio in Tempe” as a comment"),
        "{err}"
    );
    assert!(err.contains("put the whole value in quotes: `description: \"The #1 studio in Tempe\"`"), "{err}");
    assert!(err.contains("content/about.md:3:18: warning: `description` ends at the `#`"), "{err}");
}

#[test]
fn identical_help_is_printed_once_with_a_count_and_json_keeps_every_finding() {
    let site = TestSite::fixture("minimal");
    for i in 0..30 {
        site.write(&format!("content/imported/page-{i}.md"), format!("---\ntitle: P{i}\nlastmod: 2020-01-01\n---\n"));
    }
    let err = site.run(&["check"]).fails();
    assert_eq!(err.matches("unknown key `lastmod` of the front matter").count(), 30, "{err}");
    assert_eq!(err.matches("Allowed keys here").count(), 1, "{err}");
    assert!(err.contains("(this also applies to 29 more findings below)"), "{err}");
    let run = site.run(&["check", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    let all = doc["diagnostics"].as_array().unwrap();
    assert_eq!(all.len(), 30);
    assert!(all.iter().all(|d| d["help"].as_str().unwrap().contains("Allowed keys here")));
}

#[test]
fn a_generated_menu_of_more_than_eight_entries_points_to_menu() {
    let site = TestSite::fixture("minimal");
    let run = site.run(&["check"]).success();
    assert!(!run.stderr().contains("generated menu"), "{}", run.stderr());
    for i in 0..8 {
        site.write(&format!("content/extra-{i}.md"), format!("---\ntitle: Extra {i}\ndescription: D.\n---\nHi\n"));
    }
    let err = site.run(&["check"]).success().stderr();
    assert!(err.contains("site.yaml: warning: the generated menu has "), "{err}");
    assert!(err.contains("list the main pages in site.yaml: `menu: ["), "{err}");
    let config = site.read("site.yaml");
    site.write("site.yaml", format!("{config}menu:\n  - {{ title: Contact, url: /contact/ }}\n"));
    assert!(!site.run(&["check"]).success().stderr().contains("generated menu"));
}

#[test]
fn many_findings_of_one_rule_print_the_first_few_and_a_count_unless_verbose() {
    let site = TestSite::fixture("minimal");
    for i in 0..8 {
        site.write(
            &format!("content/offer-{i}.md"),
            format!("---\ntitle: Offer {i}\ndescription: D.\n---\nOur treatment is completely painless.\n"),
        );
    }
    let label = "warning[claims/painless]";
    // The output goes into the test's own folder, never a path relative to where the test runs.
    let out = site.scratch().join("out");
    let out = out.to_str().unwrap();
    for args in [&["check"][..], &["build", "-o", out][..]] {
        let err = site.run(args).success().stderr();
        assert_eq!(err.matches(label).count(), 3, "{args:?}: {err}");
        assert!(err.contains("not shown:\n  claims/painless  5 more\n"), "{args:?}: {err}");
        assert!(err.contains("Run with --verbose to see every finding"), "{args:?}: {err}");
        let all = site.run(&[args, &["--verbose"]].concat()).success().stderr();
        assert_eq!(all.matches(label).count(), 8, "{args:?} --verbose: {all}");
        assert!(!all.contains("not shown"), "{all}");
    }
    let run = site.run(&["check", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    let painless = doc["diagnostics"].as_array().unwrap().iter().filter(|d| d["rule"] == "claims/painless").count();
    assert_eq!(painless, 8, "JSON keeps every finding");
    let total = doc["warnings"].as_u64().unwrap();
    assert!(site.run(&["check"]).stdout().contains(&format!("no errors, {total} warnings")), "the count is of all");
}
