//! Several languages in one site (issue 17), named as Zola and Hugo name them:
//! `content/about.md` is in the default language, `content/about.es.md` its Spanish
//! translation (`_index.es.md` for a section or the home page, `index.es.md` in a
//! bundle). Each language is its own tree of pages, built as the default language's is
//! and published below `/es/`; the trees are then joined into one graph, where each
//! page knows its translations ([`Page::translations`]).
//!
//! What depends on site.yaml (which languages the site lists) is checked by [`check`].

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use super::{Doc, Kind, PageId, Site, key_dir, key_name};
use crate::error::Diagnostic;

/// `about.es.md` -> (`about.md`, `es`); `index.pt-br.md` -> (`index.md`, `pt-br`); None
/// for a file without a language suffix. A suffix is two letters, with an optional
/// two-letter region (`es-MX`).
pub(crate) fn split(key: &str) -> Option<(String, &str)> {
    let stem = key_name(key).strip_suffix(".md")?;
    let (name, lang) = stem.rsplit_once('.')?;
    if !crate::i18n::is_file_code(lang) || name.is_empty() {
        return None;
    }
    let dir = key_dir(key);
    let base = if dir.is_empty() { format!("{name}.md") } else { format!("{dir}/{name}.md") };
    Some((base, lang))
}

/// `about.md` in `es` -> `about.es.md`.
fn translated_key(base: &str, lang: &str) -> String {
    format!("{}.{lang}.md", base.strip_suffix(".md").unwrap_or(base))
}

/// The graph of every language: the default language's files as [`Site::build_tree`]
/// builds them, then each other language's tree below `/LANG/`.
pub(super) fn build(docs: Vec<Arc<Doc>>, asset_paths: Vec<PathBuf>, drafts: bool) -> (Option<Site>, Vec<Diagnostic>) {
    let mut default = Vec::with_capacity(docs.len());
    let mut others: BTreeMap<String, Vec<(String, Arc<Doc>)>> = BTreeMap::new();
    for doc in docs {
        match split(&doc.key) {
            Some((base, lang)) => others.entry(lang.to_string()).or_default().push((base, doc)),
            None => default.push(doc),
        }
    }
    if others.is_empty() {
        return Site::build_tree(default, asset_paths, drafts, "");
    }
    let written: HashSet<String> = default.iter().map(|d| d.key.clone()).collect();
    let (site, mut problems) = Site::build_tree(default, asset_paths, drafts, "");
    let Some(mut site) = site else { return (None, problems) };
    let mut originals = written;
    originals.extend(site.pages.iter().map(|p| p.doc.key.clone()));
    let mut bases: Vec<String> = site.pages.iter().map(|p| p.doc.key.clone()).collect();
    for (lang, docs) in others {
        let mut tree_docs = Vec::with_capacity(docs.len() + 1);
        let mut real: HashMap<String, Arc<Doc>> = HashMap::new();
        for (base, doc) in docs {
            if !originals.contains(&base) {
                site.orphans.push(doc);
                continue;
            }
            let mut renamed = (*doc).clone();
            renamed.key = base.clone();
            tree_docs.push(Arc::new(renamed));
            real.insert(base, doc);
        }
        if !real.contains_key("_index.md") && !real.contains_key("index.md") {
            // Stands in until the home page is translated: `check` asks for it.
            let title = &site.pages[site.home].doc.meta.fm.title;
            tree_docs.push(Arc::new(Doc::implicit_home(title)));
        }
        let (tree, tree_problems) = Site::build_tree(tree_docs, Vec::new(), drafts, &format!("{lang}/"));
        problems.extend(tree_problems);
        if let Some(tree) = tree {
            join(&mut site, tree, &lang, &real, &mut bases, &mut problems);
        }
    }
    link_translations(&mut site, &bases);
    (Some(site), problems)
}

/// Appends the tree of language `lang` to `site`. `real` holds the language's files by
/// the name of the page they translate; `bases` gets that name for each page added.
fn join(
    site: &mut Site,
    tree: Site,
    lang: &str,
    real: &HashMap<String, Arc<Doc>>,
    bases: &mut Vec<String>,
    problems: &mut Vec<Diagnostic>,
) {
    let offset = site.pages.len();
    let index = site.languages.len();
    site.languages.push(lang.to_string());
    site.homes.push(tree.home + offset);
    let shift = |id: PageId| id + offset;
    for mut page in tree.pages {
        page.parent = page.parent.map(shift);
        page.prev = page.prev.map(shift);
        page.next = page.next.map(shift);
        page.pages.iter_mut().for_each(|id| *id = shift(*id));
        page.subsections.iter_mut().for_each(|id| *id = shift(*id));
        page.lang = index;
        let base = page.doc.key.clone();
        page.doc = match real.get(&base) {
            Some(doc) => doc.clone(),
            None => {
                // A list page the build made (a folder without `_index.es.md`).
                let mut made = (*page.doc).clone();
                made.key = translated_key(&base, lang);
                Arc::new(made)
            }
        };
        site.by_source.insert(page.doc.key.clone(), site.pages.len());
        bases.push(base);
        site.pages.push(page);
    }
    for (alias, id) in tree.aliases {
        let id = shift(id);
        if let Some(&other) = site.aliases.get(&alias) {
            let doc = &site.pages[id].doc;
            let written = doc.meta.fm.aliases.iter().find(|a| super::alias_path(a).as_deref() == Some(&alias));
            let what = format!("is also an alias of {}", site.pages[other].doc.display_path().display());
            problems.push(super::alias_error(doc, written.map_or(alias.as_str(), String::as_str), what));
        } else {
            site.aliases.insert(alias, id);
        }
    }
    site.drafts.extend(tree.drafts.iter().map(|key| translated_key(key, lang)));
}

