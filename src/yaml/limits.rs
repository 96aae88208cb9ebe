//! Limits read from a YAML text in one linear pass, before serde_yaml sees it: how deep
//! lists and groups nest (libyaml's time grows with the square of the depth), and how
//! many bytes `*name` repeats add (serde_yaml limits how many repeats there are, not
//! their size, so one large anchored text repeated grows to gigabytes).
//!
//! The same pass finds the NUL characters written with an escape in double quotes
//! (`"\0"`), which CommonMark and browsers want as U+FFFD.
//!
//! The pass knows as much YAML as it needs: where a node starts (after indentation,
//! `- `, `? `, `: `, `[`, `{`, `,`, an anchor or a tag), quotes, comments and block
//! text (`|`, `>`). A level is each indentation of a block, each `- ` or `? ` that
//! opens a list or group on the line of its parent, and each `[` and `{`.

use std::collections::HashMap;
use std::ops::Range;

/// Levels of nesting allowed: a site needs a handful; serde_yaml gives up at 128.
pub(crate) const MAX_DEPTH: usize = 100;

/// Bytes that `*name` repeats may add to a document, all repeats together: a megabyte
/// is hundreds of pages of text, far more than any setting or page needs.
pub(crate) const MAX_REPEATED: usize = 1 << 20;

/// A limit the text crosses, at a byte offset into it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Breach<'a> {
    /// The node at `at` is nested `MAX_DEPTH + 1` levels deep.
    TooDeep { at: usize },
    /// The repeat `*name` at `at`, of about `bytes` bytes, takes all repeats past
    /// `MAX_REPEATED`.
    TooRepeated { at: usize, name: &'a str, bytes: usize },
}

/// The first limit `yaml` crosses; when it crosses none, where it writes a NUL
/// character with an escape in double quotes (`\0`, `\x00`, `\u0000`, `\U00000000`).
pub(crate) fn check(yaml: &str) -> Result<Vec<Range<usize>>, Breach<'_>> {
    let mut scan = Scan::new(yaml);
    scan.run()?;
    Ok(scan.nul_escapes)
}

/// A node marked `&name`: where it starts, and once it is complete where it ends.
struct Anchor {
    start: usize,
    end: Option<usize>,
    /// The indentation of its line (block context), or the flow level it is in.
    indent: usize,
    flow: usize,
    /// Its size with the repeats inside it, once asked for.
    size: Option<usize>,
}

struct Scan<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    /// Open `[` and `{`.
    flow: usize,
    /// Indentations of the open blocks, outermost first.
    blocks: Vec<usize>,
    /// The current line's indentation, and where the line starts.
    indent: usize,
    line_start: usize,
    /// Whether a node may start here (so `[`, `&`, `*`, quotes mean what YAML says).
    node_start: bool,
    /// Whether a `- ` or `? ` came before on this line (the next node is nested in it).
    after_marker: bool,
    /// Inside block text (`|`, `>`) under a line of this indentation.
    block_text: Option<usize>,
    anchors: Vec<Anchor>,
    /// Anchors whose node is not complete yet, innermost last.
    open: Vec<usize>,
    /// The last anchor of each name (a repeat refers to the last one before it).
    latest: HashMap<&'a str, usize>,
    /// Each repeat's offset, and the bytes of all repeats up to and including it.
    repeats: Vec<(usize, usize)>,
    nul_escapes: Vec<Range<usize>>,
}

impl<'a> Scan<'a> {
    fn new(text: &'a str) -> Self {
        Scan {
            text,
            bytes: text.as_bytes(),
            at: 0,
            flow: 0,
            blocks: Vec::new(),
            indent: 0,
            line_start: 0,
            node_start: true,
            after_marker: false,
            block_text: None,
            anchors: Vec::new(),
            open: Vec::new(),
            latest: HashMap::new(),
            repeats: Vec::new(),
            nul_escapes: Vec::new(),
        }
    }

