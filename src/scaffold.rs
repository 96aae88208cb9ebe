//! `smpsite init` and `smpsite new`: new sites from the example embedded in the binary,
//! and new Markdown files with the right front matter.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use include_dir::{Dir, include_dir};

use crate::error::{Diagnostic, Error, Result};
use crate::front_matter::SectionKind;
use crate::load;
use crate::markdown::FAQ_ANSWER_PLACEHOLDER;
use crate::output;
use crate::site::{Doc, Site, slugify};
use crate::theme::embedded_files;

static EXAMPLE_CONTENT: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/content");
const EXAMPLE_CONFIG: &str = include_str!("../site.yaml");
/// The lines of the repository's site.yaml that only the repository's own example keeps
/// (its details are placeholders on purpose): a site `init` writes leaves them out, so
/// `check` lists its placeholders until the clinic replaces them.
const REPOSITORY_ONLY: &str = "# The repository's own example keeps the example's details on purpose: its
# placeholders are not mistakes here. A site made with `smpsite init` has this rule on.
lint:
  levels:
    content/placeholder: off
";

/// The example in Spanish (`init --language es`): the English example's pages and facts,
/// written in Spanish.
static SPANISH_CONTENT: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/starters/es/content");
const SPANISH_CONFIG: &str = include_str!("../starters/es/site.yaml");
/// The Spanish starter's photo bundles and the English example's bundles whose photos they
/// show: the photos are in the repository (and the binary) once.
const SPANISH_PHOTOS: &[(&str, &str)] = &[
    ("expectativas/galeria", "expectations/gallery"),
    ("expectativas/fotos-publicitarias", "expectations/marketing-photos"),
];

/// Publishing by push: a GitHub Pages workflow and a Netlify configuration, both fetching
/// the release pinned in `release.json` (which the release workflow updates).
const DEPLOY_WORKFLOW: &str = include_str!("../starters/deploy/deploy.yml");
const NETLIFY_CONFIG: &str = include_str!("../starters/deploy/netlify.toml");
const PINNED_RELEASE: &str = include_str!("../starters/deploy/release.json");

/// What `init` wrote: how many files, and where the starter's practitioner profile and
/// generated gallery are (what the clinic changes first, after site.yaml).
pub(crate) struct Created {
    pub(crate) files: usize,
    pub(crate) profile: &'static str,
    pub(crate) gallery: &'static str,
}

/// Writes the example site in `language` (English when None) into `dir`, which must be
/// absent or empty.
pub(crate) fn init(dir: &Path, language: Option<&str>) -> Result<Created> {
    let (config, content, photos, profile, gallery) = match language.map(str::to_ascii_lowercase).as_deref() {
        None | Some("en") => {
            (EXAMPLE_CONFIG, &EXAMPLE_CONTENT, &[][..], "content/about.md", "content/expectations/gallery/")
        }
        Some("es") => (
            SPANISH_CONFIG,
            &SPANISH_CONTENT,
            SPANISH_PHOTOS,
            "content/sobre-nosotros.md",
            "content/expectativas/galeria/",
        ),
        Some(other) => {
            return Err(Error::Usage(format!(
                "there is no example site in `{other}` yet: `--language` takes `en` or `es`. \
                 Start from the English one (`smpsite init DIR`) and set `language: {other}` in site.yaml: \
                 the theme's own words then follow it"
            )));
        }
    };
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).map_err(|e| Error::io("read the folder", dir, e))?;
        if entries.next().is_some() {
            return Err(Error::Usage(format!(
                "{} is not empty; smpsite init only writes into an empty or new folder, so nothing of yours is overwritten. \
                 Name a new folder instead, e.g. `smpsite init my-clinic-site`",
                dir.display()
            )));
        }
    }
    let config = config.replace(REPOSITORY_ONLY, "");
    let mut files: Vec<(PathBuf, Vec<u8>)> = vec![
        (PathBuf::from(crate::config::FILE_NAME), config.into_bytes()),
        (PathBuf::from(".gitignore"), b"/public/\n".to_vec()),
    ];
    files.extend(deploy_files());
    files.extend(embedded_files(content).into_iter().map(|f| (Path::new("content").join(f.rel), f.bytes.to_vec())));
    for (bundle, from) in photos {
        let from = EXAMPLE_CONTENT.get_dir(from).expect("the English example has every bundle the Spanish one shares");
        let photos = from.files().filter(|f| f.path().extension().is_some_and(|e| e != "md"));
        files.extend(
            photos.map(|f| {
                (Path::new("content").join(bundle).join(f.path().file_name().unwrap()), f.contents().to_vec())
            }),
        );
    }
    output::create_new_files(dir, &files)?;
    Ok(Created { files: files.len(), profile, gallery })
}

