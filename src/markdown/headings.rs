//! Heading ids: GitHub's anchors of the headings' words, or the id a heading chose,
//! made unique on the page; and the `id`s already taken in raw HTML.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::Event;

/// Ids the default theme uses itself, which headings must not take.
pub(super) const RESERVED_IDS: &[&str] = &["main", "top"];

/// The text of a run of inline events (a heading's words).
pub(super) fn plain_text(events: &[Event]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text.trim().to_string()
}

/// GitHub's heading anchors: lowercase, punctuation dropped, spaces to `-`
/// (`## Will it look natural?` -> `will-it-look-natural`), so links written for GitHub work.
pub fn anchor(text: &str) -> String {
    let id: String = text
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect();
    if id.is_empty() { "section".to_string() } else { id }
}

/// The heading ids of one page: an id chosen with `{#id}`, else GitHub's anchor of the
/// heading's text, made unique with `-1`, `-2`…; the theme's own ids are taken. Each
/// wanted id remembers the next suffix to try, so a page of 20,000 identical headings
/// costs linear time, not a scan from `-1` per heading.
pub(super) struct Ids {
    taken: HashSet<String>,
    next_suffix: HashMap<String, usize>,
}

impl Default for Ids {
    fn default() -> Self {
        Ids { taken: RESERVED_IDS.iter().map(|s| s.to_string()).collect(), next_suffix: HashMap::new() }
    }
}

impl Ids {
    pub(super) fn assign(&mut self, chosen: Option<&str>, text: &str) -> String {
        let wanted = chosen.map_or_else(|| anchor(text), str::to_string);
        if self.taken.insert(wanted.clone()) {
            return wanted;
        }
        let n = self.next_suffix.entry(wanted.clone()).or_insert(1);
        loop {
            let id = format!("{wanted}-{n}");
            *n += 1;
            if self.taken.insert(id.clone()) {
                return id;
            }
        }
    }
}

/// The values of `id="…"` attributes in a piece of HTML (or of a template).
pub fn html_ids(html: &str) -> Vec<String> {
    html.match_indices("id=")
        .filter(|(at, _)| html[..*at].ends_with(|c: char| c.is_whitespace()))
        .filter_map(|(at, _)| {
            let rest = &html[at + 3..];
            let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
            let value = &rest[1..];
            Some(value[..value.find(quote)?].to_string())
        })
        .collect()
}
