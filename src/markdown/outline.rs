//! The [`Outline`] the content rules read, gathered in the same pass as the HTML: the
//! prose a reader sees (mapped back to the source), the links and images, and what
//! `#anchors` can target.

use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Tag, TagEnd};

use super::headings::{RESERVED_IDS, html_ids};
use super::links::risky_html;

/// What the content checks read from a page's Markdown, gathered by [`render`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outline {
    /// The text a reader sees, block after block (separated by `\0`), without code
    /// spans, code blocks or raw HTML. Map positions back with [`Outline::source_offset`].
    pub prose: String,
    /// (position in `prose`, byte offset in the Markdown, whether the text is verbatim
    /// from the source there), sorted by position.
    segments: Vec<(usize, usize, bool)>,
    /// Every link and image, in order.
    pub links: Vec<LinkRef>,
    /// Raw HTML that runs code or embeds another site (`<script>`, `<iframe>`,
    /// `onclick=`, `javascript:`): (byte range in the Markdown, what it is).
    pub risky_html: Vec<(Range<usize>, String)>,
    /// What a link's `#anchor` can target on the page.
    pub anchors: Anchors,
    /// Where the clinic's details were put in the text read (see `values.rs`): offsets
    /// map back through them to the source.
    splices: super::Splices,
    /// While reading: inside a code block; inside an image (its index in `links`).
    in_code_block: bool,
    in_image: Option<usize>,
}

/// What a link's `#anchor` can target on a page: sorted once the page is rendered
/// ([`Anchors::seal`]), so each look-up is a binary search, not a scan of every id (a
/// page of 20,000 headings linking to itself would be quadratic otherwise).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Anchors {
    /// The headings' ids, as rendered.
    pub(super) headings: Vec<String>,
    /// `id="…"` attributes in raw HTML.
    html: Vec<String>,
}

impl Anchors {
    pub(super) fn seal(&mut self) {
        self.headings.sort_unstable();
        self.html.sort_unstable();
    }

    /// Whether `id` is a heading's id, one the theme reserves, or one of raw HTML.
    pub fn contains(&self, id: &str) -> bool {
        let has = |ids: &[String]| ids.binary_search_by(|h| h.as_str().cmp(id)).is_ok();
        has(&self.headings) || has(&self.html) || RESERVED_IDS.contains(&id)
    }

    /// The headings' ids, the ids the theme reserves, and those of raw HTML.
    pub fn ids(&self) -> HashSet<&str> {
        let reserved = RESERVED_IDS.iter().copied();
        self.headings.iter().chain(&self.html).map(String::as_str).chain(reserved).collect()
    }
}

/// A link or image as written in the Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    /// Where it leads, as written.
    pub dest: String,
    /// Byte range of the whole link or image (`[text](dest)`) in the Markdown.
    pub range: Range<usize>,
    /// Whether it is an image (`![alt](dest)`) rather than a link.
    pub image: bool,
    /// An image's alt text (the words in its brackets); empty for links.
    pub alt: String,
}

impl Outline {
    /// The byte offset in the Markdown of the character at `pos` in `prose`. Text that
    /// is not verbatim in the source (an entity, smart punctuation) maps to where it starts.
    pub fn source_offset(&self, pos: usize) -> usize {
        let i = self.segments.partition_point(|s| s.0 <= pos).saturating_sub(1);
        let offset = match self.segments.get(i) {
            Some(&(start, source, true)) => source + (pos - start),
            Some(&(_, source, false)) => source,
            None => 0,
        };
        self.splices.source(offset)
    }

    /// Maps what was read of the text with the clinic's details in back to the source.
    pub(super) fn unexpand(&mut self, splices: super::Splices) {
        for link in &mut self.links {
            link.range = splices.source_range(&link.range);
        }
        for (range, _) in &mut self.risky_html {
            *range = splices.source_range(range);
        }
        self.splices = splices;
    }

    /// Takes in one event of the parse of `text`; headings are added by `render`,
    /// which works out their text.
    pub(super) fn read(&mut self, event: &Event, range: &Range<usize>, text: &str) {
        match event {
            Event::Text(t) if !self.in_code_block => {
                if let Some(i) = self.in_image {
                    self.links[i].alt.push_str(t);
                }
                self.push(t, range.start, text.get(range.clone()) == Some(&**t));
            }
            Event::Code(_) => self.end_block(),
            Event::SoftBreak | Event::HardBreak => self.push(" ", range.start, false),
            Event::Html(html) | Event::InlineHtml(html) => {
                self.anchors.html.extend(html_ids(html));
                let source = text.get(range.clone()).unwrap_or("");
                for found in risky_html(html) {
                    // Where the finding sits in the source (the event's text is verbatim there).
                    let at = source.find(found).map_or(range.start, |i| range.start + i);
                    self.risky_html.push((at..at + found.len(), found.trim().to_string()));
                }
            }
            Event::Start(Tag::CodeBlock(_)) => {
                self.in_code_block = true;
                self.end_block();
            }
            Event::End(TagEnd::CodeBlock) => self.in_code_block = false,
            Event::Start(Tag::Link { dest_url, link_type, .. }) => {
                let dest = match link_type {
                    LinkType::Email => format!("mailto:{dest_url}"),
                    _ => dest_url.to_string(),
                };
                let link = LinkRef { dest, range: range.clone(), image: false, alt: String::new() };
                self.links.push(link);
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                self.in_image = Some(self.links.len());
                let image =
                    LinkRef { dest: dest_url.to_string(), range: range.clone(), image: true, alt: String::new() };
                self.links.push(image);
            }
            Event::End(TagEnd::Image) => self.in_image = None,
            Event::Start(tag) if !is_inline(tag) => self.end_block(),
            Event::End(tag) if !is_inline_end(*tag) => self.end_block(),
            _ => {}
        }
    }

    fn push(&mut self, text: &str, source: usize, verbatim: bool) {
        self.segments.push((self.prose.len(), source, verbatim));
        self.prose.push_str(text);
    }

    /// Ends a block, so no match runs from one into the next.
    fn end_block(&mut self) {
        if !self.prose.is_empty() && !self.prose.ends_with('\0') {
            self.prose.push('\0');
        }
    }
}

fn is_inline(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Superscript | Tag::Subscript | Tag::Link { .. }
    )
}

fn is_inline_end(tag: TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
    )
}
