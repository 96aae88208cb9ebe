//! The site graph: which files are the home page, sections, pages and page bundles;
//! their URLs; order, previous/next and parent links; URL collisions; the rules of the
//! SMP kinds; and how a Markdown link resolves to a page. Pure: parsed documents in,
//! graph or diagnostics out.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::Diagnostic;
use crate::front_matter::{self, Meta, SectionKind};
use crate::markdown::LinkTarget;
use crate::theme::slash_path;
use crate::yaml;

pub mod languages;

pub type PageId = usize;

/// A Markdown file whose front matter parsed.
#[derive(Debug, Clone)]
pub struct Doc {
    /// Relative to `content/`: `process/first-session.md`.
    pub source: PathBuf,
    /// `source` with `/` separators: how links and the graph's indexes name it.
    pub key: String,
    /// The file's bytes, shared with the sources (never copied), checked to be UTF-8.
    bytes: Arc<[u8]>,
    pub meta: Meta,
    /// A hash of the front matter's text: all that other pages show of this one
    /// (title, description, dates...), so a body edit leaves their [`crate::render::Renderer::key`] alone.
    pub meta_hash: u64,
    /// Byte range of the front matter's YAML in `text`, and the line it starts on.
    yaml: Range<usize>,
    yaml_line: usize,
    /// Byte offset and 1-based line where the body starts in `text`.
    body_offset: usize,
    body_line: usize,
    /// The list page of a folder that has no `_index.md`, made by the build (see
    /// [`Doc::implicit_section`]): no file to check or point into.
    pub implicit: bool,
}

impl Doc {
    /// Splits and parses the Markdown file `source` (relative to `content/`) whose
    /// content is `bytes`.
    pub fn parse(source: PathBuf, bytes: Arc<[u8]>) -> Result<Doc, Vec<Diagnostic>> {
        let shown = Path::new("content").join(&source);
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            let (line, col) = crate::source::utf8_position(&bytes, e.valid_up_to());
            vec![
                Diagnostic::error(
                    &shown,
                    line,
                    col,
                    "the file is not valid UTF-8 text (it may have been saved in another encoding)",
                )
                .with_help("save the file as UTF-8 in your editor, or retype the character at this position"),
            ]
        })?;
        let split = front_matter::split(text, &shown).map_err(|d| vec![d])?;
        let meta = front_matter::parse(&split, text, &shown)?;
        let offset = |part: &str| part.as_ptr() as usize - text.as_ptr() as usize;
        let yaml = offset(split.yaml)..offset(split.yaml) + split.yaml.len();
        let (yaml_line, body_offset, body_line) = (split.yaml_line, offset(split.body), split.body_line);
        let meta_hash = hash_of(split.yaml);
        let key = slash_path(&source);
        Ok(Doc { source, key, meta, meta_hash, yaml, yaml_line, body_offset, body_line, bytes, implicit: false })
    }

    /// The section of a content folder without an `_index.md` (`journal/2019`): a
    /// listing page titled after the folder ("2019"), as if `_index.md` held only that.
    pub fn implicit_section(dir: &str) -> Doc {
        let name = key_name(dir).replace(['-', '_'], " ");
        let mut chars = name.trim().chars();
        let title: String = chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect());
        let title = if title.is_empty() { key_name(dir).to_string() } else { title };
        let quoted = serde_json::to_string(&title).unwrap_or_else(|_| "\"Section\"".into());
        let bytes: Arc<[u8]> = format!("---\ntitle: {quoted}\n---\n").into_bytes().into();
        let source = PathBuf::from(format!("{dir}/_index.md"));
        let mut doc = Doc::parse(source, bytes).expect("a quoted title is valid front matter");
        doc.implicit = true;
        doc
    }

    /// The whole file.
    pub fn text(&self) -> &str {
        // Checked in `Doc::parse`, and the bytes cannot change: this cannot fail. Checking
        // again costs far less than a copy of every page's text would cost in memory.
        std::str::from_utf8(&self.bytes).unwrap_or_default()
    }

    pub fn body(&self) -> &str {
        &self.text()[self.body_offset..]
    }

    /// The path users know: `content/process/first-session.md`.
    pub fn display_path(&self) -> PathBuf {
        Path::new("content").join(&self.source)
    }

    /// 1-based (line, col) in the file of byte `offset` into the body.
    pub fn body_position(&self, offset: usize) -> (usize, usize) {
        let before = &self.body()[..offset];
        let line = self.body_line + before.matches('\n').count();
        let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        (line, col)
    }

    /// The byte offset in `text` of byte `offset` into the body.
    pub fn body_offset(&self, offset: usize) -> usize {
        self.body_offset + offset
    }

    /// (line, column, length in characters) of the byte range `start..end` of `text`;
    /// a range running past its first line is cut at the line's end.
    pub fn span(&self, start: usize, end: usize) -> (usize, usize, usize) {
        let text = self.text();
        // Offsets mapped from rendered text (smart quotes are longer than the quote
        // typed) may fall inside a character: round them down to one.
        let floor = |mut at: usize| {
            at = at.min(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            at
        };
        let (start, end) = (floor(start), floor(end));
        let before = &text[..start];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        let rest = &text[start..end.max(start)];
        let len = rest.split('\n').next().unwrap_or("").trim_end_matches('\r').chars().count();
        (line, col, len)
    }

    /// Where `key:` sits in the front matter (its first line when absent).
    pub fn key_position(&self, key: &str) -> (usize, usize) {
        yaml::locate_key(&self.text()[self.yaml.clone()], key)
            .map_or((self.yaml_line, 1), |(l, c)| (l + self.yaml_line - 1, c))
    }

    /// Where `needle` (text from the value of `key`) is written in the front matter:
    /// its first occurrence from `key:` on; where `key:` sits when it cannot be found
    /// (a value folded over several lines, say).
    pub fn value_position(&self, key: &str, needle: &str) -> (usize, usize) {
        let (line, col) = self.key_position(key);
        let yaml = &self.text()[self.yaml.clone()];
        yaml.lines()
            .enumerate()
            .skip(line - self.yaml_line)
            .find_map(|(i, l)| l.find(needle).map(|at| (i + self.yaml_line, l[..at].chars().count() + 1)))
            .unwrap_or((line, col))
    }

    /// Where a key sits inside entry `index` of the front matter list `list` (see
    /// [`yaml::locate_entry`]); the list's key when the entry cannot be found.
    pub fn entry_position(&self, list: &str, index: usize, path: &[&str]) -> (usize, usize) {
        yaml::locate_entry(&self.text()[self.yaml.clone()], list, index, path)
            .map_or_else(|| self.key_position(list), |(l, c)| (l + self.yaml_line - 1, c))
    }

    fn error_at_key(&self, key: &str, message: impl Into<String>) -> Diagnostic {
        let (line, col) = self.key_position(key);
        Diagnostic::error(self.display_path(), line, col, message).with_source(self.text())
    }
}

