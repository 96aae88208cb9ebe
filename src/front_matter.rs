//! Splits a Markdown file into its `---` front matter and body, and parses the front
//! matter into typed fields. Pure: text in, values or diagnostics (positions in the
//! user's file) out.

use std::path::Path;

use serde::Deserialize;

use crate::error::Diagnostic;
use crate::showcase::{self, BeforeAfter, Testimonial};
use crate::yaml::{self, Origin};

/// A Markdown source cut in two.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The front matter's YAML, without its `---` lines.
    pub yaml: &'a str,
    /// 1-based line of the file where the YAML starts (the line after the opening `---`).
    pub yaml_line: usize,
    /// The page's text: everything after the closing `---` line.
    pub body: &'a str,
    /// 1-based line of the file where the body starts.
    pub body_line: usize,
}

/// Cuts `text` at its front matter fences. `path` is only used in messages.
pub fn split<'a>(text: &'a str, path: &Path) -> Result<Split<'a>, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = line_spans(text);
    let opening = lines.next();
    if opening.map(|(s, e)| text[s..e].trim_end()) == Some("+++") {
        return Err(Diagnostic::error(path, 1, 1, "this front matter is TOML (`+++`, as Hugo and Zola write it); smpsite reads YAML between `---` lines")
            .with_help("replace both `+++` lines with `---`, and write each `key = value` as `key: value`: `title = \"First session\"` becomes `title: First session`, `date = 2026-03-01` becomes `date: 2026-03-01`, and a `[extra]` table becomes `extra:` with its lines indented by two spaces")
            .with_source(text));
    }
    if opening.map(|(s, e)| text[s..e].trim_end()) != Some("---") {
        return Err(Diagnostic::error(path, 1, 1, "expected front matter: the file must start with a line `---`")
            .with_help("start the file with `---`, a line `title: Your title`, and another `---`; the text follows")
            .with_source(text));
    }
    let yaml_start = opening.map_or(0, |(_, e)| next_line_start(text, e));
    for (i, (s, e)) in lines.enumerate() {
        if text[s..e].trim_end() == "---" {
            let body_start = next_line_start(text, e);
            return Ok(Split { yaml: &text[yaml_start..s], yaml_line: 2, body: &text[body_start..], body_line: i + 3 });
        }
    }
    Err(Diagnostic::error(path, 1, 1, "the front matter opened on line 1 is never closed")
        .with_help("add a line with only `---` after the last front matter line (before the text of the page)")
        .with_source(text))
}

/// (start, end) byte offsets of each line, without its line break.
fn line_spans(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let span = (start, end);
        start = end + 1;
        Some(span)
    })
}

fn next_line_start(text: &str, line_end: usize) -> usize {
    (line_end + 1).min(text.len())
}

/// What a section lists, and so how its pages are ordered and rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SectionKind {
    /// The treatment's sessions, in stage order, shown as a timeline.
    Sessions,
    /// Pages on what clients can expect, which session pages link to.
    Expectations,
    /// FAQ pages.
    Faq,
    /// Plain pages, the default.
    #[default]
    Pages,
}

impl SectionKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            SectionKind::Sessions => "sessions",
            SectionKind::Expectations => "expectations",
            SectionKind::Faq => "faq",
            SectionKind::Pages => "pages",
        }
    }
}

/// One step of a session's healing timeline.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealingStep {
    /// When, in the client's words: `Days 1–3`.
    pub when: String,
    /// What the client sees and feels then (Markdown).
    pub expect: String,
}

/// An entry of `allow:`: a content rule this page breaks on purpose, and why.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Allow {
    /// The rule's id, as `smpsite check` names it: `claims/permanent`.
    pub rule: String,
    /// Why the finding is fine on this page.
    pub reason: String,
    /// Only the findings that quote these words (ignoring case): `phrase: permanent makeup`.
    /// Without it, every finding of the rule on the page.
    #[serde(default)]
    pub phrase: Option<String>,
}