/// Fills [`Page::translations`]: pages that translate the same file are one group.
fn link_translations(site: &mut Site, bases: &[String]) {
    let mut groups: HashMap<&str, Vec<Option<PageId>>> = HashMap::new();
    let count = site.languages.len();
    for (id, base) in bases.iter().enumerate() {
        groups.entry(base.as_str()).or_insert_with(|| vec![None; count])[site.pages[id].lang] = Some(id);
    }
    for (id, base) in bases.iter().enumerate() {
        site.pages[id].translations = groups[base.as_str()].clone();
    }
}

/// A translation whose default-language page does not exist.
fn no_original(doc: &Doc, base: &str, lang: &str) -> Diagnostic {
    Diagnostic::error(
        doc.display_path(),
        1,
        1,
        format!(
            "this file is named as the `{lang}` translation of content/{base}, but there is no content/{base}: a translation needs the page it translates"
        ),
    )
    .with_help(format!(
        "write content/{base} in the site's main language first, or rename this file after the page it translates (`about.md` -> `about.{lang}.md`); if `.{lang}` is not a language, use another name, e.g. `{}`",
        key_name(&base.replace(".md", &format!("-{lang}.md")))
    ))
}

impl Site {
    /// The same page in language `lang` (an index into [`Site::languages`]) when it is
    /// translated, else `id` itself.
    pub fn in_language(&self, id: PageId, lang: usize) -> PageId {
        self.pages[id].translations.get(lang).copied().flatten().unwrap_or(id)
    }

    /// The home page of language `lang` (an index into [`Site::languages`]).
    pub fn home_of(&self, lang: usize) -> PageId {
        self.homes.get(lang).copied().unwrap_or(self.home)
    }

    /// Whether `id` is the home page of its language.
    pub fn is_home(&self, id: PageId) -> bool {
        self.pages[id].kind == Kind::Home
    }
}

impl Doc {
    /// The home page of a language whose `_index.LANG.md` is not written yet.
    fn implicit_home(title: &str) -> Doc {
        let quoted = serde_json::to_string(title).unwrap_or_else(|_| "\"Home\"".into());
        let bytes: Arc<[u8]> = format!("---\ntitle: {quoted}\n---\n").into_bytes().into();
        let mut doc = Doc::parse(PathBuf::from("_index.md"), bytes).expect("a quoted title is valid front matter");
        doc.implicit = true;
        doc
    }
}

/// What the content's languages must agree with in site.yaml (`config_text`), whose
/// `language:` is `main` and `languages:` lists `others`: every suffix is a language
/// the site lists (and not its main language, whose files have none), and every listed
/// language has its home page.
pub(crate) fn check(site: &Site, main: &str, others: &[&str], config_text: &str) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let listed = |code: &str| others.iter().any(|l| l.eq_ignore_ascii_case(code));
    for doc in &site.orphans {
        let Some((base, code)) = split(&doc.key) else { continue };
        problems.push(if code.eq_ignore_ascii_case(main) {
            default_suffix(doc, code)
        } else if !listed(code) {
            unlisted(doc, code, others)
        } else {
            no_original(doc, &base, code)
        });
    }
    for (index, code) in site.languages.iter().enumerate().skip(1) {
        let files = site.pages.iter().filter(|p| p.lang == index && !p.doc.implicit);
        if code.eq_ignore_ascii_case(main) {
            problems.extend(files.map(|p| default_suffix(&p.doc, code)));
        } else if !listed(code) {
            problems.extend(files.map(|p| unlisted(&p.doc, code, others)));
        } else if site.pages[site.homes[index]].doc.implicit {
            let first = site.pages.iter().find(|p| p.lang == index && !p.doc.implicit);
            let path = first.map_or_else(|| PathBuf::from("content"), |p| p.doc.display_path());
            problems.push(
                Diagnostic::error(path, 0, 0, format!("this page is in `{code}`, but the `{code}` home page, content/_index.{code}.md, does not exist"))
                    .with_help(format!("translate the home page first: copy content/_index.md to content/_index.{code}.md and write it in that language")),
            );
        }
    }
    for code in others {
        if !site.languages.iter().any(|c| c.eq_ignore_ascii_case(code)) {
            let (line, col) = crate::yaml::locate_key(config_text, "languages").unwrap_or((1, 1));
            problems.push(
                Diagnostic::error("site.yaml", line, col, format!("site.yaml lists the language `{code}`, but no page is written in it"))
                    .with_help(format!("add its home page, content/_index.{code}.md (then translate the other pages as `about.{code}.md`), or remove `{code}` from `languages:`"))
                    .with_source(config_text),
            );
        }
    }
    problems
}