/// A fingerprint of `value`, for telling whether an input changed (serve's keys).
/// foldhash with a fixed seed: several times faster than SipHash on page-sized text,
/// and the same in every run.
pub fn hash_of(value: impl std::hash::Hash) -> u64 {
    std::hash::BuildHasher::hash_one(&hasher(), value)
}

/// The hasher behind [`hash_of`], for fingerprints fed piece by piece.
pub fn hasher() -> foldhash::quality::FixedState {
    foldhash::quality::FixedState::with_seed(0x5eed_5eed)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Home,
    Section,
    Page,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub kind: Kind,
    /// Shared, so a rebuild that keeps a file's text reuses its parse.
    pub doc: Arc<Doc>,
    /// URL path below the site root, `process/first-session/` (`""` for home).
    pub path: String,
    pub parent: Option<PageId>,
    /// For the home page and sections: their pages in order, and their subsections.
    pub pages: Vec<PageId>,
    pub subsections: Vec<PageId>,
    /// A section's own kind; a page's parent section's kind.
    pub section_kind: SectionKind,
    pub prev: Option<PageId>,
    pub next: Option<PageId>,
    /// Index into [`Site::languages`]: 0 for the default language (`about.md`), else the
    /// language of the file's suffix (`about.es.md`). See [`languages`].
    pub lang: usize,
    /// This page in each language of [`Site::languages`] (itself at its own), None
    /// where it is not translated; empty on a site in one language.
    pub translations: Vec<Option<PageId>>,
}

impl Page {
    pub fn title(&self) -> &str {
        &self.doc.meta.fm.title
    }

    pub fn is_faq(&self) -> bool {
        self.kind == Kind::Page && (self.doc.meta.fm.faq || self.section_kind == SectionKind::Faq)
    }

    pub fn is_session(&self) -> bool {
        self.kind == Kind::Page && self.section_kind == SectionKind::Sessions
    }
}

/// A file beside the Markdown (a bundle's photo) and where it is copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    pub source: PathBuf,
    pub output: String,
}

#[derive(Debug, Clone)]
pub struct Site {
    pub pages: Vec<Page>,
    pub home: PageId,
    pub assets: Vec<Asset>,
    /// Redirect output folders (`first-session/`) to the page they lead to.
    pub aliases: BTreeMap<String, PageId>,
    by_source: HashMap<String, PageId>,
    /// Index into `assets` by source path, for links to them.
    asset_index: HashMap<String, usize>,
    /// Sources left out as drafts (by key), so links to them get a precise message.
    drafts: HashSet<String>,
    /// The language suffixes of the content's files (`es` for `about.es.md`), after `""`
    /// for the default language: what [`Page::lang`] indexes.
    pub languages: Vec<String>,
    /// The home page of each language, as [`Site::languages`].
    pub homes: Vec<PageId>,
    /// Files named as translations (`prices.es.md`) of a page that does not exist,
    /// left out: `languages::check` reports them.
    pub orphans: Vec<Arc<Doc>>,
}