/// The front matter keys of docs/DESIGN.md (each in the README's "Front matter" table);
/// anything else is an error naming the key.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// The page's heading, and its title in search results.
    pub title: String,
    /// A shorter label for the title in the site menu (`menu_title: FAQ`).
    #[serde(default)]
    pub menu_title: Option<String>,
    /// One or two sentences for search results and link previews.
    #[serde(default)]
    pub description: Option<String>,
    /// The page's place in its section: lower comes first.
    #[serde(default)]
    pub weight: Option<i64>,
    /// `2026-03-01`, as written: dated pages are shown newest first and marked as articles.
    #[serde(default)]
    pub date: Option<String>,
    /// When the page last changed, as written: `2026-03-01`.
    #[serde(default)]
    pub updated: Option<String>,
    /// Left out of the build unless `--drafts` is given.
    #[serde(default)]
    pub draft: bool,
    /// The last part of the page's address, instead of the file name.
    #[serde(default)]
    pub slug: Option<String>,
    /// Another of the theme's templates to render the page with: `page.html`.
    #[serde(default)]
    pub template: Option<String>,
    /// Old addresses that lead here (each gets a redirect page).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// A list of words, for the templates (`page.tags`).
    #[serde(default)]
    pub tags: Vec<String>,
    /// Free-form data for the templates (`page.extra`).
    #[serde(default)]
    pub extra: crate::yaml::Mapping,
    /// Only in a section's `_index.md`.
    #[serde(default)]
    pub kind: Option<SectionKind>,
    /// Which session a session page describes: 1, 2, 3.
    #[serde(default)]
    pub stage: Option<u32>,
    /// How long the session takes: `3–4 hours`.
    #[serde(default)]
    pub duration: Option<String>,
    /// What the client sees and feels after the session, step by step.
    #[serde(default)]
    pub healing: Vec<HealingStep>,
    /// This session's own aftercare; the waiting times of every session are in site.yaml.
    #[serde(default)]
    pub aftercare: Vec<String>,
    /// Makes this one page an FAQ: each `## ` heading a question, the text under it its answer.
    #[serde(default)]
    pub faq: bool,
    /// Before/after photos, each with the facts that keep it honest.
    #[serde(default)]
    pub before_after: Vec<BeforeAfter>,
    /// Client quotes, each with its disclosure.
    #[serde(default)]
    pub testimonials: Vec<Testimonial>,
    /// Content rules this page breaks on purpose, each with its reason.
    #[serde(default)]
    pub allow: Vec<Allow>,
}

/// The longest `menu_title`: about what one line of the desktop menu holds.
pub(crate) const MENU_TITLE_LIMIT: usize = 24;

/// What a slug may be, in the words `slug:` errors and the editor's hint use.
pub(crate) const SLUG_HELP: &str = "a slug is one part of the page's address: letters, digits, `-`, `_` and `.` (not first), e.g. `slug: first-session`";

/// Parsed front matter plus the dates it holds, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    /// The keys as written.
    pub fm: FrontMatter,
    /// `date`, read as a day.
    pub date: Option<jiff::civil::Date>,
    /// `updated`, read as a day.
    pub updated: Option<jiff::civil::Date>,
}

