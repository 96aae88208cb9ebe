//! serde_yaml's wording turned into a clinic's: what each key means, an example of
//! it, "did you mean", and the type names said in plain words.

/// Turns serde's wording into the user's: (message, help).
pub(super) fn explain(raw: &str, what: &str) -> (String, Option<String>) {
    // serde_yaml prefixes nested errors with the key path: "clinic.phones[0]: ...".
    let (key_path, detail) = match raw.split_once(": ") {
        Some((path, rest)) if !path.contains(' ') => (Some(path), rest),
        _ => (None, raw),
    };
    let within = key_path.map(|p| format!(" in `{p}`")).unwrap_or_default();

    if let Some(rest) = detail.strip_prefix("unknown field `") {
        let (name, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let allowed = backticked(expected);
        let mut help = match closest(name, &allowed) {
            Some(best) => format!("did you mean `{best}`? "),
            None => String::new(),
        };
        help.push_str(&format!("Allowed keys here: {}.", quoted(&allowed)));
        if allowed.iter().any(|k| k == "extra") {
            help.push_str(" Free-form data goes under `extra:`.");
        }
        return (format!("unknown key `{name}`{within} of the {what}"), Some(help));
    }
    if let Some(rest) = detail.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or(rest);
        return (format!("the {what} has no `{name}`{within}, which is required"), Some(required_help(name)));
    }
    if let Some(rest) = detail.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, "another type"));
        let field = key_path.and_then(|p| p.rsplit('.').next()).unwrap_or("");
        let field = field.split('[').next().unwrap_or(field);
        let example = example_for(field);
        let mut help = if field.is_empty() {
            "check the value's type".to_string()
        } else {
            format!("write it like `{field}: {example}`")
        };
        // `title: [New] offer` is a list to YAML: a `[` or `{` first starts one.
        if plain(expected) == "text" && (found.contains("sequence") || found.contains("map")) {
            help.push_str("; text that starts with `[` or `{` goes in quotes: `\"[...]\"`");
        }
        let Some(key_path) = key_path else {
            return (
                format!("the {what} should be `key: value` lines, but it is {}", plain(found)),
                Some("write one `key: value` per line, e.g. `title: First session`".into()),
            );
        };
        return (format!("`{key_path}` should be {}, but it is {}", plain(expected), plain(found)), Some(help));
    }
    if let Some(rest) = detail.strip_prefix("unknown variant `") {
        let (name, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let allowed = backticked(expected);
        let hint = closest(name, &allowed).map(|b| format!("did you mean `{b}`? ")).unwrap_or_default();
        return (
            format!("`{name}` is not one of the choices{within}"),
            Some(format!("{hint}Use one of: {}.", quoted(&allowed))),
        );
    }
    // Syntax errors: serde_yaml's scanner messages are already specific.
    (
        format!("the {what} is not valid YAML: {raw}"),
        Some(
            "each line is `key: value`; indent nested lines with spaces (not tabs); \
             put text containing `: ` or `#` in quotes"
                .to_string(),
        ),
    )
}

/// `a`, `b`, `c`: names as the user would type them.
fn quoted(names: &[String]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

/// Names inside backticks: "expected one of `a`, `b`" -> [a, b].
fn backticked(text: &str) -> Vec<String> {
    text.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

/// The allowed name closest to a typo, if any is close enough to be a plausible intent.
/// Upper and lower case count as the same (`studiophoto.jpg` finds `StudioPhoto.JPG`).
pub(crate) fn closest<'a, S: AsRef<str>>(name: &str, allowed: &'a [S]) -> Option<&'a str> {
    let name = name.to_lowercase();
    allowed
        .iter()
        .map(|k| (strsim::jaro_winkler(&name, &k.as_ref().to_lowercase()), k.as_ref()))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

/// The help for a required key that is missing: a real line and what it means.
pub(crate) fn required_help(key: &str) -> String {
    let example = example_for(key);
    match meaning_of(key) {
        Some(meaning) => format!("add a line such as `{key}: {example}` ({meaning})"),
        None => format!("add a line such as `{key}: {example}`"),
    }
}

/// What a required key means, for the help that asks for it.
fn meaning_of(key: &str) -> Option<&'static str> {
    Some(match key {
        "title" => "the title, shown as the heading and in search results",
        "consent" => "`true` when the client agreed in writing to these photos being published",
        "retouched" => "`false`: the photos are as taken, without filters or smoothing",
        "session" => "the session after which the `after` photo was taken",
        "before" | "after" => "the photo file and a description of what it shows",
        "src" => "the photo file, beside the page or from static/ as `/images/…`",
        "alt" => "what the photo shows, read aloud to people who cannot see it",
        "quote" => "the client's words, as they wrote or said them",
        "source" => "where the words come from, so readers can trust them",
        "typical" => "`true` when this client's result is what most clients can expect",
        "material_connection" => {
            "what links the client to the clinic (a discount, a free session, being staff), or `none`"
        }
        "base_url" => "the address the site will live at",
        "clinic" => "the clinic's name and details, shown on every page",
        "name" => "the clinic's name",
        _ => return None,
    })
}