impl Site {
    /// The drafts left out, in a stable order (what links to them resolve to depends on it).
    pub fn drafts_fingerprint(&self) -> Vec<&String> {
        let mut drafts: Vec<&String> = self.drafts.iter().collect();
        drafts.sort();
        drafts
    }

    /// Builds the graph from the parsed documents and the paths of the other files
    /// under `content/`. With `include_drafts` false, drafts (and sections marked
    /// draft, with everything in them) are left out.
    pub fn build(
        docs: Vec<impl Into<Arc<Doc>>>,
        asset_paths: Vec<PathBuf>,
        include_drafts: bool,
    ) -> Result<Site, Vec<Diagnostic>> {
        match Site::build_all(docs, asset_paths, include_drafts) {
            (Some(site), problems) if problems.is_empty() => Ok(site),
            (_, problems) => Err(problems),
        }
    }

    /// Like [`Site::build`], but the graph comes back beside its problems whenever it
    /// can be built at all (a URL clash leaves the second page reachable only by its
    /// file), so later stages can check it in the same run. None without a home page.
    pub fn build_all(
        docs: Vec<impl Into<Arc<Doc>>>,
        asset_paths: Vec<PathBuf>,
        include_drafts: bool,
    ) -> (Option<Site>, Vec<Diagnostic>) {
        let docs: Vec<Arc<Doc>> = docs.into_iter().map(Into::into).collect();
        languages::build(docs, asset_paths, include_drafts)
    }

    /// The graph of one language's files (`docs`, named as the default language's),
    /// its addresses below `prefix` (`es/`, or `` for the default language).
    fn build_tree(
        docs: Vec<Arc<Doc>>,
        asset_paths: Vec<PathBuf>,
        include_drafts: bool,
        prefix: &str,
    ) -> (Option<Site>, Vec<Diagnostic>) {
        let mut problems = Vec::new();

        // Drafts, and everything in a folder whose `_index.md` is a draft, stay out.
        // (Paths are handled as content keys: `/`-separated strings, cheap to cut.)
        // A set, looked up per ancestor folder: linear in pages, however many drafts.
        let draft_dirs: HashSet<String> = docs
            .iter()
            .filter(|d| d.meta.fm.draft && !include_drafts && key_name(&d.key) == "_index.md")
            .map(|d| key_dir(&d.key))
            .filter(|dir| !dir.is_empty())
            .map(str::to_string)
            .collect();
        let in_draft_dir =
            |key: &str| !draft_dirs.is_empty() && key.match_indices('/').any(|(at, _)| draft_dirs.contains(&key[..at]));
        let (kept, dropped): (Vec<Arc<Doc>>, Vec<Arc<Doc>>) =
            docs.into_iter().partition(|d| include_drafts || (!d.meta.fm.draft && !in_draft_dir(&d.key)));
        let drafts: HashSet<String> = dropped.into_iter().map(|d| d.key.clone()).collect();
        let mut kept = kept;
        kept.extend(implicit_sections(&kept));

        // A folder's URL segment: its `_index.md`'s or `index.md`'s `slug`, else its name.
        let mut slug_of_dir: HashMap<&str, &str> = HashMap::new();
        for doc in &kept {
            let name = key_name(&doc.key);
            if let (Some(slug), "_index.md" | "index.md") = (&doc.meta.fm.slug, name) {
                slug_of_dir.insert(key_dir(&doc.key), slug);
            }
        }
        let mut url_of_dir: HashMap<String, String> = HashMap::new();
        let mut dir_url = |dir: &str| dir_url(dir, &slug_of_dir, &mut url_of_dir);

        let mut pages: Vec<Page> = Vec::with_capacity(kept.len());
        let mut section_of_dir: HashMap<String, PageId> = HashMap::new();
        for doc in &kept {
            let (name, dir) = (key_name(&doc.key), key_dir(&doc.key));
            let (kind, path) = match name {
                // `content/index.md` is how Hugo and Zola users often write the home page.
                "_index.md" | "index.md" if dir.is_empty() => (Kind::Home, String::new()),
                "_index.md" => (Kind::Section, dir_url(dir)),
                "index.md" => (Kind::Page, dir_url(dir)),
                _ => {
                    let stem = name.strip_suffix(".md").unwrap_or(name);
                    let segment = doc.meta.fm.slug.clone().unwrap_or_else(|| slugify(stem));
                    (Kind::Page, format!("{}{segment}/", dir_url(dir)))
                }
            };
            let path = if prefix.is_empty() { path } else { format!("{prefix}{path}") };
            if kind != Kind::Page {
                section_of_dir.insert(dir.to_string(), pages.len());
            } else if doc.meta.fm.kind.is_some() {
                problems.push(doc.error_at_key("kind", "`kind` belongs in a section's `_index.md`, not on a page").with_help(
                    "move `kind:` to the `_index.md` of this page's folder, or use `faq: true` to make this one page an FAQ",
                ));
            }
            let section_kind = doc.meta.fm.kind.unwrap_or_default();
            pages.push(Page {
                kind,
                doc: doc.clone(),
                path,
                parent: None,
                pages: vec![],
                subsections: vec![],
                section_kind,
                prev: None,
                next: None,
                lang: 0,
                translations: vec![],
            });
        }
        let asset_outputs: Vec<String> = asset_paths
            .iter()
            .map(|source| {
                let key = slash_path(source);
                format!("{}{}", dir_url(key_dir(&key)), key_name(&key))
            })
            .collect();
        drop(kept);
        let Some(&home) = section_of_dir.get("") else {
            problems.push(Diagnostic::error("content/_index.md", 0, 0, "the home page is missing").with_help(
                "create content/_index.md with front matter (`---`, `title: ...`, `---`) and the home page's text",
            ));
            return (None, problems);
        };

        // Parents: the nearest section above the page's folder (a bundle's folder is its
        // own); a page inside a bundle's folder (`a/index.md` + `a/b/index.md`) is that
        // bundle's child, and takes the kind of the section above both.
        let bundle_of_dir: HashMap<&str, PageId> = pages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.kind == Kind::Page && key_name(&p.doc.key) == "index.md")
            .map(|(id, p)| (key_dir(&p.doc.key), id))
            .collect();
        let mut parents = Vec::with_capacity(pages.len());
        for (id, page) in pages.iter().enumerate() {
            if id == home {
                parents.push((home, home));
                continue;
            }
            let key = &page.doc.key;
            let mut dir = key_dir(key);
            if page.kind == Kind::Section || key_name(key) == "index.md" {
                dir = key_dir(dir);
            }
            let mut bundle = None;
            let section = loop {
                if let Some(&s) = section_of_dir.get(dir) {
                    break s;
                }
                if page.kind == Kind::Page && bundle.is_none() {
                    bundle = bundle_of_dir.get(dir).copied();
                }
                dir = key_dir(dir);
            };
            parents.push((bundle.unwrap_or(section), section));
        }
        for (id, (parent, section)) in parents.into_iter().enumerate() {
            if id == home {
                continue;
            }
            pages[id].parent = Some(parent);
            if pages[id].kind == Kind::Section {
                pages[parent].subsections.push(id);
            } else {
                pages[id].section_kind = pages[section].section_kind;
                pages[parent].pages.push(id);
            }
        }

