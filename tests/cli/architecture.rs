//! The module graph, checked mechanically (issue 13, `docs/STYLE.md` rule 11): imports
//! point down (main -> lib -> commands -> build -> stages -> error) and there are no
//! cycles. Reads every `crate::` path in `src/` outside comments; a module is a
//! file's first path part (`src/lint/claims.rs` is `lint`).
//!
//!     cargo test --test cli architecture:: -- --nocapture   # prints the graph
//!
//! There are none of either: a cycle or an upward import fails the test, naming it.
//! The files inside each folder module form no cycle either, only `src/output/`
//! writes to disk, and the module table of `docs/ARCHITECTURE.md` names every file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Modules that run a command: nothing below them may import them.
const COMMANDS: &[&str] = &["main", "lib", "cli", "build", "serve", "scaffold", "report"];

fn module_of(path: &Path, src: &Path) -> String {
    let rel = path.strip_prefix(src).unwrap();
    let first = rel.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
    first.trim_end_matches(".rs").to_string()
}

/// Every module named after `crate::` in `text`, comments left out.
fn imports(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                // `use crate::{a, b::c};` (on one line, as rustfmt keeps short ones)
                let inner = group.split('}').next().unwrap_or("");
                found.extend(inner.split(',').filter_map(|part| first_ident(part.trim())));
            } else if let Some(name) = first_ident(rest) {
                found.insert(name);
            }
        }
    }
    found
}

fn first_ident(text: &str) -> Option<String> {
    let name: String = text.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    (!name.is_empty() && name != "self").then_some(name)
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let module = module_of(entry.path(), &src);
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let deps = graph.entry(module.clone()).or_default();
        deps.extend(imports(&text).into_iter().filter(|d| *d != module));
    }
    graph
}

/// The strongly connected components with more than one module (Tarjan).
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> BTreeSet<Vec<String>> {
    struct Walk<'g> {
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        found: BTreeSet<Vec<String>>,
    }
    impl<'g> Walk<'g> {
        fn visit(&mut self, v: &'g str) {
            let i = self.index.len();
            self.index.insert(v, i);
            self.low.insert(v, i);
            self.stack.push(v);
            for w in self.graph.get(v).into_iter().flatten() {
                let w = w.as_str();
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w]);
                    self.low.insert(v, low);
                } else if self.stack.contains(&w) {
                    let low = self.low[v].min(self.index[w]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = Vec::new();
                loop {
                    let w = self.stack.pop().unwrap();
                    component.push(w.to_string());
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    self.found.insert(component);
                }
            }
        }
    }
    let mut walk =
        Walk { graph, index: BTreeMap::new(), low: BTreeMap::new(), stack: Vec::new(), found: BTreeSet::new() };
    for v in graph.keys() {
        if !walk.index.contains_key(v.as_str()) {
            walk.visit(v);
        }
    }
    walk.found
}

#[test]
fn the_module_graph_has_no_cycles_and_no_upward_imports() {
    let graph = graph();
    for (module, deps) in &graph {
        println!("{module} -> {}", deps.iter().cloned().collect::<Vec<_>>().join(", "));
    }
    let found = cycles(&graph);
    assert!(found.is_empty(), "cycles in the module graph (each as its sorted modules): {found:?}");

    let upward: BTreeSet<(String, String)> = graph
        .iter()
        .filter(|(module, _)| !COMMANDS.contains(&module.as_str()))
        .flat_map(|(module, deps)| {
            deps.iter().filter(|d| COMMANDS.contains(&d.as_str())).map(move |d| (module.clone(), d.clone()))
        })
        .collect();
    assert!(upward.is_empty(), "a stage imports a command module (from, to), move what it needs down: {upward:?}");
}

#[test]
fn the_checker_sees_cycles_and_imports() {
    let text =
        "use crate::a::B; // crate::commented\nuse crate::{b, c::D};\nlet x = crate::d::f();\n/// [`crate::e`]\n";
    let found: Vec<String> = imports(text).into_iter().collect();
    assert_eq!(found, ["a", "b", "c", "d"]);
    let graph: BTreeMap<String, BTreeSet<String>> = [("a", &["b"][..]), ("b", &["c"]), ("c", &["a"]), ("d", &["a"])]
        .iter()
        .map(|(m, deps)| (m.to_string(), deps.iter().map(|d| d.to_string()).collect()))
        .collect();
    assert_eq!(cycles(&graph), BTreeSet::from([vec!["a".to_string(), "b".into(), "c".into()]]));
}

