//! The browser editor (issue 22): `admin/index.html`, `admin/config.yml` and
//! `admin/preview.js`, generated from the keys smpsite reads (`schema`), so Decap CMS
//! lists every key a page or site.yaml may hold and a save drops none. Pure: the site
//! and its settings in, the files' text (and what the editor cannot show) out.
//!
//! Decap CMS 3 is the editor (the README says why): pinned by version, loaded with a
//! Subresource Integrity hash, so a changed file on the CDN is refused, not run.

use serde_json::{Value, json};

use crate::config::{Admin, Config, FILE_NAME};
use crate::error::Diagnostic;
use crate::i18n::Locale;
use crate::site::{Kind, Site};

mod schema;

use schema::{Field, Widget};

/// The Decap CMS release the editor loads (the npm package `decap-cms`).
pub const CMS_VERSION: &str = "3.16.3";
/// Where it is loaded from: the CDN Decap's own docs use, at the pinned version.
pub const CMS_URL: &str = "https://unpkg.com/decap-cms@3.16.3/dist/decap-cms.js";
/// The SHA-384 of `dist/decap-cms.js` of that release (tests/web/admin.rs checks it
/// against the file npm installs).
pub const CMS_INTEGRITY: &str = "sha384-A/Gdn928CNLufmnGWGs9RM4Q9o8bSNLeJERqBFrBjwzL7FRpoLT3MPF8Tl0+Wd2p";

/// The admin page's Content-Security-Policy: Decap's script (and the parts it loads
/// from beside it) from the CDN, the styles it injects, and the Git hosts it talks to.
/// Every other page keeps the site's strict policy (`render::CSP`).
pub const CSP: &str = "default-src 'self'; script-src 'self' https://unpkg.com 'unsafe-eval'; \
style-src 'self' 'unsafe-inline' https://unpkg.com; img-src 'self' data: blob: https:; media-src 'self' blob: https:; \
font-src 'self' data: https://unpkg.com; connect-src 'self' blob: https://unpkg.com https://api.github.com \
https://gitlab.com https://*.netlify.com https://*.netlify.app; frame-src 'self' https:; worker-src 'self' blob:; \
object-src 'none'; base-uri 'self'; form-action 'self' https:; frame-ancestors 'self'";

/// The folder of the output the editor lives in.
pub const FOLDER: &str = "admin/";

/// The id of `admin/index.html`'s own text, which `preview.js` removes once the CMS runs.
const LOADING: &str = "smpsite-editor-loading";

/// `admin/index.html`, never indexed: a heading and a note while the CMS loads (and if it
/// cannot, what to do instead), then the CMS.
pub fn index_html(config: &Config) -> String {
    let title = html_escape(&config.title);
    let lang = html_escape(&config.language);
    format!(
        "<!doctype html>\n<!-- Written by smpsite on every build (`admin:` in site.yaml): edits here are lost. -->\n\
<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta name=\"robots\" content=\"noindex, nofollow\">\n<title>{title}: editor</title>\n\
<link href=\"config.yml\" type=\"text/yaml\" rel=\"cms-config-url\">\n</head>\n<body>\n\
<main id=\"{LOADING}\">\n<h1>{title}: editor</h1>\n<p>The editor is loading. If this stays, the browser could not \
load Decap CMS from unpkg.com: check the connection, or edit the files in <code>content/</code> in a text editor.</p>\n\
</main>\n\
<script src=\"{CMS_URL}\" integrity=\"{CMS_INTEGRITY}\" crossorigin=\"anonymous\"></script>\n\
<script src=\"preview.js\"></script>\n</body>\n</html>\n"
    )
}

/// `admin/preview.js`: once the CMS runs, the page's loading note goes and the preview
/// pane wears the site's own stylesheet.
pub fn preview_js(config: &Config, stylesheet: Option<&str>) -> String {
    let mut text = format!(
        "// Written by smpsite on every build: the preview uses the site's stylesheet.\n\
         if (window.CMS) {{\n  document.getElementById({}).remove();\n",
        json!(LOADING)
    );
    if let Some(path) = stylesheet {
        text.push_str(&format!("  CMS.registerPreviewStyle({});\n", json!(config.url(path))));
    }
    text.push_str("}\n");
    text
}

