//! Markdown -> HTML with pulldown-cmark: CommonMark plus tables, footnotes,
//! strikethrough, task lists, heading ids, smart punctuation, GitHub-style alerts and
//! definition lists (as Hugo and Zola render them).
//! Pure: it knows nothing of pages or templates; links go through a resolver the
//! caller supplies, and FAQ pages come back split into questions and answers. The same
//! pass gathers an [`Outline`] for the content rules: the prose a reader sees (mapped
//! back to the source), the links and images, and what `#anchors` can target.
//!
//! - this file: the event rewriting of [`render`] (links, images, headings, alerts,
//!   task lists, the FAQ split) and [`render_inline`];
//! - `links.rs`: link and image destinations, resolved or refused (URLs that run code);
//! - `headings.rs`: heading ids and GitHub-style anchors, and the ids in raw HTML;
//! - `outline.rs`: the [`Outline`] the content rules read;
//! - `tables.rs`: tables too wide to render, refused before the text is read.

mod headings;
mod links;
mod outline;
mod tables;
mod values;

use crate::error::Cause;
use pulldown_cmark::{BlockQuoteKind, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd, html};

use headings::{Ids, plain_text};
pub use headings::{anchor, html_ids};
use links::resolved;
pub use links::{risky_html, shorten, unsafe_scheme};
pub use outline::{Anchors, LinkRef, Outline};
pub use tables::MAX_COLUMNS;
pub use values::{Splices, Values};

/// What the caller's resolver decides for a link or image destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// Leave the destination as written.
    Keep,
    /// Use this destination instead.
    Replace(String),
    /// The destination leads nowhere: what is wrong, how to fix it, and for a link to
    /// a page that is not there, that page (so a page left out of the build for its own
    /// errors does not also fail every link to it).
    Broken {
        /// What is wrong, in the clinic's words.
        message: String,
        /// How to fix it.
        help: String,
        /// For a link to a page that is not there, that page.
        cause: Option<Cause>,
    },
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
    /// The clinic's details page text can name as `{{ clinic.name }}`.
    fn values(&self) -> &Values {
        &values::NONE
    }
}

impl<F: Fn(&str) -> LinkTarget> Resolver for F {
    fn link(&self, dest: &str) -> LinkTarget {
        self(dest)
    }
}

/// A problem in the Markdown text, at a byte offset into it: a link the resolver
/// rejected, or a table too wide to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where it is: a byte offset into the text.
    pub offset: usize,
    /// What is wrong, in the clinic's words.
    pub message: String,
    /// How to fix it.
    pub help: String,
    /// For a link to a page that is not there, that page.
    pub cause: Option<Cause>,
}

/// One heading of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 for `#`, 2 for `##`, and so on.
    pub level: u8,
    /// Its id, unique on the page: the `#anchor` links to it use.
    pub id: String,
    /// Its words, without markup.
    pub text: String,
}

/// One question of an FAQ page: every `## ` heading is a question, what follows until
/// the next one is its answer.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct FaqItem {
    /// The heading's words, without markup.
    pub question: String,
    /// The heading's id: the `#anchor` links to the question use.
    pub id: String,
    /// The answer, as HTML.
    pub answer: String,
}

/// The answer `smpsite new faq` writes under a new question, until the clinic writes
/// its own: the home page leaves such a question out, and `check` can find it in the
/// Markdown. Plain words only, so it reads the same in Markdown and in HTML.
pub const FAQ_ANSWER_PLACEHOLDER: &str = "Write the answer here, in a few honest sentences.";

impl FaqItem {
    /// Whether the answer is still the one `smpsite new faq` wrote.
    pub fn is_placeholder(&self) -> bool {
        self.answer.contains(FAQ_ANSWER_PLACEHOLDER)
    }
}

/// A Markdown text rendered, with what the rendering found in it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    /// The whole body; for FAQ pages only the intro before the first question.
    pub html: String,
    /// Every heading, in order.
    pub headings: Vec<Heading>,
    /// An FAQ page's questions, in order; empty for other pages.
    pub faq: Vec<FaqItem>,
    /// Links refused and tables too wide, each at its place in the text.
    pub problems: Vec<Problem>,
    /// What the content rules read: the prose, the links and the anchors.
    pub outline: Outline,
    /// The URL of the first site photo, and its size: the page's social preview.
    pub first_photo: Option<(String, (u32, u32))>,
}

pub(super) fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_GFM
        | Options::ENABLE_DEFINITION_LIST
}