/// Within one folder module (`src/render/`), which of its files each file imports:
/// `super::x` or `crate::render::x`, where `x` is another file of the folder. The
/// folder's own `mod.rs` (or `render.rs`) is the parent, which its files may use, so it
/// is left out; so are `tests.rs` files.
fn file_graph(folder: &Path, module: &str) -> BTreeMap<String, BTreeSet<String>> {
    let files: BTreeMap<String, String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| (p.file_stem().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
        .filter(|(name, _)| name != "mod" && name != "tests")
        .collect();
    let own = format!("crate::{module}::");
    let mut graph = BTreeMap::new();
    for (name, text) in &files {
        let mut deps = BTreeSet::new();
        for line in text.split("#[cfg(test)]").next().unwrap_or(text).lines() {
            let code = line.split("//").next().unwrap_or("");
            for prefix in ["super::", own.as_str()] {
                let mut rest = code;
                while let Some(at) = rest.find(prefix) {
                    rest = &rest[at + prefix.len()..];
                    let names: Vec<String> = match rest.strip_prefix('{') {
                        Some(group) => group
                            .split('}')
                            .next()
                            .unwrap_or("")
                            .split(',')
                            .filter_map(|p| first_ident(p.trim()))
                            .collect(),
                        None => first_ident(rest).into_iter().collect(),
                    };
                    deps.extend(names.into_iter().filter(|n| n != name && files.contains_key(n)));
                }
            }
        }
        graph.insert(name.clone(), deps);
    }
    graph
}

#[test]
fn the_files_of_each_folder_module_import_each_other_without_cycles() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(&src).min_depth(1) {
        let entry = entry.unwrap();
        if !entry.file_type().is_dir() {
            continue;
        }
        let rel = entry.path().strip_prefix(&src).unwrap();
        let module = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("::");
        let graph = file_graph(entry.path(), &module);
        for (file, deps) in &graph {
            if !deps.is_empty() {
                println!("{module}: {file} -> {}", deps.iter().cloned().collect::<Vec<_>>().join(", "));
            }
        }
        found.extend(cycles(&graph).into_iter().map(|c| format!("src/{}/: {}", rel.display(), c.join(", "))));
    }
    assert!(
        found.is_empty(),
        "files of one module that import each other, move what they share down:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_file_checker_sees_siblings_through_super_and_crate_paths() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("mod.rs"), "mod a; mod b;").unwrap();
    std::fs::write(dir.path().join("a.rs"), "use super::{b::X, Y};\n// super::c\n").unwrap();
    std::fs::write(dir.path().join("b.rs"), "let z = crate::m::a::f();").unwrap();
    std::fs::write(dir.path().join("c.rs"), "use super::mod_item;").unwrap();
    let graph = file_graph(dir.path(), "m");
    assert_eq!(graph["a"], BTreeSet::from(["b".to_string()]));
    assert_eq!(graph["b"], BTreeSet::from(["a".to_string()]));
    assert!(graph["c"].is_empty());
    assert_eq!(cycles(&graph), BTreeSet::from([vec!["a".to_string(), "b".into()]]));
}

/// Calls that write, rename or delete on disk. Only `src/output/` may make them (docs/STYLE.md:
/// `output.rs` is the only writer), so "never touch what is not yours" is checked in one place.
const WRITING_CALLS: &[&str] = &[
    "fs::write",
    "File::create",
    "File::options",
    "OpenOptions",
    "create_dir",
    "remove_file",
    "remove_dir",
    "fs::rename",
    "fs::copy",
    "set_permissions",
    ".persist(",
    "hard_link",
    "unix::fs::symlink",
];

/// The writing calls in `text` outside comments and `#[cfg(test)]` modules (which sit at
/// the end of a file), as `(line, call)`.
fn writes(text: &str) -> Vec<(usize, &'static str)> {
    let code = text.split("#[cfg(test)]").next().unwrap_or(text);
    let mut found = Vec::new();
    for (i, line) in code.lines().enumerate() {
        let line = line.split("//").next().unwrap_or("");
        found.extend(WRITING_CALLS.iter().filter(|call| line.contains(*call)).map(|call| (i + 1, *call)));
    }
    found
}

#[test]
fn only_the_output_module_writes_to_disk() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut elsewhere = Vec::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") || module_of(path, &src) == "output" {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        let rel = path.strip_prefix(&src).unwrap().display().to_string();
        elsewhere.extend(writes(&text).into_iter().map(|(line, call)| format!("src/{rel}:{line}: {call}")));
    }
    assert!(
        elsewhere.is_empty(),
        "only src/output/ may write or delete files; move these there:\n{}",
        elsewhere.join("\n")
    );
}

