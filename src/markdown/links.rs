//! Link and image destinations: each one resolved through the caller's [`Resolver`],
//! or refused when it runs code (`javascript:`), and the risky pieces of raw HTML.

use pulldown_cmark::CowStr;

use super::{LinkTarget, Problem, Resolver};

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
fn unsafe_problem(dest: &str, image: bool, offset: usize) -> Option<Problem> {
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
    Some(Problem { offset, message, help: help.into(), cause: None })
}

/// At most 60 characters of `text`, so a long address does not fill the screen.
pub fn shorten(text: &str) -> String {
    match text.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

pub(super) fn resolved<'a>(
    dest: CowStr<'a>,
    image: bool,
    offset: usize,
    resolver: &dyn Resolver,
    problems: &mut Vec<Problem>,
) -> CowStr<'a> {
    if let Some(problem) = unsafe_problem(&dest, image, offset) {
        problems.push(problem);
        return "#".into();
    }
    match resolver.link(&dest) {
        LinkTarget::Keep => dest,
        LinkTarget::Replace(url) => url.into(),
        LinkTarget::Broken { message, help, cause } => {
            problems.push(Problem { offset, message, help, cause });
            dest
        }
    }
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
