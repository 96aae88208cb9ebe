//! The clinic's details in page text: `{{ clinic.name }}`, `{{ clinic.phone }}`,
//! `{{ clinic.address }}`... are replaced by their values from site.yaml before the
//! Markdown is read, so one edit there changes every page. Nothing else runs: a name is
//! looked up in a fixed list ([`Values`]), and its value goes in as plain text (Markdown
//! and HTML characters written as entities). An unknown name, a detail site.yaml leaves
//! out, or a `{{` without its `}}` is a [`Problem`] at the `{{`. Text in code (between
//! backticks, or a code block) is shown as written; elsewhere `\{{` shows `{{` itself.

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag};

use super::Problem;

/// The details page text can name: each name (`clinic.name`) with its value, or None
/// when site.yaml leaves that detail out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Values(pub Vec<(String, Option<String>)>);

/// No values: every `{{ name }}` is unknown.
pub(super) static NONE: Values = Values(Vec::new());

/// Where the expanded text differs from the source: each replaced `{{ name }}` as
/// (its range in the expanded text, its range in the source), in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Splices(Vec<(Range<usize>, Range<usize>)>);

impl Splices {
    /// The source offset of byte `at` of the expanded text: inside a value, the start of
    /// its `{{ name }}`.
    pub fn source(&self, at: usize) -> usize {
        let i = self.0.partition_point(|(expanded, _)| expanded.start <= at);
        match i.checked_sub(1).map(|i| &self.0[i]) {
            None => at,
            Some((expanded, source)) if at < expanded.end => source.start,
            Some((expanded, source)) => source.end + (at - expanded.end),
        }
    }

    pub(crate) fn source_range(&self, range: &Range<usize>) -> Range<usize> {
        self.source(range.start)..self.source(range.end).max(self.source(range.start))
    }
}

/// The longest `{{ name }}` read: a `{{` with no `}}` this close is unfinished.
const MAX_PLACEHOLDER: usize = 80;

