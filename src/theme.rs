//! The theme in effect: the `default` theme embedded in the binary (so a site needs no
//! theme folder) or a `themes/NAME/` folder, with the site's own `templates/` and
//! `static/` overriding single files of it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use include_dir::{Dir, include_dir};

use crate::color::Rgb;
use crate::error::Diagnostic;
use crate::source::{File, OnDisk, Sources};

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// A template ready for tera: its name (`partials/header.html`), text, and the path
/// the user knows it by (for error messages).
#[derive(Debug, Clone)]
pub struct Template {
    pub text: String,
    pub origin: PathBuf,
}

/// Templates every theme provides (a site's `templates/` may override each).
pub(crate) const REQUIRED_TEMPLATES: &[&str] =
    &["index.html", "section.html", "sessions.html", "page.html", "session.html", "faq.html", "404.html", "alias.html"];

/// The theme a site renders with: the default theme embedded in the binary, or a
/// folder under `themes/`, with the site's own `templates/` and `static/` files laid
/// over it file by file.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    pub templates: BTreeMap<String, Template>,
    /// Files copied to the output root, by output path (a photo's bytes are empty:
    /// it is in `on_disk`).
    pub statics: BTreeMap<String, Arc<[u8]>>,
    /// Where the photos among `statics` are, by output path: the photo store reads them.
    pub on_disk: BTreeMap<String, OnDisk>,
}

/// Resolves the theme named `name` (from `site.yaml`) against `sources`; `accent` is
/// `brand.color`, which the built-in favicon is drawn in.
pub(crate) fn resolve(
    name: &str,
    sources: &Sources,
    accent: Option<Rgb>,
    site_yaml: &str,
) -> Result<Theme, Vec<Diagnostic>> {
    let mut theme = Theme::default();
    let mut problems = Vec::new();
    match &sources.theme_dir {
        Some(dir) => {
            let base = Path::new("themes").join(&dir.name);
            add_templates(&mut theme, &dir.templates, &base.join("templates"), &mut problems);
            add_statics(&mut theme, &dir.statics);
        }
        None if name == "default" => {
            for file in embedded_files(&DEFAULT_THEME) {
                if let Ok(rel) = file.rel.strip_prefix("templates") {
                    let file = File::in_memory(rel.to_path_buf(), file.bytes.clone());
                    add_templates(&mut theme, &[file], Path::new("(built-in default theme)/templates"), &mut problems);
                } else if let Ok(rel) = file.rel.strip_prefix("static") {
                    add_statics(&mut theme, &[File::in_memory(rel.to_path_buf(), file.bytes)]);
                }
            }
        }
        None => {
            let (line, col) = crate::yaml::locate_key(site_yaml, "theme").unwrap_or((0, 0));
            let message = format!("the theme `{name}` does not exist: there is no folder themes/{name}/");
            let help = "use `theme: default` (built in), or create the folder themes/NAME/ with templates/ and static/";
            let d = Diagnostic::error(crate::config::FILE_NAME, line, col, message).with_help(help);
            return Err(vec![d.with_source(site_yaml)]);
        }
    }
    add_templates(&mut theme, &sources.templates, Path::new("templates"), &mut problems);
    add_statics(&mut theme, &sources.statics);
    if let Some(accent) = accent {
        brand_favicon(&mut theme, accent);
    }
    if problems.is_empty() { Ok(theme) } else { Err(problems) }
}

/// The built-in favicon (the theme's accent behind white dots) in the brand colour
/// instead. A favicon of the clinic's own (any other bytes) is left as it is.
fn brand_favicon(theme: &mut Theme, accent: Rgb) {
    let built_in = DEFAULT_THEME.get_file("static/favicon.svg").map(|f| f.contents());
    if let Some(favicon) = theme.statics.get_mut(FAVICON).filter(|f| Some(&f[..]) == built_in) {
        let text = String::from_utf8_lossy(favicon).replace(FAVICON_ACCENT, &accent.hex());
        *favicon = text.into_bytes().into();
    }
}

/// The favicon file, and the colour the built-in one is drawn in (the theme's `--accent`).
const FAVICON: &str = "favicon.svg";
const FAVICON_ACCENT: &str = "#0b5d63";

fn add_templates(theme: &mut Theme, files: &[File], base: &Path, problems: &mut Vec<Diagnostic>) {
    for file in files {
        let origin = base.join(&file.rel);
        match String::from_utf8(file.bytes.to_vec()) {
            Ok(text) => {
                theme.templates.insert(slash_path(&file.rel), Template { text, origin });
            }
            Err(e) => {
                let (line, col) = crate::source::utf8_position(&file.bytes, e.utf8_error().valid_up_to());
                problems.push(
                    Diagnostic::error(origin, line, col, "the template is not valid UTF-8 text")
                        .with_help("save the file as UTF-8 in your editor"),
                );
            }
        }
    }
}

fn add_statics(theme: &mut Theme, files: &[File]) {
    for file in files {
        let path = slash_path(&file.rel);
        match &file.on_disk {
            Some(on_disk) => theme.on_disk.insert(path.clone(), on_disk.clone()),
            None => theme.on_disk.remove(&path),
        };
        theme.statics.insert(path, file.bytes.clone());
    }
}

/// `a\b` -> `a/b`: output paths and template names always use `/`.
pub(crate) fn slash_path(path: &Path) -> String {
    path.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// Every file of an embedded folder, with paths relative to it.
pub(crate) fn embedded_files(dir: &Dir<'static>) -> Vec<File> {
    let mut files = Vec::new();
    collect(dir, &mut files);
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    files
}

fn collect(dir: &Dir<'static>, out: &mut Vec<File>) {
    for file in dir.files() {
        out.push(File::in_memory(file.path().to_path_buf(), file.contents().into()));
    }
    for sub in dir.dirs() {
        collect(sub, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources() -> Sources {
        Sources { root: PathBuf::from("."), content: vec![], statics: vec![], templates: vec![], theme_dir: None }
    }

    #[test]
    fn embedded_default_theme_has_every_required_template() {
        let theme = resolve("default", &sources(), None, "").unwrap();
        for name in REQUIRED_TEMPLATES {
            assert!(theme.templates.contains_key(*name), "missing {name}");
        }
        assert!(theme.statics.contains_key("style.css"));
    }

    #[test]
    fn site_templates_override_single_theme_files() {
        let mut s = sources();
        s.templates.push(File::in_memory("page.html".into(), b"mine"[..].into()));
        s.statics.push(File::in_memory(PathBuf::from("style.css"), b"body{}"[..].into()));
        let theme = resolve("default", &s, None, "").unwrap();
        assert_eq!(theme.templates["page.html"].text, "mine");
        assert_eq!(theme.templates["page.html"].origin, Path::new("templates/page.html"));
        assert!(theme.templates["base.html"].text.contains("<html"));
        assert_eq!(&theme.statics["style.css"][..], b"body{}");
    }

    #[test]
    fn unknown_theme_is_an_error() {
        let errs = resolve("fancy", &sources(), None, "theme: fancy\n").unwrap_err();
        assert!(errs[0].message.contains("`fancy` does not exist"));
    }
}
