//! The unit tests of `render`, its links, headings and outline.

use std::collections::HashSet;

use super::*;

fn keep(_: &str) -> LinkTarget {
    LinkTarget::Keep
}

fn html(text: &str) -> String {
    render(text, false, &keep).html
}

#[test]
fn renders_gfm_extensions() {
    assert!(html("| a | b |\n|---|---|\n| 1 | 2 |\n").contains("<table>"));
    assert!(html("~~old~~").contains("<del>old</del>"));
    assert!(html("- [x] done\n").contains("<input type=\"checkbox\" disabled checked aria-label=\"done\">"));
    assert!(html("- [ ] dry scalp\n").contains("<input type=\"checkbox\" disabled aria-label=\"to do\">"));
    assert!(html("Note[^1]\n\n[^1]: Here.\n").contains("footnote-definition"));
    assert!(html("\"quoted\" -- it's").contains("“quoted” – it’s"));
}

#[test]
fn renders_github_alerts_as_titled_boxes() {
    let out = html("> [!WARNING]\n> Do not pick scabs.\n");
    assert!(out.contains("<div class=\"markdown-alert markdown-alert-warning\">"), "{out}");
    assert!(out.contains("<p class=\"markdown-alert-title\">Warning</p>"));
    assert!(out.contains("Do not pick scabs.") && out.trim_end().ends_with("</div>"));
    assert!(!out.contains("blockquote"));
    assert!(html("> plain quote\n").contains("<blockquote>"));
}

#[test]
fn gives_headings_github_ids_unique_per_page() {
    let out =
        render("## Will it look natural?\n\n## Will it look natural?\n\n## Main\n\n## Custom {#mine}\n", false, &keep);
    let ids: Vec<_> = out.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["will-it-look-natural", "will-it-look-natural-1", "main-1", "mine"]);
    assert!(out.html.contains("<h2 id=\"will-it-look-natural\">"));
}

#[test]
fn heading_ids_stay_unique_when_suffixes_collide_with_real_headings() {
    let text = "## A\n\n## A-1\n\n## A\n\n## A\n\n## A-1\n";
    let out = render(text, false, &keep);
    let ids: Vec<_> = out.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["a", "a-1", "a-2", "a-3", "a-1-1"]);
    let many = "## Same question?\n\n".repeat(3000);
    let ids: HashSet<String> = render(&many, false, &keep).headings.into_iter().map(|h| h.id).collect();
    assert_eq!(ids.len(), 3000);
    assert!(ids.contains("same-question-2999"));
}

#[test]
fn rewrites_and_reports_links_at_their_offset() {
    let text = "See [one](a.md) and [two](b.md#x) and ![i](/img.png).";
    let out = render(text, false, &|dest: &str| match dest {
        "a.md" => LinkTarget::Replace("/a/".into()),
        "b.md#x" => LinkTarget::Broken { message: "no b".into(), help: "fix".into(), cause: None },
        "/img.png" => LinkTarget::Replace("/root/img.png".into()),
        _ => LinkTarget::Keep,
    });
    assert!(out.html.contains("href=\"/a/\""));
    assert!(out.html.contains("src=\"/root/img.png\""));
    assert_eq!(
        out.problems,
        [Problem { offset: text.find("[two]").unwrap(), message: "no b".into(), help: "fix".into(), cause: None }]
    );
}

