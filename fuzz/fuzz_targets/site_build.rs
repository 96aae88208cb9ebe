//! A whole build of a small random site: page and folder names (non-UTF-8 ones too),
//! symlinks inside and out of the site, aliases, slugs, drafts, bundles and links,
//! written into a fresh temporary folder per input and built into an output folder
//! inside it. Whatever the site, the build never panics, fails without leaving any
//! output behind, and changes nothing in that temporary folder but the output.
#![no_main]

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use serde_yaml::{Mapping, Value};
use smpsite::build::{self, BuildOptions};
use smpsite::error::Error;

const WORDS: [&str; 8] = ["process", "first-session", "faq", "about", "aftercare", "index", "_index", "x"];
const FILE_ALIASES: [&str; 8] =
    ["/index.html", "/404.html", "/sitemap.xml", "/x/index.html", "/robots.txt", "/style.css", "/", "/../x/"];

#[derive(Arbitrary, Debug)]
struct Input {
    config: Cfg,
    entries: Vec<Entry>,
    drafts: bool,
    output_in_site: bool,
}

#[derive(Arbitrary, Debug)]
enum Cfg {
    Plain,
    SubPath,
    /// Settings the build must refuse or accept as written.
    Raw(String),
}

#[derive(Arbitrary, Debug)]
struct Entry {
    dir: Dir,
    name: Name,
    kind: Kind,
}

#[derive(Arbitrary, Debug)]
enum Dir {
    Content,
    Section(u8),
    /// A page bundle: `content/<word>/<word>/`.
    Nested(u8, u8),
    Static,
    StaticSub(u8),
}

#[derive(Arbitrary, Debug)]
enum Name {
    Index,
    SectionIndex,
    Word(u8),
    Any(String),
    NonUtf8(Vec<u8>),
}

#[derive(Arbitrary, Debug)]
enum Kind {
    Page(Page),
    Bytes(Vec<u8>),
    Symlink(Target),
}

#[derive(Arbitrary, Debug)]
enum Target {
    /// Another entry's name in the same folder.
    Sibling(u8),
    /// A file outside the site (in the temporary folder).
    OutsideFile,
    /// A folder outside the site.
    OutsideDir,
    Parent,
    Dot,
    Dangling,
    Itself,
}

#[derive(Arbitrary, Debug)]
struct Page {
    title: Option<String>,
    description: Option<String>,
    slug: Option<Slug>,
    aliases: Vec<Alias>,
    draft: bool,
    date: Option<(u16, u8, u8)>,
    weight: Option<i8>,
    faq: bool,
    section_kind: Option<u8>,
    extra_key: Option<String>,
    /// Front matter written as is instead, which may not parse.
    raw_front_matter: Option<String>,
    body: Vec<Block>,
}

#[derive(Arbitrary, Debug)]
enum Slug {
    Word(u8),
    Any(String),
}

#[derive(Arbitrary, Debug)]
enum Alias {
    Word(u8),
    FileLike(u8),
    Any(String),
}

#[derive(Arbitrary, Debug)]
enum Block {
    Text(String),
    Heading(u8, String),
    Link(LinkTo),
    Image(LinkTo),
}

#[derive(Arbitrary, Debug)]
enum LinkTo {
    Word(u8),
    SectionIndex(u8),
    Up(u8),
    Any(String),
}

fn word(i: u8) -> &'static str {
    WORDS[usize::from(i) % WORDS.len()]
}

/// A name a file can have: no `/`, no NUL, not `.` or `..`, not empty, not too long.
fn file_name(bytes: &[u8]) -> Option<PathBuf> {
    let bytes: Vec<u8> = bytes.iter().copied().filter(|&b| b != b'/' && b != 0).take(60).collect();
    if bytes.is_empty() || bytes == b"." || bytes == b".." {
        return None;
    }
    Some(PathBuf::from(OsStr::from_bytes(&bytes)))
}

impl Dir {
    fn path(&self) -> PathBuf {
        match self {
            Dir::Content => PathBuf::from("content"),
            Dir::Section(a) => Path::new("content").join(word(*a)),
            Dir::Nested(a, b) => Path::new("content").join(word(*a)).join(word(*b)),
            Dir::Static => PathBuf::from("static"),
            Dir::StaticSub(a) => Path::new("static").join(word(*a)),
        }
    }
}