        // URL collisions, between pages and with aliases.
        let mut owner: HashMap<String, PageId> = HashMap::new();
        for (id, page) in pages.iter().enumerate() {
            if let Some(&other) = owner.get(&page.path) {
                problems.push(collision(&pages[other].doc, &page.doc, &page.path));
            } else {
                owner.insert(page.path.clone(), id);
            }
        }
        let mut aliases = BTreeMap::new();
        for (id, page) in pages.iter().enumerate() {
            for alias in &page.doc.meta.fm.aliases {
                let Some(out) = alias_path(alias) else {
                    let (line, col) = page.doc.value_position("aliases", alias);
                    problems.push(
                        Diagnostic::error(page.doc.display_path(), line, col, format!("the alias `{alias}` is not a path of this site"))
                            .with_help("write an alias as the old page's address, starting with `/`, e.g. `aliases: [\"/old-page/\"]`")
                            .with_source(page.doc.text()),
                    );
                    continue;
                };
                if let Some(&other) = owner.get(&out) {
                    problems.push(if other == id {
                        alias_error(
                            &page.doc,
                            alias,
                            "is this page's own address, so the page would redirect to itself forever".into(),
                        )
                    } else {
                        let by = pages[other].doc.display_path();
                        alias_error(
                            &page.doc,
                            alias,
                            format!("is the address of {}, and would replace that page with a redirect", by.display()),
                        )
                    });
                } else {
                    owner.insert(out.clone(), id);
                    aliases.insert(out, id);
                }
            }
        }

        // Order, session rules, prev/next.
        for section in 0..pages.len() {
            let mut children = std::mem::take(&mut pages[section].pages);
            let kind = pages[section].section_kind;
            if kind == SectionKind::Sessions {
                check_stages(&pages, &children, &mut problems);
            }
            children.sort_by_cached_key(|&id| order_key(&pages[id], kind));
            // Previous/next walk a section's pages; top-level pages are not a sequence.
            for pair in children.windows(2).filter(|_| section != home) {
                pages[pair[0]].next = Some(pair[1]);
                pages[pair[1]].prev = Some(pair[0]);
            }
            pages[section].pages = children;
            let mut subsections = std::mem::take(&mut pages[section].subsections);
            subsections.sort_by_cached_key(|&id| order_key(&pages[id], SectionKind::Pages));
            pages[section].subsections = subsections;
        }
        let by_source: HashMap<String, PageId> =
            pages.iter().enumerate().map(|(id, p)| (p.doc.key.clone(), id)).collect();
        let assets: Vec<Asset> = asset_paths
            .into_iter()
            .zip(asset_outputs)
            .filter(|(source, _)| include_drafts || !in_draft_dir(&slash_path(source)))
            .map(|(source, output)| Asset { source, output })
            .collect();

