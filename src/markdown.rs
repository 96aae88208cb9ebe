//! Markdown -> HTML with pulldown-cmark: CommonMark plus tables, footnotes,
//! strikethrough, task lists, heading ids, smart punctuation, GitHub-style alerts and
//! definition lists (as Hugo and Zola render them).
//! Pure: it knows nothing of pages or templates; links go through a resolver the
//! caller supplies, and FAQ pages come back split into questions and answers. The same
//! pass gathers an [`Outline`] for the content rules: the prose a reader sees (mapped
//! back to the source), the links and images, and what `#anchors` can target.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{BlockQuoteKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd, html};

/// What the caller's resolver decides for a link or image destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// Leave the destination as written.
    Keep,
    /// Use this destination instead.
    Replace(String),
    /// The destination leads nowhere: (what is wrong, how to fix it).
    Broken { message: String, help: String },
}

/// What the caller knows about the site: where links lead, and how big images are.
/// A plain closure `Fn(&str) -> LinkTarget` is a resolver that knows no image sizes.
pub trait Resolver {
    /// Decides a link or image destination.
    fn link(&self, dest: &str) -> LinkTarget;
    /// The pixel size of the image at a resolved URL, when it is one of the site's files.
    fn image_size(&self, _url: &str) -> Option<(u32, u32)> {
        None
    }
}

impl<F: Fn(&str) -> LinkTarget> Resolver for F {
    fn link(&self, dest: &str) -> LinkTarget {
        self(dest)
    }
}

/// A link the resolver rejected, at a byte offset into the Markdown text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkProblem {
    pub offset: usize,
    pub message: String,
    pub help: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// One question of an FAQ page: every `## ` heading is a question, what follows until
/// the next one is its answer.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct FaqItem {
    pub question: String,
    pub id: String,
    pub answer: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    /// The whole body; for FAQ pages only the intro before the first question.
    pub html: String,
    pub headings: Vec<Heading>,
    pub faq: Vec<FaqItem>,
    pub problems: Vec<LinkProblem>,
    pub outline: Outline,
    /// The URL of the first site photo, and its size: the page's social preview.
    pub first_photo: Option<(String, (u32, u32))>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_GFM
        | Options::ENABLE_DEFINITION_LIST
}

/// Ids the default theme uses itself, which headings must not take.
const RESERVED_IDS: &[&str] = &["main", "top"];

