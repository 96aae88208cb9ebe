//! Stage 3: each page's Markdown as HTML, its links resolved through the graph and
//! its images given their sizes, with what the page-by-page content rules find in it.

use std::collections::HashMap;
use std::sync::Arc;

use crate::config::Config;
use crate::error::Diagnostic;
use crate::lint;
use crate::markdown::{self, Resolver};
use crate::render::Body;
use crate::site::{Page, Site};

/// A page's body and what the content rules find in it, even when some of its links
/// are broken (those come back beside it): the other checks still run on the page.
pub(super) fn render_body(
    site: &Site,
    page: &Page,
    config: &Config,
    rules: &lint::Rules,
    sizes: &HashMap<String, (u32, u32)>,
) -> (Body, Vec<Diagnostic>) {
    let values = crate::render::text_values(config, site, page.lang);
    let links = PageLinks { site, page, root: &config.root, sizes, values: &values };
    let rendered = markdown::render(page.doc.body(), page.is_faq(), &links);
    let doc = &page.doc;
    let mut problems: Vec<Diagnostic> = rendered
        .problems
        .into_iter()
        .map(|problem| {
            let (line, col) = doc.body_position(problem.offset);
            Diagnostic::error(doc.display_path(), line, col, problem.message)
                .with_help(problem.help)
                .with_cause(problem.cause)
                .with_source(doc.text())
        })
        .collect();
    // The theme shows these front-matter items as Markdown too: their links resolve,
    // and are checked, as the body's are, and the page's rules read them.
    let written = lint::markdown_fields(doc);
    let fields: Vec<markdown::Rendered> =
        written.iter().map(|(text, _)| markdown::render_inline(text, &links)).collect();
    for ((_, (line, col)), field) in written.iter().zip(&fields) {
        problems.extend(field.problems.iter().map(|problem| {
            Diagnostic::error(doc.display_path(), *line, *col, &problem.message)
                .with_help(&problem.help)
                .with_cause(problem.cause.clone())
                .with_source(doc.text())
        }));
    }
    let seen: Vec<lint::Field> = written
        .iter()
        .zip(&fields)
        .map(|(&(text, at), field)| lint::Field { text, at, outline: &field.outline })
        .collect();
    let checks = Arc::new(rules.page(&page.doc, rendered.outline, &seen, config.country()));
    let mut html: Vec<String> = fields.into_iter().map(|field| field.html).collect();
    let healing = html.split_off(doc.meta.fm.aftercare.len().min(html.len()));
    let aftercare = html;
    let hash = crate::site::hash_of((&rendered.html, &rendered.faq, &aftercare, &healing));
    let first_photo = rendered.first_photo;
    (Body { html: rendered.html, faq: rendered.faq, hash, checks, first_photo, aftercare, healing }, problems)
}

/// A fingerprint of everything a page's Markdown and its content checks can see of
/// the rest of the site: where each page, alias and file is published, each page's
/// kind, drafts, the site root and the clinic's details (`prepare` adds the image sizes). When it changes,
/// every page's Markdown is rendered and checked again.
pub(super) fn link_world(site: &Site, config: &Config) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::BuildHasher::build_hasher(&crate::site::hasher());
    config.root.hash(&mut h);
    for page in &site.pages {
        (&page.doc.source, &page.path, page.kind, page.section_kind).hash(&mut h);
    }
    site.aliases.hash(&mut h);
    for asset in &site.assets {
        (&asset.source, &asset.output).hash(&mut h);
    }
    site.drafts_fingerprint().hash(&mut h);
    // The clinic's details the text names (`{{ clinic.name }}`).
    for lang in 0..site.languages.len().max(1) {
        crate::render::text_values(config, site, lang).hash(&mut h);
    }
    h.finish()
}

/// How one page's Markdown sees the site: its links resolve through the graph, and
/// images published by this build have known sizes.
struct PageLinks<'a> {
    site: &'a Site,
    page: &'a Page,
    root: &'a str,
    sizes: &'a HashMap<String, (u32, u32)>,
    values: &'a markdown::Values,
}

impl Resolver for PageLinks<'_> {
    fn link(&self, dest: &str) -> markdown::LinkTarget {
        self.site.resolve(self.page, dest, self.root)
    }

    fn image_size(&self, url: &str) -> Option<(u32, u32)> {
        self.sizes.get(url.strip_prefix(self.root)?).copied()
    }

    fn values(&self) -> &markdown::Values {
        self.values
    }
}

/// The pixel sizes of the images among `files` (output path -> bytes).
pub(super) fn image_sizes<'b>(files: impl IntoIterator<Item = (String, &'b [u8])>) -> HashMap<String, (u32, u32)> {
    files
        .into_iter()
        .filter_map(|(path, bytes)| Some((image_size(&path, bytes)?, path)))
        .map(|(size, path)| (path, size))
        .collect()
}

/// Pixel size of an image file: raster formats from their header, SVG from the root
/// element's `width`/`height` (or its `viewBox`).
fn image_size(path: &str, bytes: &[u8]) -> Option<(u32, u32)> {
    if !path.ends_with(".svg") {
        return imagesize::blob_size(bytes)
            .ok()
            .and_then(|s| Some((u32::try_from(s.width).ok()?, u32::try_from(s.height).ok()?)));
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let start = text.find("<svg")?;
    let tag = &text[start..start + text[start..].find('>')?];
    let attr = |name: &str| {
        let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(&tag[at..at + tag[at..].find('"')?])
    };
    let number = |v: &str| v.trim_end_matches("px").parse::<f64>().ok().filter(|n| *n > 0.0).map(|n| n.round() as u32);
    match (attr("width").and_then(number), attr("height").and_then(number)) {
        (Some(w), Some(h)) => Some((w, h)),
        _ => {
            let view: Vec<&str> = attr("viewBox")?.split([' ', ',']).filter(|s| !s.is_empty()).collect();
            match view[..] {
                [_, _, w, h] => Some((number(w)?, number(h)?)),
                _ => None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::image_size;

    #[test]
    fn reads_image_sizes_from_svg_and_raster_headers() {
        assert_eq!(image_size("a.svg", br#"<?xml?><svg xmlns="x" width="480" height="220px">"#), Some((480, 220)));
        assert_eq!(image_size("a.svg", br#"<svg viewBox="10 10 32 16">"#), Some((32, 16)));
        assert_eq!(image_size("a.svg", br#"<svg width="100%">"#), None);
        let png_1x2 = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x02\x08\x06\0\0\0";
        assert_eq!(image_size("a.png", png_1x2), Some((1, 2)));
        assert_eq!(image_size("a.png", b"not an image"), None);
    }
}