        let asset_index = assets.iter().enumerate().map(|(i, a)| (slash_path(&a.source), i)).collect();
        let site = Site {
            pages,
            home,
            assets,
            aliases,
            by_source,
            asset_index,
            drafts,
            languages: vec![String::new()],
            homes: vec![home],
            orphans: Vec::new(),
        };
        (Some(site), problems)
    }

    /// Decides a link or image destination written in `from`'s Markdown, for `root`
    /// (the site's base path): `.md` links become the target page's URL (or are broken),
    /// root-relative links get the base path, everything else is kept.
    pub fn resolve(&self, from: &Page, dest: &str, root: &str) -> LinkTarget {
        if dest.is_empty() || is_external(dest) || dest.starts_with('#') {
            return LinkTarget::Keep;
        }
        let split = dest.find(['#', '?']).unwrap_or(dest.len());
        let (path, suffix) = dest.split_at(split);
        if let Some(rest) = path.strip_prefix('/').filter(|_| !path.ends_with(".md")) {
            return LinkTarget::Replace(format!("{root}{rest}{suffix}"));
        }
        let target = Site::source_path(from, path);
        if !path.ends_with(".md") {
            // A file beside the Markdown (a photo next to `about.md`) is published
            // under its folder's URL, not under the page's: link to where it really is.
            return match target.as_ref().and_then(|t| self.asset_index.get(t)) {
                Some(&i) => LinkTarget::Replace(format!("{root}{}{suffix}", self.assets[i].output)),
                None => LinkTarget::Keep,
            };
        }
        match target.as_ref().and_then(|t| self.by_source.get(t)) {
            Some(&id) => {
                // From a translation, a link to a page leads to that page in the same language.
                let id = self.in_language(id, from.lang);
                LinkTarget::Replace(format!("{root}{}{suffix}", self.pages[id].path))
            }
            None => {
                let shown = target.as_deref().map_or_else(|| path.to_string(), |t| format!("content/{t}"));
                if target.as_ref().is_some_and(|t| self.drafts.contains(t)) {
                    LinkTarget::Broken {
                        message: format!("the link to `{path}` leads to a draft ({shown}), which this build leaves out"),
                        help: "publish the target (remove `draft: true`), remove the link, or build with `--drafts` to preview".into(),
                    }
                } else {
                    let help = match target.as_deref().and_then(|t| self.closest_source(t)) {
                        Some(best) => format!("did you mean content/{best}? Links are relative to this file"),
                        None => "check the file name and folder; links are relative to this file, e.g. `../process/first-session.md`".into(),
                    };
                    LinkTarget::Broken {
                        message: format!("the link to `{path}` leads to no page: {shown} does not exist"),
                        help,
                    }
                }
            }
        }
    }

    /// The published source whose path is closest to a mistyped one, if any is close.
    fn closest_source(&self, wanted: &str) -> Option<String> {
        let candidates: Vec<&str> = self.pages.iter().map(|p| p.doc.key.as_str()).collect();
        yaml::closest(wanted, &candidates).map(str::to_string)
    }

    /// The page published from `source` (relative to `content/`), if any.
    pub fn page_of(&self, doc: &Doc) -> Option<PageId> {
        self.page_at(&doc.key)
    }

    /// The page published from the Markdown file `key` (`process/first.md`), if any.
    pub fn page_at(&self, key: &str) -> Option<PageId> {
        self.by_source.get(key).copied()
    }

    /// The file beside the Markdown at `key` (`about/team.jpg`), if it is published.
    pub fn asset_at(&self, key: &str) -> Option<&Asset> {
        self.asset_index.get(key).map(|&i| &self.assets[i])
    }

    /// The file under `content/` (as a key: `process/photo.jpg`) that a link or image
    /// path written in `from` names (`../faq.md`, `photo.jpg`, `/about.md`); None when
    /// it climbs out of `content/`.
    pub fn source_path(from: &Page, path: &str) -> Option<String> {
        let decoded = percent_decode(path);
        match decoded.strip_prefix('/') {
            Some(rest) => normalize("", rest),
            None => normalize(key_dir(&from.doc.key), &decoded),
        }
    }

    /// The chain from the home page to `id`, inclusive.
    pub fn ancestry(&self, id: PageId) -> Vec<PageId> {
        let mut chain = vec![id];
        while let Some(parent) = self.pages[*chain.last().expect("non-empty")].parent {
            chain.push(parent);
        }
        chain.reverse();
        chain
    }
}

