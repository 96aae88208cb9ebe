//! Typed YAML parsing shared by `site.yaml` and front matter: serde_yaml's errors are
//! turned into diagnostics whose positions match the user's editor (shifted by where
//! the YAML starts in the file) and whose wording says what was expected and how to fix it.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::error::Diagnostic;

mod limits;
mod locate;
mod wording;

pub(crate) use locate::{cut_by_comment, locate_entry, locate_key, locate_value};
/// The YAML parser's types and functions, named here so that only this folder imports
/// serde_yaml (deprecated upstream): swapping it for a maintained parser is a change to
/// `src/yaml/` alone, which `tests/cli/architecture.rs` keeps true.
pub(crate) use serde_yaml::{Mapping, Value, from_str, from_value, to_string};
use wording::explain;
pub(crate) use wording::{closest, required_help};

/// Where a YAML document sits inside a file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Origin<'a> {
    /// The file, relative to the site root.
    pub path: &'a Path,
    /// The whole file, for snippets.
    pub file_text: &'a str,
    /// 1-based line of the file on which the YAML's first line sits.
    pub first_line: usize,
}

/// Parses `yaml` into `T`, finding every problem it can in one go; errors point into the
/// file described by `origin`, and `what` names the document in messages ("front matter",
/// "site.yaml"). An empty document is an empty mapping, so "missing `title`" is reported.
/// After an error in a top-level key, that key is blanked out (its lines kept empty, so
/// positions hold) and the document parsed again; a missing required key is filled in with a stand-in. A
/// syntax error ends the search, as the rest cannot be read reliably.
pub(crate) fn parse_all<T: DeserializeOwned>(yaml: &str, origin: Origin, what: &str) -> Result<T, Vec<Diagnostic>> {
    let mut text = match limits::check(yaml) {
        Ok(nul_escapes) => without_nul(yaml, &nul_escapes),
        Err(breach) => return Err(vec![beyond_limit(breach, yaml, origin, what)]),
    };
    let mut found: Vec<Diagnostic> = Vec::new();
    // Keys given a stand-in, and keys blanked out for an error in their value.
    let mut seen: Vec<String> = Vec::new();
    let mut blanked: Vec<String> = Vec::new();
    loop {
        let doc = if text.trim().is_empty() { "{}" } else { text.as_str() };
        let err = match serde_yaml::from_str::<T>(doc) {
            Ok(value) if found.is_empty() => return Ok(value),
            Ok(_) => return Err(found),
            Err(err) => err,
        };
        let raw = strip_location(&err.to_string());
        let diagnostic = diagnostic(&err, doc, origin, what);
        let culprit = match raw.split_once(": ") {
            Some((path, _)) if !path.contains(' ') => {
                Some((false, path.split(['.', '[']).next().unwrap_or(path).to_string()))
            }
            _ => raw
                .strip_prefix("unknown field `")
                .map(|rest| (false, rest.split('`').next().unwrap_or(rest).to_string()))
                .or_else(|| {
                    raw.strip_prefix("missing field `")
                        .map(|rest| (true, rest.split('`').next().unwrap_or(rest).to_string()))
                }),
        };
        let Some((missing, key)) = culprit else {
            found.push(diagnostic);
            return Err(found);
        };
        if missing && blanked.contains(&key) && !seen.contains(&key) {
            // Missing only because its wrong value was blanked out: already reported.
        } else {
            found.push(diagnostic);
        }
        if seen.contains(&key) || found.len() > 200 {
            return Err(found);
        }
        seen.push(key.clone());
        if missing {
            let stand_in = if key == "clinic" { "{ name: x }" } else { "x" };
            text.push_str(&format!("\n{key}: {stand_in}\n"));
        } else if blank_key(&mut text, &key) {
            blanked.push(key.clone());
            seen.pop();
        } else {
            return Err(found);
        }
    }
}

/// serde_yaml's reading of `yaml` as any value, for a second look at a document
/// [`parse_all`] refused; None when it is not YAML or crosses a limit of `limits.rs`.
pub(crate) fn value(yaml: &str) -> Option<serde_yaml::Value> {
    limits::check(yaml).ok()?;
    serde_yaml::from_str(yaml).ok()
}

/// `yaml` with U+FFFD itself in place of each escape in `escapes` that writes a NUL
/// (`"\0"`): CommonMark's rule for NUL, so no page shows one. Lines stay as they
/// are; a column after such an escape on its line moves by the escape's length.
fn without_nul(yaml: &str, escapes: &[std::ops::Range<usize>]) -> String {
    let mut out = String::with_capacity(yaml.len());
    let mut from = 0;
    for escape in escapes {
        out.push_str(&yaml[from..escape.start]);
        out.push('\u{fffd}');
        from = escape.end;
    }
    out.push_str(&yaml[from..]);
    out
}

