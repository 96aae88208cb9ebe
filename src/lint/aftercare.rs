//! The site's aftercare, written once in site.yaml under `extra.aftercare` (each activity
//! with its waiting time and reason; the theme shows it on session pages and on pages that
//! ask for it), and the check that a page's own text does not give a different number of
//! days for an activity listed there (`content/aftercare-days`).

use std::ops::Range;

use serde::Deserialize;

use crate::config::{Config, FILE_NAME};
use crate::error::Diagnostic;
use crate::site::Doc;
use crate::yaml;

/// One activity of `extra.aftercare`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Activity {
    /// What the client does: "Swimming".
    pub activity: String,
    /// Days to wait after each session.
    pub days: u32,
    /// What to do until then, as the theme shows it.
    pub advice: String,
    /// Why, in the client's words.
    pub why: String,
    /// The words that name the activity in a page's text, for the days check: `[swim, pool]`.
    #[serde(default)]
    pub words: Vec<String>,
}

/// `extra.aftercare` of site.yaml: the activities written correctly, and a warning at
/// the line of each one that is not (the theme leaves those rows out; the site still builds).
pub(super) fn activities(config: &Config) -> (Vec<Activity>, Vec<Diagnostic>) {
    let config_text = config.text();
    let Some(value) = config.extra.get("aftercare") else { return (Vec::new(), Vec::new()) };
    let warning = |at: Option<(usize, usize)>, problem: String| {
        let (line, col) = at.or_else(|| config.key_at("aftercare")).unwrap_or((0, 0));
        Diagnostic::warning(FILE_NAME, line, col, problem)
            .with_help("write each activity as `- { activity: Swimming, days: 28, advice: \"…\", why: \"…\", words: [swim, pool] }`")
            .with_source(config_text)
    };
    let Some(items) = value.as_sequence() else {
        let problem = "`extra.aftercare` is not a list of activities (lines starting with `- `)".to_string();
        return (Vec::new(), vec![warning(None, problem)]);
    };
    let (mut list, mut problems) = (Vec::new(), Vec::new());
    for (index, item) in items.iter().enumerate() {
        match crate::yaml::from_value::<Activity>(item.clone()) {
            Ok(activity) => list.push(activity),
            Err(e) => problems.push(warning(
                yaml::locate_entry(config_text, "aftercare", index, &[]),
                format!("activity {} of `extra.aftercare` is not complete: {}", index + 1, plain(&e.to_string())),
            )),
        }
    }
    (list, problems)
}

/// A serde message in the staff's words, without the position serde adds (the
/// diagnostic has its own).
fn plain(message: &str) -> String {
    let message = message.split(" at line ").next().unwrap_or(message);
    message
        .replace("invalid type: string", "found the text")
        .replace("invalid type: integer", "found the number")
        .replace("expected u32", "expected a whole number of days, such as 28")
        .replace("invalid value: integer", "found the number")
        .replace("expected a sequence", "expected a list of activities (lines starting with `- `)")
        .replace("expected struct Activity", "expected an activity with `activity`, `days`, `advice` and `why`")
}

/// Number words a page may use for days or weeks, in English and Spanish.
const NUMBERS: &[(&str, u32)] = &[
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("twelve", 12),
    ("fourteen", 14),
    ("twenty-one", 21),
    ("twenty-eight", 28),
    ("a", 1),
    ("un", 1),
    ("una", 1),
    ("dos", 2),
    ("tres", 3),
    ("cuatro", 4),
    ("cinco", 5),
    ("seis", 6),
    ("siete", 7),
    ("ocho", 8),
    ("diez", 10),
    ("doce", 12),
    ("catorce", 14),
];

/// Ordinals that name a week: "the second week", "la segunda semana".
const ORDINALS: &[(&str, u32)] = &[
    ("first", 1),
    ("second", 2),
    ("third", 3),
    ("fourth", 4),
    ("primera", 1),
    ("segunda", 2),
    ("tercera", 3),
    ("cuarta", 4),
];

/// Words that say an activity is allowed again in a stretch of time ("washing again",
/// "you can swim"), unless the clause also forbids ([`NOT_WORDS`]).
const AGAIN_WORDS: &[&str] =
    &["again", "resume", "resumes", "back to", "return to", "de nuevo", "otra vez", "volver a", "vuelva a", "retomar"];