/// Renders `text`. `faq` splits the result at `## ` headings; `resolver` decides every
/// link and image destination and gives images their size (so pages do not shift as
/// images load).
pub fn render(text: &str, faq: bool, resolver: &dyn Resolver) -> Rendered {
    let mut out = Rendered::default();
    let mut ids = Ids::default();
    let mut events: Vec<Event> = Vec::new();
    // Index in `events` of the open heading's start, while inside one.
    let mut heading_start: Option<usize> = None;
    // FAQ boundaries: (index of the `## ` start event in `events`, heading index).
    let mut questions: Vec<(usize, usize)> = Vec::new();
    // While inside an image: its resolved URL, title, and where its alt text starts.
    let mut image: Option<(String, String, usize)> = None;
    // The first photo loads at once; the rest as the reader scrolls to them.
    let mut loading = crate::photo::Loading::Eager;

    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        out.outline.read(&event, &range, text);
        match event {
            // `<someone@example.org>`: the HTML writer adds `mailto:`; it is no file of the site.
            Event::Start(Tag::Link { link_type: LinkType::Email, .. }) => events.push(event),
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let dest_url = resolved(dest_url, false, range.start, resolver, &mut out.problems);
                events.push(Event::Start(Tag::Link { link_type, dest_url, title, id }));
            }
            Event::Start(Tag::Image { dest_url, title, .. }) => {
                let dest_url = resolved(dest_url, true, range.start, resolver, &mut out.problems);
                image = Some((dest_url.into_string(), title.into_string(), events.len()));
            }
            Event::End(TagEnd::Image) => {
                let (url, title, alt_start) = image.take().expect("image end follows its start");
                let alt = plain_text(&events[alt_start..]);
                events.truncate(alt_start);
                let size = resolver.image_size(&url);
                let html = match size {
                    Some(size) if crate::photo::format_of(&url).is_some() => {
                        let html = picture_tag(&url, &alt, &title, size, loading);
                        loading = crate::photo::Loading::Lazy;
                        out.first_photo.get_or_insert_with(|| (url.clone(), size));
                        html
                    }
                    _ => img_tag(&url, &alt, &title, size),
                };
                events.push(Event::InlineHtml(html.into()));
            }
            Event::Start(Tag::Heading { .. }) => {
                heading_start = Some(events.len());
                events.push(event);
            }
            Event::End(TagEnd::Heading(level)) => {
                let start = heading_start.take().expect("heading end follows its start");
                let text = plain_text(&events[start + 1..]);
                if let Event::Start(Tag::Heading { id, .. }) = &mut events[start] {
                    let unique = ids.assign(id.as_deref(), &text);
                    out.outline.anchors.headings.push(unique.clone());
                    *id = Some(unique.clone().into());
                    if faq && level == HeadingLevel::H2 {
                        questions.push((start, out.headings.len()));
                    }
                    out.headings.push(Heading { level: level as u8, id: unique, text });
                }
                events.push(Event::End(TagEnd::Heading(level)));
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, title) = alert(kind);
                events.push(Event::Html(
                    format!("<div class=\"markdown-alert markdown-alert-{class}\">\n<p class=\"markdown-alert-title\">{title}</p>\n").into(),
                ));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => events.push(Event::Html("</div>\n".into())),
            // A checkbox needs an accessible name; the item's text follows it.
            Event::TaskListMarker(done) => events.push(Event::InlineHtml(
                if done {
                    "<input type=\"checkbox\" disabled checked aria-label=\"done\"> "
                } else {
                    "<input type=\"checkbox\" disabled aria-label=\"to do\"> "
                }
                .into(),
            )),
            other => events.push(other),
        }
    }
    out.outline.anchors.seal();

    if questions.is_empty() {
        html::push_html(&mut out.html, events.into_iter());
        return out;
    }
    let first = questions[0].0;
    html::push_html(&mut out.html, events[..first].iter().cloned());
    for (i, &(start, heading)) in questions.iter().enumerate() {
        let end = questions.get(i + 1).map_or(events.len(), |q| q.0);
        // Skip the heading itself: the theme shows the question in a <summary>.
        let body_start = events[start..end]
            .iter()
            .position(|e| matches!(e, Event::End(TagEnd::Heading(_))))
            .map_or(end, |p| start + p + 1);
        let mut answer = String::new();
        html::push_html(&mut answer, events[body_start..end].iter().cloned());
        let h = &out.headings[heading];
        out.faq.push(FaqItem { question: h.text.clone(), id: h.id.clone(), answer });
    }
    out
}

/// Renders a one-line snippet (an aftercare item, a healing note) without the `<p>`.
/// A URL that runs code is left out (see [`inline_problems`], which reports it).
pub fn render_inline(text: &str) -> String {
    let mut html = String::new();
    let events = Parser::new_ext(text, options()).map(|event| match event {
        Event::Start(Tag::Link { link_type, dest_url, title, id }) if unsafe_scheme(&dest_url, false).is_some() => {
            Event::Start(Tag::Link { link_type, dest_url: "#".into(), title, id })
        }
        Event::Start(Tag::Image { link_type, dest_url, title, id }) if unsafe_scheme(&dest_url, true).is_some() => {
            Event::Start(Tag::Image { link_type, dest_url: "#".into(), title, id })
        }
        other => other,
    });
    html::push_html(&mut html, events);
    let trimmed = html.trim_end();
    match trimmed.strip_prefix("<p>").and_then(|s| s.strip_suffix("</p>")) {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => trimmed.to_string(),
    }
}

/// A site photo: `<picture>` with its smaller copies (see `photo::picture_html`).
fn picture_tag(url: &str, alt: &str, title: &str, size: (u32, u32), loading: crate::photo::Loading) -> String {
    let (mut u, mut a, mut t) = (String::new(), String::new(), String::new());
    pulldown_cmark_escape::escape_href(&mut u, url).expect("writing to a String");
    pulldown_cmark_escape::escape_html(&mut a, alt).expect("writing to a String");
    pulldown_cmark_escape::escape_html(&mut t, title).expect("writing to a String");
    crate::photo::picture_html(&u, &a, &t, size, loading)
}

