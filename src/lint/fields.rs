//! The photos written in front matter and site.yaml rather than in a page's text
//! (`before_after:` photos, `extra.hero.photo`, `extra.team[].photo`, `brand.image`),
//! each checked as an image in the text is, at the line it is written on: an address
//! that runs code is an error, one on another site should be `https:` (an `http:` one is
//! a warning: browsers block or flag it on an https page), and a file of the site must
//! exist (see `World::front_matter_photos` and [`site_image`]).

use std::path::Path;

use crate::config::{Config, FILE_NAME};
use crate::error::Diagnostic;
use crate::markdown::shorten;
use crate::site::Doc;

/// A photo named in a page's front matter: its address as written, where, and what the
/// messages call it ("the hero photo").
pub(super) struct Photo<'a> {
    pub dest: &'a str,
    pub at: (usize, usize),
    pub what: String,
}

/// Every photo a page's front matter names, as the theme shows them.
pub(super) fn page_photos(doc: &Doc) -> Vec<Photo<'_>> {
    let fm = &doc.meta.fm;
    let mut out = Vec::new();
    for (index, entry) in fm.before_after.iter().enumerate() {
        for (side, photo) in [("before", &entry.before), ("after", &entry.after)] {
            let at = doc.entry_position("before_after", index, &[side, "src"]);
            out.push(Photo { dest: &photo.src, at, what: format!("the {side} photo") });
        }
    }
    fn text<'v>(value: &'v crate::yaml::Value, key: &str) -> Option<&'v str> {
        value.get(key).and_then(crate::yaml::Value::as_str)
    }
    if let Some(dest) = fm.extra.get("hero").and_then(|hero| text(hero, "photo")) {
        out.push(Photo { dest, at: doc.value_position("hero", dest), what: "the hero photo".into() });
    }
    let team = fm.extra.get("team").and_then(crate::yaml::Value::as_sequence);
    for (index, person) in team.into_iter().flatten().enumerate() {
        if let Some(dest) = text(person, "photo") {
            let name = text(person, "name").unwrap_or("a team member");
            let at = doc.entry_position("team", index, &["photo"]);
            out.push(Photo { dest, at, what: format!("the photo of {name}") });
        }
    }
    out
}

/// What is wrong with the address of `what` when it leaves the site, as an unfinished
/// diagnostic for `path`: an address that runs code, one that is not a web address, or
/// an `http:` one (a warning). None for a secure web address, or a file of the site
/// (which the caller looks up).
pub(super) fn address_problem(path: &Path, what: &str, dest: &str) -> Option<Diagnostic> {
    let help_file = "use a photo file of the site (`photo.jpg` beside the page, or `/images/photo.jpg` from static/) or a web address starting with https://";
    if let Some(scheme) = crate::markdown::unsafe_scheme(dest, true) {
        let message = format!("{what} `{}` runs a script (`{scheme}:`) in the reader's browser", shorten(dest));
        return Some(Diagnostic::error(path, 0, 0, message).with_help(help_file));
    }
    let (scheme, _) = dest.split_once(':').filter(|_| crate::site::is_external(dest))?;
    match scheme.to_ascii_lowercase().as_str() {
        "https" => None,
        "http" => Some(
            Diagnostic::warning(path, 0, 0, format!("{what} `{}` is not a secure (https:) address", shorten(dest)))
                .with_help("write it with https:// (browsers block or flag http: photos on an https page), or copy the photo into the site"),
        ),
        _ => Some(
            Diagnostic::error(path, 0, 0, format!("{what} `{}` is not a web address a browser shows", shorten(dest)))
                .with_help(help_file),
        ),
    }
}

/// `brand.image` (the social preview of pages without a photo): a secure web address,
/// or a file the site publishes, written from the site root. `exists` tells whether the
/// site publishes a file at an address (`images/studio.jpg`), `other_case` the address
/// it publishes in another case.
pub(super) fn site_image<'w>(
    config: &Config,
    exists: impl Fn(&str) -> bool,
    other_case: impl Fn(&str) -> Option<&'w str>,
) -> Option<Diagnostic> {
    let image = config.brand.image.as_deref()?;
    let text = config.text();
    let (line, col) = config.value_at("image", image).unwrap_or((0, 0));
    let at = |d: Diagnostic| Some(Diagnostic { line, col, ..d }.with_len(image.chars().count()).with_source(text));
    let what = "the sharing image (`brand.image`)";
    if crate::site::is_external(image) {
        return address_problem(Path::new(FILE_NAME), what, image).and_then(at);
    }
    let problem = match image.strip_prefix('/') {
        None => format!("{what} `{image}` is not written from the site root"),
        Some(file) if !exists(file) => format!("{what} `{image}` does not exist in static/ or content/"),
        Some(_) => return None,
    };
    let help = match image.strip_prefix('/').and_then(other_case) {
        Some(same) => format!("did you mean `/{same}`? Addresses differ in upper and lower case"),
        None => "write the address of a photo of the site from its root (`/images/studio.jpg` is `static/images/studio.jpg`), or a web address starting with https://".into(),
    };
    at(Diagnostic::error(FILE_NAME, 0, 0, problem).with_help(help))
}
