//! The browser editor, proved with the real CMS in a real browser (issue 22): Debian's
//! headless Chromium opens `/admin/` on `smpsite serve`, against a copy of the example
//! site, with Decap CMS's local backend (`decap-server`, from tests/admin/node_modules:
//! `npm ci --prefix tests/admin`) saving into that copy. The CMS's pinned CDN address is
//! answered from the npm package by request interception, so no request leaves the
//! machine and the page's Subresource Integrity hash is checked against npm's file.

use crate::chromium;
use crate::common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use common::TestSite;
use common::server::Server;
use headless_chrome::browser::tab::{RequestPausedDecision, Tab};
use headless_chrome::protocol::cdp::Fetch::{FailRequest, FulfillRequest, HeaderEntry, RequestPattern};
use headless_chrome::protocol::cdp::Network::ErrorReason;
use smpsite::admin::{CMS_INTEGRITY, CMS_URL};

const DEADLINE: Duration = Duration::from_secs(60);

fn node_modules() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/admin/node_modules");
    assert!(
        dir.join("decap-server").is_dir() && dir.join("decap-cms/dist").is_dir(),
        "the admin tests need Decap CMS and decap-server: npm ci --prefix tests/admin"
    );
    dir
}

/// `decap-server` on a free loopback port, saving into `repo`; stopped when dropped.
struct LocalBackend {
    child: Child,
    port: u16,
    log: Arc<Mutex<String>>,
}

impl LocalBackend {
    fn start(repo: &Path, home: &Path) -> LocalBackend {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let script = node_modules().join("decap-server/dist/index.js");
        let mut child = Command::new("node")
            .arg(script)
            .current_dir(repo)
            .env("PORT", port.to_string())
            .env("BIND_HOST", "127.0.0.1")
            .env("GIT_REPO_DIRECTORY", repo)
            .env("MODE", "fs")
            .env("HOME", home)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("node runs decap-server");
        let log = Arc::new(Mutex::new(String::new()));
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let log = log.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    log.lock().unwrap().push_str(&(line + "\n"));
                }
            });
        }
        let backend = LocalBackend { child, port, log };
        wait("decap-server to listen", || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok(), || backend.log());
        backend
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for LocalBackend {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `done` until it holds, failing with `why` and `log()` after the deadline.
fn wait(why: &str, mut done: impl FnMut() -> bool, log: impl Fn() -> String) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < DEADLINE, "waited {DEADLINE:?} for {why}:\n{}", log());
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Standard base64, as the DevTools protocol wants a response body.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | (b as u32) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Answers the pinned CDN address (and the parts Decap loads from beside it) from the
/// npm package; refuses every other address off the machine.
fn serve_cms_locally(tab: &Arc<Tab>) {
    let dist = node_modules().join("decap-cms/dist");
    let prefix = CMS_URL.rsplit_once('/').unwrap().0.to_string() + "/";
    let patterns = [RequestPattern { url_pattern: Some("*".into()), resource_Type: None, request_stage: None }];
    tab.enable_fetch(Some(&patterns), None).unwrap();
    tab.enable_request_interception(Arc::new(
        move |_transport, _session, event: headless_chrome::protocol::cdp::Fetch::events::RequestPausedEvent| {
            let request_id = event.params.request_id;
            let url = event.params.request.url;
            if url.starts_with("http://127.0.0.1") || url.starts_with("http://localhost") {
                return RequestPausedDecision::Continue(None);
            }
            let file = url.strip_prefix(&prefix).map(|name| dist.join(name.split(['?', '#']).next().unwrap_or("")));
            match file.and_then(|f| std::fs::read(&f).ok().map(|b| (f, b))) {
                Some((file, bytes)) => {
                    let kind = match file.extension().and_then(|e| e.to_str()) {
                        Some("js") => "text/javascript",
                        Some("wasm") => "application/wasm",
                        Some("css") => "text/css",
                        _ => "application/octet-stream",
                    };
                    let header = |name: &str, value: &str| HeaderEntry { name: name.into(), value: value.into() };
                    RequestPausedDecision::Fulfill(FulfillRequest {
                        request_id,
                        response_code: 200,
                        response_headers: Some(vec![
                            header("Content-Type", kind),
                            header("Access-Control-Allow-Origin", "*"),
                        ]),
                        binary_response_headers: None,
                        body: Some(base64(&bytes)),
                        response_phrase: None,
                    })
                }
                None => {
                    eprintln!("refused off-machine request: {url}");
                    RequestPausedDecision::Fail(FailRequest { request_id, error_reason: ErrorReason::BlockedByClient })
                }
            }
        },
    ))
    .unwrap();
}

