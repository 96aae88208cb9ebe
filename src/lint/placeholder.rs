//! `content/placeholder`: what tells a starter from a clinic. The example's own details
//! (its name, street, reserved 555-01xx numbers, `example.com` addresses), the text
//! `smpsite new` writes, the starter's `[to fill in …]` marks, its generated gallery and
//! the empty fields of a practitioner's profile, wherever they are still in use.

use std::sync::LazyLock;

use regex::Regex;

use crate::config::FILE_NAME;
use crate::error::Diagnostic;
use crate::site::Doc;

/// The starters' details and the words `new` and the starters write for the clinic to
/// replace, each with what it is.
static PLACEHOLDER: LazyLock<Regex> =
    LazyLock::new(|| {
        Regex::new(&[
        r"(?P<phone>\b555[-. \x{a0}]?01\d\d\b)",
        r"|(?P<domain>\b(?:example(?:-clinic)?\.(?:com|org|net)|clinica-ejemplo\.es)\b)",
        r"|(?P<starter>Example SMP Studio|Estudio SMP de Ejemplo|\b1 Main St\b|Calle Mayor 1\b|\+34 910 000 000)",
        r"|(?P<mark>\[(?:to fill in|por completar)\b)",
        r"|(?P<new>Remove `draft: true` above|What the client sees and feels\.|One instruction per line\.",
        r"|What is the first question\?|The answer, in a few honest sentences\.|Describe the session\.",
        r"|One sentence about this page, for search results|Write the page here\.|A short introduction\. Every|",
        &regex::escape(crate::markdown::FAQ_ANSWER_PLACEHOLDER),
        ")",
    ]
    .concat())
    .expect("a valid pattern")
    });

/// Each placeholder in `text`: (byte range, what to tell the clinic).
fn found(text: &str) -> Vec<(std::ops::Range<usize>, &'static str)> {
    PLACEHOLDER
        .captures_iter(text)
        .filter_map(|c| {
            let (kind, m) =
                ["phone", "domain", "starter", "mark", "new"].into_iter().find_map(|k| c.name(k).map(|m| (k, m)))?;
            let what = match kind {
                "phone" => "a 555-01xx number, reserved for fiction: it reaches no one",
                "domain" => "an example address: mail and links to it reach no one",
                "starter" => "the example clinic's detail, not yours",
                "mark" => "a part of the starter left for you to fill in",
                _ => "the text `smpsite new` wrote, not edited yet",
            };
            Some((m.range(), what))
        })
        .collect()
}

fn help(what: &str) -> &'static str {
    if what.starts_with("the text `smpsite new`") {
        "write the page's own text here"
    } else if what.starts_with("a part of the starter") {
        "replace the whole `[to fill in …]` with your clinic's own words"
    } else {
        "write your clinic's own detail in site.yaml and name it in pages as `{{ clinic.name }}`, `{{ clinic.phone }}`… (see the README, \"The clinic's details in page text\")"
    }
}

/// The placeholders site.yaml still holds.
pub(super) fn config(config_text: &str) -> Vec<Diagnostic> {
    found(config_text)
        .into_iter()
        .filter(|(range, _)| !in_comment(config_text, range.start))
        .map(|(range, what)| {
            let (line, col) = position(config_text, range.start);
            Diagnostic::warning(FILE_NAME, line, col, format!("`{}` is {what}", &config_text[range.clone()]))
                .with_len(config_text[range].chars().count())
                .with_help("write your clinic's own detail here")
                .with_source(config_text)
        })
        .collect()
}