/// Two pages at one address: the error is on the second.
fn collision(first: &Doc, second: &Doc, url: &str) -> Diagnostic {
    let (line, col) = if second.meta.fm.slug.is_some() { second.key_position("slug") } else { (1, 1) };
    Diagnostic::error(
        second.display_path(),
        line,
        col,
        format!("this page would be published at /{url}, which {} already uses", first.display_path().display()),
    )
    .with_help("give one of them another file name or a different `slug:`")
    .with_source(second.text())
}

fn check_stages(pages: &[Page], children: &[PageId], problems: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<u32, PageId> = HashMap::new();
    for &id in children {
        let doc = &pages[id].doc;
        match doc.meta.fm.stage {
            None => problems.push(
                doc.error_at_key("title", "a session page needs a `stage` (its number in the process)")
                    .with_help("add a line such as `stage: 2` to the front matter"),
            ),
            Some(stage) => {
                if let Some(&other) = seen.get(&stage) {
                    let other_doc = &pages[other].doc;
                    let (line, _) = other_doc.key_position("stage");
                    problems.push(
                        doc.error_at_key(
                            "stage",
                            format!("stage {stage} is already used by {}:{line}", other_doc.display_path().display()),
                        )
                        .with_help("each session has its own stage number: renumber one of them"),
                    );
                } else {
                    seen.insert(stage, id);
                }
            }
        }
    }
}

/// Where a page goes in its section: sessions by stage; everything else by weight
/// (pages without one last), newest date, then title; the file's path breaks ties.
fn order_key(page: &Page, kind: SectionKind) -> impl Ord + use<'_> {
    let meta = &page.doc.meta;
    let stage = if kind == SectionKind::Sessions { meta.fm.stage } else { None };
    let weight = (meta.fm.weight.is_none(), meta.fm.weight);
    let path: Vec<&str> = page.doc.key.split('/').collect();
    (stage, weight, std::cmp::Reverse(meta.date), meta.fm.title.to_lowercase(), path)
}

/// The URL of a content folder (`a/b` -> `a-slug/b/`), each segment its folder's
/// `slug` or its slugified name; computed once per folder.
fn dir_url(dir: &str, slugs: &HashMap<&str, &str>, memo: &mut HashMap<String, String>) -> String {
    if dir.is_empty() {
        return String::new();
    }
    if let Some(url) = memo.get(dir) {
        return url.clone();
    }
    let segment = slugs.get(dir).map_or_else(|| slugify(key_name(dir)), |s| s.to_string());
    let url = format!("{}{segment}/", dir_url(key_dir(dir), slugs, memo));
    memo.insert(dir.to_string(), url.clone());
    url
}

/// An alias's address in the form of a page's path: `/first-session/`,
/// `/first-session` and `/first-session/index.html` -> `first-session/`; `/old.html` ->
/// `old.html`; `/` and `/index.html` -> `` (the home page). None for what is not a
/// path of this site (a URL, `..`, a query).
pub fn alias_path(alias: &str) -> Option<String> {
    if alias.contains("..") || alias.contains(['?', '#', '\\', ':']) {
        return None;
    }
    let trimmed = alias.trim_matches('/');
    let trimmed = if trimmed == "index.html" { "" } else { trimmed.strip_suffix("/index.html").unwrap_or(trimmed) };
    if !trimmed.is_empty() && trimmed.split('/').any(|s| s.is_empty() || s.starts_with('.')) {
        return None;
    }
    Some(if trimmed.is_empty() || trimmed.ends_with(".html") { trimmed.to_string() } else { format!("{trimmed}/") })
}

/// An error at alias `alias` of `doc`: "the alias `X` {what}".
pub fn alias_error(doc: &Doc, alias: &str, what: String) -> Diagnostic {
    let (line, col) = doc.value_position("aliases", alias);
    Diagnostic::error(doc.display_path(), line, col, format!("the alias `{alias}` {what}"))
        .with_help(
            "remove this alias, or write the old address it should redirect from, e.g. `aliases: [\"/old-page/\"]`",
        )
        .with_source(doc.text())
}

/// A URL segment from a file or folder name: `First Session` -> `first-session`.
pub fn slugify(name: &str) -> String {
    let slug = slug::slugify(name);
    if slug.is_empty() { "page".into() } else { slug }
}