/// The release a new site's publishing files download, and its Linux archive's SHA-256.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Pin {
    pub(crate) version: String,
    /// Empty until a release with known checksums exists: never made up.
    pub(crate) sha256: String,
}

/// The pin in `starters/deploy/release.json`. Empty there (no release published before
/// this binary was built): this binary's own version, with no checksum.
pub(crate) fn pinned_release() -> Pin {
    let pin: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(PINNED_RELEASE).expect("starters/deploy/release.json is JSON");
    let field = |key: &str| pin.get(key).and_then(|v| v.as_str()).unwrap_or("").to_string();
    match (field("version"), field("x86_64-unknown-linux-gnu")) {
        (version, sha256) if !version.is_empty() && !sha256.is_empty() => Pin { version, sha256 },
        _ => Pin { version: env!("CARGO_PKG_VERSION").to_string(), sha256: String::new() },
    }
}

/// `.github/workflows/deploy.yml` and `netlify.toml`, filled in with the pinned release.
fn deploy_files() -> Vec<(PathBuf, Vec<u8>)> {
    let pin = pinned_release();
    let comment = if pin.sha256.is_empty() {
        "  # No checksum is pinned: this smpsite was built before a release with known checksums.\n  \
         # The download is checked against the checksum published beside it, which catches a\n  \
         # broken download but not a replaced one. Paste the checksum from the release page to pin it."
    } else {
        "  # Pinned when the release was published; a newer release's notes give the next pair."
    };
    let fill = |template: &str| {
        template
            .replace("{{sha256_comment}}", comment)
            .replace("{{version}}", &pin.version)
            .replace("{{sha256}}", &pin.sha256)
            .replace("{{repository}}", env!("CARGO_PKG_REPOSITORY"))
            .into_bytes()
    };
    vec![
        (Path::new(".github").join("workflows").join("deploy.yml"), fill(DEPLOY_WORKFLOW)),
        (PathBuf::from("netlify.toml"), fill(NETLIFY_CONFIG)),
    ]
}

/// The new files `smpsite new` makes (`new faq` adds to the FAQ page: [`add_question`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NewKind {
    Session,
    Page,
}

/// Creates a new Markdown file for `title` in the site at `root`; returns its path
/// relative to the root.
pub(crate) fn new_file(root: &Path, kind: NewKind, title: &str) -> Result<PathBuf> {
    let title = title.trim();
    if title.is_empty() {
        return Err(Error::Usage("the title is empty; write it in quotes, e.g. smpsite new page \"About us\"".into()));
    }
    let slug = slugify(title);
    if slug == "index" {
        // `index.md` is read as the folder's own page (as `_index.md` is): it would
        // replace the home page or the section's page.
        return Err(Error::Usage(format!(
            "a page titled \"{title}\" would be saved as `index.md`, the address of the folder's own page (the home page, or a section's `_index.md`); choose another title, e.g. smpsite new page \"Our clinic\""
        )));
    }
    let quoted = serde_json::to_string(title).expect("strings serialize");
    let (rel, text) = match kind {
        NewKind::Page => (PathBuf::from(format!("{slug}.md")), page_text(&quoted)),
        NewKind::Session => {
            let (section, stage) = next_session(root)?;
            (section.join(format!("{slug}.md")), session_text(&quoted, stage))
        }
    };
    let file = [(rel.clone(), text.into_bytes())];
    match output::create_new_files(&root.join("content"), &file) {
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::AlreadyExists => Err(Error::Usage(
            format!("content/{} already exists; choose another title or edit that file", rel.display()),
        )),
        result => result.map(|()| Path::new("content").join(rel)),
    }
}

