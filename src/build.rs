//! Runs the stages in order: load sources -> parse front matter -> site graph ->
//! Markdown -> templates -> output plan -> atomic write. Every stage collects all of
//! its problems, so one build reports every error it can find, not just the first.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::error::{Diagnostic, Error, Result};
use crate::markdown::{self, Resolver};
use crate::output;
use crate::render::{self, Body, Plan};
use crate::site::{Doc, Page, Site};
use crate::source::{self, Sources};
use crate::theme;

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site folder (holding `site.yaml`); the current folder when None.
    pub root: Option<PathBuf>,
    /// Where to write; `public/` under the root when None.
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
}

/// What a finished build did.
#[derive(Debug)]
pub struct Summary {
    pub pages: usize,
    pub output: PathBuf,
    pub elapsed: Duration,
    pub warnings: Vec<Diagnostic>,
}

/// The pure part of a build: sources in, files to write out.
#[derive(Debug)]
pub struct Planned {
    pub plan: Plan,
    pub pages: usize,
    pub warnings: Vec<Diagnostic>,
}

/// Builds the site described by `options` and writes it.
pub fn build(options: &BuildOptions) -> Result<Summary> {
    let started = Instant::now();
    let root = source::find_root(options.root.as_deref())?;
    let output = options.output.clone().unwrap_or_else(|| root.join("public"));
    check_output_is_safe(&root, &output)?;
    let config_text = source::read_config(&root)?;
    let config = Config::parse(&config_text, options.base_url.as_deref()).map_err(Error::Content)?;
    let sources = source::load(&root, config_text, &config.theme)?;
    let planned = plan(&sources, &config, options.drafts)?;
    output::write_atomically(&planned.plan, &output)?;
    Ok(Summary { pages: planned.pages, output, elapsed: started.elapsed(), warnings: planned.warnings })
}

/// Everything between reading and writing; pure.
pub fn plan(sources: &Sources, config: &Config, drafts: bool) -> Result<Planned> {
    let mut problems = Vec::new();
    let mut docs = Vec::new();
    let mut asset_paths = Vec::new();
    let mut asset_bytes = Vec::new();
    for file in &sources.content {
        if file.rel.extension().is_none_or(|e| e != "md") {
            asset_paths.push(file.rel.clone());
            asset_bytes.push((file.rel.clone(), &file.bytes));
            continue;
        }
        let shown = Path::new("content").join(&file.rel);
        let text = match String::from_utf8(file.bytes.clone()) {
            Ok(text) => text,
            Err(e) => {
                let (line, col) = source::utf8_position(&file.bytes, e.utf8_error().valid_up_to());
                problems.push(
                    Diagnostic::error(
                        shown,
                        line,
                        col,
                        "the file is not valid UTF-8 text (it may have been saved in another encoding)",
                    )
                    .with_help("save the file as UTF-8 in your editor, or retype the character at this position"),
                );
                continue;
            }
        };
        match Doc::parse(file.rel.clone(), text) {
            Ok(doc) => docs.push(doc),
            Err(errs) => problems.extend(errs),
        }
    }
    if !problems.is_empty() {
        return Err(content_error(problems));
    }

    let site = Site::build(docs, asset_paths, drafts).map_err(content_error)?;
    let theme = theme::resolve(&config.theme, sources).map_err(content_error)?;
    let by_source: HashMap<&Path, &Vec<u8>> = asset_bytes.iter().map(|(p, b)| (p.as_path(), *b)).collect();
    let assets: Plan = site.assets.iter().map(|a| (a.output.clone(), by_source[a.source.as_path()].clone())).collect();
    let sizes: HashMap<&str, (u32, u32)> = assets
        .iter()
        .chain(&theme.statics)
        .filter_map(|(path, bytes)| Some((path.as_str(), image_size(path, bytes)?)))
        .collect();
    let bodies: Vec<Body> = site
        .pages
        .iter()
        .map(|page| {
            let links = PageLinks { site: &site, page, root: &config.root, sizes: &sizes };
            let rendered = markdown::render(page.doc.body(), page.is_faq(), &links);
            for problem in rendered.problems {
                let (line, col) = page.doc.body_position(problem.offset);
                problems.push(
                    Diagnostic::error(page.doc.display_path(), line, col, problem.message)
                        .with_help(problem.help)
                        .with_source(&page.doc.text),
                );
            }
            Body { html: rendered.html, faq: rendered.faq }
        })
        .collect();
    if !problems.is_empty() {
        return Err(content_error(problems));
    }
    let plan = render::render_site(config, &site, &bodies, &theme, assets).map_err(content_error)?;
    let mut warnings = site.warnings;
    warnings.extend(check_site_links(config, &sources.config_text, &plan));
    Ok(Planned { plan, pages: site.pages.len(), warnings })
}