#[test]
fn images_carry_their_size_and_escaped_alt() {
    struct Sized;
    impl Resolver for Sized {
        fn link(&self, dest: &str) -> LinkTarget {
            LinkTarget::Replace(format!("/c/{dest}"))
        }
        fn image_size(&self, url: &str) -> Option<(u32, u32)> {
            (url == "/c/a.svg").then_some((640, 480))
        }
    }
    let out = render("![A \"quoted\" *photo*](a.svg \"Healed\") ![b](b.png)", false, &Sized).html;
    assert!(
        out.contains(r#"<img src="/c/a.svg" alt="A “quoted” photo" title="Healed" width="640" height="480">"#),
        "{out}"
    );
    assert!(out.contains(r#"<img src="/c/b.png" alt="b">"#), "{out}");
}

#[test]
fn photos_become_pictures_and_only_the_first_loads_eagerly() {
    struct Photos;
    impl Resolver for Photos {
        fn link(&self, dest: &str) -> LinkTarget {
            if dest.contains("://") { LinkTarget::Keep } else { LinkTarget::Replace(format!("/g/{dest}")) }
        }
        fn image_size(&self, url: &str) -> Option<(u32, u32)> {
            url.starts_with("/g/").then_some((1000, 750))
        }
    }
    let out = render("![One & two](one.jpg)\n\n![Two](two.png)\n\n![Far](https://x.org/a.jpg)", false, &Photos).html;
    assert!(out.contains(r#"<source type="image/webp" srcset="/g/one-480w.webp 480w, /g/one-800w.webp 800w, /g/one-1000w.webp 1000w""#), "{out}");
    assert!(out.contains(r#"alt="One &amp; two" width="1000" height="750" fetchpriority="high">"#), "{out}");
    assert!(out.contains(r#"<img src="/g/two-1000w.png" srcset="/g/two-480w.png 480w"#), "{out}");
    assert!(out.contains(r#"alt="Two" width="1000" height="750" loading="lazy" decoding="async">"#), "{out}");
    assert_eq!(out.matches("fetchpriority").count(), 1, "{out}");
    assert!(
        out.contains(r#"<img src="https://x.org/a.jpg" alt="Far">"#),
        "a photo from elsewhere stays as it is: {out}"
    );
}

#[test]
fn splits_faq_into_questions_and_answers() {
    let text =
        "Intro.\n\n## Does it hurt?\n\nMost feel *some* discomfort.\n\n### Detail\n\nMore.\n\n## How long?\n\nYears.\n";
    let out = render(text, true, &keep);
    assert_eq!(out.html.trim(), "<p>Intro.</p>");
    assert_eq!(out.faq.len(), 2);
    assert_eq!(out.faq[0].question, "Does it hurt?");
    assert_eq!(out.faq[0].id, "does-it-hurt");
    assert!(out.faq[0].answer.contains("<em>some</em>") && out.faq[0].answer.contains("<h3 id=\"detail\">"));
    assert!(!out.faq[0].answer.contains("<h2"));
    assert_eq!(out.faq[1].answer.trim(), "<p>Years.</p>");
}

#[test]
fn non_faq_pages_keep_their_h2s() {
    let out = render("## Q?\n\nA.\n", false, &keep);
    assert!(out.faq.is_empty() && out.html.contains("<h2"));
}

#[test]
fn outline_maps_prose_back_to_the_source_and_skips_code() {
    let text =
        "# Title\n\nNo **pain**, `no pain` here\nand no\nrisk.\n\n```\nno risk\n```\n\nIt's <b>fine</b> &amp; ok.\n";
    let out = render(text, false, &keep).outline;
    assert_eq!(out.prose, "Title\0No pain, \0 here and no risk.\0It’s fine & ok.\0");
    let at = |needle: &str| out.source_offset(out.prose.find(needle).unwrap());
    assert_eq!(at("pain"), text.find("pain").unwrap());
    assert_eq!(at("risk"), text.find("risk").unwrap());
    assert_eq!(at(" ok"), text.find(" ok").unwrap());
    assert_eq!(at("’"), text.find('\'').unwrap(), "smart quotes map to where they start");
}

#[test]
fn outline_lists_links_images_and_the_ids_render_gives() {
    let text = "## Week 2\n\n## Week 2\n\n## Mine {#chosen}\n\n<a id=\"raw\"></a>\n\nSee [a](a.md#x) and ![A photo](p.jpg) ![](q.jpg)\n";
    let rendered = render(text, false, &keep);
    let out = &rendered.outline;
    let ids = out.anchors.ids();
    for id in ["week-2", "week-2-1", "chosen", "raw", "main", "top"] {
        assert!(ids.contains(id), "{id} missing from {ids:?}");
    }
    assert!(rendered.headings.iter().all(|h| ids.contains(h.id.as_str())));
    let links: Vec<(&str, bool, &str)> = out.links.iter().map(|l| (l.dest.as_str(), l.image, l.alt.as_str())).collect();
    assert_eq!(links, [("a.md#x", false, ""), ("p.jpg", true, "A photo"), ("q.jpg", true, "")]);
    assert_eq!(&text[out.links[1].range.clone()], "![A photo](p.jpg)");
}

#[test]
fn email_autolinks_become_mailto_links_the_resolver_never_sees() {
    let out = render("Write to <someone@example.org>.", false, &|dest: &str| LinkTarget::Broken {
        message: format!("{dest} is no file"),
        help: String::new(),
        cause: None,
    });
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    assert!(out.html.contains(r#"<a href="mailto:someone@example.org">someone@example.org</a>"#), "{}", out.html);
    assert_eq!(out.outline.links[0].dest, "mailto:someone@example.org");
}

#[test]
fn urls_that_run_code_are_errors_in_every_disguise() {
    for dest in [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "&#106;avascript:alert(1)",
        "&#x6A;avascript&#58;alert(1)",
        "<java\tscript:alert(1)>",
        "<\u{1}javascript:alert(1)>",
        "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
        "DATA:text/html;base64,PHNjcmlwdD4=",
    ] {
        for text in [format!("[x]({dest})"), format!("![x]({dest})"), format!("[x]\n\n[x]: {dest}")] {
            let out = render(&text, false, &keep);
            assert_eq!(out.problems.len(), 1, "{text} passed");
            assert_eq!(out.problems[0].offset, 0);
            assert!(!out.html.to_lowercase().contains("script:") && !out.html.contains("data:"), "{}", out.html);
            let Rendered { html, problems, .. } = render_inline(&text, &keep);
            assert_eq!(problems.len(), 1, "{text} passed inline");
            assert!(!html.to_lowercase().contains("script:"), "{text}");
        }
    }
    let fine = "![x](data:image/png;base64,iVBOR) [js](https://example.org/javascript:) [d](data.html) [t](tel:+1480)";
    assert!(render(fine, false, &keep).problems.is_empty());
    assert!(render_inline(fine, &keep).problems.is_empty());
    assert_eq!(
        render("[x](data:image/png;base64,iVBOR)", false, &keep).problems.len(),
        1,
        "only images may be data:image"
    );
}

#[test]
fn outline_lists_raw_html_that_runs_code_where_it_is_written() {
    let text = "Hi <b onclick=\"x()\">there</b>.\n\n<IFRAME src=\"https://maps.example.org\"></iframe>\n\n<a href=\"javascript:x\">a</a> <em>fine</em>\n";
    let found: Vec<(&str, String)> =
        render(text, false, &keep).outline.risky_html.into_iter().map(|(range, what)| (&text[range], what)).collect();
    let expected = [(" onclick=", "onclick="), ("<IFRAME", "<IFRAME"), ("javascript:", "javascript:")];
    assert_eq!(found, expected.map(|(a, b)| (a, b.to_string())));
}

#[test]
fn renders_definition_lists() {
    let out = html("Touch-up\n: A short session that refreshes faded pigment.\n");
    assert!(out.contains("<dl>") && out.contains("<dt>Touch-up</dt>"), "{out}");
    assert!(out.contains("<dd>A short session that refreshes faded pigment.</dd>"), "{out}");
}

#[test]
fn inline_rendering_drops_the_paragraph() {
    assert_eq!(render_inline("No **sun** for a week", &keep).html, "No <strong>sun</strong> for a week");
}

#[test]
fn a_nul_character_becomes_the_replacement_character_wherever_it_shows() {
    let out = render("## Q\0\n\nText \0 `c\0`\n\n<div>raw \0</div>\n", true, &keep);
    assert_eq!(out.faq[0].question, "Q\u{fffd}");
    assert!(out.faq[0].answer.contains("Text \u{fffd} <code>c\u{fffd}</code>"), "{:?}", out.faq[0].answer);
    assert!(out.faq[0].answer.contains("<div>raw \u{fffd}</div>"), "{:?}", out.faq[0].answer);
    assert_eq!(render_inline("a \0 <b>\0</b>", &keep).html, "a \u{fffd} <b>\u{fffd}</b>");
}

#[test]
fn a_table_too_wide_is_a_problem_at_its_header_before_it_is_read() {
    let table = |columns: usize| format!("{}|\n{}|\n", "| a ".repeat(columns), "|---".repeat(columns));
    let out = render(&format!("Intro.\n\n{}", table(MAX_COLUMNS + 1)), false, &keep);
    assert_eq!(out.problems.len(), 1, "{:?}", out.problems);
    assert_eq!(out.problems[0].offset, "Intro.\n\n".len());
    assert!(out.problems[0].message.contains("65 columns"), "{}", out.problems[0].message);
    assert_eq!((out.html.as_str(), out.headings.len()), ("", 0), "nothing rendered");
    assert!(render(&table(MAX_COLUMNS), false, &keep).problems.is_empty());
    let Rendered { html, problems, .. } = render_inline(&table(MAX_COLUMNS + 1), &keep);
    assert_eq!(problems.len(), 1);
    assert!(!html.contains("<table>"));
}

#[test]
fn inline_snippets_resolve_their_links_as_the_body_does() {
    let resolver = |dest: &str| match dest {
        "second.md" => LinkTarget::Replace("/process/second/".into()),
        "gone.md" => LinkTarget::Broken { message: "no page `gone.md`".into(), help: "fix it".into(), cause: None },
        _ => LinkTarget::Keep,
    };
    let Rendered { html, problems, .. } = render_inline("See [the second](second.md) and [old](gone.md).", &resolver);
    assert_eq!(html, r#"See <a href="/process/second/">the second</a> and <a href="gone.md">old</a>."#);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].offset, "See [the second](second.md) and ".len());
}

/// Found by the markdown fuzz target: an image inside an image's alt text ended the
/// inner one with the outer one's record, and the outer end found none (a panic).
#[test]
fn an_image_inside_an_images_alt_text_renders() {
    let out = render("![outer ![inner](a.png) text](b.png)", false, &keep);
    assert_eq!(out.html.matches("<img").count(), 1, "{}", out.html);
    assert!(out.html.contains(r#"src="b.png""#) && out.html.contains("outer"), "{}", out.html);
    let Rendered { html, .. } = render_inline("![outer ![inner](a.png)](b.png)", &keep);
    assert!(html.contains(r#"src="b.png""#), "{html}");
}