const NOT_WORDS: &[&str] = &["no", "not", "avoid", "don't", "never", "skip", "without", "nunca", "evite", "sin"];

/// The words of `text` with their byte offsets; a hyphen belongs to the word
/// ("twenty-one"), so "1-3" is one word.
fn words(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        let part = c.is_alphanumeric() || c == '-';
        match (part, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, &text[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    out
}

fn number(word: &str) -> Option<u32> {
    let word = word.to_lowercase();
    word.parse().ok().or_else(|| NUMBERS.iter().find(|(n, _)| *n == word).map(|&(_, v)| v))
}

/// Days in one of `word`'s unit: 1 for "day", 7 for "week" (English and Spanish).
fn unit(word: &str) -> Option<u32> {
    match word.to_lowercase().as_str() {
        "day" | "days" | "día" | "días" | "dia" | "dias" => Some(1),
        "week" | "weeks" | "semana" | "semanas" => Some(7),
        _ => None,
    }
}

/// A stretch of time a text names, first and last day counted: "days 1–3" (1–3),
/// "weeks 3 to 4" (15–28), "week 2" (8–14), "the second week" (8–14).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Period {
    first: u32,
    last: u32,
    at: Range<usize>,
}

/// Each stretch of time `text` names (see [`Period`]).
fn periods(text: &str) -> Vec<Period> {
    let words = words(text);
    let mut out = Vec::new();
    for (i, &(start, w)) in words.iter().enumerate() {
        let found = if let Some(size) = unit(w) {
            // "day 5" is a wait (see `waits`), "week 2" a stretch.
            numbers(text, &words[i + 1..]).filter(|&(a, b, _)| size == 7 || a != b).map(|(a, b, end)| (a, b, end, size))
        } else if let Some(&(_, n)) = ORDINALS.iter().find(|(o, _)| w.eq_ignore_ascii_case(o)) {
            words.get(i + 1).filter(|(_, b)| unit(b) == Some(7)).map(|&(e, b)| (n, n, e + b.len(), 7))
        } else {
            None
        };
        if let Some((first, last, end, size)) = found.filter(|&(a, b, _, _)| a > 0 && a <= b) {
            out.push(Period { first: (first - 1) * size + 1, last: last * size, at: start..end });
        }
    }
    out
}

/// The number or range at the start of `rest` (words after a unit, with their offsets in
/// `text`): "1-3", "1–3", "1 to 3", "1 a 3", or one number; its first and last number, and
/// where it ends.
fn numbers(text: &str, rest: &[(usize, &str)]) -> Option<(u32, u32, usize)> {
    let &(at, first) = rest.first()?;
    if let Some((Some(a), Some(b))) = first.split_once('-').map(|(a, b)| (number(a), number(b))) {
        return Some((a, b, at + first.len()));
    }
    let a = number(first)?;
    let end = at + first.len();
    let gap = |k: usize| rest.get(k).map(|&(s, _)| text[rest[k - 1].0 + rest[k - 1].1.len()..s].trim());
    let later = |k: usize| rest.get(k).and_then(|&(s, w)| number(w).map(|n| (n, s + w.len())));
    let range = match (gap(1), rest.get(1)) {
        (Some("–" | "—" | "-"), _) => later(1),
        (Some(""), Some((_, to))) if matches!(to.to_lowercase().as_str(), "to" | "a" | "y" | "and") => {
            later(2).filter(|_| gap(2) == Some(""))
        }
        _ => None,
    };
    Some(range.map_or((a, a, end), |(b, end)| (a, b, end)))
}

/// Each waiting time a clause states, in days, with its byte range in `clause`:
/// "5 days", "day 5", "four weeks", "a week", "day five"; not inside a [`Period`]
/// ("days 5–7" is a stretch, not a wait of 5 days).
fn waits(clause: &str) -> Vec<(u32, Range<usize>)> {
    let stretches = periods(clause);
    let words = words(clause);
    let mut out = Vec::new();
    for pair in words.windows(2) {
        let ((s, a), (e, b)) = (pair[0], pair[1]);
        let found = match (number(a), unit(b), unit(a), number(b)) {
            (Some(n), Some(u), _, _) => Some(n * u),
            // "day 5", "day five" (not "week 2", which names a stretch, not a wait).
            (_, _, Some(1), Some(n)) if n > 1 => Some(n),
            _ => None,
        };
        if let Some(days) = found.filter(|_| !stretches.iter().any(|p| p.at.contains(&s) || p.at.contains(&e))) {
            out.push((days, s..e + b.len()));
        }
    }
    out
}

/// What a text says that disagrees with an activity's waiting time.
#[derive(Debug)]
enum Disagreement {
    /// "no swimming for 5 days": another number of days.
    Days(u32),
    /// "Days 1–3: no exercise": a stretch from day 1 that ends before the wait does.
    Stretch(u32, u32),
    /// "Week 2: washing again": allowed again in a stretch the wait's end is not in.
    Again(u32, u32),
}

/// Whether `lower` (a clause in lowercase) names `activity` (one of its `words`, as a
/// whole word).
fn names(lower: &str, activity: &Activity) -> bool {
    activity.words.iter().any(|w| has_word(lower, &w.to_lowercase()))
}

fn has_word(lower: &str, w: &str) -> bool {
    lower.match_indices(w).any(|(i, _)| {
        !lower[..i].chars().next_back().is_some_and(char::is_alphanumeric)
            && !lower[i + w.len()..].chars().next().is_some_and(char::is_alphanumeric)
    })
}

/// Each (activity, disagreement, byte range) in `text`. A clause naming activities and
/// stating one wait is compared with each activity's days (a clause with two waits is a
/// timeline, and is left alone). A line, or a `healing:` step, naming one stretch of time
/// ("Days 1–3", "Week 2") is compared clause by clause: the activity allowed again in it,
/// or forbidden in it from day 1. `period` is a step's `when:`, for a step's text.
fn disagreements<'a>(
    text: &str,
    period: Option<&Period>,
    activities: &'a [Activity],
) -> Vec<(&'a Activity, Disagreement, Range<usize>)> {
    let mut out = Vec::new();
    let mut line_at = 0;
    for line in text.split_inclusive('\n') {
        let line_start = line_at;
        line_at += line.len();
        // The line's stretch of time, read only once a clause of it names an activity.
        let mut stretch: Option<Option<Period>> = None;
        let mut from = line_start;
        for clause in line.split_inclusive(['.', ',', ';', ':', '!', '?', '(', ')', '|']) {
            let at = from;
            from += clause.len();
            let lower = clause.to_lowercase();
            let named: Vec<&Activity> = activities.iter().filter(|a| names(&lower, a)).collect();
            if named.is_empty() {
                continue;
            }
            let waits = waits(clause);
            if let [(days, range)] = waits.as_slice() {
                for activity in named.into_iter().filter(|a| a.days != *days) {
                    out.push((activity, Disagreement::Days(*days), at + range.start..at + range.end));
                }
                continue;
            }
            let stretch = stretch.get_or_insert_with(|| match (period, periods(line).as_slice()) {
                (Some(p), _) => Some(p.clone()),
                (None, [p]) => Some(Period { at: line_start + p.at.start..line_start + p.at.end, ..p.clone() }),
                _ => None,
            });
            let Some(p) = stretch.as_ref().filter(|_| waits.is_empty()) else { continue };
            let forbids = NOT_WORDS.iter().any(|w| has_word(&lower, w));
            let again = !forbids && AGAIN_WORDS.iter().any(|w| has_word(&lower, w));
            for activity in named {
                let allowed_from = activity.days + 1;
                let found = if again {
                    (!(p.first..=p.last).contains(&allowed_from)).then_some(Disagreement::Again(p.first, p.last))
                } else {
                    (forbids && p.first == 1 && p.last < activity.days)
                        .then_some(Disagreement::Stretch(p.first, p.last))
                };
                out.extend(found.map(|d| (activity, d, p.at.clone())));
            }
        }
    }
    out
}