/// The placeholders of one page: in its text and front matter, its generated gallery,
/// and the empty fields of a practitioner's profile (`extra.team`).
pub(super) fn page(doc: &Doc) -> Vec<Diagnostic> {
    let text = doc.text();
    let mut out: Vec<Diagnostic> = found(text)
        .into_iter()
        .filter(|(range, _)| !in_comment(text, range.start))
        .map(|(range, what)| {
            let (line, col, len) = doc.span(range.start, range.end);
            Diagnostic::warning(doc.display_path(), line, col, format!("`{}` is {what}", &text[range]))
                .with_len(len)
                .with_help(help(what))
                .with_source(text)
        })
        .collect();
    let generated = doc.meta.fm.before_after.iter().filter(|e| e.illustration && is_generated(&e.before.src)).count();
    if generated > 0 {
        let (line, col) = doc.key_position("before_after");
        out.push(
            Diagnostic::warning(
                doc.display_path(),
                line,
                col,
                format!("this page still shows the starter's {generated} generated illustrations"),
            )
            .with_help("replace them with your clients' photos (with `consent: true` and `retouched: false`), or delete the page")
            .with_source(text),
        );
    }
    out.extend(team(doc));
    out
}

/// The starter's generated pictures: `pair-01-before.jpg`.
fn is_generated(src: &str) -> bool {
    let name = src.rsplit('/').next().unwrap_or(src);
    name.starts_with("pair-") && name.ends_with("-before.jpg") && name.len() == "pair-01-before.jpg".len()
}

/// The fields of each practitioner of `extra.team` written but left empty (the
/// starter's profile writes all five).
fn team(doc: &Doc) -> Vec<Diagnostic> {
    let Some(list) = doc.meta.fm.extra.get("team").and_then(|t| t.as_sequence()) else { return Vec::new() };
    let mut out = Vec::new();
    for (index, person) in list.iter().enumerate() {
        // A key written with nothing after it; one left out is the clinic's choice.
        let empty = |key: &str| match person.get(key) {
            None => false,
            Some(crate::yaml::Value::Null) => true,
            Some(crate::yaml::Value::String(s)) => s.trim().is_empty(),
            Some(crate::yaml::Value::Sequence(s)) => s.is_empty(),
            Some(_) => false,
        };
        let missing: Vec<&str> =
            ["name", "training", "years", "licence", "photo"].into_iter().filter(|k| empty(k)).collect();
        if missing.is_empty() {
            continue;
        }
        let (line, col) = doc.entry_position("team", index, &[]);
        let fields = missing.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
        out.push(
            Diagnostic::warning(
                doc.display_path(),
                line,
                col,
                format!("practitioner {} of `team` has no {fields} yet", index + 1),
            )
            .with_help(
                "clients ask who will treat them: fill in the name, training, years practising, licence and a photo",
            )
            .with_source(doc.text()),
        );
    }
    out
}

/// Whether byte `at` of a YAML text sits in a `#` comment (a rough test: a `#` earlier
/// on its line, after a space or at its start).
fn in_comment(text: &str, at: usize) -> bool {
    let line = &text[text[..at].rfind('\n').map_or(0, |i| i + 1)..at];
    line.trim_start().starts_with('#') || line.contains(" # ")
}

fn position(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at];
    (before.matches('\n').count() + 1, before.rsplit('\n').next().unwrap_or("").chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_reserved_numbers_example_addresses_starter_details_and_new_text() {
        let kinds = |t: &str| found(t).into_iter().map(|(r, _)| t[r].to_string()).collect::<Vec<_>>();
        assert_eq!(kinds("Call 480-555-0100 or 480-555-2368."), ["555-0100"]);
        assert_eq!(
            kinds("hello@example-clinic.com, www.example.org, example.company"),
            ["example-clinic.com", "example.org"]
        );
        assert_eq!(kinds("Example SMP Studio, 1 Main St; 11 Main Street"), ["Example SMP Studio", "1 Main St"]);
        assert_eq!(kinds("| Touch-up | [to fill in] |"), ["[to fill in"]);
        assert_eq!(
            kinds("Describe the session. Remove `draft: true` above"),
            ["Describe the session.", "Remove `draft: true` above"]
        );
        // The answer `new faq` writes, from the one constant it writes it from.
        let answer = format!("## Does it hurt?\n\n{}\n", crate::markdown::FAQ_ANSWER_PLACEHOLDER);
        assert_eq!(kinds(&answer), [crate::markdown::FAQ_ANSWER_PLACEHOLDER]);
        assert!(in_comment("a: b # 1 Main St\n", 7));
        assert!(!in_comment("street: \"1 Main St\"\n", 9));
    }
}