impl Name {
    fn path(&self, page: bool) -> Option<PathBuf> {
        let ext = if page { ".md" } else { "" };
        match self {
            Name::Index => Some(format!("index{ext}").into()),
            Name::SectionIndex => Some(format!("_index{ext}").into()),
            Name::Word(i) => Some(format!("{}{ext}", word(*i)).into()),
            Name::Any(s) => file_name(format!("{s}{ext}").as_bytes()),
            Name::NonUtf8(b) => file_name(&[b.as_slice(), ext.as_bytes()].concat()),
        }
    }
}

fn link(to: &LinkTo) -> String {
    match to {
        LinkTo::Word(i) => format!("{}.md", word(*i)),
        LinkTo::SectionIndex(i) => format!("{}/_index.md", word(*i)),
        LinkTo::Up(i) => format!("../{}.md#{}", word(*i), word(i.wrapping_add(1))),
        LinkTo::Any(s) => s.replace([')', '\n', ' '], ""),
    }
}

fn page_text(page: &Page) -> String {
    let mut fm = Mapping::new();
    let mut put = |k: &str, v: Value| {
        fm.insert(Value::from(k), v);
    };
    if let Some(t) = &page.title {
        put("title", Value::from(t.as_str()));
    }
    if let Some(d) = &page.description {
        put("description", Value::from(d.as_str()));
    }
    match &page.slug {
        Some(Slug::Word(i)) => put("slug", Value::from(word(*i))),
        Some(Slug::Any(s)) => put("slug", Value::from(s.as_str())),
        None => {}
    }
    let aliases: Vec<Value> = page
        .aliases
        .iter()
        .take(4)
        .map(|a| match a {
            Alias::Word(i) => Value::from(format!("/{}/", word(*i))),
            Alias::FileLike(i) => Value::from(FILE_ALIASES[usize::from(*i) % FILE_ALIASES.len()]),
            Alias::Any(s) => Value::from(s.as_str()),
        })
        .collect();
    if !aliases.is_empty() {
        put("aliases", Value::Sequence(aliases));
    }
    if page.draft {
        put("draft", Value::from(true));
    }
    if let Some((y, m, d)) = page.date {
        put("date", Value::from(format!("{:04}-{:02}-{:02}", y % 10000, m % 14, d % 33)));
    }
    if let Some(w) = page.weight {
        put("weight", Value::from(i64::from(w)));
    }
    if page.faq {
        put("faq", Value::from(true));
    }
    if let Some(k) = page.section_kind {
        put("kind", Value::from(["process", "expectations", "faq", "pages"][usize::from(k) % 4]));
    }
    if let Some(k) = &page.extra_key {
        put(k, Value::from(1));
    }
    let yaml = match &page.raw_front_matter {
        Some(raw) => raw.clone(),
        None => serde_yaml::to_string(&fm).unwrap_or_default(),
    };
    let mut text = format!("---\n{yaml}\n---\n");
    for block in page.body.iter().take(16) {
        match block {
            Block::Text(t) => text.push_str(t),
            Block::Heading(level, h) => text.push_str(&format!("{} {h}", "#".repeat(usize::from(level % 6) + 1))),
            Block::Link(to) => text.push_str(&format!("[a link]({})", link(to))),
            Block::Image(to) => text.push_str(&format!("![a photo]({})", link(to))),
        }
        text.push_str("\n\n");
    }
    text
}

fn config_text(cfg: &Cfg) -> String {
    let base = match cfg {
        Cfg::Plain => "https://www.example-clinic.com",
        Cfg::SubPath => "https://example.org/clinic/",
        Cfg::Raw(raw) => return raw.clone(),
    };
    format!(
        "title: Fuzz Clinic\ndescription: A site made up by the fuzzer.\nbase_url: {base}\nclinic:\n  name: Fuzz SMP\n"
    )
}

