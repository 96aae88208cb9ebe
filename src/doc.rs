//! One Markdown file of `content/`, parsed: its front matter, where its body starts,
//! and positions in it for messages; plus the fingerprints (`hash_of`) that tell serve
//! what changed. Pure: bytes in, document or diagnostics out.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::Diagnostic;
use crate::fingerprint::hash_of;
use crate::front_matter::{self, Meta};
use crate::theme::slash_path;
use crate::yaml;

/// A Markdown file whose front matter parsed.
#[derive(Debug, Clone)]
pub struct Doc {
    /// Relative to `content/`: `process/first-session.md`.
    pub source: PathBuf,
    /// `source` with `/` separators: how links and the graph's indexes name it.
    pub key: String,
    /// The file's bytes, shared with the sources (never copied), checked to be UTF-8.
    bytes: Arc<[u8]>,
    pub(crate) meta: Meta,
    /// A hash of the front matter's text: all that other pages show of this one
    /// (title, description, dates...), so a body edit leaves their [`crate::render::Renderer::key`] alone.
    pub meta_hash: u64,
    /// A hash of the front matter that decides the site graph's shape and the output
    /// plan (draft, slug, kind, stage, aliases, template, faq): while it stays, a
    /// front-matter edit is patched into the graph ([`crate::site::Site::patch`]).
    pub shape_hash: u64,
    /// Byte range of the front matter's YAML in `text`, and the line it starts on.
    yaml: Range<usize>,
    yaml_line: usize,
    /// Byte offset and 1-based line where the body starts in `text`.
    body_offset: usize,
    body_line: usize,
    /// The list page of a folder that has no `_index.md`, made by the build (see
    /// [`Doc::implicit_section`]): no file to check or point into.
    pub implicit: bool,
}