fn eval(tab: &Tab, js: &str) -> serde_json::Value {
    tab.evaluate(js, true).unwrap_or_else(|e| panic!("{js}: {e}")).value.unwrap_or(serde_json::Value::Null)
}

fn body_text(tab: &Tab) -> String {
    eval(tab, "document.body ? document.body.textContent : ''").as_str().unwrap_or_default().to_string()
}

/// Clicks, with the mouse, the first visible button (or menu item) whose text is `text`.
fn click_text(tab: &Tab, text: &str) {
    let js = format!(
        "(() => {{ const el = [...document.querySelectorAll('button, [role=button], [role=menuitem], a, span')].find(e => e.textContent && e.textContent.trim() === {t} && e.offsetParent !== null); if (!el) return null; el.scrollIntoView({{block: 'center'}}); const r = el.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()",
        t = serde_json::json!(text)
    );
    let mut at = serde_json::Value::Null;
    let js = format!("JSON.stringify({js})");
    wait(
        &format!("a visible `{text}` to click"),
        || {
            at = serde_json::from_str(eval(tab, &js).as_str().unwrap_or("null")).unwrap();
            at.is_array()
        },
        || body_text(tab),
    );
    let point = headless_chrome::browser::tab::point::Point { x: at[0].as_f64().unwrap(), y: at[1].as_f64().unwrap() };
    tab.click_point(point).unwrap();
}

fn modified(path: &Path) -> SystemTime {
    std::fs::metadata(path).and_then(|m| m.modified()).unwrap()
}

#[test]
fn the_cms_file_served_is_the_npm_file_its_integrity_hash_names() {
    let _serial = crate::one_at_a_time();
    // The hash is that of npm's file: the browser below refuses the script otherwise.
    assert!(CMS_INTEGRITY.starts_with("sha384-"));
    assert!(CMS_URL.contains(&format!("decap-cms@{}", smpsite::admin::CMS_VERSION)));
    let lock =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/admin/package-lock.json")).unwrap();
    let pinned = format!("\"node_modules/decap-cms\": {{\n      \"version\": \"{}\"", smpsite::admin::CMS_VERSION);
    assert!(lock.contains(&pinned), "package-lock.json pins the version the admin loads");
}

/// The input of the field labelled `label` (its text as written in config.yml).
fn input_of(tab: &Tab, label: &str) -> String {
    let js = format!(
        "(() => {{ const l = [...document.querySelectorAll('label')].find(l => l.textContent.trim() === {t}); return l ? l.htmlFor : ''; }})()",
        t = serde_json::json!(label)
    );
    let mut id = String::new();
    wait(
        &format!("the field `{label}`"),
        || {
            id = eval(tab, &js).as_str().unwrap_or_default().to_string();
            !id.is_empty()
        },
        || body_text(tab),
    );
    format!("[id=\"{id}\"]")
}

/// Runs `action` (JavaScript with `el`, the field's input) on the field labelled `label`,
/// as typing would: `execCommand` fires the input events the CMS listens to.
fn on_field(tab: &Tab, label: &str, action: &str) -> serde_json::Value {
    let selector = input_of(tab, label);
    let js = format!(
        "(() => {{ const el = document.querySelector({}); el.scrollIntoView({{block: 'center'}}); el.focus(); {action} }})()",
        serde_json::json!(selector)
    );
    eval(tab, &js)
}

fn value_of(tab: &Tab, label: &str) -> String {
    on_field(tab, label, "return String(el.value);").as_str().unwrap_or_default().to_string()
}