/// Sections for the folders that hold pages but no `_index.md` (issue 14: a folder is
/// what it looks like). Not for a page bundle's folder (it has `index.md`), nor for a
/// folder whose address a page already has (`journal.md` beside `journal/`).
fn implicit_sections(docs: &[Arc<Doc>]) -> Vec<Arc<Doc>> {
    let keys: HashSet<&str> = docs.iter().map(|d| d.key.as_str()).collect();
    let mut dirs: BTreeSet<&str> = BTreeSet::new();
    for doc in docs {
        let mut dir = key_dir(&doc.key);
        if key_name(&doc.key) == "index.md" {
            dir = key_dir(dir);
        }
        while !dir.is_empty() && dirs.insert(dir) {
            dir = key_dir(dir);
        }
    }
    dirs.into_iter()
        .filter(|dir| {
            let has = |name: String| keys.contains(name.as_str());
            !has(format!("{dir}/_index.md")) && !has(format!("{dir}/index.md")) && !has(format!("{dir}.md"))
        })
        .map(|dir| Arc::new(Doc::implicit_section(dir)))
        .collect()
}

/// The last part of a content key: `process/first.md` -> `first.md`.
fn key_name(key: &str) -> &str {
    key.rsplit_once('/').map_or(key, |(_, name)| name)
}

/// The folder of a content key: `process/first.md` -> `process`; `first.md` -> ``.
fn key_dir(key: &str) -> &str {
    key.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// `rel` (with `/`) taken from the folder `dir` (a content key, `""` at the top), with
/// `.` and `..` resolved without touching the disk; None when it climbs out of `content/`.
fn normalize(dir: &str, rel: &str) -> Option<String> {
    let mut out = String::with_capacity(dir.len() + rel.len() + 1);
    out.push_str(dir.trim_matches('/'));
    for part in rel.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                if out.is_empty() {
                    return None;
                }
                out.truncate(out.rfind('/').unwrap_or(0));
            }
            part => {
                if !out.is_empty() {
                    out.push('/');
                }
                out.push_str(part);
            }
        }
    }
    Some(out)
}

/// `first%20session.md` -> `first session.md`, as editors write links to files with spaces.
fn percent_decode(text: &str) -> std::borrow::Cow<'_, str> {
    percent_encoding::percent_decode_str(text).decode_utf8_lossy()
}

