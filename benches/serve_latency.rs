//! From saving a Markdown file to `smpsite serve` serving the new HTML: p50 and p95.
//!
//!     cargo bench --bench serve_latency                      # the example site
//!     SITE=/dev/shm/c10k cargo bench --bench serve_latency   # e.g. gen-corpus --pages 10000
//!
//! The site is copied to a temporary folder (on /dev/shm when it exists) and served on
//! a loopback port. Each round saves one page with a new sentence (a body edit) and
//! polls until the page has it; then saves a new title and polls until the page's
//! section lists it (a front matter edit, listing included). RUNS rounds (default 40).
//! Then, timed from the save to the end of the rebuild serve reports: a new `weight`,
//! a new `date`, and a save that changes nothing. Last, TEMPLATE_RUNS (default 10)
//! saves of `templates/page.html` (the theme's, with a marker in the article), each
//! polled until the page shows its marker: every page is rendered again, but only
//! that template is parsed again.
//!
//! `SMPSITE=path/to/smpsite` times that binary instead (an older build, to compare).
//!
//! `HUGO=1` times `hugo server` the same way on a Hugo site (gen-corpus --flavor hugo):
//!
//!     HUGO=1 SITE=/dev/shm/h10k cargo bench --bench serve_latency

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let source = std::env::var_os("SITE").map(PathBuf::from).unwrap_or_else(|| repo.to_path_buf());
    let runs: usize = std::env::var("RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(40);
    let tmp_parent = if Path::new("/dev/shm").is_dir() { PathBuf::from("/dev/shm") } else { std::env::temp_dir() };
    let site = tempfile::tempdir_in(tmp_parent).unwrap();
    let hugo = std::env::var_os("HUGO").is_some();
    let config = if hugo { "hugo.yaml" } else { "site.yaml" };
    copy(&source.join(config), &site.path().join(config));
    for dir in ["content", "static", "templates", "themes", "layouts"] {
        if source.join(dir).is_dir() {
            copy_tree(&source.join(dir), &site.path().join(dir));
        }
    }

    // A page in a section, and where the section lists it.
    let page = pick_page(&site.path().join("content"));
    let section_url = url_of(&site.path().join("content"), page.parent().unwrap(), true);
    let page_url = url_of(&site.path().join("content"), &page, false);
    let pages = walkdir::WalkDir::new(site.path().join("content"))
        .into_iter()
        .filter(|e| e.as_ref().is_ok_and(|e| e.path().extension().is_some_and(|x| x == "md")))
        .count();

    let (server, addr, rebuilds) = if hugo { start_hugo(site.path()) } else { start_smpsite(site.path()) };

    // Body edits keep the front matter as it is; title edits change only the title.
    let original = std::fs::read_to_string(&page).unwrap();
    let body_times: Vec<Duration> = (0..runs)
        .map(|round| {
            let marker = format!("Latency marker {round} {}.", std::process::id());
            time_until(&addr, &page_url, &marker, || std::fs::write(&page, format!("{original}\n{marker}\n")).unwrap())
        })
        .collect();
    let title_times: Vec<Duration> = (0..runs)
        .map(|round| {
            let title = format!("Retitled page {round}");
            time_until(&addr, &section_url, &title, || std::fs::write(&page, retitle(&original, &title)).unwrap())
        })
        .collect();
    // Front matter that only orders pages, and a save that changes nothing (an editor
    // saving an unmodified file): from the save to the end of the rebuild it causes,
    // as serve reports it.
    let rebuild_times = |rounds: usize, text: &dyn Fn(usize) -> String| -> Vec<Duration> {
        let Some(rebuilds) = &rebuilds else { return Vec::new() };
        (0..rounds)
            .map(|round| {
                std::thread::sleep(Duration::from_millis(300));
                while rebuilds.try_recv().is_ok() {}
                let started = Instant::now();
                std::fs::write(&page, text(round)).unwrap();
                let done = rebuilds.recv_timeout(Duration::from_secs(60)).expect("serve rebuilds after a save");
                done - started
            })
            .collect()
    };
    let weight_times = rebuild_times(runs, &|round| set_key(&original, "weight", &(round + 1).to_string()));
    let date_times =
        rebuild_times(runs, &|round| set_key(&original, "date", &format!("2020-01-{:02}", round % 28 + 1)));
    // Back to the original text first (the edits above changed it).
    rebuild_times(1, &|_| original.clone());
    let unchanged_times = rebuild_times(runs, &|_| original.clone());

    // Template saves: the site's own `templates/page.html` overrides the theme's.
    let template_runs: usize = std::env::var("TEMPLATE_RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(10);
    let theme_page = repo.join("themes/default/templates/page.html");
    let template_times: Vec<Duration> = match (hugo, std::fs::read_to_string(&theme_page)) {
        (false, Ok(template)) if template.contains("<article>") => {
            std::fs::create_dir_all(site.path().join("templates")).unwrap();
            let saved = site.path().join("templates/page.html");
            (0..template_runs)
                .map(|round| {
                    let marker = format!("Template marker {round} {}.", std::process::id());
                    let text = template.replacen("<article>", &format!("<article><p>{marker}</p>"), 1);
                    time_until(&addr, &page_url, &marker, || std::fs::write(&saved, &text).unwrap())
                })
                .collect()
        }
        _ => Vec::new(),
    };
    drop(server);
    let tool = if hugo { "hugo server" } else { "smpsite serve" };
    println!("{tool}: {} ({pages} Markdown files), page {page_url}, {runs} rounds", source.display());
    report("body edit -> page served", &mut { body_times });
    report("title edit -> section listing served", &mut { title_times });
    for (what, times) in [
        ("weight edit -> rebuild done", weight_times),
        ("date edit -> rebuild done", date_times),
        ("save without a change -> rebuild done", unchanged_times),
        ("template save -> page served", template_times),
    ] {
        if !times.is_empty() {
            report(what, &mut { times });
        }
    }
}

/// `smpsite serve` on a free port; also when each of its rebuilds ended (its
/// "Rebuilt" lines).
fn start_smpsite(site: &Path) -> (Server, String, Option<std::sync::mpsc::Receiver<Instant>>) {
    let mut server = Server(
        Command::new(std::env::var_os("SMPSITE").unwrap_or_else(|| env!("CARGO_BIN_EXE_smpsite").into()))
            .arg("--root")
            .arg(site)
            .args(["serve", "--port", "0"])
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut lines = BufReader::new(server.0.stdout.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("serve prints its address").unwrap();
        if let Some(url) = line.split("preview at http://").nth(1) {
            break url.split('/').next().unwrap().to_string();
        }
    };
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            if line.starts_with("Rebuilt") {
                let _ = tx.send(Instant::now());
            }
        }
    });
    (server, addr, Some(rx))
}

