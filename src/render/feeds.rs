//! The files no template writes: `sitemap.xml`, `robots.txt` and the Atom feed.

use super::{Bodies, FEED};
use crate::config::Config;
use crate::error::Diagnostic;
use crate::site::{Page, PageId, Site};

/// The `n` newest dated pages in language `lang` (0 for the default), newest first
/// (ties by path, so the order is stable).
pub(super) fn newest_dated(site: &Site, n: usize, lang: usize) -> Vec<PageId> {
    let mut dated: Vec<(std::cmp::Reverse<jiff::civil::Date>, &str, PageId)> = site
        .pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.lang == lang)
        .filter_map(|(id, p)| Some((std::cmp::Reverse(p.doc.meta.date?), p.path.as_str(), id)))
        .collect();
    if dated.len() > n {
        dated.select_nth_unstable(n);
        dated.truncate(n);
    }
    dated.sort_unstable();
    dated.into_iter().map(|(_, _, id)| id).collect()
}

/// The feed, or None when no page is dated; the errors of its entries' bodies.
pub(super) fn atom_feed(
    config: &Config,
    site: &Site,
    dated: &[PageId],
    bodies: &dyn Bodies,
) -> Result<Option<String>, Vec<Diagnostic>> {
    let newest = dated.iter().filter_map(|&id| {
        let meta = &site.pages[id].doc.meta;
        meta.updated.max(meta.date)
    });
    // The feed's date comes from its entries, never the clock: builds stay reproducible.
    let Some(updated) = newest.max() else { return Ok(None) };
    let mut xml =
        String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"");
    xml.push_str(&format!(" xml:lang=\"{}\">\n", xml_escape(&config.language)));
    xml.push_str(&format!("  <title>{}</title>\n", xml_escape(&config.title)));
    if !config.description.is_empty() {
        xml.push_str(&format!("  <subtitle>{}</subtitle>\n", xml_escape(&config.description)));
    }
    xml.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        xml_escape(&config.permalink(FEED))
    ));
    xml.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml_escape(&config.base_url)
    ));
    xml.push_str(&format!(
        "  <id>{}</id>\n  <updated>{}</updated>\n",
        xml_escape(&config.base_url),
        atom_date(updated)
    ));
    xml.push_str(&format!("  <author><name>{}</name></author>\n", xml_escape(&config.clinic.name)));
    for &id in dated {
        let page = &site.pages[id];
        let meta = &page.doc.meta;
        let (Some(date), url) = (meta.date, config.permalink(&page.path)) else { continue };
        xml.push_str("  <entry>\n");
        xml.push_str(&format!("    <title>{}</title>\n", xml_escape(page.title())));
        xml.push_str(&format!("    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n", xml_escape(&url)));
        xml.push_str(&format!("    <id>{}</id>\n", xml_escape(&url)));
        xml.push_str(&format!("    <published>{}</published>\n", atom_date(date)));
        xml.push_str(&format!("    <updated>{}</updated>\n", atom_date(meta.updated.unwrap_or(date).max(date))));
        if let Some(summary) = meta.fm.description.as_deref().filter(|d| !d.trim().is_empty()) {
            xml.push_str(&format!("    <summary>{}</summary>\n", xml_escape(summary)));
        }
        xml.push_str(&format!("    <content type=\"html\">{}</content>\n", xml_escape(&bodies.body(id)?.html)));
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    Ok(Some(xml))
}

fn atom_date(date: jiff::civil::Date) -> String {
    format!("{date}T00:00:00Z")
}

pub(super) fn sitemap(config: &Config, site: &Site) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"",
    );
    // The alternates of translated pages (issue 17), as Google reads them.
    if site.languages.len() > 1 {
        xml.push_str(" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\"");
    }
    xml.push_str(">\n");
    let mut pages: Vec<(PageId, &Page)> = site.pages.iter().enumerate().collect();
    pages.sort_by(|a, b| a.1.path.cmp(&b.1.path));
    for (id, page) in pages {
        xml.push_str("  <url>\n    <loc>");
        xml.push_str(&xml_escape(&config.permalink(&page.path)));
        xml.push_str("</loc>\n");
        if let Some(date) = page.doc.meta.updated.or(page.doc.meta.date) {
            xml.push_str(&format!("    <lastmod>{date}</lastmod>\n"));
        }
        xml.push_str(&sitemap_links(config, site, id));
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

pub(super) fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&apos;")
}

/// `robots.txt`: everything may be crawled, and the sitemap is named.
pub(super) fn robots(config: &Config) -> String {
    format!("User-agent: *\nAllow: /\n\nSitemap: {}sitemap.xml\n", config.base_url)
}

/// The sitemap's alternates of a page: `<xhtml:link rel="alternate" hreflang href/>`.
fn sitemap_links(config: &Config, site: &Site, id: PageId) -> String {
    let page = &site.pages[id];
    if page.translations.iter().flatten().count() < 2 {
        return String::new();
    }
    let mut xml = String::new();
    for (lang, other) in page.translations.iter().enumerate() {
        if let Some(other) = other {
            let href = config.permalink(&site.pages[*other].path);
            let code = &super::languages::language(config, site, lang).code;
            xml.push_str(&format!(
                "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>\n",
                xml_escape(code),
                xml_escape(&href)
            ));
        }
    }
    if let Some(Some(main)) = page.translations.first() {
        let href = xml_escape(&config.permalink(&site.pages[*main].path));
        xml.push_str(&format!("    <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{href}\"/>\n"));
    }
    xml
}
