//! Every JSON-LD block of the example site parses and carries the properties its
//! schema.org type needs; breadcrumbs and FAQ entries agree with the visible page.

use crate::common;

use common::TestSite;
use scraper::{Html, Selector};
use serde_json::Value;

fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap()
}

fn has(v: &Value, key: &str) -> bool {
    match &v[key] {
        Value::Null => false,
        Value::String(s) => !s.trim().is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => true,
    }
}

fn require(v: &Value, keys: &[&str], what: &str) {
    for key in keys {
        assert!(has(v, key), "{what}: `{key}` missing in {v}");
    }
}

#[test]
fn every_json_ld_block_is_valid_and_complete() {
    let site = TestSite::example();
    site.build();
    let mut seen_types = Vec::new();
    for (path, bytes) in site.output() {
        if !path.ends_with(".html")
            || ["first-session/index.html", "process/extra-sessions/index.html"].contains(&path.as_str())
            || path.starts_with("admin/")
        {
            continue; // the alias redirects and the browser editor's page have no structured data
        }
        let doc = Html::parse_document(&String::from_utf8(bytes).unwrap());
        let canonical =
            doc.select(&sel("link[rel=canonical]")).next().unwrap().value().attr("href").unwrap().to_string();
        let blocks: Vec<Value> = doc
            .select(&sel("script[type='application/ld+json']"))
            .map(|s| {
                serde_json::from_str(&s.inner_html()).unwrap_or_else(|e| panic!("{path}: JSON-LD does not parse: {e}"))
            })
            .collect();
        let is_home = path == "index.html";
        if !is_home && path != "404.html" {
            assert!(blocks.iter().any(|b| b["@type"] == "BreadcrumbList"), "{path}: no BreadcrumbList");
        }
        for block in &blocks {
            assert_eq!(block["@context"], "https://schema.org", "{path}");
            let kind = block["@type"].as_str().unwrap_or_else(|| panic!("{path}: no @type"));
            seen_types.push(kind.to_string());
            let what = format!("{path} {kind}");
            match kind {
                "HealthAndBeautyBusiness" => {
                    require(block, &["name", "url", "telephone", "address", "openingHours"], &what);
                    require(
                        &block["address"],
                        &["streetAddress", "addressLocality", "addressRegion", "postalCode", "addressCountry"],
                        &what,
                    );
                    assert!(block["telephone"].as_str().unwrap().starts_with('+'), "{what}: telephone is not E.164");
                }
                "WebSite" => require(block, &["name", "url"], &what),
                "BreadcrumbList" => {
                    let items = block["itemListElement"].as_array().unwrap();
                    for (i, item) in items.iter().enumerate() {
                        assert_eq!(item["@type"], "ListItem", "{what}");
                        assert_eq!(item["position"], i + 1, "{what}: positions run 1..n");
                        require(item, &["name", "item"], &what);
                        assert!(
                            item["item"].as_str().unwrap().starts_with("https://"),
                            "{what}: item URLs are absolute"
                        );
                    }
                    assert_eq!(
                        items.last().unwrap()["item"],
                        canonical.as_str(),
                        "{what}: the last crumb is this page"
                    );
                }
                "FAQPage" => {
                    let questions = block["mainEntity"].as_array().unwrap();
                    let visible = doc.select(&sel(".faq details summary")).count();
                    assert_eq!(questions.len(), visible, "{what}: one Question per visible question");
                    for q in questions {
                        assert_eq!(q["@type"], "Question", "{what}");
                        require(q, &["name"], &what);
                        assert_eq!(q["acceptedAnswer"]["@type"], "Answer", "{what}");
                        require(&q["acceptedAnswer"], &["text"], &what);
                    }
                }
                "Article" => require(block, &["headline", "datePublished", "dateModified", "mainEntityOfPage"], &what),
                other => panic!("{what}: unexpected type {other}"),
            }
        }
    }
    for kind in ["HealthAndBeautyBusiness", "WebSite", "BreadcrumbList", "FAQPage"] {
        assert!(seen_types.iter().any(|t| t == kind), "the example site never emits {kind}");
    }
}
