//! Issue 14, item 5: errors speak the clinic's language. A corpus of broken front
//! matter and site.yaml files is checked in one run, and no message or help may name a
//! Rust or serde type (`struct`, `u128`, `sequence`, `map`, `value` …) outside the
//! backticks that quote what the user wrote or should write.

use crate::common;

use common::TestSite;

const BROKEN_PAGES: &[(&str, &str)] = &[
    ("list.md", "---\n- a\n- b\n---\n"),
    ("scalar.md", "---\njust text\n---\n"),
    (
        "types.md",
        "---\ntitle: [New] offer\nstage: two\nweight: 99999999999999999999999\ndraft: maybe\nfaq: 1\ntags: x\naliases: { a: 1 }\nextra: [1]\nkind: sessionz\ndate: 3\n---\n",
    ),
    (
        "nulls.md",
        "---\ntitle: T\nweight: ~\nstage: 1.5\nhealing: [{ when: 1 }]\naftercare: { a: b }\ndraft: \"yes\"\n---\n",
    ),
    (
        "photos.md",
        "---\ntitle: P\nbefore_after:\n  - before: a.jpg\n    after: { src: b.jpg }\n    session: first\n  - { consent: maybe }\ntestimonials:\n  - quote: [x]\n  - just words\nallow: [claims/x]\n---\n",
    ),
    ("untitled.md", "---\ndescription: no title\ncolour: red\n---\n"),
    ("tilde.md", "---\ntitle: ~\n---\n"),
];

const BAD_SITE_YAML: &str = "title: [T]\nbase_url: 5\nlanguage: { en: 1 }\nclinic:\n  name: C\n  phones: call us\n  hours: 9-5\nmenu: { a: b }\n";

/// Words that belong to Rust and serde, not to a clinic.
const RUST_WORDS: &[&str] = &[
    "struct",
    "enum",
    "variant",
    "sequence",
    "map",
    "value",
    "string",
    "str",
    "bool",
    "boolean",
    "integer",
    "u8",
    "u16",
    "u32",
    "u64",
    "u128",
    "i32",
    "i64",
    "i128",
    "usize",
    "f64",
    "unit",
    "Option",
    "Vec",
    "serde",
    "FrontMatter",
    "RawConfig",
    "BeforeAfter",
    "Photo",
    "Testimonial",
    "HealingStep",
    "Allow",
    "Clinic",
    "MenuItem",
    "Mapping",
    "floating",
];

fn findings(site: &TestSite) -> Vec<String> {
    let run = site.run(&["check", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout()).expect("check prints JSON");
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| format!("{} = help: {}", d["message"].as_str().unwrap(), d["help"].as_str().unwrap_or("")))
        .collect()
}

/// The words of `text` outside `backticks` and "double quotes" (which hold the user's own text).
fn own_words(text: &str) -> Vec<&str> {
    text.split('`')
        .step_by(2)
        .flat_map(|part| part.split('"').step_by(2))
        .flat_map(|part| part.split(|c: char| !c.is_alphanumeric() && c != '_'))
        .filter(|w| !w.is_empty())
        .collect()
}

#[test]
fn no_message_about_broken_input_speaks_rust() {
    let site = TestSite::fixture("minimal");
    for (name, text) in BROKEN_PAGES {
        site.write(&format!("content/broken/{name}"), text);
    }
    let mut all = findings(&site);
    assert!(all.len() >= 25, "one run should report the problems of every file: {all:#?}");
    let config = TestSite::fixture("minimal");
    config.write("site.yaml", BAD_SITE_YAML);
    all.extend(findings(&config));
    let mut bad = Vec::new();
    for finding in &all {
        for word in own_words(finding) {
            // Lowercase words in any case; type names (`Photo`) only as written.
            let lowercase = |w: &str| w.chars().all(|c| !c.is_ascii_uppercase());
            if RUST_WORDS.iter().any(|rust| word == *rust || (lowercase(rust) && rust.eq_ignore_ascii_case(word))) {
                bad.push(format!("{word:?} in: {finding}"));
            }
        }
    }
    assert!(bad.is_empty(), "messages speak Rust:\n{}", bad.join("\n"));
}

#[test]
fn the_own_words_filter_keeps_what_it_should() {
    assert_eq!(own_words("`key: value` lines, but it is a map \"struct\""), ["lines", "but", "it", "is", "a", "map"]);
}