/// `<img>` with its size when known, so the page keeps its layout while images load.
fn img_tag(url: &str, alt: &str, title: &str, size: Option<(u32, u32)>) -> String {
    let mut tag = String::from("<img src=\"");
    pulldown_cmark_escape::escape_href(&mut tag, url).expect("writing to a String");
    tag.push_str("\" alt=\"");
    pulldown_cmark_escape::escape_html(&mut tag, alt).expect("writing to a String");
    tag.push('"');
    if !title.is_empty() {
        tag.push_str(" title=\"");
        pulldown_cmark_escape::escape_html(&mut tag, title).expect("writing to a String");
        tag.push('"');
    }
    if let Some((width, height)) = size {
        tag.push_str(&format!(" width=\"{width}\" height=\"{height}\""));
    }
    tag.push('>');
    tag
}

/// The links and images of a one-line snippet whose URL runs code, at their byte offsets.
pub fn inline_problems(text: &str) -> Vec<LinkProblem> {
    let mut problems = Vec::new();
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        let (dest, image) = match &event {
            Event::Start(Tag::Link { link_type, dest_url, .. }) if *link_type != LinkType::Email => (dest_url, false),
            Event::Start(Tag::Image { dest_url, .. }) => (dest_url, true),
            _ => continue,
        };
        if let Some(problem) = unsafe_problem(dest, image, range.start) {
            problems.push(problem);
        }
    }
    problems
}

/// The scheme (`javascript`, `vbscript`, `data`) when `dest` is a URL that runs code or
/// shows a page of its own in the reader's browser; `data:image/…` is fine in an image.
/// Read the way a browser reads it: entities are already decoded by the Markdown
/// parser, leading spaces and control characters and any tab or line break inside are
/// ignored, and case does not matter (`&#106;ava\tScript:` is `javascript:`).
pub fn unsafe_scheme(dest: &str, image: bool) -> Option<&'static str> {
    let cleaned: String = dest
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take(40)
        .collect::<String>()
        .to_ascii_lowercase();
    let (scheme, rest) = cleaned.split_once(':')?;
    match scheme {
        "javascript" => Some("javascript"),
        "vbscript" => Some("vbscript"),
        "data" if !(image && rest.trim_start().starts_with("image/")) => Some("data"),
        _ => None,
    }
}

/// The error for a link or image whose URL runs code, if it is one.
fn unsafe_problem(dest: &str, image: bool, offset: usize) -> Option<LinkProblem> {
    let scheme = unsafe_scheme(dest, image)?;
    let what = if image { "image" } else { "link" };
    let message = match scheme {
        "data" => format!(
            "the {what} `{}` carries a whole document in its address (`data:`), which a browser runs like a page",
            shorten(dest)
        ),
        _ => format!("the {what} `{}` runs a script (`{scheme}:`) in the reader's browser", shorten(dest)),
    };
    let help = if image {
        "point the image at a photo file (`photo.jpg` beside the page, or `/images/photo.jpg` from static/)"
    } else {
        "link to a page of the site (`contact.md`, `/contact/`) or a web address starting with https://"
    };
    Some(LinkProblem { offset, message, help: help.into() })
}

/// At most 60 characters of `text`, so a long address does not fill the screen.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

fn resolved<'a>(
    dest: CowStr<'a>,
    image: bool,
    offset: usize,
    resolver: &dyn Resolver,
    problems: &mut Vec<LinkProblem>,
) -> CowStr<'a> {
    if let Some(problem) = unsafe_problem(&dest, image, offset) {
        problems.push(problem);
        return "#".into();
    }
    match resolver.link(&dest) {
        LinkTarget::Keep => dest,
        LinkTarget::Replace(url) => url.into(),
        LinkTarget::Broken { message, help } => {
            problems.push(LinkProblem { offset, message, help });
            dest
        }
    }
}