#[test]
fn the_writer_check_sees_writes_but_not_comments_or_tests() {
    let text = "fn a() { std::fs::write(p, b) }\n// fs::remove_file(x)\nlet f = File::options().write(true);\n#[cfg(test)]\nmod tests { fn t() { std::fs::write(p, b) } }\n";
    assert_eq!(writes(text), [(1, "fs::write"), (3, "File::options")]);
}

/// The files of `src/` (paths relative to it, with `/`, e.g. `lint/claims/scope.rs`) that
/// the module table in `doc` does not name. A module is named by the first cell of a
/// row (`` `site.rs`, `site/` ``); each other file of a folder module must be named, by
/// its file name, somewhere in that module's row. `tests.rs` files are unit tests, left out.
fn unlisted(doc: &str, files: &[String]) -> Vec<String> {
    let mut rows: BTreeMap<String, &str> = BTreeMap::new();
    for line in doc.lines().filter(|l| l.starts_with("| `")) {
        let first = line.split('|').nth(1).unwrap_or("");
        for name in first.split('`').skip(1).step_by(2) {
            rows.insert(name.trim_end_matches('/').trim_end_matches(".rs").to_string(), line);
        }
    }
    files
        .iter()
        .filter(|file| {
            let module = module_of(Path::new(file.as_str()), Path::new(""));
            let name = file.rsplit('/').next().unwrap_or(file);
            match rows.get(&module) {
                None => true,
                Some(row) => file.contains('/') && name != "tests.rs" && !row.contains(&format!("{name}`")),
            }
        })
        .cloned()
        .collect()
}

#[test]
fn the_module_table_in_docs_names_every_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = root.join("src");
    let doc = std::fs::read_to_string(root.join("docs/ARCHITECTURE.md")).unwrap();
    let files: Vec<String> = walkdir::WalkDir::new(&src)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| p.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/"))
        .collect();
    let missing = unlisted(&doc, &files);
    assert!(missing.is_empty(), "docs/ARCHITECTURE.md's module table does not name these files of src/: {missing:?}");
}

#[test]
fn the_table_check_sees_a_missing_module_and_a_missing_file() {
    let doc = "| module | owns |\n| --- | --- |\n| `a.rs`, `a/` | `x.rs` this |\n| `b/` | `mod.rs` that |\n";
    let files: Vec<String> =
        ["a.rs", "a/x.rs", "a/y.rs", "a/tests.rs", "b/mod.rs", "c.rs"].iter().map(|f| f.to_string()).collect();
    assert_eq!(unlisted(doc, &files), ["a/y.rs", "c.rs"]);
}

/// Issue 26: serde_yaml (deprecated upstream) is imported only inside `src/yaml/`, which
/// names what the rest of the crate uses; swapping the parser is a one-folder change.
#[test]
fn only_the_yaml_module_names_serde_yaml() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut outside = Vec::new();
    for entry in walkdir::WalkDir::new(&src) {
        let path = entry.unwrap().into_path();
        if path.extension().is_some_and(|e| e == "rs") && !path.starts_with(src.join("yaml")) {
            let text = std::fs::read_to_string(&path).unwrap();
            if text.contains("serde_yaml") {
                outside.push(path.strip_prefix(&src).unwrap().display().to_string());
            }
        }
    }
    assert_eq!(outside, Vec::<String>::new(), "name YAML types through crate::yaml instead");
}

/// Issue 26: one module style. A folder module keeps its root in `mod.rs`; a `name.rs`
/// beside a `name/` folder is the other style, which a newcomer would have to look for.
#[test]
fn every_folder_module_keeps_its_root_in_mod_rs() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut other_style = Vec::new();
    for entry in walkdir::WalkDir::new(&src).min_depth(1) {
        let path = entry.unwrap().into_path();
        if path.is_dir() {
            let beside = path.with_extension("rs");
            if beside.exists() || !path.join("mod.rs").exists() {
                other_style.push(path.strip_prefix(&src).unwrap().display().to_string());
            }
        }
    }
    assert_eq!(other_style, Vec::<String>::new(), "move `name.rs` to `name/mod.rs`");
}