/// Replaces the value of the field labelled `label` with `text`, as typed.
fn set_field(tab: &Tab, label: &str, text: &str) {
    let insert = if text.is_empty() {
        "document.execCommand('delete')".to_string()
    } else {
        format!("document.execCommand('insertText', false, {})", serde_json::json!(text))
    };
    on_field(tab, label, &format!("el.select(); {insert}; return true;"));
    wait(&format!("`{label}` to read {text:?}"), || value_of(tab, label) == text, || value_of(tab, label));
}

/// Publishes the open entry and waits until `file` is written and the CMS shows the
/// saved entry again (it reads it back: an edit before then would be overwritten).
fn publish(tab: &Tab, file: &Path) {
    let before = modified(file);
    click_text(tab, "Publish");
    click_text(tab, "Publish now");
    let errors = "JSON.stringify([...document.querySelectorAll('li, [role=alert], .Toastify')].map(e => e.textContent).filter(t => /required|missed|match|error/i.test(t)))";
    wait(&format!("{} to be saved", file.display()), || modified(file) > before, || eval(tab, errors).to_string());
    let settled = "(() => { const t = document.body.textContent; return t.includes('Changes saved') && t.includes('Published') && !t.includes('Publishing'); })()";
    wait("the saved entry back in the form", || eval(tab, settled) == serde_json::json!(true), || body_text(tab));
}

/// Opens an entry by its address in the CMS and waits for its form. By way of its
/// collection's list: the CMS keeps an open editor when only the entry's address changes,
/// and reads the entry afresh (as saved) when it opens it from the list.
fn open(tab: &Tab, route: &str, title_label: &str) {
    let collection = route.split("/entries/").next().unwrap();
    tab.evaluate(&format!("location.hash = {}", serde_json::json!(collection)), false).unwrap();
    let listed = "document.querySelectorAll('label').length === 0";
    wait("the collection's list", || eval(tab, listed) == serde_json::json!(true), || body_text(tab));
    tab.evaluate(&format!("location.hash = {}", serde_json::json!(route)), false).unwrap();
    let js = format!(
        "location.hash === '#' + {} && [...document.querySelectorAll('label')].some(l => l.textContent.trim() === {})",
        serde_json::json!(route),
        serde_json::json!(title_label)
    );
    wait(&format!("the editor of {route}"), || eval(tab, &js) == serde_json::json!(true), || body_text(tab));
}

/// Front matter as values and the body, of a Markdown file.
fn meaning(text: &str) -> (serde_yaml::Value, String) {
    let split = smpsite::front_matter::split(text, Path::new("x.md")).unwrap();
    let value: serde_yaml::Value = serde_yaml::from_str(split.yaml).unwrap();
    (value, split.body.to_string())
}

/// Each entry the CMS lists for the example site: (route, file, title label).
fn entries(root: &Path) -> Vec<(String, PathBuf, &'static str)> {
    let mut out = Vec::new();
    for entry in walkdir(&root.join("content")) {
        let key = entry.strip_prefix(root.join("content")).unwrap().to_string_lossy().replace('\\', "/");
        let route = match key.split_once('/') {
            None => format!("/collections/home/entries/{}", key.replace(['.', '/'], "_")),
            Some((section, rest)) => {
                // Decap's slug is the path below the folder without `.md`: `gallery/index`.
                let slug = rest.strip_suffix(".md").unwrap();
                format!("/collections/{section}/entries/{slug}")
            }
        };
        out.push((route, entry, "Title"));
    }
    out.push(("/collections/settings/entries/site".to_string(), root.join("site.yaml"), "Site title"));
    out
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walkdir(&path));
        } else if path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// Everything running for one browser session: the site copy, its local backend, serve
/// and Chromium on /admin/, signed in. Dropped in order: Chromium, serve, decap-server.
struct Admin {
    tab: Arc<Tab>,
    _browser: headless_chrome::Browser,
    server: Server,
    _backend: LocalBackend,
    site: TestSite,
}