impl Doc {
    /// Splits and parses the Markdown file `source` (relative to `content/`) whose
    /// content is `bytes`.
    pub fn parse(source: PathBuf, bytes: Arc<[u8]>) -> Result<Doc, Vec<Diagnostic>> {
        let shown = Path::new("content").join(&source);
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            let (line, col) = crate::source::utf8_position(&bytes, e.valid_up_to());
            vec![
                Diagnostic::error(
                    &shown,
                    line,
                    col,
                    "the file is not valid UTF-8 text (it may have been saved in another encoding)",
                )
                .with_help("save the file as UTF-8 in your editor, or retype the character at this position"),
            ]
        })?;
        let split = front_matter::split(text, &shown).map_err(|d| vec![d])?;
        let meta = front_matter::parse(&split, text, &shown)?;
        let offset = |part: &str| part.as_ptr() as usize - text.as_ptr() as usize;
        let yaml = offset(split.yaml)..offset(split.yaml) + split.yaml.len();
        let (yaml_line, body_offset, body_line) = (split.yaml_line, offset(split.body), split.body_line);
        let meta_hash = hash_of(split.yaml);
        let fm = &meta.fm;
        let shape_hash = hash_of((fm.draft, &fm.slug, fm.kind, fm.stage, &fm.aliases, &fm.template, fm.faq));
        let key = slash_path(&source);
        Ok(Doc {
            source,
            key,
            meta,
            meta_hash,
            shape_hash,
            yaml,
            yaml_line,
            body_offset,
            body_line,
            bytes,
            implicit: false,
        })
    }

    /// The section of a content folder without an `_index.md` (`journal/2019`): a
    /// listing page titled after the folder ("2019"), as if `_index.md` held only that.
    pub fn implicit_section(dir: &str) -> Doc {
        let name = key_name(dir).replace(['-', '_'], " ");
        let mut chars = name.trim().chars();
        let title: String = chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect());
        let title = if title.is_empty() { key_name(dir).to_string() } else { title };
        let quoted = serde_json::to_string(&title).unwrap_or_else(|_| "\"Section\"".into());
        let bytes: Arc<[u8]> = format!("---\ntitle: {quoted}\n---\n").into_bytes().into();
        let source = PathBuf::from(format!("{dir}/_index.md"));
        let mut doc = Doc::parse(source, bytes).expect("a quoted title is valid front matter");
        doc.implicit = true;
        doc
    }

    /// The whole file.
    pub fn text(&self) -> &str {
        // Checked in `Doc::parse`, and the bytes cannot change: this cannot fail. Checking
        // again costs far less than a copy of every page's text would cost in memory.
        std::str::from_utf8(&self.bytes).unwrap_or_default()
    }

    pub(crate) fn body(&self) -> &str {
        &self.text()[self.body_offset..]
    }

    /// The path users know: `content/process/first-session.md`.
    pub fn display_path(&self) -> PathBuf {
        Path::new("content").join(&self.source)
    }

    /// 1-based (line, col) in the file of byte `offset` into the body.
    pub fn body_position(&self, offset: usize) -> (usize, usize) {
        let before = &self.body()[..offset];
        let line = self.body_line + before.matches('\n').count();
        let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        (line, col)
    }

    /// The byte offset in `text` of byte `offset` into the body.
    pub fn body_offset(&self, offset: usize) -> usize {
        self.body_offset + offset
    }

    /// (line, column, length in characters) of the byte range `start..end` of `text`;
    /// a range running past its first line is cut at the line's end.
    pub fn span(&self, start: usize, end: usize) -> (usize, usize, usize) {
        let text = self.text();
        // Offsets mapped from rendered text (smart quotes are longer than the quote
        // typed) may fall inside a character: round them down to one.
        let floor = |mut at: usize| {
            at = at.min(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            at
        };
        let (start, end) = (floor(start), floor(end));
        let before = &text[..start];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        let rest = &text[start..end.max(start)];
        let len = rest.split('\n').next().unwrap_or("").trim_end_matches('\r').chars().count();
        (line, col, len)
    }

    /// Where `key:` sits in the front matter (its first line when absent).
    pub fn key_position(&self, key: &str) -> (usize, usize) {
        yaml::locate_key(&self.text()[self.yaml.clone()], key)
            .map_or((self.yaml_line, 1), |(l, c)| (l + self.yaml_line - 1, c))
    }

    /// Where `needle` (text from the value of `key`) is written in the front matter:
    /// its first occurrence from `key:` on; where `key:` sits when it cannot be found
    /// (a value folded over several lines, say).
    pub fn value_position(&self, key: &str, needle: &str) -> (usize, usize) {
        let (line, col) = self.key_position(key);
        let yaml = &self.text()[self.yaml.clone()];
        yaml.lines()
            .enumerate()
            .skip(line - self.yaml_line)
            .find_map(|(i, l)| l.find(needle).map(|at| (i + self.yaml_line, l[..at].chars().count() + 1)))
            .unwrap_or((line, col))
    }

    /// Where a key sits inside entry `index` of the front matter list `list` (see
    /// [`yaml::locate_entry`]); the list's key when the entry cannot be found.
    pub fn entry_position(&self, list: &str, index: usize, path: &[&str]) -> (usize, usize) {
        yaml::locate_entry(&self.text()[self.yaml.clone()], list, index, path)
            .map_or_else(|| self.key_position(list), |(l, c)| (l + self.yaml_line - 1, c))
    }

    pub(crate) fn error_at_key(&self, key: &str, message: impl Into<String>) -> Diagnostic {
        let (line, col) = self.key_position(key);
        Diagnostic::error(self.display_path(), line, col, message).with_source(self.text())
    }
}

/// The last part of a content key: `process/first.md` -> `first.md`.
pub(crate) fn key_name(key: &str) -> &str {
    key.rsplit_once('/').map_or(key, |(_, name)| name)
}

/// The folder of a content key: `process/first.md` -> `process`; `first.md` -> ``.
pub(crate) fn key_dir(key: &str) -> &str {
    key.rsplit_once('/').map_or("", |(dir, _)| dir)
}