/// `text` with every `{{ name }}` outside code replaced by its value, and where the
/// replacements are; or the problems, each at its `{{`. Text without `{{` is borrowed.
pub(super) fn expand<'t>(text: &'t str, values: &Values) -> Result<(std::borrow::Cow<'t, str>, Splices), Vec<Problem>> {
    if !text.contains("{{") {
        return Ok((text.into(), Splices::default()));
    }
    let code = code_ranges(text);
    let (mut out, mut splices, mut problems) = (String::with_capacity(text.len()), Vec::new(), Vec::new());
    let mut copied = 0;
    let mut from = 0;
    while let Some(found) = text[from..].find("{{") {
        let at = from + found;
        from = at + 2;
        if text[..at].ends_with('\\') || code.iter().any(|r| r.contains(&at)) {
            continue;
        }
        let rest = &text[at + 2..];
        let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
        let Some(close) = line.find("}}").filter(|&c| c <= MAX_PLACEHOLDER) else {
            problems.push(Problem {
                offset: at,
                message: "`{{` starts a clinic detail, such as `{{ clinic.name }}`, but has no `}}` after it".into(),
                help: "close it with `}}` on the same line; to show the characters `{{` themselves, write `\\{{`"
                    .into(),
                cause: None,
            });
            continue;
        };
        let name = line[..close].trim();
        let end = at + 2 + close + 2;
        from = end;
        match values.0.iter().find(|(n, _)| n == name) {
            Some((_, Some(value))) => {
                out.push_str(&text[copied..at]);
                let start = out.len();
                push_escaped(&mut out, value);
                splices.push((start..out.len(), at..end));
                copied = end;
            }
            Some((_, None)) => problems.push(Problem {
                offset: at,
                message: format!("`{{{{ {name} }}}}` names a detail that site.yaml does not give"),
                help: format!("add it under `clinic:` in site.yaml ({}), or write the text without it", yaml_key(name)),
                cause: None,
            }),
            None => problems.push(unknown(at, name, values)),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    out.push_str(&text[copied..]);
    Ok((out.into(), Splices(splices)))
}

/// The site.yaml key a detail's name reads.
fn yaml_key(name: &str) -> String {
    let key = name.strip_prefix("clinic.").unwrap_or(name);
    match key {
        "website" => "`base_url:` at the top".into(),
        "phone" => "`phones:`".into(),
        _ if key.starts_with("address") => "`address:`".into(),
        _ => format!("`{}:`", key.split('.').next().unwrap_or(key)),
    }
}

fn unknown(at: usize, name: &str, values: &Values) -> Problem {
    let names: Vec<&str> = values.0.iter().map(|(n, _)| n.as_str()).collect();
    let guess = crate::yaml::closest(name, &names).or_else(|| crate::yaml::closest(&format!("clinic.{name}"), &names));
    let message = match guess {
        Some(guess) => {
            format!("there is no clinic detail called `{name}`: did you mean `{{{{ {guess} }}}}`?")
        }
        None => format!("there is no clinic detail called `{name}`"),
    };
    let list: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    let help = if list.is_empty() {
        "no clinic details can be named here; to show the characters `{{` themselves, write `\\{{`".to_string()
    } else {
        format!("the details are {}; to show the characters `{{{{` themselves, write `\\{{{{`", list.join(", "))
    };
    Problem { offset: at, message, help, cause: None }
}

/// The byte ranges of code spans and code blocks, shown as written.
fn code_ranges(text: &str) -> Vec<Range<usize>> {
    Parser::new_ext(text, super::options())
        .into_offset_iter()
        .filter(|(event, _)| matches!(event, Event::Code(_) | Event::Start(Tag::CodeBlock(_))))
        .map(|(_, range)| range)
        .collect()
}

/// `value` as Markdown that shows exactly it: letters, digits and the punctuation of
/// names, numbers, addresses and web addresses as they are; any other ASCII punctuation
/// (which Markdown or HTML would read as markup) as a numeric entity.
fn push_escaped(out: &mut String, value: &str) {
    for c in value.chars() {
        if c.is_ascii_punctuation() && !".,:;/@()+-'?=%".contains(c) {
            out.push_str(&format!("&#{};", c as u32));
        } else if c == '\n' || c == '\r' {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> Values {
        Values(vec![
            ("clinic.name".into(), Some("Smith & *Co* <SMP>".into())),
            ("clinic.phone".into(), Some("480-555-0100".into())),
            ("clinic.email".into(), None),
        ])
    }

    #[test]
    fn names_become_their_values_as_plain_text_and_offsets_map_back() {
        let text = "Call {{ clinic.phone }} at {{clinic.name}} now.";
        let (out, splices) = expand(text, &values()).unwrap();
        assert_eq!(out, "Call 480-555-0100 at Smith &#38; &#42;Co&#42; &#60;SMP&#62; now.");
        let now = out.find("now").unwrap();
        assert_eq!(splices.source(now), text.find("now").unwrap());
        assert_eq!(splices.source(6), 5, "inside a value: the start of its `{{`");
        assert_eq!(splices.source(2), 2);
    }

    #[test]
    fn code_and_escaped_braces_stay_as_written() {
        let text = "Write `{{ clinic.name }}` or \\{{ this }}.\n\n```\n{{ x }}\n```\n";
        let (out, splices) = expand(text, &values()).unwrap();
        assert_eq!(out, text);
        assert_eq!(splices, Splices::default());
    }

    #[test]
    fn unknown_unset_and_unfinished_names_are_problems_at_their_braces() {
        let text = "A {{ clinic.nme }}, {{ name }}, {{ clinic.email }} and {{ open\n";
        let problems = expand(text, &values()).unwrap_err();
        let at: Vec<usize> = problems.iter().map(|p| p.offset).collect();
        assert_eq!(at, [2, 20, 32, 55]);
        assert!(problems[0].message.contains("did you mean `{{ clinic.name }}`"), "{}", problems[0].message);
        assert!(problems[1].message.contains("did you mean `{{ clinic.name }}`"), "{}", problems[1].message);
        assert!(problems[2].help.contains("`email:`"), "{}", problems[2].help);
        assert!(problems[3].help.contains("\\{{"), "{}", problems[3].help);
    }
}
