//! Issue 17: the home page is designed from the content and site.yaml, without
//! JavaScript: a hero with the promise, the booking button and the phone; the process
//! as a timeline of cards; what to expect; training and reviews; the first FAQ
//! questions; and the closing call to action.

use crate::common;

use common::TestSite;
use scraper::{Html, Selector};

fn texts(doc: &Html, css: &str) -> Vec<String> {
    doc.select(&Selector::parse(css).unwrap()).map(|e| e.text().collect::<String>().trim().to_string()).collect()
}

fn hrefs(doc: &Html, css: &str) -> Vec<String> {
    doc.select(&Selector::parse(css).unwrap()).filter_map(|e| e.value().attr("href").map(str::to_string)).collect()
}

#[test]
fn the_home_page_has_hero_process_expectations_trust_faq_and_closing_cta() {
    let site = TestSite::fixture("minimal");
    let yaml = site.read("site.yaml");
    site.write(
        "site.yaml",
        yaml.replace(
            "  hours:",
            "  credentials: [\"Trained at the Example SMP Academy, 2021\"]\n  reviews:\n    - { name: Google, url: \"https://g.page/test-smp\" }\n  hours:",
        ),
    );
    site.build();
    let home = Html::parse_document(&site.page(""));

    assert_eq!(hrefs(&home, ".hero .button"), ["/contact/"], "the hero's call to action");
    assert_eq!(hrefs(&home, ".hero a[href^='tel:']"), ["tel:+14805551111"], "the hero's phone");

    // The sessions section's pages, in order, as cards with their stage.
    let steps = texts(&home, ".process-card .process-title");
    assert_eq!(steps, ["Session 1: First session", "Session 2: Second session"]);
    assert_eq!(hrefs(&home, ".home-process .section-link a"), ["/process/"]);

    // What to expect: the other sections and pages, not the process or the FAQ again.
    let expect = hrefs(&home, "#expect-heading + .cards a");
    assert!(expect.contains(&"/news/".to_string()) && expect.contains(&"/contact/".to_string()), "{expect:?}");
    assert!(!expect.contains(&"/process/".to_string()) && !expect.contains(&"/faq/".to_string()), "{expect:?}");

    let trust = texts(&home, ".trust-row li");
    assert_eq!(trust, ["Trained at the Example SMP Academy, 2021", "Read our reviews: Google"]);

    assert_eq!(
        hrefs(&home, ".faq-teaser li a"),
        ["/faq/#does-it-hurt", "/faq/#how-long-does-it-last"],
        "the FAQ teaser links to each answer"
    );
    assert_eq!(texts(&home, ".faq-teaser li a")[0], "Does it hurt?");
    assert_eq!(texts(&home, "main .cta h2"), ["Ready to talk it through?"], "the closing call to action");
    assert!(
        home.select(&Selector::parse("script:not([type='application/ld+json'])").unwrap()).next().is_none(),
        "the home page runs no JavaScript"
    );
}

#[test]
fn a_home_page_without_sessions_faq_or_credentials_leaves_those_parts_out() {
    let site = TestSite::empty();
    site.write("site.yaml", "title: T\nbase_url: https://x.test\nclinic:\n  name: C\n");
    site.write("content/_index.md", "---\ntitle: Welcome\n---\nHello.\n");
    site.build();
    let home = site.page("");
    for part in ["home-process", "faq-teaser", "class=\"trust\"", "expect-heading", "hero-actions"] {
        assert!(!home.contains(part), "an empty `{part}` is shown");
    }
}

#[test]
fn the_hero_shows_an_optional_photo_with_its_size_and_insists_on_alt_text() {
    let site = TestSite::fixture("minimal");
    let index = site.read("content/_index.md");
    let with_photo =
        index.replacen("---\n", "---\nextra:\n  hero: { photo: team.svg, alt: \"The studio's front desk\" }\n", 1);
    site.write("content/_index.md", &with_photo);
    site.build();
    let home = Html::parse_document(&site.page(""));
    let img = home.select(&Selector::parse(".hero img.hero-photo").unwrap()).next().expect("the hero photo");
    assert_eq!(img.value().attr("src"), Some("/team.svg"));
    assert_eq!(img.value().attr("alt"), Some("The studio's front desk"));
    assert!(
        img.value().attr("width").is_some() && img.value().attr("height").is_some(),
        "no size: the page would shift"
    );

    site.write("content/_index.md", with_photo.replace(", alt: \"The studio's front desk\"", ""));
    let err = site.run(&["build"]).fails();
    assert!(err.contains("content/_index.md:3:3") && err.contains("missing key `alt`"), "{err}");
}

/// Issue 24: the home page's "Common questions" showed a placeholder question.
#[test]
fn the_home_page_never_shows_a_placeholder_question() {
    let site = TestSite::fixture("minimal");
    let faq = site.read("content/faq.md");
    let placeholder = smpsite::markdown::FAQ_ANSWER_PLACEHOLDER;
    let first = format!("Some honest answers.\n\n## Is this new?\n\n{placeholder}\n");
    site.write("content/faq.md", faq.replace("Some honest answers.\n", &first));
    site.run(&["new", "faq", "What about swimming?"]).success();
    site.build();
    let home = Html::parse_document(&site.page(""));
    assert_eq!(
        texts(&home, ".faq-teaser li a"),
        ["Does it hurt?", "How long does it last?"],
        "only answered questions are shown"
    );
}