/// How one page's Markdown sees the site: its links resolve through the graph, and
/// images published by this build have known sizes.
struct PageLinks<'a> {
    site: &'a Site,
    page: &'a Page,
    root: &'a str,
    sizes: &'a HashMap<&'a str, (u32, u32)>,
}

impl Resolver for PageLinks<'_> {
    fn link(&self, dest: &str) -> markdown::LinkTarget {
        self.site.resolve(self.page, dest, self.root)
    }

    fn image_size(&self, url: &str) -> Option<(u32, u32)> {
        self.sizes.get(url.strip_prefix(self.root)?).copied()
    }
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

/// Links written in site.yaml appear on every page (the consultation call to action,
/// the menu): a site-relative one that leads nowhere would break all of them.
fn check_site_links(config: &Config, config_text: &str, plan: &Plan) -> Vec<Diagnostic> {
    let booking =
        ("booking_url", config.clinic.booking_url.as_str(), "every \"Book a consultation\" link leads nowhere");
    let menu = config.menu.iter().flatten().map(|item| ("url", item.url.as_str(), "this menu entry leads nowhere"));
    std::iter::once(booking)
        .chain(menu)
        .filter(|(_, url, _)| !publishes(plan, url))
        .map(|(key, url, consequence)| {
            let (line, col) = locate_value(config_text, key, url).unwrap_or((0, 0));
            let d = Diagnostic::warning(crate::config::FILE_NAME, line, col, format!("`{key}: {url}` has no page behind it, so {consequence}"))
                .with_help("create that page (for /contact/: content/contact.md), or point it at an existing page or another site's address");
            if line > 0 { d.with_source(config_text) } else { d }
        })
        .collect()
}

/// Whether a URL from site.yaml is published by this build; absolute URLs are not ours to check.
fn publishes(plan: &Plan, url: &str) -> bool {
    let Some(path) = url.strip_prefix('/') else { return true };
    let path = path.split(['#', '?']).next().unwrap_or("");
    let file = if path.is_empty() || path.ends_with('/') { format!("{path}index.html") } else { path.to_string() };
    plan.contains_key(&file) || plan.contains_key(&format!("{path}/index.html"))
}

/// The line and column of `key:` whose value is `value` (quoted or not).
fn locate_value(text: &str, key: &str, value: &str) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let at = line.find(&format!("{key}:"))?;
        let rest = line[at + key.len() + 1..].trim_start().trim_start_matches(['"', '\'']);
        rest.starts_with(value).then_some((i + 1, at + 1))
    })
}

fn content_error(mut problems: Vec<Diagnostic>) -> Error {
    problems.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Error::Content(problems)
}

/// Refuses outputs that would replace the site's own sources: the swap deletes the
/// previous output folder, and content must never be lost.
fn check_output_is_safe(root: &Path, output: &Path) -> Result<()> {
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let root = canonical(root);
    let out = canonical(output);
    let protected = ["content", "static", "templates", "themes"].map(|d| root.join(d));
    if out == root
        || root.starts_with(&out)
        || protected.iter().any(|p| out.starts_with(p))
        || out.join(crate::config::FILE_NAME).exists()
    {
        return Err(Error::Usage(format!(
            "refusing to write the site into {}: it holds the site's own files, which the build would replace",
            output.display()
        )));
    }
    Ok(())
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
