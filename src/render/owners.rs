//! Every address of the output belongs to exactly one thing (issue 12): a page, an
//! alias, a file the site generates (`404.html`, `sitemap.xml`, `atom.xml`,
//! `robots.txt`, the stylesheet, the hosts' rule files), a static file or a file beside
//! the content. Two things at one path,
//! or a file where another needs a folder (`sitemap.xml` and `sitemap.xml/index.html`),
//! is an error that names the one to change, at its line: never a file silently
//! dropped or replaced, never a write that fails half-way.

use std::collections::BTreeMap;

use crate::error::Diagnostic;
use crate::site::{PageId, Site, alias_error, alias_path};

/// One file of the output, and what makes it.
#[derive(Debug, Clone, Copy)]
pub enum Job<'a> {
    /// A page, rendered with its template.
    Page(PageId),
    /// A redirect to the page from one of its old addresses (`aliases:`).
    Alias(PageId),
    /// The "page not found" page of a language (an index into `Site::languages`).
    NotFound(usize),
    /// `sitemap.xml`.
    Sitemap,
    /// The news feed (`atom.xml`): the newest dated pages.
    Feed,
    /// `robots.txt`.
    Robots,
    /// The theme's `style.css` with the brand's colours, named by its fingerprint.
    Stylesheet,
    /// A host's rule file (`hosting:` in site.yaml).
    Host(HostFile),
    /// A file of the browser editor (`admin:` in site.yaml).
    Admin(AdminFile),
    /// A static file or a content asset, copied as it is.
    Copy(&'a [u8]),
    /// One file of the photo at this output path: without metadata, or a smaller copy.
    Photo(&'a str, crate::photo::Variant),
}

/// The rule files hosts read from the output (see `render/hosts.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HostFile {
    /// `_redirects`: Netlify and Cloudflare Pages.
    Redirects,
    /// `_headers`: Netlify and Cloudflare Pages.
    Headers,
    /// `.htaccess`: Apache.
    Htaccess,
}

/// The browser editor's files (see `admin.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AdminFile {
    /// `admin/index.html`: loads the CMS.
    Page,
    /// `admin/config.yml`: the collections and their keys.
    Config,
    /// `admin/preview.js`: the preview's stylesheet.
    Preview,
}

/// Every file of the output by path (with `/`), in a stable order.
pub type Outputs<'a> = BTreeMap<String, Job<'a>>;

/// Where a claim on an output path comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// Pages, aliases and the generated files: `Job` says which.
    Site,
    /// `static/` (the site's or the theme's).
    Static,
    /// A file beside the pages in `content/`.
    Content,
}

/// The output plan from every claim, in order of precedence (pages, aliases, generated
/// files, static files, content files); or every conflict between claims.
pub(crate) fn plan<'a>(
    site: &Site,
    claims: impl IntoIterator<Item = (String, Job<'a>, Origin)>,
) -> Result<Outputs<'a>, Vec<Diagnostic>> {
    let mut outputs = Outputs::new();
    let mut origins: BTreeMap<String, Origin> = BTreeMap::new();
    let mut problems = Vec::new();
    for (path, job, origin) in claims {
        match outputs.get(&path) {
            Some(&taken) => problems.push(conflict(site, (&path, taken, origins[&path]), (&path, job, origin))),
            None => {
                origins.insert(path.clone(), origin);
                outputs.insert(path, job);
            }
        }
    }
    // A file where another claim needs a folder: each folder of each path is looked up
    // once (linear in the number of files times their depth).
    for (path, &job) in &outputs {
        let folder_claim = path
            .match_indices('/')
            .map(|(at, _)| &path[..at])
            .find_map(|folder| outputs.get_key_value(folder).map(|(f, &j)| (f.as_str(), j, origins[folder])));
        if let Some(file) = folder_claim {
            problems.push(conflict(site, file, (path, job, origins[path])));
        }
    }
    if problems.is_empty() { Ok(outputs) } else { Err(problems) }
}

type Claim<'p, 'a> = (&'p str, Job<'a>, Origin);