/// The message for a document that crosses a limit, at the point where it does.
fn beyond_limit(breach: limits::Breach, yaml: &str, origin: Origin, what: &str) -> Diagnostic {
    let (at, message, help) = match breach {
        limits::Breach::TooDeep { at } => (
            at,
            format!(
                "the {what} nests lists and groups more than {} levels deep; a site needs a handful",
                limits::MAX_DEPTH
            ),
            "close the `[` and `{` opened before this point with `]` and `}`, or indent fewer levels; \
             a file written by a program may need rewriting by hand"
                .to_string(),
        ),
        limits::Breach::TooRepeated { at, name, bytes } => (
            at,
            format!(
                "`*{name}` repeats the {} of text marked `&{name}`, taking the repeats in this {what} past {} in all",
                in_words(bytes),
                in_words(limits::MAX_REPEATED)
            ),
            format!("write the text out once instead of repeating it with `*{name}`, or shorten it"),
        ),
    };
    let (line, col) = position(yaml, at);
    Diagnostic::error(origin.path, origin.first_line + line - 1, col, message)
        .with_help(help)
        .with_source(origin.file_text)
}

/// A size as people say it: "300 bytes", "98 KB", "1.5 MB".
fn in_words(bytes: usize) -> String {
    match bytes {
        0..1024 => format!("{bytes} bytes"),
        1024..1_048_576 => format!("{} KB", bytes / 1024),
        _ => format!("{:.1} MB", bytes as f64 / 1_048_576.0),
    }
}

/// Empties the lines of the top-level `key:` and of its nested lines in `text`,
/// keeping the line breaks; false when there is no such key.
fn blank_key(text: &mut String, key: &str) -> bool {
    let mut out = String::with_capacity(text.len());
    let mut inside = false;
    let mut hit = false;
    for line in text.split_inclusive('\n') {
        let starts_key = line.strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with(':'));
        let continues = line.starts_with([' ', '\t', '-', '#']) || line.trim().is_empty();
        inside = starts_key || (inside && continues);
        hit |= starts_key;
        if inside {
            out.push_str(if line.ends_with('\n') { "\n" } else { "" });
        } else {
            out.push_str(line);
        }
    }
    *text = out;
    hit
}

fn diagnostic(err: &serde_yaml::Error, yaml: &str, origin: Origin, what: &str) -> Diagnostic {
    let (line, col) = match err.location() {
        Some(loc) => {
            let (line, col) = position(yaml, loc.index());
            (origin.first_line + line - 1, col)
        }
        // Errors without a position concern the whole document: point at its start.
        None => (origin.first_line.saturating_sub(1).max(1), 1),
    };
    let raw = strip_location(&err.to_string());
    let (message, mut help) = explain(&raw, what);
    // libyaml refuses a control character before it reads anything: point at it.
    let (line, col, message) = match control_character(yaml).filter(|_| raw.contains("control characters")) {
        Some((at, c)) => {
            let code = format!("U+{:04X}", u32::from(c));
            help = Some(format!(
                "delete it: it is invisible, and often comes with text copied from another program; \
                 to keep it, write it inside double quotes as `\\u{:04X}`",
                u32::from(c)
            ));
            let (line, col) = position(yaml, at);
            let message =
                format!("the {what} holds an invisible control character ({code}), which YAML does not allow");
            (origin.first_line + line - 1, col, message)
        }
        None => (line, col, message),
    };
    // An unclosed quote swallows the rest of the block, so the parser only notices at
    // its end; point at the quote instead.
    let (line, col) = match unclosed_quote(yaml_of(origin, err)) {
        Some((l, c)) if raw.contains("end of stream") || raw.contains("unexpected end") => {
            help = Some(
                "this line opens a quote that is never closed: add the closing quote at the end of the value".into(),
            );
            (origin.first_line + l - 1, c)
        }
        _ => (line, col),
    };
    // serde_yaml reports a key written twice at the start of its block: point at the
    // second one, which is the line to remove or rename.
    let (line, col, message) = match duplicate(&raw, yaml_of(origin, err)) {
        Some(Duplicate { name, first, second: (l, c) }) => {
            help = Some(format!(
                "remove one of the two `{name}:` lines, or rename this one (the first is on line {})",
                origin.first_line + first - 1
            ));
            (origin.first_line + l - 1, c, format!("`{name}` is written twice; YAML would keep only one of them"))
        }
        None => (line, col, message),
    };
    let mut d = Diagnostic::error(origin.path, line, col, message).with_source(origin.file_text);
    if let Some(help) = help {
        d = d.with_help(help);
    }
    d
}