/// Parses the YAML of `split` (from the file `path`, whose whole text is `text`).
pub fn parse(split: &Split, text: &str, path: &Path) -> Result<Meta, Vec<Diagnostic>> {
    let path_shown = path;
    let origin = Origin { path, file_text: text, first_line: split.yaml_line };
    let fm: FrontMatter = match yaml::parse_all(split.yaml, origin, "front matter") {
        Ok(fm) => fm,
        Err(mut problems) => {
            // serde names one missing field of one entry at a time; name them all.
            let missing = missing_entry_fields(split, text, path);
            problems.retain(|p| !missing.iter().any(|m| m.message == p.message));
            problems.extend(missing);
            return Err(problems);
        }
    };
    if let Some(null) = null_title(split, text, path) {
        return Err(vec![null]);
    }
    let mut problems = Vec::new();
    let mut at_key = |key: &str, message: String, help: &str| {
        let (line, col) =
            yaml::locate_key(split.yaml, key).map_or((split.yaml_line, 1), |(l, c)| (l + split.yaml_line - 1, c));
        problems.push(Diagnostic::error(path, line, col, message).with_help(help).with_source(text));
    };
    let mut date_of = |key: &str, value: &Option<String>| {
        let value = value.as_deref()?;
        match parse_date(value) {
            Some(date) => Some(date),
            None => {
                at_key(
                    key,
                    format!("`{key}: {value}` is not a date"),
                    "write dates as year-month-day, e.g. `2026-03-01`",
                );
                None
            }
        }
    };
    let date = date_of("date", &fm.date);
    let updated = date_of("updated", &fm.updated);
    if fm.title.trim().is_empty() {
        at_key("title", "the `title` is empty".into(), "write the page's title after `title:`");
    }
    // `{{ clinic.name }}` is filled in only in the page's text: in a title the braces
    // themselves would go live, in the tab, the menu and search results.
    let fields =
        [("title", Some(&fm.title)), ("description", fm.description.as_ref()), ("menu_title", fm.menu_title.as_ref())];
    for (key, _) in fields.into_iter().filter(|(_, v)| v.is_some_and(|v| v.contains("{{"))) {
        at_key(
            key,
            format!("`{key}` names a clinic detail in `{{{{ }}}}`, which is filled in only in the page's text"),
            "write the detail itself here (the clinic's name, say), or leave it out: `{{ … }}` works in the text below the front matter",
        );
    }
    if let Some(label) = &fm.menu_title {
        let words = label.trim();
        if words.is_empty() || words.contains('\n') || words.chars().count() > MENU_TITLE_LIMIT {
            at_key(
                "menu_title",
                format!(
                    "`menu_title` must be one short line of at most {MENU_TITLE_LIMIT} characters, to fit the menu"
                ),
                "write the page's name in the menu in a word or two, e.g. `menu_title: FAQ`, or remove the line to use the title",
            );
        }
    }
    if let Some(slug) = &fm.slug
        && !valid_slug(slug)
    {
        at_key("slug", format!("`slug: {slug}` is not a usable part of an address"), SLUG_HELP);
    }
    let mut at_entry = |list: &str, index: usize, path: &[&str], message: String, help: &str| {
        let (line, col) = yaml::locate_entry(split.yaml, list, index, path)
            .map_or((split.yaml_line, 1), |(l, c)| (l + split.yaml_line - 1, c));
        problems.push(Diagnostic::error(path_shown, line, col, message).with_help(help).with_source(text));
    };
    for problem in showcase::check(&fm.before_after, &fm.testimonials) {
        at_entry(problem.list, problem.index, &problem.path, problem.message, &problem.help);
    }
    for (index, allow) in fm.allow.iter().enumerate() {
        if allow.reason.trim().is_empty() {
            at_entry(
                "allow",
                index,
                &["reason"],
                format!("allowing `{}` needs a reason", allow.rule),
                "say why the phrase is fine on this page, e.g. `reason: \"quoting a client's question\"`",
            );
        }
    }
    if problems.is_empty() { Ok(Meta { fm, date, updated }) } else { Err(problems) }
}

/// `title: ~` (or `null`): YAML reads it as no title at all, which serde would report
/// as a missing key; say what happened instead.
fn null_title(split: &Split, text: &str, path: &Path) -> Option<Diagnostic> {
    let (line, col) = yaml::locate_key(split.yaml, "title").filter(|&(line, _)| {
        let value = split.yaml.lines().nth(line - 1).and_then(|l| l.split_once(':')).map_or("", |(_, v)| v.trim());
        matches!(value, "~" | "null" | "Null" | "NULL")
    })?;
    let message = "the `title` is empty (`~` means nothing in YAML)";
    Some(
        Diagnostic::error(path, line + split.yaml_line - 1, col, message)
            .with_help(yaml::required_help("title"))
            .with_source(text),
    )
}

