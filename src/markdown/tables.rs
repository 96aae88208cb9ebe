//! Tables too wide to render, found before pulldown-cmark reads the text: it keeps a
//! few hundred bytes of memory per cell, and a 10 MB table of 100 000 columns took
//! 1.8 GB. A table is a header line with `|`, then a line of `---` cells (`|---|:-:|`),
//! the line that sets its number of columns.

/// Columns a table may have. A page is read on phones, where a handful fit; a price
/// list or an aftercare schedule needs fewer than ten, so 64 is room to spare.
pub const MAX_COLUMNS: usize = 64;

/// The first table of `text` wider than [`MAX_COLUMNS`]: the byte offset of its header
/// line, and its number of columns. Lines in fenced code are not tables.
pub(super) fn too_wide(text: &str) -> Option<(usize, usize)> {
    let mut fence: Option<(u8, usize)> = None;
    let mut header: Option<(usize, &str)> = None;
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let at = start;
        start += line.len();
        // Inside a quote or a list item, the table's lines start after `>` or spaces.
        let inner = line.trim_start_matches([' ', '\t', '>']).trim_end();
        if let Some(mark @ (b'`' | b'~')) = inner.bytes().next() {
            let run = inner.bytes().take_while(|&b| b == mark).count();
            if run >= 3 {
                fence = match fence {
                    None => Some((mark, run)),
                    Some((open, len)) if open == mark && run >= len && inner[run..].trim().is_empty() => None,
                    open => open,
                };
                header = None;
                continue;
            }
        }
        if fence.is_some() {
            continue;
        }
        if let Some((header_at, header_line)) = header {
            let is_rule = inner.contains('-') && inner.bytes().all(|b| matches!(b, b'|' | b'-' | b':' | b' ' | b'\t'));
            let columns = cells(inner);
            if is_rule && columns > MAX_COLUMNS && cells(header_line) > MAX_COLUMNS {
                return Some((header_at, columns));
            }
        }
        header = (inner.contains('|')).then_some((at, inner));
    }
    None
}

/// The cells of a table line: its parts between `|` (not `\|`), without the empty
/// ones before a leading or after a trailing `|`.
fn cells(line: &str) -> usize {
    let bytes = line.as_bytes();
    let pipes = (0..bytes.len()).filter(|&i| bytes[i] == b'|' && (i == 0 || bytes[i - 1] != b'\\')).count();
    (pipes + 1).saturating_sub(usize::from(line.starts_with('|')) + usize::from(line.ends_with('|') && line.len() > 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(columns: usize, prefix: &str) -> String {
        let row = format!("{prefix}{}|\n", "| a ".repeat(columns));
        format!("{row}{prefix}{}|\n{row}", "|:-:".repeat(columns))
    }

    #[test]
    fn finds_the_header_of_a_table_too_wide() {
        assert_eq!(too_wide(&table(MAX_COLUMNS, "")), None);
        let text = format!("Intro.\n\n{}", table(MAX_COLUMNS + 1, ""));
        assert_eq!(too_wide(&text), Some((8, MAX_COLUMNS + 1)));
        assert_eq!(too_wide(&table(100, "> ")), Some((0, 100)), "in a quote");
        assert_eq!(too_wide(&format!("- x\n{}", table(100, "  "))), Some((4, 100)), "in a list");
        assert_eq!(too_wide(&format!("```\n{}```\n", table(100, ""))), None, "in code");
        let code = format!("~~~~\n```\n{}~~~~\n", table(100, ""));
        assert_eq!(too_wide(&format!("{code}{}", table(70, ""))), Some((code.len(), 70)), "after code");
    }

    #[test]
    fn counts_cells_as_tables_do() {
        assert_eq!(cells("| a | b |"), 2);
        assert_eq!(cells("a | b"), 2);
        assert_eq!(cells("|a\\|b|"), 1);
        assert_eq!(cells("---|---|---"), 3);
    }
}