    fn peek(&self, offset: usize) -> u8 {
        self.bytes.get(self.at + offset).copied().unwrap_or(b'\n')
    }

    fn run(&mut self) -> Result<(), Breach<'a>> {
        self.start_line()?;
        while self.at < self.bytes.len() {
            let c = self.bytes[self.at];
            match c {
                b'\n' => {
                    self.at += 1;
                    self.start_line()?;
                }
                b' ' | b'\t' | b'\r' => self.at += 1,
                b'#' if self.at == self.line_start || matches!(self.bytes[self.at - 1], b' ' | b'\t') => {
                    self.skip_line();
                }
                b'[' | b'{' if self.node_start || self.flow > 0 => {
                    self.flow += 1;
                    self.nested(self.flow)?;
                    self.node_start = true;
                    self.at += 1;
                }
                b']' | b'}' if self.flow > 0 => {
                    self.flow -= 1;
                    let flow = self.flow;
                    self.close(|a| a.flow > flow);
                    self.node_start = false;
                    self.at += 1;
                }
                b',' if self.flow > 0 => {
                    let flow = self.flow;
                    self.close(|a| a.flow >= flow);
                    self.node_start = true;
                    self.at += 1;
                }
                b'"' | b'\'' if self.node_start => {
                    self.nested(0)?;
                    self.skip_quoted(c);
                    self.node_start = false;
                }
                b'&' if self.node_start => {
                    self.nested(0)?;
                    let name = self.name();
                    let anchor = Anchor {
                        start: self.at - name.len() - 1,
                        end: None,
                        indent: self.indent,
                        flow: self.flow,
                        size: None,
                    };
                    self.latest.insert(name, self.anchors.len());
                    self.open.push(self.anchors.len());
                    self.anchors.push(anchor);
                }
                b'*' if self.node_start => {
                    let at = self.at;
                    let name = self.name();
                    self.repeat(at, name)?;
                    self.node_start = false;
                }
                b'!' if self.node_start => {
                    self.name();
                }
                b'|' | b'>' if self.node_start && self.flow == 0 => {
                    self.block_text = Some(self.indent);
                    self.skip_line();
                }
                b'-' | b'?' if self.node_start && self.flow == 0 && self.peek(1).is_ascii_whitespace() => {
                    self.nested(0)?;
                    self.after_marker = true;
                    self.at += 1;
                }
                b':' if self.ends_key() => {
                    self.node_start = true;
                    self.at += 1;
                }
                _ => {
                    if self.node_start {
                        self.nested(0)?;
                    }
                    self.node_start = false;
                    self.at += 1;
                }
            }
        }
        self.close(|_| true);
        Ok(())
    }

    /// At the start of a line: skips block text and blank lines, and in block context
    /// opens or closes blocks by the line's indentation.
    fn start_line(&mut self) -> Result<(), Breach<'a>> {
        loop {
            let spaces = self.bytes[self.at..].iter().take_while(|&&b| b == b' ').count();
            let first = self.bytes.get(self.at + spaces).copied();
            let blank = matches!(first, None | Some(b'\n' | b'\r'));
            if let Some(parent) = self.block_text {
                if blank || spaces > parent {
                    if !self.skip_line_break() {
                        return Ok(());
                    }
                    continue;
                }
                self.block_text = None;
            }
            if blank || first == Some(b'#') {
                if !self.skip_line_break() {
                    return Ok(());
                }
                continue;
            }
            self.line_start = self.at;
            self.at += spaces;
            self.node_start = true;
            self.after_marker = false;
            if self.flow > 0 {
                return Ok(());
            }
            self.indent = spaces;
            self.close(|a| a.flow > 0 || a.indent >= spaces);
            while self.blocks.last().is_some_and(|&b| b > spaces) {
                self.blocks.pop();
            }
            if self.blocks.last() != Some(&spaces) {
                self.blocks.push(spaces);
                self.nested(0)?;
            }
            return Ok(());
        }
    }

    /// Moves past the end of this line; false at the end of the text.
    fn skip_line_break(&mut self) -> bool {
        self.skip_line();
        self.at += 1;
        self.at <= self.bytes.len()
    }

    fn skip_line(&mut self) {
        self.at += self.bytes[self.at..].iter().position(|&b| b == b'\n').unwrap_or(self.bytes.len() - self.at);
    }

    /// A node starts here: one level more when it is the node after a `- ` or `? ` on
    /// its parent's line. Fails when the levels (with `extra` open `[` and `{`) pass
    /// the limit.
    fn nested(&mut self, extra: usize) -> Result<(), Breach<'a>> {
        if self.after_marker && self.flow == 0 {
            let column = self.at - self.line_start;
            if self.blocks.last().is_none_or(|&b| b < column) {
                self.blocks.push(column);
            }
            self.after_marker = false;
        }
        if self.blocks.len() + extra > MAX_DEPTH { Err(Breach::TooDeep { at: self.at }) } else { Ok(()) }
    }

    /// Whether the `:` here ends a key (a value follows), rather than being part of text.
    fn ends_key(&self) -> bool {
        let next = self.peek(1);
        next.is_ascii_whitespace()
            || (self.flow > 0 && (matches!(next, b',' | b'[' | b']' | b'{' | b'}') || self.after_quote()))
    }

    fn after_quote(&self) -> bool {
        self.at > 0 && matches!(self.bytes[self.at - 1], b'"' | b'\'')
    }

    /// The name after `&`, `*` or `!`, moving past it.
    fn name(&mut self) -> &'a str {
        let start = self.at + 1;
        let flow = self.flow > 0;
        let len = self.bytes[start..]
            .iter()
            .position(|&b| b.is_ascii_whitespace() || (flow && matches!(b, b',' | b'[' | b']' | b'{' | b'}')))
            .unwrap_or(self.bytes.len() - start);
        self.at = start + len;
        &self.text[start..start + len]
    }

    /// Moves past a quoted text, over its line breaks too.
    fn skip_quoted(&mut self, quote: u8) {
        let mut i = self.at + 1;
        while i < self.bytes.len() {
            match self.bytes[i] {
                b'\\' if quote == b'"' => {
                    let escape = &self.bytes[i + 1..];
                    let nul = [&b"0"[..], b"x00", b"u0000", b"U00000000"].into_iter().find(|e| escape.starts_with(e));
                    if let Some(nul) = nul {
                        self.nul_escapes.push(i..i + 1 + nul.len());
                    }
                    i += 2;
                }
                b'\'' if quote == b'\'' && self.bytes.get(i + 1) == Some(&b'\'') => i += 2,
                b if b == quote => {
                    i += 1;
                    break;
                }
                _ => i += 1,
            }
        }
        self.at = i.min(self.bytes.len());
    }

    /// Completes the innermost open anchors while `done` says they are.
    fn close(&mut self, done: impl Fn(&Anchor) -> bool) {
        while let Some(&last) = self.open.last() {
            if !done(&self.anchors[last]) {
                break;
            }
            self.anchors[last].end = Some(self.at);
            self.open.pop();
        }
    }

    /// Counts the repeat `*name` at `at`: the bytes of the node it repeats.
    fn repeat(&mut self, at: usize, name: &'a str) -> Result<(), Breach<'a>> {
        let bytes = self.latest.get(name).copied().map_or(0, |i| self.size(i));
        let total = self.repeats.last().map_or(0, |r| r.1).saturating_add(bytes);
        self.repeats.push((at, total));
        if total > MAX_REPEATED { Err(Breach::TooRepeated { at, name, bytes }) } else { Ok(()) }
    }

    /// The bytes anchor `i` stands for: its text and what the repeats inside it add.
    /// An anchor repeated inside itself counts nothing (serde_yaml refuses it).
    fn size(&mut self, i: usize) -> usize {
        let anchor = &self.anchors[i];
        let Some(end) = anchor.end else { return 0 };
        if let Some(size) = anchor.size {
            return size;
        }
        let sum_before = |offset: usize| {
            let n = self.repeats.partition_point(|r| r.0 < offset);
            if n == 0 { 0 } else { self.repeats[n - 1].1 }
        };
        let inside = sum_before(end) - sum_before(anchor.start);
        let size = (end - anchor.start).saturating_add(inside);
        self.anchors[i].size = Some(size);
        size
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth_breach(yaml: &str) -> Option<usize> {
        match check(yaml) {
            Err(Breach::TooDeep { at }) => Some(at),
            _ => None,
        }
    }

    fn fine(yaml: &str) -> bool {
        check(yaml).is_ok()
    }

    #[test]
    fn counts_blocks_markers_and_brackets() {
        let ok = "a:\n  b:\n    - - x\n      - { c: [1, 2] }\n";
        assert!(fine(ok));
        let blocks: String = (0..MAX_DEPTH).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
        assert!(fine(&blocks), "exactly the limit");
        let over = format!("{blocks}{}k: 1\n", " ".repeat(MAX_DEPTH));
        assert_eq!(depth_breach(&over), Some(blocks.len() + MAX_DEPTH));
        assert!(fine(&format!("x:\n{}", "- ".repeat(MAX_DEPTH - 1))));
        assert!(depth_breach(&format!("x:\n{}", "- ".repeat(MAX_DEPTH + 1))).is_some());
    }

    #[test]
    fn brackets_in_text_quotes_comments_and_block_text_are_not_levels() {
        let deep = "[".repeat(MAX_DEPTH + 1);
        for text in [
            format!("a: text {deep}\n"),
            format!("a: \"{deep}\"\n"),
            format!("a: '{deep}\n  {deep}'\n"),
            format!("a: 1 # {deep}\n"),
            format!("a: |\n  {deep}\n\n  {deep}\nb: 2\n"),
        ] {
            assert!(fine(&text), "{text}");
        }
        assert_eq!(depth_breach(&format!("a: |\n  x\nb: {deep}\n")), Some(12 + MAX_DEPTH - 1));
    }

    #[test]
    fn repeats_count_the_bytes_of_what_they_repeat() {
        let big = "x".repeat(MAX_REPEATED / 4 - 10);
        let four = format!("a: &a {big}\nb: [*a, *a, *a, *a]\n");
        assert!(fine(&four), "four repeats of a quarter, less the anchor line");
        let five = format!("a: &a {big}\nb: [*a, *a, *a, *a, *a]\n");
        let at = five.rfind("*a").unwrap();
        assert!(matches!(check(&five), Err(Breach::TooRepeated { at: a, name: "a", .. }) if a == at));
        // Block and flow nodes, and repeats of repeats.
        let nested = format!("a: &a\n  - {big}\nb: &b {{ k: [*a, *a] }}\nc: *b\nd: *b\n");
        let at = nested.find("*b").unwrap();
        assert!(matches!(check(&nested), Err(Breach::TooRepeated { at: a, name: "b", .. }) if a == at));
        // A name used again names the later node.
        let renamed = format!("a: &a {big}\nb: &a x\nc: [{}]\n", vec!["*a"; 100].join(", "));
        assert!(fine(&renamed));
        assert!(fine("a: *missing\nb: &c [*c]\n"));
    }

    #[test]
    fn finds_nul_escapes_in_double_quotes_only() {
        let yaml = "a: \"x\\0y\\\\0\\x00\\u0000\\U00000000\\x01\"\nb: 'x\\0'\nc: x\\0\n";
        let found: Vec<&str> = check(yaml).unwrap().into_iter().map(|r| &yaml[r]).collect();
        assert_eq!(found, ["\\0", "\\x00", "\\u0000", "\\U00000000"], "{yaml}");
    }
}