/// The error for two claims that cannot both be published, on the one a person wrote
/// last: an alias, else a page's `slug`, else the static or content file.
fn conflict(site: &Site, first: Claim, second: Claim) -> Diagnostic {
    let clash = |claim: &Claim, other: &Claim| {
        let (path, _, _) = claim;
        if path == &other.0 {
            format!("would be published at /{path}, which is already {}", describe(site, other))
        } else if other.0.len() > path.len() {
            format!("would be published at /{path}, where {} needs a folder", describe(site, other))
        } else {
            format!("would be published at /{path}, inside /{0}/, but /{0} is {1}", other.0, describe(site, other))
        }
    };
    for (claim, other) in [(&second, &first), (&first, &second)] {
        if let (path, Job::Alias(target), _) = claim {
            let doc = &site.pages[*target].doc;
            let written = written_alias(site, *target, path).unwrap_or(path);
            return alias_error(doc, written, clash(claim, other));
        }
    }
    for (claim, other) in [(&second, &first), (&first, &second)] {
        if let (_, Job::Page(id), _) = claim {
            let doc = &site.pages[*id].doc;
            if doc.meta.fm.slug.is_some() {
                let (line, col) = doc.key_position("slug");
                return Diagnostic::error(doc.display_path(), line, col, format!("this page {}", clash(claim, other)))
                    .with_help("choose another `slug:`: lowercase words joined by `-`, e.g. `slug: our-studio`")
                    .with_source(doc.text());
            }
        }
    }
    let (file, other) = if second.2 == Origin::Site { (&first, &second) } else { (&second, &first) };
    let shown = match file.2 {
        Origin::Static => format!("static/{}", file.0),
        Origin::Content => format!("content/{}", file.0),
        Origin::Site => file.0.to_string(),
    };
    Diagnostic::error(shown, 0, 0, format!("this file {}", clash(file, other)))
        .with_help("rename or move the file, or remove it")
}

/// What claims a path, in a staffer's words.
fn describe(site: &Site, claim: &Claim) -> String {
    match claim.1 {
        Job::Page(id) => format!("the page {}", site.pages[id].doc.display_path().display()),
        Job::Alias(id) => format!("an alias of {}", site.pages[id].doc.display_path().display()),
        Job::NotFound(_) => "the \"page not found\" page the site generates".into(),
        Job::Sitemap => "the sitemap the site generates".into(),
        Job::Feed => "the news feed the site generates".into(),
        Job::Robots => "the robots.txt the site generates".into(),
        Job::Stylesheet => "the stylesheet the site generates (the theme's style.css with the brand's colours)".into(),
        Job::Host(file) => format!(
            "{} (leave its host out of `hosting:` in site.yaml to publish a file of your own there)",
            match file {
                HostFile::Redirects => "the Netlify and Cloudflare redirects the site generates",
                HostFile::Headers => "the Netlify and Cloudflare headers the site generates",
                HostFile::Htaccess => "the Apache rules the site generates",
            }
        ),
        Job::Admin(_) => {
            "the browser editor the site generates (write `admin: off` in site.yaml to publish a file of your own there)"
                .into()
        }
        Job::Copy(_) if claim.2 == Origin::Static => format!("the file static/{}", claim.0),
        Job::Copy(_) => format!("the file content/{}", claim.0),
        Job::Photo(photo, crate::photo::Variant::Resized { .. }) => {
            let folder = if claim.2 == Origin::Static { "static" } else { "content" };
            format!("a smaller copy of the photo {folder}/{photo}")
        }
        Job::Photo(..) if claim.2 == Origin::Static => format!("the photo static/{}", claim.0),
        Job::Photo(..) => format!("the photo content/{}", claim.0),
    }
}

/// The alias, as written in page `id`'s front matter, that is published at `out`.
fn written_alias<'s>(site: &'s Site, id: PageId, out: &str) -> Option<&'s str> {
    site.pages[id]
        .doc
        .meta
        .fm
        .aliases
        .iter()
        .map(String::as_str)
        .find(|alias| alias_path(alias).is_some_and(|path| alias_output(&path) == out))
}

/// The file an alias's address (see [`alias_path`]) is written to.
pub(crate) fn alias_output(address: &str) -> String {
    if address.is_empty() || address.ends_with('/') { format!("{address}index.html") } else { address.to_string() }
}
