//! The repository's example clinic site: it builds cleanly and says what the product
//! promises prospective clients it says, without medical promises.

mod common;

use common::TestSite;
use scraper::{Html, Selector};

fn texts(html: &str, css: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    doc.select(&Selector::parse(css).unwrap())
        .map(|e| e.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

#[test]
fn example_site_builds_without_warnings() {
    let site = TestSite::example();
    let run = site.build();
    assert_eq!(run.stderr(), "", "warnings in the example site");
}

#[test]
fn process_shows_the_sessions_in_stage_order() {
    let site = TestSite::example();
    site.build();
    let timeline = texts(&site.page("process/"), "main ol li");
    let order: Vec<usize> = ["first", "second", "third", "extra"]
        .iter()
        .map(|word| {
            timeline
                .iter()
                .position(|t| t.to_lowercase().contains(word))
                .unwrap_or_else(|| panic!("{word} missing from {timeline:?}"))
        })
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{timeline:?}");
    for page in
        ["process/first-session/", "process/second-session/", "process/third-session/", "process/extra-sessions/"]
    {
        let html = site.page(page);
        assert!(!texts(&html, "main li").is_empty(), "{page} has no healing or aftercare list");
    }
}

#[test]
fn faq_answers_at_least_twelve_questions() {
    let site = TestSite::example();
    site.build();
    let questions = texts(&site.page("faq/"), ".faq details summary");
    assert!(questions.len() >= 12, "{questions:?}");
    assert!(questions.iter().all(|q| q.ends_with('?')), "{questions:?}");
}

#[test]
fn expectations_cover_healing_photos_longevity_and_aftercare() {
    let site = TestSite::example();
    site.build();
    let listed = texts(&site.page("expectations/"), "main li").join(" ").to_lowercase();
    for topic in ["heal", "photo", "touch-up", "aftercare"] {
        assert!(listed.contains(topic), "expectations do not cover {topic}: {listed}");
    }
    assert!(
        site.path("public/expectations/marketing-photos/lighting.svg").is_file(),
        "the bundle's image is copied beside it"
    );
    assert!(site.page("contact/").contains("tel:+14805550100"));
}

#[test]
fn makes_no_medical_promises() {
    let site = TestSite::example();
    for (path, bytes) in common::tree(&site.path("content")) {
        let text = String::from_utf8(bytes).unwrap().to_lowercase();
        for banned in [
            "guarantee",
            "painless",
            "pain-free",
            "permanent",
            "never fades",
            "100% natural",
            "no side effects",
            "fda approved",
        ] {
            assert!(!text.contains(banned), "content/{path} says “{banned}”");
        }
    }
}