/// The required keys that `before_after` and `testimonials` entries lack, all of them,
/// each at its entry.
fn missing_entry_fields(split: &Split, text: &str, path: &Path) -> Vec<Diagnostic> {
    const PAIR: &[&str] = &["before", "after", "session", "consent", "retouched"];
    const PHOTO: &[&str] = &["src", "alt"];
    const QUOTE: &[&str] = &["quote", "source", "typical", "material_connection"];
    let Some(crate::yaml::Value::Mapping(doc)) = yaml::value(split.yaml) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut check = |list: &str, index: usize, inner: Option<&str>, entry: &crate::yaml::Value, required: &[&str]| {
        let Some(map) = entry.as_mapping() else { return };
        for key in required.iter().filter(|k| !map.contains_key(**k)) {
            let within = match inner {
                Some(inner) => format!("{list}[{index}].{inner}"),
                None => format!("{list}[{index}]"),
            };
            let (line, col) =
                yaml::locate_entry(split.yaml, list, index, inner.as_slice()).map_or((split.yaml_line, 1), |(l, c)| {
                    // At the entry's first key, past its `- `.
                    let rest = split.yaml.lines().nth(l - 1).map_or("", |t| t.get(c - 1..).unwrap_or(""));
                    let dash = rest.strip_prefix('-').map_or(0, |r| 1 + r.len() - r.trim_start().len());
                    (l + split.yaml_line - 1, c + dash)
                });
            out.push(
                Diagnostic::error(
                    path,
                    line,
                    col,
                    format!("the front matter has no `{key}` in `{within}`, which is required"),
                )
                .with_help(yaml::required_help(key))
                .with_source(text),
            );
        }
    };
    let entries = |key: &str| doc.get(key).and_then(crate::yaml::Value::as_sequence).cloned().unwrap_or_default();
    for (index, entry) in entries("before_after").iter().enumerate() {
        check("before_after", index, None, entry, PAIR);
        for side in ["before", "after"] {
            if let Some(photo) = entry.get(side) {
                check("before_after", index, Some(side), photo, PHOTO);
            }
        }
    }
    for (index, entry) in entries("testimonials").iter().enumerate() {
        check("testimonials", index, None, entry, QUOTE);
    }
    out
}

/// The one slug rule (README, "Front matter"): one part of an address, made of ASCII
/// letters, digits, `-`, `_` and `.`, not starting with `.`. Hugo's `v12.18.4` and
/// `hugo_convert_toJSON` pass; `a/b`, `..`, `first session` and `index.html?x` do not.
pub fn valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && !slug.starts_with('.')
        && slug.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Accepts `2026-03-01` and RFC 3339 date-times (`2026-03-01T10:00:00Z`), keeping the date.