impl Admin {
    fn open() -> Admin {
        let site = TestSite::example();
        let backend = LocalBackend::start(site.root(), &site.home());
        let yaml = site.read("site.yaml");
        site.write(
            "site.yaml",
            format!("{yaml}admin:\n  backend: git-gateway\n  branch: main\n  local_backend: {}\n", backend.port),
        );
        // A build first fills photo-cache/, so serve starts within its deadline.
        site.build();
        let server = Server::start(site.root(), &[]);
        let browser = chromium::browser("the admin tests");
        let tab = browser.new_tab().unwrap();
        serve_cms_locally(&tab);
        tab.navigate_to(&format!("http://{}/admin/", server.addr)).unwrap();
        click_text(&tab, "Login");
        wait("the collections", || body_text(&tab).contains("Site settings"), || body_text(&tab) + &backend.log());
        Admin { tab, _browser: browser, server, _backend: backend, site }
    }
}

#[test]
fn every_entry_saved_unchanged_through_the_cms_means_what_it_meant() {
    let _serial = crate::one_at_a_time();
    let admin = Admin::open();
    let (tab, site) = (&admin.tab, &admin.site);

    // Every entry saved through the CMS. It saves only a changed entry, so each title
    // gets an `x`: afterwards every file must mean what it meant, that `x` aside. (One
    // save per entry: saving the title back as well doubled the test's minutes and
    // proved nothing more, since the second save writes what the first one read.)
    let entries = entries(site.root());
    let before: Vec<String> = entries.iter().map(|(_, file, _)| std::fs::read_to_string(file).unwrap()).collect();
    for (route, file, title) in &entries {
        open(tab, route, title);
        let words = value_of(tab, title);
        set_field(tab, title, &format!("{words}x"));
        publish(tab, file);
        eprintln!("saved through the CMS: {route}");
    }
    let with_x = |mut value: serde_yaml::Value| {
        let title = value["title"].as_str().expect("every entry has a title").to_string();
        value["title"] = serde_yaml::Value::String(format!("{title}x"));
        value
    };
    let mut saved = Vec::new();
    for ((_, file, _), before) in entries.iter().zip(&before) {
        let after = std::fs::read_to_string(file).unwrap();
        saved.push(file.strip_prefix(site.root()).unwrap().display().to_string());
        if file.ends_with("site.yaml") {
            let (b, a): (serde_yaml::Value, serde_yaml::Value) =
                (serde_yaml::from_str(before).unwrap(), serde_yaml::from_str(&after).unwrap());
            assert_eq!(a, with_x(b), "site.yaml means something else after a save:\n{after}");
        } else {
            let (front, body) = meaning(before);
            assert_eq!(
                meaning(&after),
                (with_x(front), body),
                "{} means something else after a save:\n{after}",
                file.display()
            );
        }
    }
    eprintln!(
        "{} entries saved through the CMS, every file meaning what it meant but the title's `x`: {}",
        entries.len(),
        saved.join(", ")
    );
}

