//! Issue 17, the clinic staples: titles that name the clinic and its town, the clinic's
//! numbers tappable wherever they are written, a directions link, review profiles,
//! local opening hours, no lone country line, and no booking button that links to the
//! page it is on.

use crate::common;

use common::TestSite;
use scraper::{Html, Selector};

fn select(html: &str, css: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    doc.select(&Selector::parse(css).unwrap()).map(|e| e.html()).collect()
}

fn staples_site() -> TestSite {
    let site = TestSite::fixture("minimal");
    let yaml = site.read("site.yaml");
    site.write(
        "site.yaml",
        yaml.replace(
            "  hours:",
            "  reviews:\n    - { name: Google, url: \"https://g.page/test-smp\" }\n    - { name: Trustpilot, url: \"https://www.trustpilot.com/review/clinic.test\" }\n  hours:",
        ),
    );
    let contact = site.read("content/contact.md");
    site.write("content/contact.md", contact.replace("Call us", "Call us on (480) 555-1111, text 480-555-0999"));
    site.build();
    site
}

#[test]
fn titles_name_the_page_the_clinic_and_its_town() {
    let site = staples_site();
    assert!(site.page("process/first/").contains("<title>First session — Test SMP Clinic, Tempe</title>"));
    assert!(site.page("").contains("<title>Test Clinic — Test SMP Clinic, Tempe</title>"));
}

#[test]
fn the_contact_page_has_no_booking_button_to_itself_and_tappable_numbers() {
    let site = staples_site();
    let contact = site.page("contact/");
    let buttons = select(&contact, "a.button");
    assert!(
        buttons.iter().all(|b| !b.contains("href=\"/contact/\"")),
        "a button links to the page itself: {buttons:?}"
    );
    // Elsewhere the buttons do lead to it.
    assert!(select(&site.page("process/first/"), "a.button").iter().any(|b| b.contains("href=\"/contact/\"")));
    // The clinic's own number, as written in the text, is a tel: link; another is not.
    let main = select(&contact, "main .prose").join("");
    assert!(main.contains("<a href=\"tel:+14805551111\">(480) 555-1111</a>"), "{main}");
    assert!(main.contains("text 480-555-0999") && !main.contains("tel:+14805550999"), "{main}");
}

#[test]
fn the_footer_has_directions_reviews_local_hours_and_no_lone_country_line() {
    let site = staples_site();
    let footer = select(&site.page(""), "footer").join("");
    let address = select(&footer, "address").join("");
    assert!(address.contains("Tempe, AZ 85281") && !address.contains("US"), "{address}");
    assert!(
        footer.contains("href=\"https://www.google.com/maps/search/?api=1&amp;query=2%20Side%20St%2C%20Tempe%2C%20AZ%2C%2085281%2C%20US\""),
        "{footer}"
    );
    assert!(footer.contains("<a href=\"https://g.page/test-smp\">Google</a>"), "{footer}");
    assert!(footer.contains("<a href=\"https://www.trustpilot.com/review/clinic.test\">Trustpilot</a>"));
    assert!(site.page("").contains("<li>Monday–Friday 9\u{a0}AM–5\u{a0}PM</li>"), "US hours on a 12-hour clock");
}

#[test]
fn a_reviews_link_that_is_not_a_web_address_is_an_error() {
    let site = TestSite::fixture("minimal");
    let yaml = site.read("site.yaml");
    site.write("site.yaml", yaml.replace("  hours:", "  reviews:\n    - { name: Google, url: g.page/test }\n  hours:"));
    let err = site.run(&["build"]).fails();
    assert!(err.contains("the reviews link `g.page/test` is not a web address"), "{err}");
}

const TEAM_PAGE: &str = "---\ntitle: Our team\nextra:\n  team:\n    - name: Sam Reyes\n      role: Lead practitioner\n      photo: team.svg\n      alt: Sam at the studio's front desk\n      training: [\"Example SMP Academy, 2019\"]\n      credentials: [\"Licensed tattoo artist, Arizona\"]\n    - { name: Alex Kim }\n---\nWho you will meet.\n";

#[test]
fn a_team_page_introduces_each_practitioner_with_photo_training_and_credentials() {
    let site = TestSite::fixture("minimal");
    site.write("content/team.md", TEAM_PAGE);
    site.build();
    let page = site.page("team/");
    let people = select(&page, ".team .person");
    assert_eq!(people.len(), 2, "{people:?}");
    let sam = &people[0];
    assert!(sam.contains("<h2>Sam Reyes</h2>") && sam.contains("Lead practitioner"), "{sam}");
    assert!(sam.contains("src=\"/team.svg\"") && sam.contains("alt=\"Sam at the studio's front desk\""), "{sam}");
    assert!(sam.contains("<h3>Training</h3>") && sam.contains("<li>Example SMP Academy, 2019</li>"), "{sam}");
    assert!(sam.contains("<h3>Qualifications</h3>") && sam.contains("<li>Licensed tattoo artist, Arizona</li>"));
    assert!(!people[1].contains("<img") && people[1].contains("<h2>Alex Kim</h2>"));
}

#[test]
fn a_team_entry_with_a_typo_or_a_photo_without_alt_text_is_an_error_at_its_line() {
    let site = TestSite::fixture("minimal");
    site.write("content/team.md", TEAM_PAGE.replace("      role:", "      rol:"));
    let err = site.run(&["build"]).fails();
    assert!(err.contains("content/team.md:6:7") && err.contains("unknown key `rol`"), "{err}");
    site.write("content/team.md", TEAM_PAGE.replace("      alt: Sam at the studio's front desk\n", ""));
    let err = site.run(&["build"]).fails();
    assert!(err.contains("the photo of Sam Reyes has no `alt` text"), "{err}");
    assert!(!site.path("public").exists());
}

/// Issue 24: a phone labelled "Text us" became a call link. `text_only: true` makes it
/// an `sms:` link wherever it is shown, and never the number the header calls; a label
/// that says texting without it is a warning that shows the line to add.
#[test]
fn a_text_only_phone_becomes_an_sms_link_and_is_never_called() {
    let site = TestSite::fixture("minimal");
    let yaml = site.read("site.yaml").replace(
        "    - { label: Service, number: \"480-555-1111\" }\n",
        "    - { label: Text us, number: \"480-555-1122\", text_only: true }\n    - { label: Service, number: \"480-555-1111\" }\n",
    );
    site.write("site.yaml", &yaml);
    let contact = site.read("content/contact.md");
    site.write("content/contact.md", contact.replace("Call us", "Text us on 480-555-1122"));
    site.build();
    let page = site.page("contact/");
    let links: Vec<String> = select(&page, "a[href*='5551122']");
    assert!(!links.is_empty() && links.iter().all(|a| a.contains("href=\"sms:+14805551122\"")), "{links:?}");
    assert_eq!(select(&page, "a.header-phone[href='tel:+14805551111']").len(), 1, "the header calls the other number");
    assert!(!site.page("").contains("tel:+14805551122"), "the texting number is never a call link");

    site.write("site.yaml", yaml.replace(", text_only: true", ""));
    let run = site.run(&["check"]).success();
    assert!(run.stderr().contains("the phone labelled `Text us` becomes a call link"), "{}", run.stderr());
    assert!(run.stderr().contains("add `text_only: true` to it"), "{}", run.stderr());
}
