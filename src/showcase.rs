//! Before/after photos and testimonials as structured front matter (issue 5): the facts
//! honest advertising needs (the client's consent, no retouching, which session and how
//! healed; whether a result is typical and what connects the client to the clinic) are
//! required where they are written, and reach the templates as labels and disclosures
//! that sit beside the photo or quote. Pure: values in, problems or template values out.

use serde::Deserialize;
use serde_json::{Value, json};

/// One photo of a pair: the file (relative to the page, like a Markdown image) and what
/// it shows, read aloud to people who cannot see it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Photo {
    pub src: String,
    pub alt: String,
}

/// An entry of `before_after:`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BeforeAfter {
    pub before: Photo,
    pub after: Photo,
    /// The session after which the `after` photo was taken.
    pub session: u32,
    /// Whether the skin had healed when the `after` photo was taken.
    #[serde(default)]
    pub healed: Option<bool>,
    /// How many days after that session it was taken.
    #[serde(default)]
    pub days_after: Option<u32>,
    /// The client agreed in writing to these photos being published. Required, except
    /// for an illustration (which shows no client).
    #[serde(default)]
    pub consent: Option<bool>,
    /// Whether either photo was edited (filters, smoothing, contrast): must be false.
    /// Required, except for an illustration.
    #[serde(default)]
    pub retouched: Option<bool>,
    /// The pictures are drawn or generated, not of a client: the theme says so instead
    /// of the consent and "not edited" lines, which would be false for them.
    #[serde(default)]
    pub illustration: bool,
    #[serde(default)]
    pub caption: Option<String>,
}

/// An entry of `testimonials:`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Testimonial {
    pub quote: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub initials: Option<String>,
    /// Where the words come from: "Google review, March 2026", "email to the studio".
    pub source: String,
    /// Whether this client's result is what most clients can expect.
    pub typical: bool,
    /// What most clients can expect; required when `typical` is false.
    #[serde(default)]
    pub typical_result: Option<String>,
    /// What connects the client to the clinic (a discount, a free session, being staff),
    /// or `none`.
    pub material_connection: String,
}

/// A problem in one entry, found after parsing: where (list, entry, key path inside it)
/// and what to tell the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub list: &'static str,
    pub index: usize,
    pub path: Vec<&'static str>,
    pub message: String,
    pub help: String,
}

/// Checks what serde cannot: consent given, nothing retouched, when the photo was taken,
/// alt text, who said it and the disclosures a testimonial needs.
pub(crate) fn check(before_after: &[BeforeAfter], testimonials: &[Testimonial]) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (index, entry) in before_after.iter().enumerate() {
        check_before_after(index, entry, &mut |path, message, help| {
            problems.push(Problem { list: "before_after", index, path, message, help: help.into() })
        });
    }
    for (index, entry) in testimonials.iter().enumerate() {
        check_testimonial(index, entry, &mut |path, message, help| {
            problems.push(Problem { list: "testimonials", index, path, message, help: help.into() })
        });
    }
    problems
}

/// Records a problem at a key path of the entry being checked.
type Report<'a> = dyn FnMut(Vec<&'static str>, String, &str) + 'a;

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

/// Before/after entry `index`: consent, no retouching, when the photo was taken, the
/// session, and both photos' file and alt text.
fn check_before_after(index: usize, entry: &BeforeAfter, problem: &mut Report) {
    let n = index + 1;
    if entry.illustration {
        for (key, given) in [("consent", entry.consent.is_some()), ("retouched", entry.retouched.is_some())] {
            if given {
                problem(
                    vec![key],
                    format!("before/after {n} is an illustration, so it has no client's `{key}` to state"),
                    "leave `consent` and `retouched` out of an illustration; for a client's real photos, remove `illustration: true` instead",
                );
            }
        }
    } else {
        for (key, given) in [("consent", entry.consent.is_some()), ("retouched", entry.retouched.is_some())] {
            if !given {
                // At the entry's first key, where serde reports a missing key.
                problem(
                    vec!["before"],
                    format!("the front matter has no `{key}` in `before_after[{index}]`, which is required"),
                    &format!(
                        "{}; for a drawn or generated picture that shows no client, write `illustration: true` instead",
                        crate::yaml::required_help(key)
                    ),
                );
            }
        }
    }
    if entry.consent == Some(false) {
        problem(
            vec!["consent"],
            format!(
                "before/after {n} has `consent: false`: a client's photos are published only with their written consent"
            ),
            "remove the entry, or get the client's written consent and then write `consent: true`",
        );
    }
    if entry.retouched == Some(true) {
        problem(
            vec!["retouched"],
            format!("before/after {n} is retouched: an edited photo cannot show what the treatment achieved"),
            "use the unedited photos and write `retouched: false` (ASA/CAP: before/after photos must not be altered)",
        );
    }
    if entry.healed.is_none() && entry.days_after.is_none() {
        problem(
            vec![],
            format!("before/after {n} does not say when the `after` photo was taken"),
            "add `healed: true` (or `false`) and/or `days_after: 28`: fresh results look darker and crisper than healed ones",
        );
    }
    if entry.session == 0 {
        problem(vec!["session"], format!("before/after {n} has `session: 0`"), "sessions count from 1");
    }
    for (side, photo) in [("before", &entry.before), ("after", &entry.after)] {
        if blank(&photo.src) {
            problem(
                vec![side, "src"],
                format!("the `{side}` photo of before/after {n} has no `src`"),
                "write the photo's file name, e.g. `src: crown-after.jpg`",
            );
        }
        if blank(&photo.alt) {
            problem(
                vec![side, "alt"],
                format!("the `{side}` photo of before/after {n} has no `alt` text"),
                "describe what the photo shows, e.g. `alt: \"Crown in daylight, four weeks after session 2\"`",
            );
        }
    }
}