/// serde's type names in words a clinic's staff know.
fn plain(serde_words: &str) -> String {
    let words = serde_words.trim();
    // "integer `99999999999999999999` as u128": a number too large for any field.
    if let Some(rest) = words.strip_prefix("integer `").or_else(|| words.strip_prefix("floating point `")) {
        let number = rest.split('`').next().unwrap_or(rest);
        return match rest.contains(" as ") {
            true => format!("the number {number}, which is far too large"),
            false => format!("the number {number}"),
        };
    }
    if let Some(text) = words.strip_prefix("string ") {
        return format!("the text {text}");
    }
    if let Some(rest) = words.strip_prefix("boolean `") {
        return format!("`{}`", rest.split('`').next().unwrap_or(rest));
    }
    if words == "unit value" || words == "null" {
        return "empty (`~` or nothing after the colon)".into();
    }
    if words.starts_with("struct ") || words.starts_with("a struct") {
        return "a group of `key: value` lines".into();
    }
    let mapped = match words {
        "u8" | "u16" | "u32" | "u64" | "i8" | "i16" | "i32" | "i64" | "usize" | "integer" => "a whole number",
        "a boolean" | "bool" => "true or false",
        "a sequence" | "sequence" | "a YAML sequence" => "a list (`[a, b]`, or lines starting with `- `)",
        "a map" | "map" | "struct" | "a YAML mapping" => "a group of `key: value` lines",
        "a string" | "string" => "text",
        other => return in_plain_words(other),
    };
    mapped.to_string()
}

/// serde's words for kinds of values, and a clinic's.
const WORDS: [(&str, &str); 3] =
    [("sequence", "list"), ("map", "group of `key: value` lines"), ("mapping", "group of `key: value` lines")];

/// `text` with each whole word of [`WORDS`] in a clinic's words; a word inside a
/// longer one (`map` in `mapping`) is left alone.
fn in_plain_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word_start = None;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        let in_word = c.is_alphanumeric() || c == '_';
        if let (false, Some(start)) = (in_word, word_start) {
            let word = &text[start..i];
            out.push_str(WORDS.iter().find(|(serde, _)| *serde == word).map_or(word, |(_, plain)| plain));
            word_start = None;
        }
        if in_word {
            word_start = word_start.or(Some(i));
        } else if i < text.len() {
            out.push(c);
        }
    }
    out
}

/// A plausible value for a key, used in hints.
fn example_for(key: &str) -> &'static str {
    match key {
        "title" => "First session",
        "description" => "What happens in the first session.",
        "stage" => "2",
        "weight" => "10",
        "menu_title" => "FAQ",
        "date" | "updated" => "2026-03-01",
        "draft" | "faq" => "true",
        "aliases" | "tags" | "aftercare" | "hours" => "[\"...\"]",
        "healing" => "[{ when: \"Days 1-3\", expect: \"Redness settles.\" }]",
        "kind" => "sessions",
        "phones" => "[{ label: Service, number: \"480-555-0100\" }]",
        "menu" => "[{ title: Process, url: /process/ }]",
        "language" => "en",
        "base_url" => "https://www.example-clinic.com",
        "name" => "Example SMP Studio",
        "number" => "\"480-555-0100\"",
        "label" => "Service",
        "when" => "\"Days 1-3\"",
        "expect" => "\"Redness settles.\"",
        "consent" | "typical" => "true",
        "retouched" => "false",
        "session" => "2",
        "before" => "{ src: crown-before.jpg, alt: \"Crown before session 1, in daylight\" }",
        "after" => "{ src: crown-after.jpg, alt: \"Crown four weeks after session 3, in daylight\" }",
        "src" => "crown-before.jpg",
        "alt" => "\"Crown before session 1, in daylight\"",
        "quote" => "\"I stopped wearing a cap to the gym.\"",
        "source" => "\"Google review, March 2026\"",
        "material_connection" => "none",
        "clinic" => "{ name: Example SMP Studio }",
        _ => "...",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_substitution_replaces_whole_words_only() {
        for (serde, words) in WORDS {
            assert_eq!(in_plain_words(&format!("a {serde}, or {serde}")), format!("a {words}, or {words}"));
            for longer in [format!("{serde}s"), format!("re{serde}"), format!("{serde}_x")] {
                assert_eq!(in_plain_words(&longer), longer, "{serde} inside a word");
            }
        }
        assert_eq!(plain("a YAML mapping"), "a group of `key: value` lines");
        assert_eq!(plain("a YAML sequence"), "a list (`[a, b]`, or lines starting with `- `)");
        assert!(!plain("a YAML tagged mapping value").contains("linesping"));
    }
}