/// Whether a link leaves the site: it has a URL scheme (`https:`, `mailto:`, `tel:`)
/// or starts with `//`.
pub fn is_external(dest: &str) -> bool {
    let has_scheme = dest.split_once(':').is_some_and(|(scheme, _)| {
        scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    has_scheme || dest.starts_with("//")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(source: &str, yaml: &str) -> Doc {
        Doc::parse(source.into(), format!("---\n{yaml}\n---\nBody of {source}.\n").into_bytes().into()).unwrap()
    }

    fn site(docs: Vec<Doc>) -> Site {
        Site::build(docs, vec![], false).unwrap()
    }

    fn id(site: &Site, source: &str) -> PageId {
        site.by_source[source]
    }

    fn clinic() -> Vec<Doc> {
        vec![
            doc("_index.md", "title: Home"),
            doc("process/_index.md", "title: Process\nkind: sessions"),
            doc("process/second.md", "title: Second\nstage: 2"),
            doc("process/first.md", "title: First\nstage: 1\naliases: [/first/]"),
            doc("process/third/index.md", "title: Third\nstage: 3"),
            doc("faq.md", "title: FAQ\nfaq: true\nweight: 2"),
            doc("about.md", "title: About\nweight: 1"),
        ]
    }

    #[test]
    fn pretty_urls_for_pages_sections_and_bundles() {
        let s = site(clinic());
        assert_eq!(s.pages[s.home].path, "");
        assert_eq!(s.pages[id(&s, "process/_index.md")].path, "process/");
        assert_eq!(s.pages[id(&s, "process/first.md")].path, "process/first/");
        assert_eq!(s.pages[id(&s, "process/third/index.md")].path, "process/third/");
        assert_eq!(s.aliases.get("first/"), Some(&id(&s, "process/first.md")));
    }

    #[test]
    fn renders_stage_order_with_prev_next() {
        let s = site(clinic());
        let process = &s.pages[id(&s, "process/_index.md")];
        let titles: Vec<_> = process.pages.iter().map(|&p| s.pages[p].title()).collect();
        assert_eq!(titles, ["First", "Second", "Third"]);
        let second = &s.pages[id(&s, "process/second.md")];
        assert_eq!(second.prev.map(|p| s.pages[p].title()), Some("First"));
        assert_eq!(second.next.map(|p| s.pages[p].title()), Some("Third"));
        assert!(second.is_session());
        let home = &s.pages[s.home];
        let top: Vec<_> = home.pages.iter().map(|&p| s.pages[p].title()).collect();
        assert_eq!(top, ["About", "FAQ"]);
    }

    #[test]
    fn errors_on_duplicate_stage_naming_both_files() {
        let mut docs = clinic();
        docs.push(doc("process/again.md", "title: Again\nstage: 2"));
        let errs = Site::build(docs, vec![], false).unwrap_err();
        assert_eq!(errs.len(), 1);
        let e = &errs[0];
        assert!(e.message.starts_with("stage 2 is already used by content/process/"), "{}", e.message);
        assert_eq!((e.line, e.col), (3, 1));
    }

    #[test]
    fn errors_on_session_without_stage() {
        let mut docs = clinic();
        docs.push(doc("process/extra.md", "title: Extra"));
        let errs = Site::build(docs, vec![], false).unwrap_err();
        assert!(errs[0].message.contains("needs a `stage`"));
        assert_eq!(errs[0].path, Path::new("content/process/extra.md"));
    }

    #[test]
    fn errors_on_url_collision() {
        let mut docs = clinic();
        docs.push(doc("about-us.md", "title: About us\nslug: about"));
        let errs = Site::build(docs, vec![], false).unwrap_err();
        assert!(errs.iter().any(|e| e.message.contains("/about/") && e.message.contains("already uses")), "{errs:?}");
    }

    #[test]
    fn drafts_are_left_out_unless_asked() {
        let mut docs = clinic();
        docs.push(doc("news.md", "title: News\ndraft: true"));
        let s = site(docs.clone());
        assert!(!s.by_source.contains_key("news.md"));
        let s = Site::build(docs, vec![], true).unwrap();
        assert!(s.by_source.contains_key("news.md"));
    }

    #[test]
    fn resolves_md_links_relative_with_anchor() {
        let s = site(clinic());
        let first = &s.pages[id(&s, "process/first.md")];
        assert_eq!(
            s.resolve(first, "second.md#healing", "/c/"),
            LinkTarget::Replace("/c/process/second/#healing".into())
        );
        assert_eq!(s.resolve(first, "../faq.md", "/"), LinkTarget::Replace("/faq/".into()));
        assert_eq!(s.resolve(first, "third/index.md", "/"), LinkTarget::Replace("/process/third/".into()));
        assert_eq!(s.resolve(first, "_index.md", "/"), LinkTarget::Replace("/process/".into()));
        assert_eq!(s.resolve(first, "/about.md", "/"), LinkTarget::Replace("/about/".into()));
        assert_eq!(s.resolve(first, "/images/a.png", "/c/"), LinkTarget::Replace("/c/images/a.png".into()));
        assert_eq!(s.resolve(first, "https://x.org/a.md", "/"), LinkTarget::Keep);
        assert_eq!(s.resolve(first, "photo.jpg", "/"), LinkTarget::Keep);
        assert_eq!(s.resolve(first, "tel:+1480", "/"), LinkTarget::Keep);
    }

    #[test]
    fn reports_links_to_missing_and_draft_pages() {
        let mut docs = clinic();
        docs.push(doc("news.md", "title: News\ndraft: true"));
        let s = site(docs);
        let first = &s.pages[id(&s, "process/first.md")];
        let LinkTarget::Broken { message, .. } = s.resolve(first, "fourth.md", "/") else { panic!() };
        assert_eq!(message, "the link to `fourth.md` leads to no page: content/process/fourth.md does not exist");
        let LinkTarget::Broken { help, .. } = s.resolve(first, "secnd.md", "/") else { panic!() };
        assert_eq!(help, "did you mean content/process/second.md? Links are relative to this file");
        let LinkTarget::Broken { message, .. } = s.resolve(first, "../news.md", "/") else { panic!() };
        assert!(message.contains("leads to a draft"));
        assert!(matches!(s.resolve(first, "../../x.md", "/"), LinkTarget::Broken { .. }));
    }

    #[test]
    fn links_to_files_beside_a_page_point_where_they_are_published() {
        let s = Site::build(clinic(), vec!["team.jpg".into(), "process/third/photo.jpg".into()], false).unwrap();
        let about = &s.pages[id(&s, "about.md")];
        assert_eq!(s.resolve(about, "team.jpg", "/c/"), LinkTarget::Replace("/c/team.jpg".into()));
        let third = &s.pages[id(&s, "process/third/index.md")];
        assert_eq!(s.resolve(third, "photo.jpg", "/"), LinkTarget::Replace("/process/third/photo.jpg".into()));
        assert_eq!(s.resolve(about, "missing.jpg", "/"), LinkTarget::Keep);
    }

    #[test]
    fn assets_follow_their_bundle() {
        let s = Site::build(clinic(), vec!["process/third/photo.jpg".into()], false).unwrap();
        assert_eq!(
            s.assets,
            [Asset { source: "process/third/photo.jpg".into(), output: "process/third/photo.jpg".into() }]
        );
    }

    #[test]
    fn kind_on_a_page_is_an_error() {
        let mut docs = clinic();
        docs.push(doc("x.md", "title: X\nkind: faq"));
        let errs = Site::build(docs, vec![], false).unwrap_err();
        assert!(errs[0].message.contains("`kind` belongs in a section"));
        assert_eq!(errs[0].line, 3);
    }
}