#[test]
fn edits_through_the_cms_land_on_disk_and_on_the_page_and_an_empty_required_field_is_refused() {
    let _serial = crate::one_at_a_time();
    let admin = Admin::open();
    let (tab, site, server) = (&admin.tab, &admin.site, &admin.server);

    // Three edits through the form, each on disk and on serve's page.
    let session = site.path("content/process/first-session.md");
    open(tab, "/collections/process/entries/first-session", "Title");
    // The preview pane wears the site's stylesheet: its text in the theme's typeface.
    let preview_font = "(() => { const f = document.querySelector('iframe'); \
        const b = f && f.contentDocument && f.contentDocument.body; \
        return b ? getComputedStyle(b).fontFamily : ''; })()";
    wait(
        "the preview in the theme's typeface (system-ui)",
        || eval(tab, preview_font).as_str().is_some_and(|f| f.contains("system-ui")),
        || format!("the preview's font-family: {}", eval(tab, preview_font)),
    );
    eprintln!("the preview pane's font-family: {}", eval(tab, preview_font));
    // The page's own heading and loading note (for when the CMS cannot load) are gone.
    assert_eq!(eval(tab, "document.getElementById('smpsite-editor-loading') === null"), serde_json::json!(true));
    let png = tab
        .capture_screenshot(headless_chrome::protocol::cdp::Page::CaptureScreenshotFormatOption::Png, None, None, true)
        .unwrap();
    if let Ok(dir) = std::env::var("SMPSITE_ADMIN_SCREENSHOT") {
        std::fs::write(Path::new(&dir).join("admin-session.png"), &png).unwrap();
    }
    let step = value_of(tab, "What to expect");
    set_field(tab, "What to expect", &format!("{step} Edited in the browser."));
    publish(tab, &session);
    let (front, _) = meaning(&std::fs::read_to_string(&session).unwrap());
    assert_eq!(front["healing"][0]["expect"].as_str(), Some(format!("{step} Edited in the browser.").as_str()));
    assert_eq!(front["healing"][1]["when"].as_str(), Some("Days 4–7"), "the other steps stay");
    server.wait_for("/process/first-session/", "showing the edited step", |s, page| {
        s == 200 && page.contains("Edited in the browser.")
    });
    eprintln!("edited healing[0].expect of content/process/first-session.md: on disk and on /process/first-session/");

    let gallery = site.path("content/expectations/gallery/index.md");
    open(tab, "/collections/expectations/entries/gallery/index", "Title");
    assert_eq!(value_of(tab, "Days after the session (optional)"), "28");
    set_field(tab, "Days after the session (optional)", "30");
    publish(tab, &gallery);
    let (front, _) = meaning(&std::fs::read_to_string(&gallery).unwrap());
    assert_eq!(front["before_after"][0]["days_after"].as_u64(), Some(30), "saved as a number");
    assert_eq!(front["before_after"][0]["illustration"].as_bool(), Some(true));
    server.wait_for("/expectations/gallery/", "showing the new disclosure", |s, page| {
        s == 200 && page.contains("healed 30 days")
    });
    eprintln!(
        "edited before_after[0].days_after of content/expectations/gallery/index.md: 28 -> 30, on disk and on the page"
    );

    let faq = site.path("content/faq.md");
    open(tab, "/collections/home/entries/faq_md", "Title");
    type_at_end_of_body(tab, " Edited in the browser, too.");
    publish(tab, &faq);
    let (_, body) = meaning(&std::fs::read_to_string(&faq).unwrap());
    assert!(body.trim_end().ends_with("Edited in the browser, too."), "{body}");
    server.wait_for("/faq/", "showing the edited answer", |s, page| {
        s == 200 && page.contains("Edited in the browser, too.")
    });
    eprintln!("edited the last FAQ answer of content/faq.md: on disk and on /faq/");
    let check = site.run(&["check"]);
    assert_eq!(check.code(), 0, "check after the edits:\n{}{}", check.stdout(), check.stderr());

    // A required field left empty is refused, with smpsite's words; nothing is written.
    let kept = std::fs::read_to_string(&session).unwrap();
    open(tab, "/collections/process/entries/first-session", "Title");
    set_field(tab, "Title", "");
    click_text(tab, "Publish");
    click_text(tab, "Publish now");
    wait("the refusal", || body_text(tab).contains("Title is required"), || body_text(tab));
    assert!(
        body_text(tab).contains("the title, shown as the heading and in search results"),
        "smpsite's hint beside it"
    );
    set_field(tab, "Title", " ");
    click_text(tab, "Publish");
    click_text(tab, "Publish now");
    wait(
        "smpsite's message",
        || body_text(tab).contains("the `title` is empty: write the page's title"),
        || body_text(tab),
    );
    assert_eq!(std::fs::read_to_string(&session).unwrap(), kept, "a refused save writes nothing");
    eprintln!(
        "an empty title: refused (\"Title is required.\"); a blank one: refused with smpsite's \"the `title` is empty: write the page's title\"; the file untouched"
    );
}

