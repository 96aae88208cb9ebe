//! Before/after photos and testimonials as structured front matter: the default theme
//! shows each label beside its photo and each disclosure beside its quote, and every
//! missing or dishonest field is an error at its file, line and column.

use crate::common;

use common::TestSite;
use scraper::{Html, Selector};

const PAGE: &str = "---
title: Results
description: Healed results from two clients, with their consent.
before_after:
  - before: { src: crown-before.svg, alt: \"Crown before treatment, in daylight\" }
    after: { src: crown-after.svg, alt: \"Crown four weeks after session 2, in daylight\" }
    session: 2
    healed: true
    days_after: 28
    consent: true
    retouched: false
    caption: Photographed by the studio in the same daylight.
testimonials:
  - quote: I stopped wearing a cap to the gym.
    initials: J. D.
    source: Email to the studio, March 2026
    typical: false
    typical_result: Most clients need three sessions and see an even result four weeks after the last.
    material_connection: received a discount on the third session
  - quote: Three sessions, just as the consultation said.
    name: Sam
    source: Google review
    typical: true
    material_connection: none
---
Two results, shown with consent.
";

fn site_with(page: &str) -> TestSite {
    let site = TestSite::fixture("minimal");
    let photo = site.read("content/team.svg");
    site.write("content/results/crown-before.svg", &photo);
    site.write(
        "content/results/crown-after.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"480\"><title>after</title></svg>",
    );
    site.write("content/results/index.md", page);
    site
}

fn texts(doc: &Html, css: &str) -> Vec<String> {
    doc.select(&Selector::parse(css).unwrap())
        .map(|e| e.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

#[test]
fn photos_carry_their_labels_and_quotes_their_disclosures_beside_them() {
    let site = site_with(PAGE);
    site.run(&["check", "--deny-warnings"]).success();
    site.build();
    let doc = Html::parse_document(&site.page("results/"));
    let photos: Vec<(String, String)> = doc
        .select(&Selector::parse("figure.ba-pair .ba-photos > figure").unwrap())
        .map(|f| {
            let img = f.select(&Selector::parse("img").unwrap()).next().expect("each photo is an img");
            let caption = f.select(&Selector::parse("figcaption").unwrap()).next().expect("each photo has its caption");
            (img.value().attr("src").unwrap().to_string(), caption.text().collect::<String>())
        })
        .collect();
    assert_eq!(
        photos,
        [
            ("/results/crown-before.svg".to_string(), "Before".to_string()),
            ("/results/crown-after.svg".to_string(), "After session 2, healed 4 weeks, unretouched".to_string()),
        ]
    );
    let alts: Vec<&str> =
        doc.select(&Selector::parse(".ba-photos img").unwrap()).filter_map(|i| i.value().attr("alt")).collect();
    assert_eq!(alts, ["Crown before treatment, in daylight", "Crown four weeks after session 2, in daylight"]);
    // Each photo's own pixel size, so the page does not shift as they load.
    let sizes: Vec<(&str, &str)> = doc
        .select(&Selector::parse(".ba-photos img").unwrap())
        .map(|i| (i.value().attr("width").unwrap_or("none"), i.value().attr("height").unwrap_or("none")))
        .collect();
    assert_eq!(sizes, [("10", "10"), ("640", "480")]);
    assert_eq!(texts(&doc, "figure.ba-pair > figcaption"), ["Photographed by the studio in the same daylight."]);
    assert!(texts(&doc, ".before-after").join(" ").contains("written consent"));

    let quotes = texts(&doc, "figure.testimonial blockquote");
    assert_eq!(quotes, ["I stopped wearing a cap to the gym.", "Three sessions, just as the consultation said."]);
    let captions = texts(&doc, "figure.testimonial > figcaption");
    assert_eq!(
        captions,
        [
            "J. D., Email to the studio, March 2026 Not a typical result. What most clients can expect: Most clients need three sessions and see an even result four weeks after the last. Connection to the clinic: received a discount on the third session.",
            "Sam, Google review A typical result. No material connection to the clinic.",
        ]
    );
}

/// Replaces `from` with `to` in the page, checks, and returns stderr of the failed check.
fn broken(from: &str, to: &str) -> String {
    assert!(PAGE.contains(from), "{from}");
    let site = site_with(&PAGE.replacen(from, to, 1));
    site.run(&["check"]).fails()
}

#[test]
fn missing_fields_are_errors_at_their_entry() {
    let err = broken("    consent: true\n", "");
    assert!(
        err.contains(
            "content/results/index.md:5:5: error: the front matter has no `consent` in `before_after[0]`, which is required"
        ),
        "{err}"
    );
    let err = broken("    material_connection: none\n", "");
    assert!(
        err.contains(
            "content/results/index.md:20:5: error: the front matter has no `material_connection` in `testimonials[1]`"
        ),
        "{err}"
    );
    let err = broken("    initials: J. D.\n", "");
    assert!(err.contains("content/results/index.md:14:3: error: testimonial 1 does not say who gave it"), "{err}");
}

#[test]
fn photos_need_consent_no_retouching_a_time_and_alt_text() {
    let err = broken("consent: true", "consent: false");
    assert!(err.contains("content/results/index.md:10:5: error: before/after 1 has `consent: false`"), "{err}");
    let err = broken("retouched: false", "retouched: true");
    assert!(err.contains("content/results/index.md:11:5: error: before/after 1 is retouched"), "{err}");
    let err = broken("    healed: true\n    days_after: 28\n", "");
    assert!(
        err.contains(
            "content/results/index.md:5:3: error: before/after 1 does not say when the `after` photo was taken"
        ),
        "{err}"
    );
    let err = broken("alt: \"Crown before treatment, in daylight\"", "alt: \"\"");
    assert!(
        err.contains("content/results/index.md:5:38: error: the `before` photo of before/after 1 has no `alt` text"),
        "{err}"
    );
}

#[test]
fn a_testimonial_that_is_not_typical_must_say_what_is() {
    let err = broken(
        "    typical_result: Most clients need three sessions and see an even result four weeks after the last.\n",
        "",
    );
    assert!(err.contains("content/results/index.md:17:5: error: testimonial 1 is marked `typical: false` without saying what is typical"), "{err}");
    assert!(err.contains("16 CFR 255.2(b)"), "{err}");
}

#[test]
fn photos_that_do_not_exist_are_errors_at_their_src() {
    let err = broken("src: crown-after.svg", "src: crown-afterr.svg");
    assert!(
        err.contains("content/results/index.md:6:14: error: the image `crown-afterr.svg` does not exist: content/results/crown-afterr.svg is not there"),
        "{err}"
    );
}

#[test]
fn claims_in_testimonials_are_linted_where_they_are_written() {
    let site =
        site_with(&PAGE.replace("I stopped wearing a cap to the gym.", "It was painless and I stopped wearing a cap."));
    let err = site.run(&["check"]).success().stderr();
    assert!(err.contains("content/results/index.md:14:19: warning[claims/painless]: “painless”"), "{err}");
}