/// The first character libyaml refuses as a control character, and its byte offset.
fn control_character(yaml: &str) -> Option<(usize, char)> {
    yaml.char_indices().find(|&(_, c)| {
        !matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
    })
}

/// A key written twice: its name, the line of its first occurrence, and the (line,
/// column) of its second.
struct Duplicate<'a> {
    name: &'a str,
    first: usize,
    second: (usize, usize),
}

/// For a "duplicate field" error, where the key is, within the YAML block (up to a
/// `---` line).
fn duplicate<'a>(raw: &'a str, yaml: &str) -> Option<Duplicate<'a>> {
    let rest = raw.split("duplicate field `").nth(1).or_else(|| raw.split("duplicate entry with key \"").nth(1))?;
    let name = &rest[..rest.find(['`', '"'])?];
    let mut seen = yaml.lines().take_while(|l| l.trim_end() != "---").enumerate().filter_map(|(i, line)| {
        let trimmed = line.trim_start();
        let entry = trimmed.strip_prefix("- ").unwrap_or(trimmed);
        let after = entry.strip_prefix(name)?.trim_start();
        after.starts_with(':').then(|| (i + 1, line.len() - entry.len() + 1))
    });
    let (first, _) = seen.next()?;
    Some(Duplicate { name, first, second: seen.next()? })
}

/// (line, column) of the byte `index` in `yaml`, counting lines as the snippet under a
/// message does: libyaml's own line and column also break at a lone `\r` (and U+0085,
/// U+2028, U+2029), and then point past the end of the file. A leading byte order mark
/// takes no column, as in editors.
fn position(yaml: &str, index: usize) -> (usize, usize) {
    let (yaml, index) = match yaml.strip_prefix('\u{feff}') {
        Some(rest) => (rest, index.saturating_sub('\u{feff}'.len_utf8())),
        None => (yaml, index),
    };
    let mut end = index.min(yaml.len());
    while !yaml.is_char_boundary(end) {
        end -= 1;
    }
    let before = &yaml[..end];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    // At most just past the line's last character: a `\r` ending it is not shown.
    let line = yaml[line_start..].split('\n').next().unwrap_or_default();
    let col = before[line_start..].chars().count().min(line.trim_end_matches('\r').chars().count());
    (before.matches('\n').count() + 1, col + 1)
}

/// The YAML text an error came from: the file from the document's first line on.
fn yaml_of<'a>(origin: Origin<'a>, _err: &serde_yaml::Error) -> &'a str {
    let skip: usize = origin.file_text.split_inclusive('\n').take(origin.first_line - 1).map(str::len).sum();
    &origin.file_text[skip.min(origin.file_text.len())..]
}

/// (line, column) of the first double quote that opens a value and is not closed on
/// its line, within the YAML block (up to a `---` line).
fn unclosed_quote(yaml: &str) -> Option<(usize, usize)> {
    for (i, line) in yaml.lines().enumerate() {
        if line.trim_end() == "---" {
            break;
        }
        let Some((_, value)) = line.split_once(": ") else { continue };
        let value = value.trim();
        if value.starts_with('"') && (value.len() == 1 || !value.ends_with('"') || value.ends_with("\\\"")) {
            let key = line.find(": ").unwrap_or(0);
            return Some((i + 1, line[..key].chars().count() + 3));
        }
    }
    None
}