fn default_suffix(doc: &Doc, code: &str) -> Diagnostic {
    let plain = doc.key.replace(&format!(".{code}.md"), ".md");
    Diagnostic::error(
        doc.display_path(),
        0,
        0,
        format!("`{code}` is the site's main language, whose pages have no language in their name"),
    )
    .with_help(format!("rename the file to content/{plain}"))
}

fn unlisted(doc: &Doc, code: &str, others: &[&str]) -> Diagnostic {
    let mut codes = others.to_vec();
    codes.push(code);
    let plain = doc.key.replace(&format!(".{code}.md"), &format!("-{code}.md"));
    Diagnostic::error(
        doc.display_path(),
        0,
        0,
        format!("this file is named as a translation into `{code}` (the `.{code}` before `.md`), but site.yaml does not list that language"),
    )
    .with_help(format!(
        "add `{code}` to `languages:` in site.yaml (`languages: [{}]`), or, if `.{code}` is not a language, rename the file (e.g. content/{plain})",
        codes.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_suffixes_are_two_letters_and_an_optional_region() {
        assert_eq!(split("about.es.md"), Some(("about.md".into(), "es")));
        assert_eq!(split("a/_index.pt-BR.md"), Some(("a/_index.md".into(), "pt-BR")));
        assert_eq!(split("a/b/index.fr.md"), Some(("a/b/index.md".into(), "fr")));
        for plain in ["about.md", "v1.2.md", "notes.draft.md", ".es.md", "a.ES.md", "photo.es.jpg"] {
            assert_eq!(split(plain), None, "{plain}");
        }
    }

    fn doc(source: &str, yaml: &str) -> Doc {
        Doc::parse(source.into(), format!("---\n{yaml}\n---\nSee [x](about.md).\n").into_bytes().into()).unwrap()
    }

    #[test]
    fn translations_live_below_their_language_and_know_each_other() {
        let docs = vec![
            doc("_index.md", "title: Home"),
            doc("_index.es.md", "title: Inicio"),
            doc("about.md", "title: About"),
            doc("about.es.md", "title: Sobre nosotros\nslug: sobre-nosotros"),
            doc("faq.md", "title: FAQ"),
        ];
        let site = Site::build(docs, vec![], false).unwrap();
        let about = site.page_at("about.md").unwrap();
        let sobre = site.page_at("about.es.md").unwrap();
        assert_eq!(site.pages[sobre].path, "es/sobre-nosotros/");
        assert_eq!(site.languages, ["", "es"]);
        assert_eq!(site.pages[about].translations, [Some(about), Some(sobre)]);
        assert_eq!(site.pages[sobre].translations, [Some(about), Some(sobre)]);
        let faq = site.page_at("faq.md").unwrap();
        assert_eq!(site.pages[faq].translations, [Some(faq), None]);
        assert_eq!(site.pages[site.homes[1]].path, "es/");
        assert_eq!(site.pages[sobre].parent, Some(site.homes[1]));
        // A Spanish page's link to `about.md` leads to the Spanish page.
        assert_eq!(
            site.resolve(&site.pages[sobre], "about.md", "/"),
            crate::markdown::LinkTarget::Replace("/es/sobre-nosotros/".into())
        );
        assert_eq!(
            site.resolve(&site.pages[sobre], "faq.md", "/"),
            crate::markdown::LinkTarget::Replace("/faq/".into())
        );
    }

    #[test]
    fn a_translation_without_its_page_is_left_out_and_reported() {
        let docs =
            vec![doc("_index.md", "title: Home"), doc("_index.es.md", "title: Inicio"), doc("abuot.es.md", "title: X")];
        let site = Site::build(docs, vec![], false).unwrap();
        assert_eq!(site.page_at("abuot.es.md"), None);
        let errs = check(&site, "en", &["es"], "");
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].path, PathBuf::from("content/abuot.es.md"));
        assert!(errs[0].message.contains("there is no content/abuot.md"), "{}", errs[0].message);
        // Named in the main language, or in one the site does not list: said so instead.
        assert!(check(&site, "es", &[], "")[0].message.contains("main language"));
        assert!(check(&site, "en", &[], "")[0].message.contains("does not list"));
    }
}