/// Where `doc`'s own text (its body, its `aftercare:` items and its `healing:` steps)
/// gives an activity of `activities` a waiting time other than the one in site.yaml.
pub(super) fn page_days(doc: &Doc, activities: &[Activity]) -> Vec<Diagnostic> {
    if activities.is_empty() {
        return Vec::new();
    }
    let text = doc.text();
    let body_start = doc.body_offset(0);
    let mut found: Vec<(&Activity, Disagreement, (usize, usize, usize))> = Vec::new();
    // A step's `healing:` time comes first: its text is read as if on one line with it.
    for step in &doc.meta.fm.healing {
        let when = periods(&step.when).into_iter().next();
        for (a, d, range) in disagreements(&step.expect, when.as_ref(), activities) {
            let needle = if when.is_some() { &step.when[range] } else { &step.expect[range] };
            let (line, col) = doc.value_position("healing", needle);
            found.push((a, d, (line, col, needle.chars().count())));
        }
    }
    for item in &doc.meta.fm.aftercare {
        for (a, d, range) in disagreements(item, None, activities) {
            let needle = &item[range];
            let (line, col) = doc.value_position("aftercare", needle);
            found.push((a, d, (line, col, needle.chars().count())));
        }
    }
    found.extend(
        disagreements(&text[body_start..], None, activities)
            .into_iter()
            .map(|(a, d, range)| (a, d, doc.span(body_start + range.start, body_start + range.end))),
    );
    found
        .into_iter()
        .map(|(activity, disagreement, (line, col, len))| {
            let name = activity.activity.to_lowercase();
            let problem = match disagreement {
                Disagreement::Days(days) => {
                    format!("this gives {days} days for {name}, but site.yaml's aftercare says {} days", activity.days)
                }
                Disagreement::Stretch(first, last) => format!(
                    "this names days {first}–{last} for {name}, but site.yaml's aftercare says to wait {} days",
                    activity.days
                ),
                Disagreement::Again(first, last) => format!(
                    "this allows {name} again in days {first}–{last}, but site.yaml's aftercare allows it from day {}",
                    activity.days + 1
                ),
            };
            Diagnostic::warning(doc.display_path(), line, col, problem).with_len(len).with_help(format!(
                "change the days here to match, or change `days:` of `{}` under `extra.aftercare` in site.yaml (every page that shows the aftercare follows it)",
                activity.activity
            ))
            .with_source(text)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_read_digits_words_weeks_and_day_numbers() {
        let days = |s: &str| waits(s).into_iter().map(|(d, _)| d).collect::<Vec<_>>();
        assert_eq!(days("no swimming for 5 days"), [5]);
        assert_eq!(days("wait four weeks before swimming"), [28]);
        assert_eq!(days("shave from day five"), [5]);
        assert_eq!(days("for a week"), [7]);
        assert_eq!(days("in week 2 the flakes fall"), Vec::<u32>::new());
        assert_eq!(days("about 10 to 14 days apart"), [14]);
        assert_eq!(days("Days 5–7: wash gently"), Vec::<u32>::new(), "a stretch, not a wait");
    }

    #[test]
    fn periods_read_day_and_week_ranges_single_weeks_and_ordinals() {
        fn spans(s: &str) -> Vec<(u32, u32, &str)> {
            periods(s).into_iter().map(|p| (p.first, p.last, &s[p.at])).collect()
        }
        assert_eq!(spans("Days 1–3: redness"), [(1, 3, "Days 1–3")]);
        assert_eq!(spans("days 4-10"), [(4, 10, "days 4-10")]);
        assert_eq!(spans("weeks 3 to 4"), [(15, 28, "weeks 3 to 4")]);
        assert_eq!(spans("Week 2: washing again"), [(8, 14, "Week 2")]);
        assert_eq!(spans("in the second week"), [(8, 14, "second week")]);
        assert_eq!(spans("Semanas 2 a 4"), [(8, 28, "Semanas 2 a 4")]);
        assert_eq!(spans("from day 5"), [], "one day is a wait");
        assert_eq!(spans("10 to 14 days apart"), [], "a number before the unit is a wait");
    }

    #[test]
    fn a_harm_in_the_first_week_is_not_an_activity_allowed_again() {
        let sweat = Activity {
            activity: "Sweating".into(),
            days: 7,
            advice: String::new(),
            why: String::new(),
            words: vec!["sudar".into(), "sweating".into()],
        };
        let activities = [sweat];
        for text in [
            "sudar mucho en la primera semana puede arrastrar pigmento",
            "sweating heavily in the first week can pull pigment out",
        ] {
            assert!(disagreements(text, None, &activities).is_empty(), "{text}");
        }
        assert_eq!(disagreements("Semana 1: sudar de nuevo", None, &activities).len(), 1);
    }
}