/// What a folder holds, without following links: each path with its kind, size,
/// modification time and a hash of its bytes (or of its link target).
fn snapshot(dir: &Path, skip: &Path) -> BTreeMap<PathBuf, (String, u64, Option<std::time::SystemTime>, u64)> {
    let mut seen = BTreeMap::new();
    let walk = walkdir::WalkDir::new(dir).into_iter().filter_entry(|e| e.path() != skip);
    for entry in walk.flatten() {
        let meta = entry.path().symlink_metadata().expect("a file the walk just saw");
        let mut h = DefaultHasher::new();
        let kind = if meta.file_type().is_symlink() {
            std::fs::read_link(entry.path()).expect("a link").hash(&mut h);
            "link"
        } else if meta.is_file() {
            std::fs::read(entry.path()).expect("a readable file").hash(&mut h);
            "file"
        } else {
            "dir"
        };
        let mtime = if meta.is_dir() { None } else { meta.modified().ok() };
        seen.insert(entry.path().to_path_buf(), (kind.to_string(), meta.len(), mtime, h.finish()));
    }
    seen
}

fn write_site(site: &Path, input: &Input) {
    std::fs::create_dir_all(site.join("content")).unwrap();
    std::fs::write(site.join("site.yaml"), config_text(&input.config)).unwrap();
    for entry in input.entries.iter().take(24) {
        let dir = site.join(entry.dir.path());
        let is_page = matches!(entry.kind, Kind::Page(_));
        let Some(name) = entry.name.path(is_page) else { continue };
        let path = dir.join(&name);
        if std::fs::create_dir_all(&dir).is_err() || path.symlink_metadata().is_ok() {
            continue; // a file already took the folder's or this name
        }
        let _ = match &entry.kind {
            Kind::Page(page) => std::fs::write(&path, page_text(page)),
            Kind::Bytes(bytes) => std::fs::write(&path, bytes),
            Kind::Symlink(target) => {
                let depth = entry.dir.path().components().count();
                let up = "../".repeat(depth + 1);
                let to = match target {
                    Target::Sibling(i) => PathBuf::from(word(*i)),
                    Target::OutsideFile => PathBuf::from(format!("{up}outside/secret.txt")),
                    Target::OutsideDir => PathBuf::from(format!("{up}outside")),
                    Target::Parent => PathBuf::from(".."),
                    Target::Dot => PathBuf::from("."),
                    Target::Dangling => PathBuf::from("missing-file"),
                    Target::Itself => name.clone(),
                };
                std::os::unix::fs::symlink(to, &path)
            }
        };
    }
}

fuzz_target!(|input: Input| {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let site = tmp.path().join("site");
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(outside.join("sub")).unwrap();
    std::fs::write(outside.join("secret.txt"), "not part of the site").unwrap();
    std::fs::write(outside.join("sub/deeper.md"), "---\ntitle: Not the site's\n---\nPrivate.\n").unwrap();
    write_site(&site, &input);
    let output = if input.output_in_site { site.join("public") } else { tmp.path().join("out") };

    let before = snapshot(tmp.path(), &output);
    let result = build::build(&BuildOptions {
        root: Some(site.clone()),
        output: Some(output.clone()),
        base_url: None,
        drafts: input.drafts,
    });
    let after = snapshot(tmp.path(), &output);
    assert!(before == after, "the build changed files outside its output folder: {}", diff(&before, &after));

    match result {
        Ok(summary) => {
            assert_eq!(summary.output, output);
            assert!(output.is_dir(), "a build that succeeded wrote no output folder");
        }
        Err(err) => {
            assert!(!output.exists(), "a failed build left output behind: {err}");
            if let Error::Content(problems) = &err {
                assert!(!problems.is_empty(), "a failed build with no message");
                for d in problems {
                    assert!(!d.message.trim().is_empty(), "a message with no words: {d:?}");
                    assert!(!d.path.as_os_str().is_empty(), "a message that names no file: {d:?}");
                }
            }
        }
    }
});

fn diff<V: PartialEq>(before: &BTreeMap<PathBuf, V>, after: &BTreeMap<PathBuf, V>) -> String {
    let changed = before.iter().filter(|(p, v)| after.get(*p) != Some(*v)).map(|(p, _)| p);
    let added = after.keys().filter(|p| !before.contains_key(*p));
    changed.chain(added).take(5).map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
}
