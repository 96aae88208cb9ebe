//! The theme's templates in Tera: loaded once for a build, kept between `serve`'s
//! rebuilds, and Tera's errors as diagnostics pointing into the template file.

use std::collections::BTreeMap;

use tera::Tera;

use crate::error::Diagnostic;
use crate::site::Page;
use crate::theme::{REQUIRED_TEMPLATES, Theme};

/// Loads the theme's templates into Tera, or reports where one is broken.
pub fn load_templates(theme: &Theme) -> Result<Tera, Vec<Diagnostic>> {
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    // Tera checks at load time that a function exists; `Renderer::new` gives the real one.
    tera.register_function("image", crate::photo::template_function(&crate::photo::Store::empty(), "/"));
    let mut problems = Vec::new();
    for name in REQUIRED_TEMPLATES {
        if !theme.templates.contains_key(*name) {
            problems.push(Diagnostic::error(format!("templates/{name}"), 0, 0, format!("the theme has no `{name}` template")).with_help("add the template to the theme, or remove the site's `theme:` setting to use the built-in default"));
        }
    }
    if let Err(err) = tera.add_raw_templates(theme.templates.iter().map(|(name, t)| (name.as_str(), t.text.as_str()))) {
        problems.push(template_error(&err, theme, None));
    }
    if problems.is_empty() { Ok(tera) } else { Err(problems) }
}

/// The theme's templates parsed, kept between `serve`'s rebuilds: a save parses again
/// only the templates whose text changed (adding or removing one parses them all).
#[derive(Default)]
pub struct Templates {
    /// The text of each template in `tera`, and `tera` with them parsed.
    parsed: Option<(BTreeMap<String, String>, Tera)>,
}

impl Templates {
    /// Tera with `theme`'s templates, as [`load_templates`] makes it.
    pub fn load(&mut self, theme: &Theme) -> Result<Tera, Vec<Diagnostic>> {
        if let Some((texts, tera)) = &mut self.parsed
            && texts.keys().eq(theme.templates.keys())
        {
            let changed: Vec<(&String, &str)> = theme
                .templates
                .iter()
                .filter(|(name, t)| texts.get(*name) != Some(&t.text))
                .map(|(name, t)| (name, t.text.as_str()))
                .collect();
            if !changed.is_empty() {
                // On an error Tera keeps the templates it had: the next save compares
                // against those.
                tera.add_raw_templates(changed.iter().copied()).map_err(|e| vec![template_error(&e, theme, None)])?;
                texts.extend(changed.into_iter().map(|(name, text)| (name.clone(), text.to_string())));
            }
            return Ok(tera.clone());
        }
        let tera = load_templates(theme)?;
        let texts = theme.templates.iter().map(|(name, t)| (name.clone(), t.text.clone())).collect();
        self.parsed = Some((texts, tera.clone()));
        Ok(tera)
    }
}

/// A Tera error as a diagnostic pointing into the template file.
pub(super) fn template_error(err: &tera::Error, theme: &Theme, rendering: Option<&Page>) -> Diagnostic {
    let during =
        rendering.map(|p| format!(" (while rendering {})", p.doc.display_path().display())).unwrap_or_default();
    let help = "fix the template; the Tera 2 syntax is at https://keats.github.io/tera/";
    match err.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let template = theme.templates.get(report.filename());
            let path = template.map_or_else(|| report.filename().into(), |t| t.origin.clone());
            let span = report.span();
            let help = match report.message() {
                "Unexpected end of input" => {
                    "a tag is never closed: check that every {% if %}, {% for %}, {% block %} and {% set %} has its end tag"
                }
                _ => help,
            };
            let mut d =
                Diagnostic::error(path, span.start_line, span.start_col + 1, format!("{}{during}", report.message()))
                    .with_help(help);
            if let Some(t) = template {
                d = d.with_source(&t.text);
            }
            d
        }
        _ => Diagnostic::error("templates", 0, 0, format!("{err}{during}")).with_help(help),
    }
}