/// `admin/config.yml`, from the site's sections and files and the keys of `schema`.
pub fn config_yml(config: &Config, site: &Site, admin: &Admin) -> String {
    let locale = &config.locale;
    let page_fields = |faq: bool| -> Vec<Value> {
        let body = json!({"name": "body", "label": label_of("Text", None, locale), "widget": "markdown",
            "modes": ["raw", "rich_text"], "required": false,
            "hint": if faq { "each `## heading` is a question, the text under it its answer" } else { "the page's text, in Markdown" }});
        schema::FRONT_MATTER.iter().map(|f| field(f, locale)).chain([body]).collect()
    };
    let mut backend = json!({"name": admin.backend.name(), "branch": admin.branch});
    if let Some(repo) = &admin.repo {
        backend["repo"] = json!(repo);
    }
    let mut collections = Vec::new();
    // The home page and the pages at the top of content/ (with their translations),
    // one entry each.
    let top = site.pages.iter().filter(|p| match p.kind {
        Kind::Home => true,
        Kind::Page => p.parent.is_some_and(|parent| site.pages[parent].kind == Kind::Home) && !p.doc.key.contains('/'),
        Kind::Section => false,
    });
    let files: Vec<Value> = top
        .map(|p| {
            let language = site.languages.get(p.lang).filter(|l| !l.is_empty());
            let label = match language {
                Some(code) => format!("{} ({code})", p.title()),
                None => p.title().to_string(),
            };
            json!({"name": entry_name(&p.doc.key), "label": label, "file": format!("content/{}", p.doc.key),
                   "media_folder": "", "public_folder": "", "fields": page_fields(p.doc.meta.fm.faq)})
        })
        .collect();
    collections.push(json!({"name": "home", "label": label_of("Home and pages", Some("pages"), locale),
        "format": "yaml-frontmatter", "files": files}));
    // One collection per section at the top of content/: its pages, flat or bundled.
    for section in site.pages.iter().filter(|p| p.kind == Kind::Section && p.lang == 0) {
        let Some(dir) = section.doc.key.strip_suffix("/_index.md").filter(|d| !d.contains('/')) else { continue };
        let faq = section.section_kind == crate::front_matter::SectionKind::Faq;
        collections.push(json!({
            "name": dir, "label": section.doc.meta.fm.menu_title.as_deref().unwrap_or(section.title()),
            "label_singular": "page", "folder": format!("content/{dir}"), "create": true,
            "path": "{{slug}}/index", "media_folder": "", "public_folder": "",
            "format": "yaml-frontmatter", "extension": "md", "summary": "{{title}}",
            "sortable_fields": ["weight", "title"], "fields": page_fields(faq),
        }));
    }
    let site_fields: Vec<Value> = schema::SITE.iter().map(|f| field(f, locale)).collect();
    collections.push(json!({"name": "settings", "label": "Site settings", "format": "yml", "files": [
        {"name": "site", "label": FILE_NAME, "file": FILE_NAME, "fields": site_fields}]}));
    let document = json!({
        "backend": backend,
        "local_backend": {"url": format!("http://localhost:{}/api/v1", admin.local_port)},
        "locale": config.language.split(['-', '_']).next().unwrap_or("en"),
        "site_url": config.base_url,
        "display_url": config.base_url,
        "media_folder": "static/images",
        "public_folder": config.url("images"),
        "slug": {"encoding": "ascii", "clean_accents": true},
        "collections": collections,
    });
    let yaml = crate::yaml::to_string(&document).expect("a JSON value is always YAML");
    format!(
        "# Written by smpsite on every build, from the keys it reads: edits here are lost.\n# `admin:` in site.yaml chooses the backend; see the README, \"Editing in the browser\".\n{yaml}"
    )
}

