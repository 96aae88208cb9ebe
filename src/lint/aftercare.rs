//! The site's aftercare, written once in site.yaml under `extra.aftercare` (each activity
//! with its waiting time and reason; the theme shows it on session pages and on pages that
//! ask for it), and the check that a page's own text does not give a different number of
//! days for an activity listed there (`content/aftercare-days`).

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
pub(super) fn activities(config: &Config, config_text: &str) -> (Vec<Activity>, Vec<Diagnostic>) {
    let Some(value) = config.extra.get("aftercare") else { return (Vec::new(), Vec::new()) };
    let warning = |at: Option<(usize, usize)>, problem: String| {
        let (line, col) = at.or_else(|| yaml::locate_key(config_text, "aftercare")).unwrap_or((0, 0));
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
        match serde_yaml::from_value::<Activity>(item.clone()) {
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

/// Number words a page may use for days or weeks.
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
];

/// Each waiting time a clause states, in days, with its byte range in `clause`:
/// "5 days", "day 5", "four weeks", "a week", "day five".
fn waits(clause: &str) -> Vec<(u32, std::ops::Range<usize>)> {
    let mut words: Vec<(usize, &str)> = Vec::new();
    let mut start = None;
    for (i, c) in clause.char_indices().chain(std::iter::once((clause.len(), ' '))) {
        let part = c.is_alphanumeric() || c == '-';
        match (part, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                words.push((s, &clause[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    let number = |w: &str| -> Option<u32> {
        let w = w.to_lowercase();
        w.parse().ok().or_else(|| NUMBERS.iter().find(|(n, _)| *n == w).map(|&(_, v)| v))
    };
    let mut out = Vec::new();
    for pair in words.windows(2) {
        let ((s, a), (e, b)) = (pair[0], pair[1]);
        let unit = |w: &str| match w.to_lowercase().as_str() {
            "day" | "days" => Some(1),
            "week" | "weeks" => Some(7),
            _ => None,
        };
        let found = match (number(a), unit(b), unit(a), number(b)) {
            (Some(n), Some(u), _, _) => Some(n * u),
            // "day 5", "day five" (not "week 2", which names a stretch, not a wait).
            (_, _, Some(1), Some(n)) if n > 1 => Some(n),
            _ => None,
        };
        if let Some(days) = found {
            out.push((days, s..e + b.len()));
        }
    }
    out
}

/// Each (activity, days stated, byte range) in `text` where a clause names an activity of
/// `activities` and states one waiting time, other than the activity's own.
fn disagreements<'a>(text: &str, activities: &'a [Activity]) -> Vec<(&'a Activity, u32, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    let mut from = 0;
    for clause in text.split_inclusive(['.', ',', ';', ':', '\n', '!', '?', '(', ')']) {
        let at = from;
        from += clause.len();
        let lower = clause.to_lowercase();
        let names = |a: &&Activity| {
            a.words.iter().any(|w| {
                let w = w.to_lowercase();
                lower.match_indices(&w).any(|(i, _)| {
                    !lower[..i].chars().next_back().is_some_and(char::is_alphanumeric)
                        && !lower[i + w.len()..].chars().next().is_some_and(char::is_alphanumeric)
                })
            })
        };
        let named: Vec<&Activity> = activities.iter().filter(names).collect();
        // One stated wait, for every activity the clause names ("no saunas or workouts
        // for 5 days"); a clause with two waits is a timeline, and is left alone.
        let waits = waits(clause);
        let [(days, range)] = waits.as_slice() else { continue };
        for activity in named.into_iter().filter(|a| a.days != *days) {
            out.push((activity, *days, at + range.start..at + range.end));
        }
    }
    out
}

/// Where `doc`'s own text (its body and its `aftercare:` items) gives an activity of
/// `activities` a waiting time other than the one written in site.yaml.
pub(super) fn page_days(doc: &Doc, activities: &[Activity]) -> Vec<Diagnostic> {
    if activities.is_empty() {
        return Vec::new();
    }
    let text = doc.text();
    let body_start = doc.body_offset(0);
    let mut found: Vec<(&Activity, u32, (usize, usize, usize))> = disagreements(&text[body_start..], activities)
        .into_iter()
        .map(|(a, days, range)| (a, days, doc.span(body_start + range.start, body_start + range.end)))
        .collect();
    for item in &doc.meta.fm.aftercare {
        for (a, days, range) in disagreements(item, activities) {
            let needle = &item[range];
            let (line, col) = doc.value_position("aftercare", needle);
            found.push((a, days, (line, col, needle.chars().count())));
        }
    }
    found
        .into_iter()
        .map(|(activity, days, (line, col, len))| {
            Diagnostic::warning(
                doc.display_path(),
                line,
                col,
                format!(
                    "this gives {days} days for {}, but site.yaml's aftercare says {} days",
                    activity.activity.to_lowercase(),
                    activity.days
                ),
            )
            .with_len(len)
            .with_help(format!(
                "change the number here to match, or change `days:` of `{}` under `extra.aftercare` in site.yaml (every page that shows the aftercare follows it)",
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
    }
}
