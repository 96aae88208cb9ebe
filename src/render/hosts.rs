//! The hosts' own rules, generated from the site on every build (`hosting:` in site.yaml
//! picks which): `_redirects` and `_headers` (Netlify, Cloudflare Pages) and `.htaccess`
//! (Apache). Each alias becomes a real 301, every response carries the security
//! headers, and the fingerprinted stylesheet is cached for good. The meta-refresh alias
//! pages stay, for hosts that read none of these files.
//!
//! The Content-Security-Policy is what the default theme needs, with room for what
//! clinic staff paste into Markdown: no scripts at all (JSON-LD blocks are data, never
//! run), stylesheets from the site only (the brand colours are in the fingerprinted
//! stylesheet, not inline), inline `style=""` attributes (Markdown's aligned table
//! columns, a map embed's `style="border:0"`), images from the site or any https
//! address, and https embeds (`<iframe>` maps, videos). The browser editor's page
//! (`admin/`) alone gets the policy the CMS needs (`admin::CSP`) and `noindex`.

use std::fmt::Write;

use crate::config::{Config, Hosting};
use crate::site::Site;

/// Every page's Content-Security-Policy (see the module's docs for each choice).
pub const CSP: &str = "default-src 'self'; script-src 'none'; style-src 'self'; style-src-attr 'unsafe-inline'; \
img-src 'self' data: https:; media-src 'self' https:; frame-src https:; object-src 'none'; base-uri 'self'; \
form-action 'self' https:; frame-ancestors 'self'";

/// The headers every response carries, besides the cache.
pub const SECURITY_HEADERS: [(&str, &str); 5] = [
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    ("X-Frame-Options", "SAMEORIGIN"),
];

/// A file whose name holds a fingerprint of its bytes: a new version is a new name.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Pages: asked again each time (an answer of "not modified" costs little), so an edit
/// shows at once. Netlify and Cloudflare send this by default.
pub const SHORT: &str = "public, max-age=0, must-revalidate";
/// Photos, icons and fonts, whose names stay when their bytes change: a day.
pub const MODEST: &str = "public, max-age=86400";
/// The files [`MODEST`] applies to, by extension.
const MODEST_EXTENSIONS: [&str; 10] = ["jpg", "jpeg", "png", "webp", "avif", "gif", "svg", "ico", "woff", "woff2"];

/// `_redirects`: each alias (old address -> page), one line per host that reads the
/// file. Netlify serves an existing file rather than redirect unless the rule is forced
/// (`301!`), and the alias's meta-refresh page exists; Cloudflare Pages always
/// redirects and rejects the `!`, skipping that line with a warning. Netlify takes the
/// first rule that matches, so its forced line comes first.
pub(super) fn redirects(config: &Config, site: &Site) -> String {
    let mut text = String::from(HEADER);
    let statuses: Vec<&str> = [(config.hosting.netlify, "301!"), (config.hosting.cloudflare, "301")]
        .into_iter()
        .filter_map(|(on, status)| on.then_some(status))
        .collect();
    for (from, to) in aliases(config, site) {
        for status in &statuses {
            let _ = writeln!(text, "{} {} {status}", encode(&from), encode(&to));
        }
    }
    text
}

/// `_headers`: the security headers on every path, and the cache of the files that
/// have one of their own. Rules never overlap on `Cache-Control` (Cloudflare joins the
/// values of every rule that matches), so pages keep the host's own short cache.
pub(super) fn headers(config: &Config, fingerprinted: &[&str]) -> String {
    let mut text = String::from(HEADER);
    text.push_str("/*\n");
    for (name, value) in SECURITY_HEADERS {
        let _ = writeln!(text, "  {name}: {value}");
    }
    for path in fingerprinted {
        let _ = write!(text, "\n{}\n  Cache-Control: {IMMUTABLE}\n", encode(&config.url(path)));
    }
    for extension in MODEST_EXTENSIONS {
        let _ = write!(text, "\n/*.{extension}\n  Cache-Control: {MODEST}\n");
    }
    if config.admin.is_some() {
        // The editor's own policy, after the site's: Netlify takes a later rule's value
        // of a header; Cloudflare joins them unless the earlier one is detached (`!`).
        let _ = write!(text, "\n{}*\n", encode(&config.url(crate::admin::FOLDER)));
        if config.hosting.cloudflare {
            text.push_str("  ! Content-Security-Policy\n");
        }
        let _ = writeln!(text, "  Content-Security-Policy: {}\n  X-Robots-Tag: noindex", crate::admin::CSP);
    }
    text
}