fn parse_date(value: &str) -> Option<jiff::civil::Date> {
    let date_part = value.get(..10)?;
    let rest = &value[10..];
    if !(rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ')) {
        return None;
    }
    date_part.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: &str = "content/x.md";

    #[test]
    fn splits_yaml_and_body_with_line_numbers() {
        let text = "---\ntitle: A\n---\nHello\n";
        let s = split(text, Path::new(P)).unwrap();
        assert_eq!(s, Split { yaml: "title: A\n", yaml_line: 2, body: "Hello\n", body_line: 4 });
    }

    #[test]
    fn accepts_bom_crlf_and_empty_body() {
        let s = split("\u{feff}---\r\ntitle: A\r\n---\r\n", Path::new(P)).unwrap();
        assert_eq!(s.yaml, "title: A\r\n");
        assert_eq!(s.body, "");
        let s = split("---\ntitle: A\n---", Path::new(P)).unwrap();
        assert_eq!(s.body, "");
    }

    #[test]
    fn toml_front_matter_is_explained_with_the_conversion() {
        let d = split("+++\ntitle = \"A\"\n+++\n", Path::new(P)).unwrap_err();
        assert!(d.message.contains("TOML"), "{}", d.message);
        assert!(d.help.unwrap().contains("`title = \"First session\"` becomes `title: First session`"));
    }

    #[test]
    fn one_slug_rule() {
        for fine in ["first-session", "v12.18.4", "hugo_convert_toJSON", "A1"] {
            assert!(valid_slug(fine), "{fine}");
        }
        for bad in ["", "a/b", "..", ".hidden", "first session", "index.html?x", "caf\u{e9}"] {
            assert!(!valid_slug(bad), "{bad}");
        }
    }

    #[test]
    fn errors_on_unclosed_front_matter() {
        let d = split("---\ntitle: A\nHello\n", Path::new(P)).unwrap_err();
        assert_eq!((d.line, d.col), (1, 1));
        assert!(d.message.contains("never closed"));
    }

    #[test]
    fn errors_when_front_matter_is_missing() {
        let d = split("# Hello\n", Path::new(P)).unwrap_err();
        assert!(d.message.contains("must start with a line `---`"));
    }

    fn meta(text: &str) -> Result<Meta, Vec<Diagnostic>> {
        let s = split(text, Path::new(P)).unwrap();
        parse(&s, text, Path::new(P))
    }

    #[test]
    fn parses_session_keys() {
        let m = meta("---\ntitle: First\nstage: 1\nhealing:\n  - when: Day 1\n    expect: Red\naftercare: [No sun]\ndate: 2026-03-01\n---\n").unwrap();
        assert_eq!(m.fm.stage, Some(1));
        assert_eq!(m.fm.healing[0].when, "Day 1");
        assert_eq!(m.date, Some(jiff::civil::date(2026, 3, 1)));
    }

    #[test]
    fn errors_on_wrong_type_at_the_value() {
        let errs = meta("---\ntitle: First\nstage: two\n---\n").unwrap_err();
        assert_eq!((errs[0].line, errs[0].col), (3, 8));
    }

    #[test]
    fn errors_on_bad_date_at_its_line() {
        let errs = meta("---\ntitle: First\ndate: 03/01/2026\n---\n").unwrap_err();
        assert_eq!((errs[0].line, errs[0].col), (3, 1));
        assert!(errs[0].message.contains("is not a date"));
    }

    #[test]
    fn errors_on_missing_before_after_fields_at_their_entry() {
        let errs = meta("---\ntitle: P\nbefore_after:\n  - before: { src: a.jpg, alt: A }\n    after: { src: b.jpg, alt: B }\n    session: 2\n    healed: true\n    retouched: false\n---\n").unwrap_err();
        assert_eq!(errs[0].message, "the front matter has no `consent` in `before_after[0]`, which is required");
        assert_eq!(errs[0].line, 4, "{:?}", errs[0]);
    }

    #[test]
    fn errors_on_unconsented_retouched_photos_at_the_key() {
        let errs = meta("---\ntitle: P\nbefore_after:\n  - before: { src: a.jpg, alt: A }\n    after: { src: b.jpg, alt: \"\" }\n    session: 2\n    days_after: 3\n    consent: false\n    retouched: true\n---\n").unwrap_err();
        let at: Vec<(usize, usize)> = errs.iter().map(|e| (e.line, e.col)).collect();
        assert_eq!(at, [(8, 5), (9, 5), (5, 26)]);
        assert!(errs[2].message.contains("no `alt` text"));
    }

    #[test]
    fn errors_on_allow_without_a_reason() {
        let errs = meta("---\ntitle: P\nallow:\n  - { rule: claims/permanent, reason: \" \" }\n---\n").unwrap_err();
        assert_eq!((errs[0].line, errs[0].col), (4, 31));
        assert_eq!(errs[0].message, "allowing `claims/permanent` needs a reason");
        let errs = meta("---\ntitle: P\nallow:\n  - rule: claims/permanent\n---\n").unwrap_err();
        assert_eq!(errs[0].message, "the front matter has no `reason` in `allow[0]`, which is required");
    }

    #[test]
    fn errors_on_unknown_kind_value() {
        let errs = meta("---\ntitle: P\nkind: sesions\n---\n").unwrap_err();
        assert!(errs[0].help.as_deref().unwrap().starts_with("did you mean `sessions`?"), "{:?}", errs[0]);
    }
}
