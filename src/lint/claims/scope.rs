//! Whether a rule's match is the clinic's own claim: not negated before it ("we never
//! promise"), not advice or reported speech, not a question (`scope.yaml`), not covered
//! by the rule's `except`, and whole words. Each looks at a window of `WINDOW` bytes
//! around the match, so a page is still read in linear time.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;
use serde::Deserialize;

use super::compile;

/// The words and phrases that put a match out of the clinic's mouth, documented in the file.
const SCOPE: &str = include_str!("../scope.yaml");

/// `scope.yaml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScopeSpec {
    negations: Vec<String>,
    not_negations: Vec<String>,
    advice: Vec<String>,
    questions: Vec<String>,
}

/// `scope.yaml`, compiled.
struct Scope {
    negations: Vec<String>,
    not_negations: Vec<String>,
    advice: Regex,
    questions: Vec<String>,
}

/// The compiled scope, built the first time a page trips a rule.
fn scope() -> &'static Scope {
    static SCOPE_CELL: OnceLock<Scope> = OnceLock::new();
    SCOPE_CELL.get_or_init(|| {
        let spec: ScopeSpec = crate::yaml::from_str(SCOPE).expect("src/lint/scope.yaml is valid (see its unit test)");
        let advice = format!(r"\b(?:{})\b", spec.advice.join("|"));
        Scope {
            negations: spec.negations.iter().map(|w| apostrophes(w)).collect(),
            not_negations: spec.not_negations.iter().map(|w| apostrophes(w)).collect(),
            advice: compile(&advice).expect("the advice patterns of src/lint/scope.yaml compile (see its unit test)"),
            questions: spec.questions,
        }
    })
}

/// Lowercase, with typographic apostrophes written as plain ones.
fn apostrophes(text: &str) -> String {
    text.to_lowercase().replace('’', "'")
}

/// How far around a match its scope and `except` are looked for, in bytes.
const WINDOW: usize = 300;

/// The byte index at most `WINDOW` bytes before `at`, on a character boundary.
fn window_start(text: &str, at: usize) -> usize {
    let mut start = at.saturating_sub(WINDOW);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    start
}

/// The byte index at most `WINDOW` bytes after `at`, on a character boundary.
fn window_end(text: &str, at: usize) -> usize {
    let mut end = (at + WINDOW).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    end
}

/// Whether one of the eight words before `start`, in the same clause, is a negation
/// (`scope.yaml`). A rule whose phrase is itself a negation, such as "no pain", still
/// matches: only what comes before the phrase counts.
pub(super) fn negated(text: &str, start: usize) -> bool {
    let before = &text[window_start(text, start)..start];
    let clause = before.rsplit(['.', ',', ';', ':', '!', '?', '\n', '(', ')', '—', '–']).next().unwrap_or("");
    let words: Vec<String> = clause
        .split_whitespace()
        .map(|w| apostrophes(w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')))
        .collect();
    let words = &words[words.len().saturating_sub(8)..];
    let scope = scope();
    (0..words.len()).any(|i| {
        // The word after, which may be the phrase's first: "not only | painless".
        let next = words.get(i + 1).cloned().unwrap_or_else(|| {
            let rest = text[start..].split_whitespace().next().unwrap_or("");
            apostrophes(rest.trim_matches(|c: char| !c.is_alphanumeric()))
        });
        scope.negations.contains(&words[i]) && !scope.not_negations.contains(&format!("{} {next}", words[i]))
    })
}

/// Whether the rule's `except` pattern matches text overlapping `range`.
pub(super) fn excepted(text: &str, range: Range<usize>, except: Option<&Regex>) -> bool {
    let Some(except) = except else { return false };
    let (from, to) = (window_start(text, range.start), window_end(text, range.end));
    except.find_iter(&text[from..to]).any(|m| from + m.start() < range.end && from + m.end() > range.start)
}

/// Whether the sentence around `range` gives the reader advice or reports what others
/// claim, or asks a question (`scope.yaml`): then its words are not the clinic's claim.
pub(super) fn out_of_mouth(text: &str, range: Range<usize>) -> bool {
    let ends = ['.', '!', '?', ';', '\n'];
    let from = window_start(text, range.start);
    let start = text[from..range.start].rfind(ends).map_or(from, |i| from + i + 1);
    let to = window_end(text, range.end);
    let end = text[range.end..to].find(ends).map_or(to, |i| range.end + i);
    let sentence = &text[start..end];
    let scope = scope();
    if scope.advice.is_match(sentence) {
        return true;
    }
    let first = sentence.split_whitespace().next().map(apostrophes).unwrap_or_default();
    let first = first.trim_matches(|c: char| !c.is_alphanumeric());
    text[end..].starts_with('?') && scope.questions.iter().any(|q| q == first)
}

/// Whether `range` starts and ends at word boundaries where its edges are word characters.
pub(super) fn whole_words(text: &str, range: Range<usize>) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let matched = &text[range.clone()];
    let starts_in_word =
        matched.chars().next().is_some_and(word) && text[..range.start].chars().next_back().is_some_and(word);
    let ends_in_word =
        matched.chars().next_back().is_some_and(word) && text[range.end..].chars().next().is_some_and(word);
    !starts_in_word && !ends_in_word
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_parses_and_its_advice_patterns_compile() {
        let spec: ScopeSpec = crate::yaml::from_str(SCOPE).unwrap();
        assert!(!spec.negations.is_empty() && !spec.questions.is_empty());
        for pattern in &spec.advice {
            compile(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}"));
        }
        assert!(scope().advice.is_match("Be wary of clinics that promise"));
    }
}