/// Types `text` at the end of the page's text (the Markdown field, in Markdown mode).
fn type_at_end_of_body(tab: &Tab, text: &str) {
    // The page's text is the form's one rich editing area (Markdown mode is one too).
    let js = "(() => { const box = document.querySelector('[data-slate-editor], [contenteditable=true]'); if (!box) return false; \
        box.scrollIntoView({block: 'center'}); box.focus(); const r = document.createRange(); r.selectNodeContents(box); r.collapse(false); \
        const s = getSelection(); s.removeAllRanges(); s.addRange(r); return true; })()";
    wait("the page's text to type into", || eval(tab, js) == serde_json::json!(true), || body_text(tab));
    tab.call_method(headless_chrome::protocol::cdp::Input::InsertText { text: text.into() }).unwrap();
}

/// Every key path of `value` (`healing.when`, `extra.team.name`), lists looked through.
fn key_paths(value: &serde_yaml::Value, prefix: &str, out: &mut Vec<String>) {
    match value {
        serde_yaml::Value::Mapping(map) => {
            for (key, inner) in map {
                let path = format!("{prefix}{}", key.as_str().unwrap_or("?"));
                key_paths(inner, &format!("{path}."), out);
                out.push(path);
            }
        }
        serde_yaml::Value::Sequence(items) => items.iter().for_each(|item| key_paths(item, prefix, out)),
        _ => {}
    }
}

/// Every field path a collection's `fields` list (`healing.when`).
fn field_paths(fields: &serde_yaml::Value, prefix: &str, out: &mut Vec<String>) {
    for field in fields.as_sequence().into_iter().flatten() {
        let path = format!("{prefix}{}", field["name"].as_str().unwrap());
        if let Some(inner) = field.get("fields") {
            field_paths(inner, &format!("{path}."), out);
        }
        out.push(path);
    }
}

#[test]
fn the_example_sites_admin_lists_every_key_its_files_hold() {
    let _serial = crate::one_at_a_time();
    let site = TestSite::example();
    site.build();
    let config: serde_yaml::Value = serde_yaml::from_str(&site.read("public/admin/config.yml")).unwrap();
    let mut listed: Vec<(String, Vec<String>)> = Vec::new();
    for collection in config["collections"].as_sequence().unwrap() {
        let files = collection.get("files").and_then(|f| f.as_sequence()).cloned();
        for (file, fields) in match files {
            Some(files) => {
                files.iter().map(|f| (f["file"].as_str().unwrap().to_string(), f["fields"].clone())).collect()
            }
            None => vec![(collection["folder"].as_str().unwrap().to_string() + "/", collection["fields"].clone())],
        } {
            let mut paths = Vec::new();
            field_paths(&fields, "", &mut paths);
            listed.push((file, paths));
        }
    }
    let fields_of = |file: &str| {
        let found = listed.iter().find(|(f, _)| f == file || (f.ends_with('/') && file.starts_with(f.as_str())));
        found.unwrap_or_else(|| panic!("no collection holds {file}")).1.clone()
    };
    let mut checked = 0;
    let mut missing = Vec::new();
    for file in walkdir(&site.root().join("content")) {
        let rel = file.strip_prefix(site.root()).unwrap().to_string_lossy().replace('\\', "/");
        let (front_matter, _) = meaning(&std::fs::read_to_string(&file).unwrap());
        let mut keys = Vec::new();
        key_paths(&front_matter, "", &mut keys);
        let fields = fields_of(&rel);
        missing.extend(keys.iter().filter(|k| !fields.contains(k)).map(|k| format!("{rel}: {k}")));
        checked += keys.len();
    }
    let site_yaml: serde_yaml::Value = serde_yaml::from_str(&site.read("site.yaml")).unwrap();
    let mut keys = Vec::new();
    key_paths(&site_yaml, "", &mut keys);
    let fields = fields_of("site.yaml");
    // `lint:` is kept whole by a hidden field: what is below it is not a form's.
    missing.extend(
        keys.iter().filter(|k| !k.starts_with("lint.") && !fields.contains(k)).map(|k| format!("site.yaml: {k}")),
    );
    assert!(missing.is_empty(), "keys the editor does not list (a save would drop them):\n{}", missing.join("\n"));
    eprintln!("{checked} front matter key paths and {} of site.yaml, all listed", keys.len());
}