/// `.htaccess`: the same redirects and headers for Apache, each part inside
/// `<IfModule>` so a host without the module serves the site without it rather than
/// answering "500", and the 404 page. Only directives `AllowOverride FileInfo` allows.
pub(super) fn htaccess(config: &Config, site: &Site, fingerprinted: &[&str]) -> String {
    let mut text = String::from(HEADER);
    let _ = writeln!(text, "ErrorDocument 404 {}", config.url("404.html"));
    text.push_str("\n<IfModule mod_alias.c>\n");
    for (from, to) in aliases(config, site) {
        let pattern = match from.strip_suffix('/') {
            Some(folder) => format!("^{}/(index\\.html)?$", regex::escape(folder)),
            None => format!("^{}$", regex::escape(&from)),
        };
        let _ = writeln!(text, "  RedirectMatch 301 \"{}\" \"{}\"", quoted(&pattern), encode(&to));
    }
    // Apache would serve the other hosts' rule files as text: they are no page.
    let others = format!("^{}_(redirects|headers)$", regex::escape(&config.root));
    let _ = writeln!(text, "  RedirectMatch 404 \"{others}\"");
    text.push_str("</IfModule>\n\n<IfModule mod_headers.c>\n");
    for (name, value) in SECURITY_HEADERS {
        let _ = writeln!(text, "  Header always set {name} \"{value}\"");
    }
    if config.admin.is_some() {
        // The editor loads the CMS's script: its own policy replaces the site's there
        // (`Header` with `expr=`: allowed by `AllowOverride FileInfo`, unlike `<If>`).
        let admin = format!("expr=%{{REQUEST_URI}} =~ m#^{}#", regex::escape(&config.url(crate::admin::FOLDER)));
        let _ = writeln!(text, "  Header always set Content-Security-Policy \"{}\" \"{admin}\"", crate::admin::CSP);
        let _ = writeln!(text, "  Header always set X-Robots-Tag \"noindex\" \"{admin}\"");
    }
    let _ = writeln!(text, "  Header set Cache-Control \"{SHORT}\"");
    let _ = writeln!(text, "  <FilesMatch \"\\.(?i:{})$\">", MODEST_EXTENSIONS.join("|"));
    let _ = writeln!(text, "    Header set Cache-Control \"{MODEST}\"\n  </FilesMatch>");
    for path in fingerprinted {
        let name = path.rsplit('/').next().unwrap_or(path);
        let _ = writeln!(text, "  <FilesMatch \"^{}$\">", quoted(&regex::escape(name)));
        let _ = writeln!(text, "    Header set Cache-Control \"{IMMUTABLE}\"\n  </FilesMatch>");
    }
    text.push_str("</IfModule>\n");
    text
}

const HEADER: &str = "# Written by smpsite on every build, from the site: edits here are lost on the next build.\n\
# Which hosts' files it writes: `hosting:` in site.yaml.\n";

/// Every alias as (old address, the page's address), both from the site's root.
fn aliases(config: &Config, site: &Site) -> Vec<(String, String)> {
    site.aliases.iter().map(|(alias, &target)| (config.url(alias), config.url(&site.pages[target].path))).collect()
}

/// An address as the rule files need it: no spaces, quotes or control characters.
fn encode(address: &str) -> String {
    const UNSAFE: &percent_encoding::AsciiSet =
        &percent_encoding::CONTROLS.add(b' ').add(b'"').add(b'<').add(b'>').add(b'`').add(b'\\').add(b'%');
    percent_encoding::utf8_percent_encode(address, UNSAFE).to_string()
}

/// Text inside an Apache argument in double quotes: only a quote is escaped (Apache
/// keeps every other backslash, as a regular expression needs it).
fn quoted(text: &str) -> String {
    text.replace('"', "\\\"")
}

/// Which rule files `hosting` asks for, by output path.
pub(super) fn files(hosting: Hosting) -> Vec<(&'static str, super::owners::HostFile)> {
    use super::owners::HostFile;
    let mut files = Vec::new();
    if hosting.underscore_files() {
        files.push(("_redirects", HostFile::Redirects));
        files.push(("_headers", HostFile::Headers));
    }
    if hosting.apache {
        files.push((crate::output::HTACCESS, HostFile::Htaccess));
    }
    files
}

#[cfg(test)]
mod tests {
    use super::super::owners::HostFile;
    use super::*;
    use crate::doc::Doc;

    fn clinic(hosting: &str) -> (Config, Site) {
        let yaml = format!("title: T\nbase_url: https://host.example/clinic\nclinic:\n  name: C\n{hosting}");
        let config = Config::parse(&yaml, None).unwrap();
        let doc = |source: &str, yaml: &str| {
            Doc::parse(source.into(), format!("---\n{yaml}\n---\nBody.\n").into_bytes().into()).unwrap()
        };
        let docs = vec![
            doc("_index.md", "title: Home"),
            doc("process/first.md", "title: First\naliases: [/first-session/, \"/old page.html\"]"),
        ];
        (config, Site::build(docs, vec![], false).unwrap())
    }

