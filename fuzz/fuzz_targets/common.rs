//! Checks shared by the fuzz targets: what every message about a user's file must hold.

use smpsite::error::Diagnostic;

/// A message about `text` points inside it: a line that exists (or the one just past
/// the end, for "never closed") and a column within that line, and it says something.
pub fn assert_points_into(d: &Diagnostic, text: &str) {
    assert!(!d.message.trim().is_empty(), "a message with no words: {d:?}");
    if d.line == 0 {
        return;
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.split('\n').collect();
    assert!(d.line <= lines.len() + 1, "line {} of a {}-line file: {d:?}", d.line, lines.len());
    assert!(d.col >= 1, "column 0 on line {}: {d:?}", d.line);
    let width = lines.get(d.line - 1).map_or(0, |l| l.trim_end_matches('\r').chars().count());
    assert!(d.col <= width + 1, "column {} on a line of {width} characters: {d:?}", d.col);
}