/// Adds `question` as a `## ` heading, with [`FAQ_ANSWER_PLACEHOLDER`] as its answer, at
/// the end of the FAQ page the home page shows. Returns the page (relative to the root)
/// and the heading's line. The page is only appended to ([`output::append_to_file`]).
pub(crate) fn add_question(root: &Path, question: &str) -> Result<(PathBuf, usize)> {
    let question = question.split_whitespace().collect::<Vec<_>>().join(" ");
    let question = question.trim_start_matches('#').trim();
    if question.is_empty() {
        return Err(Error::Usage(
            "the question is empty; write it in quotes, e.g. smpsite new faq \"Does it hurt?\"".into(),
        ));
    }
    let docs = markdown_docs(root)?;
    // The FAQ the home page shows (the first in the default language), a draft only
    // when there is no other.
    let faq = [false, true].into_iter().find_map(|drafts| {
        let site = Site::build_all(docs.clone(), Vec::new(), drafts).0?;
        site.pages.iter().find(|p| p.lang == 0 && p.is_faq()).map(|p| p.doc.clone())
    });
    let Some(doc) = faq else {
        return Err(Diagnostic::error("content", 0, 0, "there is no FAQ page to add the question to")
            .with_help(
                "make one with `smpsite new page \"Frequently asked questions\"` and add `faq: true` to its front matter: every `## ` heading on it is a question",
            )
            .into());
    };
    let shown = doc.display_path();
    let text = doc.text();
    let body_line = text[..text.len() - doc.body().len()].lines().count();
    let heading = |line: &str| line.strip_prefix("## ").map(|h| h.trim().trim_end_matches('#').trim().to_lowercase());
    if let Some(at) = doc.body().lines().position(|l| heading(l).as_deref() == Some(&question.to_lowercase())) {
        return Err(Error::Usage(format!(
            "{}:{} already asks \"{question}\"; edit its answer there",
            shown.display(),
            body_line + at + 1
        )));
    }
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut addition = String::new();
    if !text.is_empty() && !text.ends_with('\n') {
        addition.push_str(newline);
    }
    if !text.trim_end_matches(['\r', '\n']).is_empty() && !text.ends_with(&format!("{newline}{newline}")) {
        addition.push_str(newline);
    }
    let line = text.matches('\n').count() + addition.matches('\n').count() + 1;
    addition.push_str(&format!("## {question}{newline}{newline}{FAQ_ANSWER_PLACEHOLDER}{newline}"));
    output::append_to_file(&root.join(&shown), text.as_bytes(), addition.as_bytes())?;
    Ok((shown, line))
}

/// Every Markdown file of the site at `root` that parses, read as every command reads
/// a site, so `new` sees the files `build` would.
fn markdown_docs(root: &Path) -> Result<Vec<Arc<Doc>>> {
    let site = load::load(root, None)?;
    Ok(site
        .sources
        .content
        .iter()
        .filter(|f| f.is_markdown())
        .filter_map(|f| Doc::parse(f.rel.clone(), f.bytes.clone()).ok().map(Arc::new))
        .collect())
}

/// The sessions section's folder (relative to `content/`) and the next free stage.
fn next_session(root: &Path) -> Result<(PathBuf, u32)> {
    let docs = markdown_docs(root)?;
    let section = docs
        .iter()
        .find(|d| {
            d.source.file_name().is_some_and(|n| n == "_index.md") && d.meta.fm.kind == Some(SectionKind::Sessions)
        })
        .map(|d| d.source.parent().unwrap_or(Path::new("")).to_path_buf());
    let Some(section) = section else {
        return Err(Diagnostic::error("content", 0, 0, "there is no sessions section to add a session to")
            .with_help(
                "create a folder such as content/process/ with an `_index.md` whose front matter has `kind: sessions`",
            )
            .into());
    };
    let highest = docs
        .iter()
        .filter(|d| d.source.parent() == Some(section.as_path()))
        .filter_map(|d| d.meta.fm.stage)
        .max()
        .unwrap_or(0);
    Ok((section, highest + 1))
}

fn page_text(title: &str) -> String {
    format!(
        "---\ntitle: {title}\ndescription: \"One sentence about this page, for search results and link previews.\"\ndraft: true\n---\n\
         Write the page here. Remove `draft: true` above when it is ready to publish.\n"
    )
}

fn session_text(title: &str, stage: u32) -> String {
    format!(
        "---\ntitle: {title}\ndescription: \"What happens in this session and how to care for your scalp afterwards.\"\nstage: {stage}\n\
         duration: \"2–3 hours\"\nhealing:\n  - when: \"Days 1–3\"\n    expect: \"What the client sees and feels.\"\n\
         aftercare:\n  - \"One instruction per line.\"\ndraft: true\n---\n\
         ## What this session is for\n\nDescribe the session. Remove `draft: true` above when it is ready to publish.\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_refuses_a_non_empty_folder() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
        assert!(matches!(init(tmp.path(), None), Err(Error::Usage(_))));
        assert_eq!(std::fs::read_to_string(tmp.path().join("notes.txt")).unwrap(), "mine");
    }

    #[test]
    fn new_texts_parse_as_front_matter() {
        for text in [page_text("\"A: b\""), session_text("\"A\"", 5)] {
            let doc = Doc::parse("x.md".into(), text.into_bytes().into()).unwrap();
            assert!(doc.meta.fm.draft);
        }
    }

    #[test]
    fn the_repository_example_turns_the_placeholder_rule_off_and_init_leaves_that_out() {
        assert!(EXAMPLE_CONFIG.contains(REPOSITORY_ONLY), "site.yaml no longer holds the lines init removes");
    }
}