/// Testimonial `index`: the quote, who gave it, where from, what is typical and the
/// connection to the clinic.
fn check_testimonial(index: usize, entry: &Testimonial, problem: &mut Report) {
    let n = index + 1;
    if blank(&entry.quote) {
        problem(
            vec!["quote"],
            format!("testimonial {n} has an empty `quote`"),
            "write the client's words as they gave them",
        );
    }
    if entry.name.as_deref().is_none_or(blank) && entry.initials.as_deref().is_none_or(blank) {
        problem(
            vec![],
            format!("testimonial {n} does not say who gave it"),
            "add `name: Sam` or `initials: S. R.` (with the client's permission)",
        );
    }
    if blank(&entry.source) {
        problem(
            vec!["source"],
            format!("testimonial {n} has an empty `source`"),
            "say where the words come from, e.g. `source: Google review, March 2026`",
        );
    }
    if !entry.typical && entry.typical_result.as_deref().is_none_or(blank) {
        problem(
            vec!["typical"],
            format!("testimonial {n} is marked `typical: false` without saying what is typical"),
            "add `typical_result:` with what most clients can expect; a bare \"results not typical\" is not enough (FTC, 16 CFR 255.2(b))",
        );
    }
    if blank(&entry.material_connection) {
        problem(
            vec!["material_connection"],
            format!("testimonial {n} has an empty `material_connection`"),
            "write what connects the client to the clinic (e.g. `received a discount`), or `none`",
        );
    }
}