/// `hugo server` with its defaults (in-memory, fast render mode), on a free port.
fn start_hugo(site: &Path) -> (Server, String, Option<std::sync::mpsc::Receiver<Instant>>) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let addr = format!("127.0.0.1:{port}");
    let server = Server(
        Command::new("hugo")
            .args(["server", "--quiet", "--bind", "127.0.0.1", "--port", &port.to_string()])
            .arg("--baseURL")
            .arg(format!("http://{addr}/"))
            .arg("-s")
            .arg(site)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("hugo is installed (apt-get install -y hugo)"),
    );
    let started = Instant::now();
    while !get(&addr, "/").starts_with("HTTP/1.1 200") {
        assert!(started.elapsed() < Duration::from_secs(300), "hugo server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    (server, addr, None)
}

/// The server process, stopped however the benchmark ends.
struct Server(std::process::Child);

impl Drop for Server {
    /// Ctrl-C, so the server cleans up after itself (smpsite removes its temporary
    /// folder); a kill if it has not stopped within ten seconds.
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-INT", &self.0.id().to_string()]).status();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) {
            if !matches!(self.0.try_wait(), Ok(None)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn time_until(addr: &str, url: &str, needle: &str, save: impl FnOnce()) -> Duration {
    // Saves a person makes are apart: let the server finish with the last one first.
    std::thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    save();
    loop {
        if get(addr, url).contains(needle) {
            return started.elapsed();
        }
        assert!(started.elapsed() < Duration::from_secs(60), "{url} never showed {needle:?}");
        // A short pause between polls, so the client does not take a core from the server.
        std::thread::sleep(Duration::from_micros(500));
    }
}

/// `text` with its front matter's `title:` line replaced.
fn retitle(text: &str, title: &str) -> String {
    let mut done = false;
    let lines: Vec<String> = text
        .lines()
        .map(|line| match line.starts_with("title:") && !done {
            true => {
                done = true;
                format!("title: \"{title}\"")
            }
            false => line.to_string(),
        })
        .collect();
    lines.join("\n") + "\n"
}

/// `text` with its front matter's `key:` line set to `value` (added after the title
/// when there is none).
fn set_key(text: &str, key: &str, value: &str) -> String {
    let prefix = format!("{key}:");
    let line = format!("{key}: {value}");
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    match lines.iter().position(|l| l.starts_with(&prefix)) {
        Some(at) => lines[at] = line,
        None => {
            let at = lines.iter().position(|l| l.starts_with("title:")).map_or(1, |i| i + 1);
            lines.insert(at, line);
        }
    }
    lines.join("\n") + "\n"
}

fn report(what: &str, times: &mut [Duration]) {
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1];
    println!("{what}: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms", ms(at(0.5)), ms(at(0.95)), ms(times[times.len() - 1]));
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn get(addr: &str, path: &str) -> String {
    let Ok(mut stream) = TcpStream::connect(addr) else { return String::new() };
    let _ = write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    let mut body = String::new();
    let _ = stream.read_to_string(&mut body);
    body
}

/// A page that sits in a section (not the home page's own folder), preferring a big section.
fn pick_page(content: &Path) -> PathBuf {
    let mut sections: Vec<(usize, PathBuf)> = std::fs::read_dir(content)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().join("_index.md").is_file())
        .map(|e| (std::fs::read_dir(e.path()).unwrap().count(), e.path()))
        .collect();
    sections.sort();
    let (_, dir) = sections.pop().expect("a section");
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md") && !p.ends_with("_index.md"))
        .collect();
    pages.sort();
    pages.swap_remove(pages.len() / 2)
}

/// The URL path of a page file or a section folder, by file names (no slugs in front matter).
fn url_of(content: &Path, path: &Path, section: bool) -> String {
    let rel = path.strip_prefix(content).unwrap();
    let rel = if section { rel.to_path_buf() } else { rel.with_extension("") };
    let parts: Vec<String> = rel.components().map(|c| slug::slugify(c.as_os_str().to_string_lossy())).collect();
    format!("/{}/", parts.join("/"))
}

fn copy(from: &Path, to: &Path) {
    std::fs::copy(from, to).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let dest = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            copy(entry.path(), &dest);
        }
    }
}
