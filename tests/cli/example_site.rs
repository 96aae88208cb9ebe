//! The repository's example clinic site: it builds cleanly and says what the product
//! promises prospective clients it says, without medical promises.

use crate::common;

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
    let order: Vec<usize> = ["first", "second", "third"]
        .iter()
        .map(|word| {
            timeline
                .iter()
                .position(|t| t.to_lowercase().contains(word))
                .unwrap_or_else(|| panic!("{word} missing from {timeline:?}"))
        })
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{timeline:?}");
    // An extra session is booked only when an area fades more: not a numbered step.
    assert!(!timeline.iter().any(|t| t.to_lowercase().contains("extra")), "{timeline:?}");
    for page in ["process/first-session/", "process/second-session/", "process/third-session/"] {
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
        if [".jpg", ".png", ".webp"].iter().any(|ext| path.ends_with(ext)) {
            continue; // photos hold no words
        }
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

/// The aftercare rows a built page shows, each its cells joined: "Swimming28 days…".
fn aftercare_rows(html: &str) -> Vec<String> {
    texts(html, "table.aftercare-times tbody tr").into_iter().filter(|r| r.contains("days")).collect()
}

#[test]
fn aftercare_is_written_once_and_every_page_that_shows_it_follows_a_change() {
    let site = TestSite::example();
    site.build();
    let pages = [
        "process/first-session/",
        "process/second-session/",
        "process/third-session/",
        "expectations/extra-sessions/",
        "expectations/healing-week-by-week/",
        "expectations/aftercare/",
        "faq/",
    ];
    for page in pages {
        let rows = aftercare_rows(&site.page(page));
        assert!(rows.iter().any(|r| r.starts_with("Swimming28 days")), "{page}: {rows:?}");
        assert!(rows.iter().any(|r| r.starts_with("Shaving7 days")), "{page}: {rows:?}");
    }
    let yaml = site.read("site.yaml");
    let changed = yaml.replacen("activity: Swimming\n      days: 28", "activity: Swimming\n      days: 35", 1);
    assert_ne!(changed, yaml, "site.yaml lists swimming with 28 days");
    site.write("site.yaml", changed);
    site.build();
    for page in pages {
        let rows = aftercare_rows(&site.page(page));
        assert!(rows.iter().any(|r| r.starts_with("Swimming35 days")), "{page}: {rows:?}");
        assert!(!rows.iter().any(|r| r.starts_with("Swimming28 days")), "{page}: {rows:?}");
    }
    // A page without `extra: { aftercare: true }` does not show it.
    assert!(aftercare_rows(&site.page("about/")).is_empty());
}

#[test]
fn the_gallery_shows_twelve_labelled_pairs_of_generated_pictures_light_enough_for_a_phone() {
    let site = TestSite::example();
    site.build();
    let html = site.page("expectations/gallery/");
    let labels = texts(&html, ".ba-pair .ba-photos figure:nth-child(2) figcaption");
    assert_eq!(labels.len(), 12, "{labels:?}");
    // Labelled with the stage they stand for, in one unit, and never "unretouched":
    // an illustration is not a photo (issue 24).
    assert!(labels.iter().all(|l| l.starts_with("After session ") && l.contains("healed")), "{labels:?}");
    assert!(labels.iter().all(|l| l.contains(" week") && !l.contains(" day")), "{labels:?}");
    assert!(!html.contains("unretouched") && !html.contains("consent") && !html.contains("not edited"), "{html}");
    // Said plainly: these are drawings, not clients.
    let captions = texts(&html, ".ba-pair > figcaption");
    assert_eq!(captions.len(), 12);
    assert!(captions.iter().all(|c| c.contains("Illustration: drawn or generated, not a client.")), "{captions:?}");
    let doc = Html::parse_document(&html);
    let imgs: Vec<_> = doc.select(&Selector::parse(".ba-pair img").unwrap()).collect();
    assert_eq!(imgs.len(), 24);
    for img in &imgs {
        let attr = |name| img.value().attr(name).unwrap_or_else(|| panic!("no {name} on {:?}", img.value()));
        assert!(attr("alt").starts_with("Generated illustration"), "{}", attr("alt"));
        assert!(attr("srcset").contains(" 480w") && !attr("sizes").is_empty());
        assert_eq!((attr("width"), attr("height")), ("800", "600"));
        // Every copy the page lists is published.
        for candidate in attr("srcset").split(", ") {
            let url = candidate.split(' ').next().unwrap();
            assert!(site.path(&format!("public{url}")).is_file(), "{url} is not published");
        }
    }
    // The committed pictures stay small: the example site is copied into every new site.
    let bytes: u64 = common::tree(&site.path("content/expectations/gallery"))
        .iter()
        .filter(|(path, _)| path.ends_with(".jpg"))
        .map(|(_, b)| b.len() as u64)
        .sum();
    assert!(bytes < 3_000_000, "the gallery's pictures take {bytes} bytes");
}