/// The label shown beside the `after` photo: `After session 2, healed 4 weeks, unretouched`.
pub(crate) fn label(entry: &BeforeAfter) -> String {
    let span = |days: u32| match days {
        d if d >= 7 && d % 7 == 0 => plural(d / 7, "week"),
        d => plural(d, "day"),
    };
    let when = match (entry.healed, entry.days_after) {
        (Some(true), Some(d)) => format!("healed {}", span(d)),
        (Some(true), None) => "healed".into(),
        (Some(false), Some(d)) => format!("{} later, not yet healed", span(d)),
        (Some(false), None) => "not yet healed".into(),
        (None, Some(d)) => format!("{} later", span(d)),
        (None, None) => String::new(),
    };
    let edited = match (entry.illustration, entry.retouched) {
        (true, _) => "",
        (false, Some(true)) => "retouched",
        (false, _) => "unretouched",
    };
    [format!("After session {}", entry.session), when, edited.into()]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

fn plural(n: u32, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

/// `page.before_after` for templates; `url` turns a `src` as written into its URL, and
/// `size` gives the pixel size of a published image by URL (so the page does not shift
/// as photos load).
pub(crate) fn gallery(
    entries: &[BeforeAfter],
    url: impl Fn(&str) -> String,
    size: impl Fn(&str) -> Option<(u32, u32)>,
) -> Vec<Value> {
    let photo = |p: &Photo| {
        let src = url(&p.src);
        let found = size(&src);
        let (width, height) = found.unzip();
        // A site photo also lists its smaller copies (issue 16).
        let copies = found.filter(|_| crate::photo::format_of(&src).is_some());
        let srcset = |format| copies.map(|s| crate::photo::srcset(&src, s, format));
        let webp = copies.filter(|_| crate::photo::format_of(&src) != Some(crate::photo::Format::WebP));
        json!({
            "src": src, "alt": p.alt, "width": width, "height": height,
            "srcset": srcset(crate::photo::format_of(&src).unwrap_or(crate::photo::Format::Jpeg)),
            "webp_srcset": webp.map(|s| crate::photo::srcset(&src, s, crate::photo::Format::WebP)),
            "sizes": copies.map(|_| crate::photo::PAIR_SIZES),
        })
    };
    entries
        .iter()
        .map(|e| {
            json!({
                "before": photo(&e.before),
                "after": photo(&e.after),
                "label": label(e), "caption": e.caption, "illustration": e.illustration,
                "session": e.session, "healed": e.healed, "days_after": e.days_after,
            })
        })
        .collect()
}

/// `page.testimonials` for templates: `name` is the name or the initials;
/// `material_connection` is null when the entry says `none`.
pub(crate) fn testimonials(entries: &[Testimonial]) -> Vec<Value> {
    entries
        .iter()
        .map(|t| {
            let connection = Some(t.material_connection.trim()).filter(|c| !c.eq_ignore_ascii_case("none"));
            json!({
                "quote": t.quote, "name": t.name.as_deref().or(t.initials.as_deref()), "source": t.source,
                "typical": t.typical, "typical_result": t.typical_result, "material_connection": connection,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(healed: Option<bool>, days_after: Option<u32>) -> BeforeAfter {
        let photo = |src: &str| Photo { src: src.into(), alt: format!("{src} in daylight") };
        BeforeAfter {
            before: photo("a.jpg"),
            after: photo("b.jpg"),
            session: 2,
            healed,
            days_after,
            consent: Some(true),
            retouched: Some(false),
            illustration: false,
            caption: None,
        }
    }

    #[test]
    fn labels_say_which_session_how_healed_and_unretouched() {
        assert_eq!(label(&pair(Some(true), Some(28))), "After session 2, healed 4 weeks, unretouched");
        assert_eq!(label(&pair(Some(true), None)), "After session 2, healed, unretouched");
        assert_eq!(label(&pair(Some(false), Some(3))), "After session 2, 3 days later, not yet healed, unretouched");
        assert_eq!(label(&pair(None, Some(1))), "After session 2, 1 day later, unretouched");
        assert_eq!(label(&pair(None, Some(7))), "After session 2, 1 week later, unretouched");
    }

    #[test]
    fn requires_consent_no_retouching_a_time_and_alt_text() {
        let mut bad = pair(None, None);
        bad.consent = Some(false);
        bad.retouched = Some(true);
        bad.after.alt = " ".into();
        let problems = check(&[pair(Some(true), None), bad], &[]);
        let found: Vec<(usize, Vec<&str>)> = problems.iter().map(|p| (p.index, p.path.clone())).collect();
        assert_eq!(found, [(1, vec!["consent"]), (1, vec!["retouched"]), (1, vec![]), (1, vec!["after", "alt"])]);
        assert!(problems[0].message.contains("written consent"));
    }

    #[test]
    fn an_illustration_states_no_consent_and_is_not_labelled_unretouched() {
        let drawn = BeforeAfter { consent: None, retouched: None, illustration: true, ..pair(Some(true), Some(28)) };
        assert!(check(std::slice::from_ref(&drawn), &[]).is_empty());
        assert_eq!(label(&drawn), "After session 2, healed 4 weeks");
        let claimed = BeforeAfter { consent: Some(true), ..drawn.clone() };
        let paths: Vec<Vec<&str>> = check(&[claimed], &[]).into_iter().map(|p| p.path).collect();
        assert_eq!(paths, [vec!["consent"]]);
        let real = BeforeAfter { illustration: false, ..drawn };
        let problems = check(&[real], &[]);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(problems[0].path, ["before"]);
        assert!(problems[0].help.contains("illustration: true"), "{}", problems[0].help);
    }

    #[test]
    fn testimonials_need_who_where_typical_and_connection() {
        let good = Testimonial {
            quote: "I stopped wearing a cap.".into(),
            name: None,
            initials: Some("J. D.".into()),
            source: "Email to the studio".into(),
            typical: false,
            typical_result: Some("Most clients need three sessions.".into()),
            material_connection: "None".into(),
        };
        assert!(check(&[], std::slice::from_ref(&good)).is_empty());
        let bad = Testimonial { initials: None, typical_result: None, material_connection: "".into(), ..good.clone() };
        let paths: Vec<Vec<&str>> = check(&[], &[good.clone(), bad]).into_iter().map(|p| p.path).collect();
        assert_eq!(paths, [vec![], vec!["typical"], vec!["material_connection"]]);
        let values = testimonials(&[good]);
        assert_eq!(values[0]["name"], "J. D.");
        assert!(values[0]["material_connection"].is_null(), "`none` is no connection");
    }
}
