//! `TestSite`: a fixture site copied into a temporary folder, built and inspected
//! through the real `smpsite` binary.
#![allow(dead_code)] // each test file uses a different subset

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::SystemTime;

pub mod corpus;
pub mod server;

/// A site in `site/` of a temporary folder, beside a `home/` that is `HOME` for every
/// run: nothing a test runs can reach the real home folder.
pub struct TestSite {
    dir: tempfile::TempDir,
    root: PathBuf,
}

impl TestSite {
    /// A copy of `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> TestSite {
        let site = TestSite::empty();
        copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name), site.root());
        site
    }

    /// A copy of the repository's own example site (site.yaml + content/).
    pub fn example() -> TestSite {
        let site = TestSite::empty();
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        std::fs::copy(repo.join("site.yaml"), site.root().join("site.yaml")).unwrap();
        copy_tree(&repo.join("content"), &site.root().join("content"));
        site
    }

    pub fn empty() -> TestSite {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("site")).unwrap();
        std::fs::create_dir(dir.path().join("home")).unwrap();
        let root = dir.path().join("site");
        TestSite { dir, root }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The temporary folder that holds the site and `home/`: tests put other outputs here.
    pub fn scratch(&self) -> &Path {
        self.dir.path()
    }

    /// `HOME` for every run.
    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Runs `smpsite --root <site> ARGS`.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_smpsite"))
            .arg("--root")
            .arg(self.root())
            .args(args)
            .env("NO_COLOR", "1")
            .env("HOME", self.home())
            .output()
            .unwrap();
        Run(output)
    }

    /// Builds into `public/` and insists it worked.
    pub fn build(&self) -> Run {
        self.run(&["build"]).success()
    }

    /// A page of the last build, by URL path (`process/first/`).
    pub fn page(&self, url_path: &str) -> String {
        let file = if url_path.is_empty() || url_path.ends_with('/') {
            format!("{url_path}index.html")
        } else {
            url_path.to_string()
        };
        self.read(&format!("public/{file}"))
    }

    /// Every file under `public/`, relative, sorted, with its bytes.
    pub fn output(&self) -> Vec<(String, Vec<u8>)> {
        tree(&self.path("public"))
    }
}

/// Every file of a built site below `dir`, relative, sorted, with its bytes; the
/// build's record of what it wrote (`.smpsite-manifest`) is bookkeeping, not the site.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file() && e.file_name() != smpsite::output::MANIFEST)
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
        .collect();
    files.sort();
    files
}

/// Copies the folder `from` (files and folders) to `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let dest = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// A finished run of the binary.
pub struct Run(pub Output);

impl Run {
    pub fn code(&self) -> i32 {
        self.0.status.code().unwrap_or(-1)
    }

    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }

    pub fn success(self) -> Run {
        assert_eq!(self.code(), 0, "expected success\nstdout:\n{}\nstderr:\n{}", self.stdout(), self.stderr());
        self
    }

    /// Insists on exit code 1 and returns stderr.
    pub fn fails(self) -> String {
        assert_eq!(self.code(), 1, "expected exit 1\nstdout:\n{}\nstderr:\n{}", self.stdout(), self.stderr());
        self.stderr()
    }
}

/// Every entry below `dir` with what identifies its state: kind, length, modification
/// time (neither for folders) and a hash of its bytes (a link's target). Entries at the
/// paths in `skip` and below are left out. Safety tests compare two of these around a
/// build to prove nothing outside the output changed.
pub type Snapshot = BTreeMap<PathBuf, (&'static str, u64, Option<SystemTime>, u64)>;

pub fn snapshot(dir: &Path, skip: &[&Path]) -> Snapshot {
    let mut seen = Snapshot::new();
    for entry in walkdir::WalkDir::new(dir).follow_links(false).into_iter().filter_entry(|e| !skip.contains(&e.path()))
    {
        let entry = entry.unwrap();
        let meta = entry.path().symlink_metadata().unwrap();
        let mut h = DefaultHasher::new();
        let kind = if meta.file_type().is_symlink() {
            std::fs::read_link(entry.path()).unwrap().hash(&mut h);
            "link"
        } else if meta.is_file() {
            std::fs::read(entry.path()).unwrap().hash(&mut h);
            "file"
        } else {
            "dir"
        };
        // A folder's own size and time are the file system's bookkeeping (tmpfs counts its
        // entries, so the output folder appearing inside one changes it); what is in the
        // folder is compared entry by entry instead.
        let (len, mtime) = if meta.is_dir() { (0, None) } else { (meta.len(), Some(meta.modified().unwrap())) };
        seen.insert(entry.path().to_path_buf(), (kind, len, mtime, h.finish()));
    }
    seen
}
