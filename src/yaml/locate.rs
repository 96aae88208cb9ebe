//! Where things are in a YAML text, read line by line (serde_yaml gives no positions
//! for values): a key, an entry of a list, and values a `#` cut short.

/// An unquoted value that a `#` cut short: YAML starts a comment at a space and `#`,
/// so `description: The #1 studio` reads "The".
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cut {
    /// 1-based line in the YAML, and column of the `#`.
    pub line: usize,
    pub col: usize,
    pub key: String,
    /// What YAML keeps, and what it drops as a comment.
    pub kept: String,
    pub dropped: String,
}

/// Every plain (unquoted) value in `yaml` that a `#` cut short. A deliberate comment
/// reads `value  # note`, with a space after the `#`; text such as `#1` or `#hairline`
/// is taken for part of the value.
pub(crate) fn cut_by_comment(yaml: &str) -> Vec<Cut> {
    let mut cuts = Vec::new();
    for (i, line) in yaml.lines().enumerate() {
        let trimmed = line.trim_start();
        let entry = trimmed.strip_prefix("- ").unwrap_or(trimmed);
        let Some((key, value)) = entry.split_once(": ") else { continue };
        if key.is_empty() || key.contains([' ', '"', '\'', '#']) {
            continue;
        }
        let value = value.trim_start();
        if value.starts_with(['"', '\'', '[', '{', '|', '>', '&', '*', '!', '#']) {
            continue;
        }
        let Some(at) = value
            .match_indices(" #")
            .map(|(at, _)| at + 1)
            .find(|&at| value[at + 1..].chars().next().is_some_and(|c| !c.is_whitespace() && c != '#'))
        else {
            continue;
        };
        let hash_byte = line.len() - value.len() + at;
        cuts.push(Cut {
            line: i + 1,
            col: line[..hash_byte].chars().count() + 1,
            key: key.to_string(),
            kept: value[..at].trim().to_string(),
            dropped: value[at..].trim_end().to_string(),
        });
    }
    cuts
}

/// The 1-based line and column of the first `key:` at the start of a line (any indent)
/// in `yaml`, for errors found after parsing (serde keeps no positions).
pub(crate) fn locate_key(yaml: &str, key: &str) -> Option<(usize, usize)> {
    yaml.lines().enumerate().find_map(|(i, line)| {
        let trimmed = line.trim_start();
        let trimmed_list = trimmed.strip_prefix("- ").unwrap_or(trimmed);
        let rest = trimmed_list.strip_prefix(key)?;
        let after = rest.trim_start();
        after.starts_with(':').then(|| (i + 1, line.len() - trimmed_list.len() + 1))
    })
}

/// The line and column of a key inside entry `index` of the list under `list_key:`, for
/// errors in structured lists (`before_after`, `testimonials`, `allow`). `path` walks
/// into the entry (`["before", "alt"]`); with an empty path, or a key the entry lacks,
/// the entry's own first line. Entries may be blocks (`- key: value` lines) or flow maps
/// (`- { key: value }`). None when the list or the entry cannot be found.
pub(crate) fn locate_entry(yaml: &str, list_key: &str, index: usize, path: &[&str]) -> Option<(usize, usize)> {
    let (list_line, _) = locate_key(yaml, list_key)?;
    let lines: Vec<&str> = yaml.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let list_indent = indent(lines[list_line - 1]);
    let (mut starts, mut end, mut item_indent) = (Vec::new(), lines.len(), None);
    for (i, line) in lines.iter().enumerate().skip(list_line) {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let at = indent(line);
        let item = trimmed == "-" || trimmed.starts_with("- ");
        if at < list_indent || (at == list_indent && !item) || item_indent.is_some_and(|ii| at < ii) {
            end = i;
            break;
        }
        if item && item_indent.is_none_or(|ii| ii == at) {
            item_indent = Some(at);
            starts.push(i);
        }
    }
    let first = *starts.get(index)?;
    let last = starts.get(index + 1).copied().unwrap_or(end);
    let column = |line: &str, byte: usize| line[..byte].chars().count() + 1;
    let mut found = (first, indent(lines[first]));
    'path: for key in path {
        for (i, line) in lines.iter().enumerate().take(last).skip(found.0) {
            let from = if i == found.0 { found.1 } else { 0 };
            let hit = line[from..].match_indices(key).map(|(at, _)| from + at).find(|&at| {
                let before = line[..at].trim_end_matches(' ');
                let after = line[at + key.len()..].trim_start_matches(' ');
                after.starts_with(':') && (before.is_empty() || before.ends_with(['{', ',', '-']))
            });
            if let Some(at) = hit {
                found = (i, at);
                continue 'path;
            }
        }
        break;
    }
    Some((found.0 + 1, column(lines[found.0], found.1)))
}

/// The line and column of the value of `key:` that reads `value` (quoted or not).
pub(crate) fn locate_value(text: &str, key: &str, value: &str) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let at = line.find(&format!("{key}:"))?;
        let rest = &line[at + key.len() + 1..];
        let value_at = at + key.len() + 1 + (rest.len() - rest.trim_start().len());
        let rest = rest.trim_start().trim_start_matches(['"', '\'']).trim_start();
        rest.starts_with(value.trim()).then(|| (i + 1, line[..value_at].chars().count() + 1))
    })
}
