//! Structured data (schema.org JSON-LD): the clinic on the home page, breadcrumbs,
//! FAQPage and Article.

use serde_json::{Value, json};

use super::Body;
use crate::config::{Config, tel_uri};
use crate::site::{PageId, Site};

/// The structured data of one page: the clinic on the home page, breadcrumbs on every
/// other page, FAQPage on FAQ pages, Article on dated pages.
pub(super) fn jsonld(config: &Config, site: &Site, id: PageId, body: &Body) -> Vec<Value> {
    let page = &site.pages[id];
    let language = &super::languages::language(config, site, page.lang).code;
    let mut docs = Vec::new();
    if site.is_home(id) {
        let words = super::languages::language(config, site, page.lang);
        docs.push(clinic_jsonld(config, &words.description));
        let url = config.permalink(&page.path);
        docs.push(json!({"@context": "https://schema.org", "@type": "WebSite", "name": words.title, "url": url, "inLanguage": language}));
        return docs;
    }
    let items: Vec<Value> = site
        .ancestry(id)
        .iter()
        .enumerate()
        .map(|(i, &a)| json!({"@type": "ListItem", "position": i + 1, "name": crumb_title(config, site, a), "item": config.permalink(&site.pages[a].path)}))
        .collect();
    docs.push(json!({"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": items}));
    if page.is_faq() && !body.faq.is_empty() {
        let questions: Vec<Value> = body
            .faq
            .iter()
            .map(|q| json!({"@type": "Question", "name": q.question, "acceptedAnswer": {"@type": "Answer", "text": q.answer.trim()}}))
            .collect();
        docs.push(json!({"@context": "https://schema.org", "@type": "FAQPage", "inLanguage": language, "mainEntity": questions}));
    } else if site.languages.len() > 1 && page.doc.meta.date.is_none() {
        // Every page of a site in several languages says which language it is in.
        docs.push(json!({"@context": "https://schema.org", "@type": "WebPage", "name": page.title(),
                         "url": config.permalink(&page.path), "inLanguage": language}));
    }
    if let Some(date) = page.doc.meta.date {
        let modified = page.doc.meta.updated.unwrap_or(date);
        docs.push(json!({
            "@context": "https://schema.org", "@type": "Article", "headline": page.title(),
            "datePublished": date.to_string(), "dateModified": modified.to_string(), "inLanguage": language,
            "mainEntityOfPage": config.permalink(&page.path),
            "publisher": {"@type": "Organization", "name": config.clinic.name, "url": config.base_url},
        }));
    }
    docs
}

/// The clinic, described in the home page's language (`description`).
fn clinic_jsonld(config: &Config, description: &str) -> Value {
    let clinic = &config.clinic;
    let tels: Vec<(String, &str)> = clinic
        .phones
        .iter()
        .filter(|p| !p.text_only)
        .filter_map(|p| {
            Some((tel_uri(&p.number, config.country())?.trim_start_matches("tel:").to_string(), p.label.as_str()))
        })
        .collect();
    let mut business = json!({
        "@context": "https://schema.org",
        "@type": "HealthAndBeautyBusiness",
        "name": clinic.name,
        "url": config.base_url,
    });
    let obj = business.as_object_mut().expect("a JSON object");
    if !description.is_empty() {
        obj.insert("description".into(), json!(description));
    }
    if let Some((first, _)) = tels.first() {
        obj.insert("telephone".into(), json!(first));
        let points: Vec<Value> = tels
            .iter()
            .map(|(t, label)| json!({"@type": "ContactPoint", "telephone": t, "contactType": label}))
            .collect();
        obj.insert("contactPoint".into(), json!(points));
    }
    if let Some(email) = &clinic.email {
        obj.insert("email".into(), json!(email));
    }
    if let Some(a) = &clinic.address {
        obj.insert(
            "address".into(),
            json!({"@type": "PostalAddress", "streetAddress": a.street, "addressLocality": a.locality, "addressRegion": a.region, "postalCode": a.postal_code, "addressCountry": a.country}),
        );
    }
    if !clinic.hours.is_empty() {
        obj.insert("openingHours".into(), json!(clinic.hours));
    }
    business
}

/// JSON for a `<script>`: `<`, `>` and `&` escaped so no text can close the tag.
pub(super) fn script_json(value: &Value) -> String {
    serde_json::to_string(value)
        .expect("JSON values serialize")
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// A page's name in breadcrumbs: the home page's word for "home" in its language.
pub(super) fn crumb_title<'a>(config: &'a Config, site: &'a Site, id: PageId) -> &'a str {
    let page = &site.pages[id];
    if site.is_home(id) { super::languages::locale(config, site, page.lang).get("home") } else { page.title() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_for_scripts_cannot_close_the_tag() {
        let out = script_json(&json!({"text": "</script><script>alert(1)</script> & more"}));
        assert!(!out.contains("</script"));
        assert!(out.contains("\\u003c/script\\u003e"));
        let back: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back["text"], "</script><script>alert(1)</script> & more");
    }
}