/// Renders `text`. `faq` splits the result at `## ` headings; `resolver` decides every
/// link and image destination and gives images their size (so pages do not shift as
/// images load).
pub fn render(source: &str, faq: bool, resolver: &dyn Resolver) -> Rendered {
    // The clinic's details first (`{{ clinic.name }}`); with a problem among them, the
    // text as written, so its other problems are found in the same run.
    let (text, splices, problems) = match values::expand(source, resolver.values()) {
        Ok((text, splices)) => (text, splices, Vec::new()),
        Err(problems) => (source.into(), Splices::default(), problems),
    };
    let mut out = render_expanded(&text, faq, resolver);
    if splices != Splices::default() {
        for problem in &mut out.problems {
            problem.offset = splices.source(problem.offset);
        }
        out.outline.unexpand(splices);
    }
    out.problems.splice(0..0, problems);
    out
}

fn render_expanded(text: &str, faq: bool, resolver: &dyn Resolver) -> Rendered {
    let mut out = Rendered::default();
    if let Some(problem) = too_wide(text) {
        out.problems.push(problem);
        return out;
    }
    let mut ids = Ids::default();
    let mut events: Vec<Event> = Vec::new();
    // Index in `events` of the open heading's start, while inside one.
    let mut heading_start: Option<usize> = None;
    // FAQ boundaries: (index of the `## ` start event in `events`, heading index).
    let mut questions: Vec<(usize, usize)> = Vec::new();
    // The open images (one inside another's alt text is allowed): each one's resolved
    // URL, title, and where its alt text starts.
    let mut images: Vec<(String, String, usize)> = Vec::new();
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
                images.push((dest_url.into_string(), title.into_string(), events.len()));
            }
            Event::End(TagEnd::Image) => {
                let Some((url, title, alt_start)) = images.pop() else { continue };
                let alt = plain_text(&events[alt_start..]);
                events.truncate(alt_start);
                if images.is_empty() {
                    let html = image_html(&mut out, (&url, &alt, &title), resolver, &mut loading);
                    events.push(Event::InlineHtml(html.into()));
                } else {
                    // Inside another image's alt text, an image is its own alt text
                    // (as CommonMark renders it).
                    events.push(Event::Text(alt.into()));
                }
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
    write_html(&mut out, events, &questions);
    if text.contains('\0') {
        replace_nul(&mut out);
    }
    out
}

/// CommonMark's rule for a NUL character, which pulldown-cmark leaves as it is (in
/// text, code and raw HTML alike): each one becomes U+FFFD, in all the page shows.
fn replace_nul(out: &mut Rendered) {
    let fix = |s: &mut String| {
        if s.contains('\0') {
            *s = s.replace('\0', "\u{fffd}");
        }
    };
    fix(&mut out.html);
    for h in &mut out.headings {
        fix(&mut h.id);
        fix(&mut h.text);
    }
    for item in &mut out.faq {
        fix(&mut item.question);
        fix(&mut item.id);
        fix(&mut item.answer);
    }
}

/// The first table of `text` too wide to render, as a problem at its header line.
fn too_wide(text: &str) -> Option<Problem> {
    let (offset, columns) = tables::too_wide(text)?;
    Some(Problem {
        offset,
        message: format!("this table has {columns} columns, more than the {MAX_COLUMNS} a page can show"),
        cause: None,
        help: "split it into smaller tables, or write it as a list: a phone screen fits a handful of columns".into(),
    })
}

/// The page's HTML from its rewritten `events`; on an FAQ page (`questions` found), the
/// part before the first question as the page's HTML and each answer as an FAQ item.
fn write_html(out: &mut Rendered, events: Vec<Event>, questions: &[(usize, usize)]) {
    if questions.is_empty() {
        html::push_html(&mut out.html, events.into_iter());
        return;
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
}

/// An image as HTML: a site photo as `<picture>` (the first one loads at once and is
/// the page's first photo), any other image as `<img>` with its size when known.
fn image_html(
    out: &mut Rendered,
    (url, alt, title): (&str, &str, &str),
    resolver: &dyn Resolver,
    loading: &mut crate::photo::Loading,
) -> String {
    let size = resolver.image_size(url);
    match size {
        Some(size) if crate::photo::format_of(url).is_some() => {
            let html = picture_tag(url, alt, title, size, *loading);
            *loading = crate::photo::Loading::Lazy;
            out.first_photo.get_or_insert_with(|| (url.to_string(), size));
            html
        }
        _ => img_tag(url, alt, title, size),
    }
}

/// Renders a one-line snippet (an aftercare item, a healing note) as [`render`] does,
/// links resolved and checked and the outline gathered, without the `<p>` around it. A
/// table too wide to render is shown as plain text (and is the one problem).
pub fn render_inline(text: &str, resolver: &dyn Resolver) -> Rendered {
    if let Some(problem) = too_wide(text) {
        let mut html = String::new();
        pulldown_cmark_escape::escape_html(&mut html, text).expect("writing to a String");
        return Rendered { html, problems: vec![problem], ..Rendered::default() };
    }
    let mut out = render(text, false, resolver);
    let trimmed = out.html.trim_end();
    out.html = match trimmed.strip_prefix("<p>").and_then(|s| s.strip_suffix("</p>")) {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => trimmed.to_string(),
    };
    out
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
mod tests;