/// The text of a run of inline events (a heading's words).
fn plain_text(events: &[Event]) -> String {
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
struct Ids {
    taken: HashSet<String>,
    next_suffix: HashMap<String, usize>,
}

impl Default for Ids {
    fn default() -> Self {
        Ids { taken: RESERVED_IDS.iter().map(|s| s.to_string()).collect(), next_suffix: HashMap::new() }
    }
}

impl Ids {
    fn assign(&mut self, chosen: Option<&str>, text: &str) -> String {
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
    pub anchors: Anchors,
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
    headings: Vec<String>,
    /// `id="…"` attributes in raw HTML.
    html: Vec<String>,
}

impl Anchors {
    fn seal(&mut self) {
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
    pub dest: String,
    /// Byte range of the whole link or image (`[text](dest)`) in the Markdown.
    pub range: Range<usize>,
    pub image: bool,
    /// An image's alt text (the words in its brackets); empty for links.
    pub alt: String,
}

impl Outline {
    /// The byte offset in the Markdown of the character at `pos` in `prose`. Text that
    /// is not verbatim in the source (an entity, smart punctuation) maps to where it starts.
    pub fn source_offset(&self, pos: usize) -> usize {
        let i = self.segments.partition_point(|s| s.0 <= pos).saturating_sub(1);
        match self.segments.get(i) {
            Some(&(start, source, true)) => source + (pos - start),
            Some(&(_, source, false)) => source,
            None => 0,
        }
    }

    /// Takes in one event of the parse of `text`; headings are added by `render`,
    /// which works out their text.
    fn read(&mut self, event: &Event, range: &Range<usize>, text: &str) {
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

/// The pieces of raw HTML that run code or embed another site: `<script`, `<iframe`,
/// `<object`, `<embed`, an `on…=` event handler, a `javascript:` or `vbscript:` address.
pub fn risky_html(html: &str) -> Vec<&str> {
    static RISKY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)<\s*(?:script|iframe|object|embed)\b|\son[a-z]+\s*=|(?:java|vb)script\s*:")
            .expect("a valid pattern")
    });
    RISKY.find_iter(html).map(|m| m.as_str()).collect()
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

fn alert(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keep(_: &str) -> LinkTarget {
        LinkTarget::Keep
    }

    fn html(text: &str) -> String {
        render(text, false, &keep).html
    }

    #[test]
    fn renders_gfm_extensions() {
        assert!(html("| a | b |\n|---|---|\n| 1 | 2 |\n").contains("<table>"));
        assert!(html("~~old~~").contains("<del>old</del>"));
        assert!(html("- [x] done\n").contains("<input type=\"checkbox\" disabled checked aria-label=\"done\">"));
        assert!(html("- [ ] dry scalp\n").contains("<input type=\"checkbox\" disabled aria-label=\"to do\">"));
        assert!(html("Note[^1]\n\n[^1]: Here.\n").contains("footnote-definition"));
        assert!(html("\"quoted\" -- it's").contains("“quoted” – it’s"));
    }

    #[test]
    fn renders_github_alerts_as_titled_boxes() {
        let out = html("> [!WARNING]\n> Do not pick scabs.\n");
        assert!(out.contains("<div class=\"markdown-alert markdown-alert-warning\">"), "{out}");
        assert!(out.contains("<p class=\"markdown-alert-title\">Warning</p>"));
        assert!(out.contains("Do not pick scabs.") && out.trim_end().ends_with("</div>"));
        assert!(!out.contains("blockquote"));
        assert!(html("> plain quote\n").contains("<blockquote>"));
    }

    #[test]
    fn gives_headings_github_ids_unique_per_page() {
        let out = render(
            "## Will it look natural?\n\n## Will it look natural?\n\n## Main\n\n## Custom {#mine}\n",
            false,
            &keep,
        );
        let ids: Vec<_> = out.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["will-it-look-natural", "will-it-look-natural-1", "main-1", "mine"]);
        assert!(out.html.contains("<h2 id=\"will-it-look-natural\">"));
    }

    #[test]
    fn heading_ids_stay_unique_when_suffixes_collide_with_real_headings() {
        let text = "## A\n\n## A-1\n\n## A\n\n## A\n\n## A-1\n";
        let out = render(text, false, &keep);
        let ids: Vec<_> = out.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["a", "a-1", "a-2", "a-3", "a-1-1"]);
        let many = "## Same question?\n\n".repeat(3000);
        let ids: HashSet<String> = render(&many, false, &keep).headings.into_iter().map(|h| h.id).collect();
        assert_eq!(ids.len(), 3000);
        assert!(ids.contains("same-question-2999"));
    }

    #[test]
    fn rewrites_and_reports_links_at_their_offset() {
        let text = "See [one](a.md) and [two](b.md#x) and ![i](/img.png).";
        let out = render(text, false, &|dest: &str| match dest {
            "a.md" => LinkTarget::Replace("/a/".into()),
            "b.md#x" => LinkTarget::Broken { message: "no b".into(), help: "fix".into() },
            "/img.png" => LinkTarget::Replace("/root/img.png".into()),
            _ => LinkTarget::Keep,
        });
        assert!(out.html.contains("href=\"/a/\""));
        assert!(out.html.contains("src=\"/root/img.png\""));
        assert_eq!(
            out.problems,
            [LinkProblem { offset: text.find("[two]").unwrap(), message: "no b".into(), help: "fix".into() }]
        );
    }

    #[test]
    fn images_carry_their_size_and_escaped_alt() {
        struct Sized;
        impl Resolver for Sized {
            fn link(&self, dest: &str) -> LinkTarget {
                LinkTarget::Replace(format!("/c/{dest}"))
            }
            fn image_size(&self, url: &str) -> Option<(u32, u32)> {
                (url == "/c/a.svg").then_some((640, 480))
            }
        }
        let out = render("![A \"quoted\" *photo*](a.svg \"Healed\") ![b](b.png)", false, &Sized).html;
        assert!(
            out.contains(r#"<img src="/c/a.svg" alt="A “quoted” photo" title="Healed" width="640" height="480">"#),
            "{out}"
        );
        assert!(out.contains(r#"<img src="/c/b.png" alt="b">"#), "{out}");
    }

    #[test]
    fn photos_become_pictures_and_only_the_first_loads_eagerly() {
        struct Photos;
        impl Resolver for Photos {
            fn link(&self, dest: &str) -> LinkTarget {
                if dest.contains("://") { LinkTarget::Keep } else { LinkTarget::Replace(format!("/g/{dest}")) }
            }
            fn image_size(&self, url: &str) -> Option<(u32, u32)> {
                url.starts_with("/g/").then_some((1000, 750))
            }
        }
        let out =
            render("![One & two](one.jpg)\n\n![Two](two.png)\n\n![Far](https://x.org/a.jpg)", false, &Photos).html;
        assert!(out.contains(r#"<source type="image/webp" srcset="/g/one-480w.webp 480w, /g/one-800w.webp 800w, /g/one-1000w.webp 1000w""#), "{out}");
        assert!(out.contains(r#"alt="One &amp; two" width="1000" height="750" fetchpriority="high">"#), "{out}");
        assert!(out.contains(r#"<img src="/g/two-1000w.png" srcset="/g/two-480w.png 480w"#), "{out}");
        assert!(out.contains(r#"alt="Two" width="1000" height="750" loading="lazy" decoding="async">"#), "{out}");
        assert_eq!(out.matches("fetchpriority").count(), 1, "{out}");
        assert!(
            out.contains(r#"<img src="https://x.org/a.jpg" alt="Far">"#),
            "a photo from elsewhere stays as it is: {out}"
        );
    }

    #[test]
    fn splits_faq_into_questions_and_answers() {
        let text = "Intro.\n\n## Does it hurt?\n\nMost feel *some* discomfort.\n\n### Detail\n\nMore.\n\n## How long?\n\nYears.\n";
        let out = render(text, true, &keep);
        assert_eq!(out.html.trim(), "<p>Intro.</p>");
        assert_eq!(out.faq.len(), 2);
        assert_eq!(out.faq[0].question, "Does it hurt?");
        assert_eq!(out.faq[0].id, "does-it-hurt");
        assert!(out.faq[0].answer.contains("<em>some</em>") && out.faq[0].answer.contains("<h3 id=\"detail\">"));
        assert!(!out.faq[0].answer.contains("<h2"));
        assert_eq!(out.faq[1].answer.trim(), "<p>Years.</p>");
    }

    #[test]
    fn non_faq_pages_keep_their_h2s() {
        let out = render("## Q?\n\nA.\n", false, &keep);
        assert!(out.faq.is_empty() && out.html.contains("<h2"));
    }

    #[test]
    fn outline_maps_prose_back_to_the_source_and_skips_code() {
        let text = "# Title\n\nNo **pain**, `no pain` here\nand no\nrisk.\n\n```\nno risk\n```\n\nIt's <b>fine</b> &amp; ok.\n";
        let out = render(text, false, &keep).outline;
        assert_eq!(out.prose, "Title\0No pain, \0 here and no risk.\0It’s fine & ok.\0");
        let at = |needle: &str| out.source_offset(out.prose.find(needle).unwrap());
        assert_eq!(at("pain"), text.find("pain").unwrap());
        assert_eq!(at("risk"), text.find("risk").unwrap());
        assert_eq!(at(" ok"), text.find(" ok").unwrap());
        assert_eq!(at("’"), text.find('\'').unwrap(), "smart quotes map to where they start");
    }

    #[test]
    fn outline_lists_links_images_and_the_ids_render_gives() {
        let text = "## Week 2\n\n## Week 2\n\n## Mine {#chosen}\n\n<a id=\"raw\"></a>\n\nSee [a](a.md#x) and ![A photo](p.jpg) ![](q.jpg)\n";
        let rendered = render(text, false, &keep);
        let out = &rendered.outline;
        let ids = out.anchors.ids();
        for id in ["week-2", "week-2-1", "chosen", "raw", "main", "top"] {
            assert!(ids.contains(id), "{id} missing from {ids:?}");
        }
        assert!(rendered.headings.iter().all(|h| ids.contains(h.id.as_str())));
        let links: Vec<(&str, bool, &str)> =
            out.links.iter().map(|l| (l.dest.as_str(), l.image, l.alt.as_str())).collect();
        assert_eq!(links, [("a.md#x", false, ""), ("p.jpg", true, "A photo"), ("q.jpg", true, "")]);
        assert_eq!(&text[out.links[1].range.clone()], "![A photo](p.jpg)");
    }

    #[test]
    fn email_autolinks_become_mailto_links_the_resolver_never_sees() {
        let out = render("Write to <someone@example.org>.", false, &|dest: &str| LinkTarget::Broken {
            message: format!("{dest} is no file"),
            help: String::new(),
        });
        assert!(out.problems.is_empty(), "{:?}", out.problems);
        assert!(out.html.contains(r#"<a href="mailto:someone@example.org">someone@example.org</a>"#), "{}", out.html);
        assert_eq!(out.outline.links[0].dest, "mailto:someone@example.org");
    }

    #[test]
    fn urls_that_run_code_are_errors_in_every_disguise() {
        for dest in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "&#106;avascript:alert(1)",
            "&#x6A;avascript&#58;alert(1)",
            "<java\tscript:alert(1)>",
            "<\u{1}javascript:alert(1)>",
            "vbscript:msgbox(1)",
            "data:text/html,<script>alert(1)</script>",
            "DATA:text/html;base64,PHNjcmlwdD4=",
        ] {
            for text in [format!("[x]({dest})"), format!("![x]({dest})"), format!("[x]\n\n[x]: {dest}")] {
                let out = render(&text, false, &keep);
                assert_eq!(out.problems.len(), 1, "{text} passed");
                assert_eq!(out.problems[0].offset, 0);
                assert!(!out.html.to_lowercase().contains("script:") && !out.html.contains("data:"), "{}", out.html);
                assert_eq!(inline_problems(&text).len(), 1, "{text} passed inline");
                assert!(!render_inline(&text).to_lowercase().contains("script:"), "{text}");
            }
        }
        let fine =
            "![x](data:image/png;base64,iVBOR) [js](https://example.org/javascript:) [d](data.html) [t](tel:+1480)";
        assert!(render(fine, false, &keep).problems.is_empty());
        assert!(inline_problems(fine).is_empty());
        assert_eq!(
            render("[x](data:image/png;base64,iVBOR)", false, &keep).problems.len(),
            1,
            "only images may be data:image"
        );
    }

    #[test]
    fn outline_lists_raw_html_that_runs_code_where_it_is_written() {
        let text = "Hi <b onclick=\"x()\">there</b>.\n\n<IFRAME src=\"https://maps.example.org\"></iframe>\n\n<a href=\"javascript:x\">a</a> <em>fine</em>\n";
        let found: Vec<(&str, String)> = render(text, false, &keep)
            .outline
            .risky_html
            .into_iter()
            .map(|(range, what)| (&text[range], what))
            .collect();
        let expected = [(" onclick=", "onclick="), ("<IFRAME", "<IFRAME"), ("javascript:", "javascript:")];
        assert_eq!(found, expected.map(|(a, b)| (a, b.to_string())));
    }

    #[test]
    fn renders_definition_lists() {
        let out = html("Touch-up\n: A short session that refreshes faded pigment.\n");
        assert!(out.contains("<dl>") && out.contains("<dt>Touch-up</dt>"), "{out}");
        assert!(out.contains("<dd>A short session that refreshes faded pigment.</dd>"), "{out}");
    }

    #[test]
    fn inline_rendering_drops_the_paragraph() {
        assert_eq!(render_inline("No **sun** for a week"), "No <strong>sun</strong> for a week");
    }
}