    #[test]
    fn redirects_carry_the_sub_path_of_base_url_one_line_per_host() {
        let (config, site) = clinic("");
        let text = redirects(&config, &site);
        let rules: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(
            rules,
            [
                "/clinic/first-session/ /clinic/process/first/ 301!",
                "/clinic/first-session/ /clinic/process/first/ 301",
                "/clinic/old%20page.html /clinic/process/first/ 301!",
                "/clinic/old%20page.html /clinic/process/first/ 301",
            ]
        );
        let (config, site) = clinic("hosting: cloudflare\n");
        assert!(!redirects(&config, &site).contains("301!"), "Cloudflare rejects the forced status");
    }

    #[test]
    fn htaccess_redirects_exactly_the_alias_and_points_404_at_the_sub_path() {
        let (config, site) = clinic("");
        let text = htaccess(&config, &site, &["style.0123456789abcdef.css"]);
        assert!(text.contains("ErrorDocument 404 /clinic/404.html\n"), "{text}");
        assert!(
            text.contains("RedirectMatch 301 \"^/clinic/first\\-session/(index\\.html)?$\" \"/clinic/process/first/\""),
            "{text}"
        );
        assert!(text.contains("RedirectMatch 301 \"^/clinic/old page\\.html$\""), "{text}");
        assert!(text.contains("<FilesMatch \"^style\\.0123456789abcdef\\.css$\">"), "{text}");
        // Every directive is one `AllowOverride FileInfo` allows, and each module's
        // inside its <IfModule>: a host without it still serves the site.
        let alias = text.split("<IfModule mod_alias.c>").nth(1).unwrap().split("</IfModule>").next().unwrap();
        assert!(alias.lines().skip(1).all(|l| l.trim_start().starts_with("RedirectMatch")), "{alias}");
        let headers = text.split("<IfModule mod_headers.c>").nth(1).unwrap();
        assert!(headers.contains(&format!("Header always set Content-Security-Policy \"{CSP}\"")), "{headers}");
        assert!(!text.lines().any(|l| l.trim_start().starts_with("Options") || l.contains("Rewrite")), "{text}");
    }

    #[test]
    fn headers_give_the_fingerprinted_stylesheet_the_long_cache_and_never_overlap() {
        let (config, _) = clinic("");
        let text = headers(&config, &["style.0123456789abcdef.css"]);
        assert!(
            text.contains("/clinic/style.0123456789abcdef.css\n  Cache-Control: public, max-age=31536000, immutable")
        );
        assert!(text.starts_with(HEADER) && text.contains("/*\n  Content-Security-Policy: default-src 'self';"));
        // One Cache-Control per rule, and no rule for every path: Cloudflare would join them.
        let blocks: Vec<&str> = text.split("\n\n").collect();
        assert!(!blocks[0].contains("Cache-Control"), "{}", blocks[0]);
        assert_eq!(text.matches("immutable").count(), 1, "{text}");
    }

    #[test]
    fn the_editor_gets_its_own_policy_and_every_other_page_keeps_the_strict_one() {
        let (config, site) = clinic("");
        let text = headers(&config, &[]);
        let site_rule = text.split("\n\n").find(|b| b.contains("/*\n")).unwrap();
        assert!(site_rule.contains("script-src 'none'"), "{text}");
        let admin = text.split("\n\n").find(|b| b.starts_with("/clinic/admin/*")).expect("a rule for the editor");
        assert!(admin.contains("  ! Content-Security-Policy\n"), "Cloudflare drops the site's policy there: {admin}");
        assert!(admin.contains("script-src 'self' https://unpkg.com"), "{admin}");
        let apache = htaccess(&config, &site, &[]);
        assert!(apache.contains("\" \"expr=%{REQUEST_URI} =~ m#^/clinic/admin/#\"\n"), "{apache}");
        assert!(!apache.contains("<If "), "FileInfo does not allow <If>: {apache}");
        let (config, site) = clinic("admin: off\n");
        assert!(!headers(&config, &[]).contains("admin"));
        assert!(!htaccess(&config, &site, &[]).contains("admin"));
    }

    #[test]
    fn hosting_chooses_the_files() {
        let paths = |h: Hosting| files(h).into_iter().map(|(p, _)| p).collect::<Vec<_>>();
        assert_eq!(paths(Hosting::ALL), ["_redirects", "_headers", ".htaccess"]);
        assert!(paths(Hosting::NONE).is_empty());
        assert_eq!(paths(Hosting { apache: true, ..Hosting::NONE }), [".htaccess"]);
        assert_eq!(paths(Hosting { netlify: true, ..Hosting::NONE }), ["_redirects", "_headers"]);
        assert_eq!(files(Hosting { cloudflare: true, ..Hosting::NONE })[1].1, HostFile::Headers);
    }
}