/// One key as Decap CMS describes it.
fn field(f: &Field, locale: &Locale) -> Value {
    let mut out = json!({"name": f.name, "label": label_of(f.label, f.words, locale), "required": f.required});
    let mut set = |key: &str, value: Value| out[key] = value;
    match f.widget {
        Widget::Line => set("widget", json!("string")),
        Widget::Text => set("widget", json!("text")),
        Widget::Boolean => set("widget", json!("boolean")),
        Widget::Int => {
            set("widget", json!("number"));
            set("value_type", json!("int"));
        }
        Widget::Date => {
            set("widget", json!("datetime"));
            set("format", json!("YYYY-MM-DD"));
            set("date_format", json!("YYYY-MM-DD"));
            set("time_format", json!(false));
        }
        Widget::Select(options) => {
            set("widget", json!("select"));
            set("options", json!(options));
        }
        Widget::Lines => {
            set("widget", json!("list"));
            set("field", json!({"name": "item", "label": f.label, "widget": "string"}));
        }
        Widget::Records(fields) => {
            set("widget", json!("list"));
            // Open: staff see each step or photo pair at once.
            set("collapsed", json!(false));
            set("summary", json!(format!("{{{{fields.{}}}}}", fields[0].name)));
            set("fields", Value::Array(fields.iter().map(|f| field(f, locale)).collect()));
        }
        Widget::Record(fields) => {
            set("widget", json!("object"));
            set("collapsed", json!(true));
            // Decap checks the required keys of an object a page does not have, and
            // then refuses to save the page: inside an optional one, none is required.
            let optional = |inner: &Field| Field { required: inner.required && f.required, ..*inner };
            set("fields", Value::Array(fields.iter().map(|inner| field(&optional(inner), locale)).collect()));
        }
        Widget::Image => {
            set("widget", json!("image"));
            set("choose_url", json!(false));
        }
        Widget::Hidden => set("widget", json!("hidden")),
    }
    if !f.hint.is_empty() {
        out["hint"] = json!(f.hint);
    }
    if let Some((pattern, message)) = f.pattern {
        out["pattern"] = json!([pattern, message]);
    }
    out
}

/// The theme's word for a key in the site's language when it has one, else `english`.
fn label_of(english: &str, words: Option<&str>, locale: &Locale) -> String {
    match words.map(|key| locale.get(key)) {
        Some(word) if Some(word) != words => word.to_string(),
        _ => english.to_string(),
    }
}

/// A files-collection entry's name: the file's key in letters, digits and `_`.
fn entry_name(key: &str) -> String {
    key.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
}

/// `text` as HTML text or an attribute value: the escaping the Markdown renderer uses.
fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    pulldown_cmark_escape::escape_html(&mut out, text).expect("writing to a String");
    out
}

/// What the editor cannot show faithfully, each a warning at its line: keys of a page's
/// or site.yaml's `extra:` the theme does not read (a save would drop them), and pages
/// deeper than a section's folder and its bundles (the editor does not list them).
pub fn warnings(config: &Config, site: &Site) -> Vec<Diagnostic> {
    if config.admin.is_none() {
        return Vec::new();
    }
    let mut found = Vec::new();
    let known = |fields: &[Field], key: &crate::yaml::Value| fields.iter().any(|f| key.as_str() == Some(f.name));
    for page in &site.pages {
        let doc = &page.doc;
        for key in doc.meta.fm.extra.keys().filter(|k| !known(schema::PAGE_EXTRA, k)) {
            let name = key.as_str().unwrap_or("?");
            let (line, col) = doc.key_position(name);
            found.push(unshown(doc.display_path(), line, col, name).with_source(doc.text()));
        }
        if doc.key.matches('/').count() > 2 || (doc.key.matches('/').count() == 2 && !doc.key.ends_with("/index.md")) {
            found.push(
                Diagnostic::warning(doc.display_path(), 1, 1, "the browser editor does not list this page: it is more than one folder deep in its section")
                    .with_help("move it up to its section's folder (or make it a page bundle there: `section/name/index.md`) to edit it in the browser"),
            );
        }
    }
    for key in config.extra.keys().filter(|k| !known(schema::SITE_EXTRA, k)) {
        let name = key.as_str().unwrap_or("?");
        let (line, col) = config.key_at(name).unwrap_or((1, 1));
        found.push(unshown(FILE_NAME.into(), line, col, name).with_source(config.text()));
    }
    found
}

fn unshown(path: std::path::PathBuf, line: usize, col: usize, key: &str) -> Diagnostic {
    Diagnostic::warning(path, line, col, format!("the browser editor cannot show `extra.{key}`: a save there may drop it"))
        .with_help("edit this file in a text editor, or switch the editor off with `admin: off` in site.yaml (see the README, \"Editing in the browser\")")
}