/// serde_yaml appends " at line L column C" (" at position N" for a character it
/// cannot read); we print the position ourselves.
fn strip_location(message: &str) -> String {
    match message.find(" at line ").or_else(|| message.find(" at position ")) {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        title: String,
        #[serde(default)]
        stage: Option<u32>,
        #[serde(default)]
        extra: Option<serde_yaml::Value>,
    }

    fn parse_at(yaml: &str, first_line: usize) -> Diagnostic {
        let file = format!("---\n{yaml}---\n");
        let origin = Origin { path: Path::new("content/x.md"), file_text: &file, first_line };
        parse_all::<Doc>(yaml, origin, "front matter").unwrap_err().remove(0)
    }

    #[test]
    fn shifts_positions_by_origin() {
        let d = parse_at("title: A\nstage: two\n", 2);
        assert_eq!((d.line, d.col), (3, 8));
        assert_eq!(d.message, "`stage` should be a whole number, but it is the text \"two\"");
        assert_eq!(d.snippet.as_deref(), Some("stage: two"));
    }

    #[test]
    fn a_value_that_is_not_a_group_is_explained_in_whole_words() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Grouped {
            extra: serde_yaml::Mapping,
        }
        let origin = Origin { path: Path::new("content/x.md"), file_text: "---\nextra: 5\n---\n", first_line: 2 };
        let d = parse_all::<Grouped>("extra: 5\n", origin, "front matter").unwrap_err().remove(0);
        assert_eq!(d.message, "`extra` should be a group of `key: value` lines, but it is the number 5");
    }

    #[test]
    fn a_bracket_that_starts_text_is_explained() {
        let d = parse_at("title: [Scalp check-up\nstage: 5\n", 2);
        assert_eq!((d.line, d.col), (2, 8));
        assert_eq!(d.message, "`title` should be text, but it is a list (`[a, b]`, or lines starting with `- `)");
        let help = d.help.unwrap();
        assert!(help.contains("text that starts with `[` or `{` goes in quotes"), "{help}");
    }

    #[test]
    fn suggests_the_closest_key() {
        let d = parse_at("titel: A\n", 2);
        assert_eq!(d.message, "unknown key `titel` of the front matter");
        let help = d.help.unwrap();
        assert!(help.starts_with("did you mean `title`?"), "{help}");
        assert!(help.contains("under `extra:`"));
        assert_eq!(d.line, 2);
    }

    #[test]
    fn missing_required_key_names_it() {
        let d = parse_at("stage: 1\n", 2);
        assert_eq!(d.message, "the front matter has no `title`, which is required");
        assert_eq!(
            d.help.as_deref(),
            Some("add a line such as `title: First session` (the title, shown as the heading and in search results)")
        );
    }

    #[test]
    fn syntax_errors_keep_position_and_explain() {
        let d = parse_at("title: A\nstage: 1\nstage 2\n", 2);
        assert!(d.message.starts_with("the front matter is not valid YAML"), "{}", d.message);
        assert!(d.line >= 3);
    }

    #[test]
    fn points_at_the_second_of_two_identical_keys() {
        let d = parse_at("title: A\nstage: 1\ntitle: B\n", 2);
        assert_eq!((d.line, d.col), (4, 1), "{d}");
        assert_eq!(d.message, "`title` is written twice; YAML would keep only one of them");
        assert!(d.help.unwrap().contains("the first is on line 2"));
    }

    #[test]
    fn points_at_an_unclosed_quote() {
        let d = parse_at("stage: 1\ntitle: \"half\n", 2);
        assert_eq!((d.line, d.col), (3, 8), "{d}");
        assert!(d.help.unwrap().contains("never closed"));
    }

    #[test]
    fn locates_keys_inside_list_entries() {
        let yaml = "title: T\nbefore_after:\n  - before: { src: a.jpg, alt: A }\n    after: { src: b.jpg, alt: B }\n    consent: true\n  - before: { src: c.jpg, alt: \"\" }\n    after:\n      src: d.jpg\n      alt: D\ntags: [x]\n";
        assert_eq!(locate_entry(yaml, "before_after", 0, &["consent"]), Some((5, 5)));
        assert_eq!(locate_entry(yaml, "before_after", 0, &["after", "alt"]), Some((4, 26)));
        assert_eq!(locate_entry(yaml, "before_after", 1, &["before", "alt"]), Some((6, 27)));
        assert_eq!(locate_entry(yaml, "before_after", 1, &["after", "alt"]), Some((9, 7)));
        assert_eq!(locate_entry(yaml, "before_after", 1, &["consent"]), Some((6, 3)), "absent: the entry's line");
        assert_eq!(locate_entry(yaml, "before_after", 2, &[]), None);
        let compact = "allow:\n- { rule: claims/x, reason: \"\" }\n- rule: claims/y\n  reason: R\n";
        assert_eq!(locate_entry(compact, "allow", 1, &["reason"]), Some((4, 3)));
        assert_eq!(locate_entry(compact, "allow", 0, &["reason"]), Some((2, 21)));
    }

    #[test]
    fn finds_values_a_hash_cut_short_but_not_deliberate_comments() {
        let yaml = "description: The #1 studio\nbooking_url: /contact/  # where the button goes\ntitle: \"Studio #2\"\n  - label: Line #2 # main\nnote: # nothing\n";
        let cuts = cut_by_comment(yaml);
        assert_eq!(cuts.len(), 2, "{cuts:?}");
        assert_eq!(
            (cuts[0].line, cuts[0].col, cuts[0].kept.as_str(), cuts[0].dropped.as_str()),
            (1, 18, "The", "#1 studio")
        );
        assert_eq!((cuts[1].line, cuts[1].key.as_str(), cuts[1].kept.as_str()), (4, "label", "Line"));
    }

    #[test]
    fn locates_keys_in_lists_and_nested_maps() {
        let yaml = "clinic:\n  phones:\n    - label: A\n      number: x\n";
        assert_eq!(locate_key(yaml, "number"), Some((4, 7)));
        assert_eq!(locate_key(yaml, "label"), Some((3, 7)));
        assert_eq!(locate_key(yaml, "missing"), None);
    }
}
