//! The hosts' own rules, proven against real servers: Cloudflare's runtime (`wrangler
//! pages dev`, pinned in `tests/hosts/package.json`; `.ci/run` installs it with `npm
//! ci`) reads `_redirects` and `_headers`, Debian's Apache (`apache2`) reads
//! `.htaccess`. On each: an alias answers 301 to its page, every page carries the
//! security headers, a missing page answers 404 with the site's 404 page, the
//! fingerprinted stylesheet is cached for good and pages briefly; and headless Chromium
//! loads the home page and a session page through it without a single CSP violation.
//!
//! Loopback only, on free ports; every wait is bounded; each server runs in a process
//! group of its own, stopped (the whole group) when its guard drops, on panic too.

use crate::chromium;
use crate::common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::TestSite;
use headless_chrome::protocol::cdp::Log::LogEntryLevel;
use headless_chrome::protocol::cdp::Page::AddScriptToEvaluateOnNewDocument;
use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::{Browser, Tab};
use smpsite::render::{CSP, IMMUTABLE, MODEST, SECURITY_HEADERS, SHORT};

const APACHE: &str = "/usr/sbin/apache2";
const MODULES: &str = "/usr/lib/apache2/modules";
/// Within the dates the workerd that wrangler 4.86.0 bundles supports.
const COMPATIBILITY_DATE: &str = "2026-04-01";
/// Starting wrangler (node, then workerd) takes seconds on a busy machine.
const START: Duration = Duration::from_secs(120);

fn wrangler() -> PathBuf {
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hosts/node_modules/.bin/wrangler");
    assert!(bin.exists(), "the host tests need wrangler: run `npm ci` in tests/hosts/ (.ci/run does)");
    bin
}

/// A port no one listens on now (the OS picks it; the listener is closed at once).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A server process and its whole process group, stopped when dropped.
struct Host {
    name: &'static str,
    child: Child,
    addr: String,
    log: PathBuf,
}

impl Host {
    fn spawn(name: &'static str, mut command: Command, port: u16, log: PathBuf) -> Host {
        let out = std::fs::File::create(&log).unwrap();
        command.stdin(Stdio::null()).stdout(out.try_clone().unwrap()).stderr(out).process_group(0);
        let child = command.spawn().unwrap_or_else(|e| panic!("{name} does not start: {e}"));
        let host = Host { name, child, addr: format!("127.0.0.1:{port}"), log };
        host.wait_ready();
        host
    }

    fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Polls `/` until it answers, failing at once if the server exits.
    fn wait_ready(&self) {
        let started = Instant::now();
        loop {
            if TcpStream::connect(&self.addr).is_ok() && get(&self.addr, "/").status == 200 {
                return;
            }
            let exited = Command::new("kill").args(["-0", &self.child.id().to_string()]).status();
            assert!(exited.is_ok_and(|s| s.success()), "{} exited before serving:\n{}", self.name, self.log());
            assert!(started.elapsed() < START, "{} did not serve / within {START:?}:\n{}", self.name, self.log());
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Host {
    /// TERM to the group (wrangler's node and workerd, or Apache), then KILL to what is
    /// left after a bounded wait. No assertion: this runs while a failed test unwinds.
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) {
            if !matches!(self.child.try_wait(), Ok(None)) {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
        let _ = self.child.wait();
    }
}

/// `wrangler pages dev` serving `dir`, with HOME and its state in `scratch`.
fn cloudflare(dir: &Path, scratch: &Path) -> Host {
    let (port, inspector) = (free_port(), free_port());
    let home = scratch.join("wrangler-home");
    std::fs::create_dir_all(&home).unwrap();
    let mut command = Command::new(wrangler());
    command
        .args(["pages", "dev"])
        .arg(dir)
        .args(["--ip", "127.0.0.1", "--port", &port.to_string(), "--inspector-port", &inspector.to_string()])
        .arg(format!("--compatibility-date={COMPATIBILITY_DATE}"))
        .args(["--show-interactive-dev-session=false", "--persist-to"])
        .arg(scratch.join("wrangler-state"))
        .current_dir(scratch)
        .env("HOME", &home)
        .env("WRANGLER_SEND_METRICS", "false")
        .env("NO_COLOR", "1");
    Host::spawn("wrangler pages dev", command, port, scratch.join("wrangler.log"))
}

/// Apache in the foreground (one process, `-X`) on a config of its own: a loopback
/// port, ServerRoot, pid file and logs in `scratch`, the modules the `.htaccess` uses,
/// `AllowOverride All` on `dir`. Run as root, Apache serves as `www-data` (it refuses to
/// serve as root), so the scratch folder is opened to others for reading.
fn apache(dir: &Path, scratch: &Path) -> Host {
    assert!(Path::new(APACHE).exists(), "the host tests need Debian's apache2: apt-get install -y apache2");
    let port = free_port();
    let root = scratch.join("apache");
    std::fs::create_dir_all(&root).unwrap();
    let as_root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    if as_root {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(scratch, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let user = if as_root { "User www-data\nGroup www-data\n" } else { "" };
    let modules: String = ["mpm_prefork", "authz_core", "mime", "dir", "alias", "headers"]
        .iter()
        .map(|m| format!("LoadModule {m}_module {MODULES}/mod_{m}.so\n"))
        .collect();
    let (root_s, dir_s) = (root.display(), dir.display());
    let config = format!(
        "ServerRoot \"{root_s}\"\nDefaultRuntimeDir \"{root_s}\"\nPidFile \"{root_s}/httpd.pid\"\n\
         ErrorLog \"{root_s}/error.log\"\nLogLevel warn\nListen 127.0.0.1:{port}\nServerName 127.0.0.1\n{user}{modules}\
         TypesConfig /etc/mime.types\nDirectoryIndex index.html\nDocumentRoot \"{dir_s}\"\n\
         <Directory />\n  AllowOverride None\n  Require all denied\n</Directory>\n\
         <Directory \"{dir_s}\">\n  AllowOverride All\n  Require all granted\n</Directory>\n\
         <Files \".ht*\">\n  Require all denied\n</Files>\n"
    );
    std::fs::write(root.join("httpd.conf"), config).unwrap();
    let mut command = Command::new(APACHE);
    command.arg("-X").arg("-f").arg(root.join("httpd.conf")).current_dir(&root);
    Host::spawn("apache2", command, port, root.join("console.log"))
}

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// GET `path` over HTTP/1.0 (so no server answers in chunks), redirects not followed.
fn get(addr: &str, path: &str) -> Response {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).unwrap_or(0);
    let headers =
        lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_string(), v.trim().to_string())).collect();
    let mut response = Response { status, headers, body: body.to_string() };
    // wrangler's proxy answers in chunks even so.
    if response.header("Transfer-Encoding").is_some_and(|t| t.eq_ignore_ascii_case("chunked")) {
        response.body = unchunk(body);
    }
    response
}

/// A chunked body's data.
fn unchunk(mut rest: &str) -> String {
    let mut body = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let size = usize::from_str_radix(size.split(';').next().unwrap().trim(), 16).unwrap_or(0);
        if size == 0 || after.len() < size {
            break;
        }
        body.push_str(&after[..size]);
        rest = after[size..].strip_prefix("\r\n").unwrap_or(&after[size..]);
    }
    body
}

/// The minimal clinic (an alias `/first/` of `/process/first/`), built into `public/`.
fn built_site() -> (TestSite, String) {
    let site = TestSite::fixture("minimal");
    site.build();
    let home = site.page("");
    let stylesheet = home.split("<link rel=\"stylesheet\" href=\"").nth(1).unwrap().split('"').next().unwrap();
    assert!(stylesheet.starts_with("/style.") && stylesheet.len() == "/style.0123456789abcdef.css".len());
    let stylesheet = stylesheet.to_string();
    (site, stylesheet)
}

/// What every host must do with the built site.
fn serves_the_rules(host: &Host, site: &TestSite, stylesheet: &str) {
    let name = host.name;
    let alias = get(&host.addr, "/first/");
    assert_eq!(alias.status, 301, "{name}: the alias /first/ answered {}", alias.status);
    let location = alias.header("Location").unwrap_or_default();
    assert!(
        location == "/process/first/" || location == format!("{}/process/first/", host.origin()),
        "{name}: the alias leads to {location:?}"
    );

    let home = get(&host.addr, "/");
    assert_eq!(home.status, 200, "{name}: /");
    for (header, value) in SECURITY_HEADERS {
        assert_eq!(home.header(header), Some(value), "{name}: {header} on /");
    }
    assert_eq!(home.header("Cache-Control"), Some(SHORT), "{name}: pages are cached briefly");

    // The editor alone gets the CMS's policy, as the only one (two would both apply),
    // and is never indexed; every page keeps exactly the strict one.
    let policies = |r: &Response| -> Vec<String> {
        r.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("Content-Security-Policy"))
            .map(|(_, v)| v.clone())
            .collect()
    };
    assert_eq!(policies(&home), [CSP], "{name}: the site's policy on /");
    let admin = get(&host.addr, "/admin/");
    assert_eq!(admin.status, 200, "{name}: /admin/");
    assert_eq!(policies(&admin), [smpsite::admin::CSP], "{name}: the editor's policy on /admin/");
    assert_eq!(admin.header("X-Robots-Tag"), Some("noindex"), "{name}: /admin/ is not indexed");

    let missing = get(&host.addr, "/no-such-page/");
    assert_eq!(missing.status, 404, "{name}: a missing page");
    assert_eq!(missing.body, site.read("public/404.html"), "{name}: a missing page shows the site's 404 page");

    let css = get(&host.addr, stylesheet);
    assert_eq!(css.status, 200, "{name}: {stylesheet}");
    assert_eq!(css.header("Cache-Control"), Some(IMMUTABLE), "{name}: the fingerprinted stylesheet");
    let icon = get(&host.addr, "/favicon.svg");
    assert_eq!(icon.header("Cache-Control"), Some(MODEST), "{name}: a file without a fingerprint in its name");
    for (header, value) in SECURITY_HEADERS {
        assert_eq!(css.header(header), Some(value), "{name}: {header} on {stylesheet}");
    }
}

fn browser() -> Browser {
    chromium::browser("the host tests")
}

/// Records each `securitypolicyviolation` event of a page, from before its first byte
/// is parsed (a script DevTools adds, which the page's CSP does not govern).
const RECORD_VIOLATIONS: &str = "window.__violations = []; document.addEventListener('securitypolicyviolation', \
     e => window.__violations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline')));";

/// Every CSP violation and console error while Chromium loads each of `pages` from `host`.
fn violations(host: &Host, pages: &[&str]) -> Vec<String> {
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    tab.set_default_timeout(Duration::from_secs(20));
    tab.enable_log().unwrap();
    tab.call_method(AddScriptToEvaluateOnNewDocument {
        source: RECORD_VIOLATIONS.into(),
        world_name: None,
        include_command_line_api: None,
        run_immediately: None,
    })
    .unwrap();
    let found: Arc<Mutex<Vec<String>>> = Arc::default();
    let console = Arc::clone(&found);
    tab.add_event_listener(Arc::new(move |event: &Event| {
        if let Event::LogEntryAdded(entry) = event
            && entry.params.entry.level == LogEntryLevel::Error
        {
            console.lock().unwrap().push(format!("console: {}", entry.params.entry.text));
        }
    }))
    .unwrap();
    for page in pages {
        load(&tab, &format!("{}{page}", host.origin()));
        let events = tab.evaluate("JSON.stringify(window.__violations)", false).unwrap().value;
        let events: Vec<String> = serde_json::from_str(events.as_ref().and_then(|v| v.as_str()).unwrap()).unwrap();
        found.lock().unwrap().extend(events.into_iter().map(|e| format!("{page}: event: {e}")));
    }
    std::mem::take(&mut *found.lock().unwrap())
}

fn load(tab: &Arc<Tab>, url: &str) {
    tab.navigate_to(url).unwrap().wait_until_navigated().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while tab.evaluate("document.readyState", false).unwrap().value != Some("complete".into()) {
        assert!(Instant::now() < deadline, "{url} did not finish loading in 20 s");
        std::thread::sleep(Duration::from_millis(20));
    }
}

const PAGES: [&str; 2] = ["/", "/process/first/"];

#[test]
fn cloudflare_pages_reads_the_redirects_and_headers() {
    let _serial = crate::one_at_a_time();
    let (site, stylesheet) = built_site();
    let host = cloudflare(&site.path("public"), site.scratch());
    serves_the_rules(&host, &site, &stylesheet);
    let found = violations(&host, &PAGES);
    assert!(found.is_empty(), "through {}: {found:#?}", host.name);
}

#[test]
fn apache_reads_the_htaccess() {
    let _serial = crate::one_at_a_time();
    let (site, stylesheet) = built_site();
    let host = apache(&site.path("public"), site.scratch());
    serves_the_rules(&host, &site, &stylesheet);
    assert_eq!(get(&host.addr, "/first/index.html").status, 301, "the alias's own file redirects too");
    assert_eq!(get(&host.addr, "/_headers").status, 404, "the other hosts' rules are no page");
    assert_eq!(get(&host.addr, "/first/deeper/").status, 404, "an alias redirects only its own address");
    let found = violations(&host, &PAGES);
    assert!(found.is_empty(), "through {}: {found:#?}\n{}", host.name, host.log());
}

/// The check above sees a violation when there is one: the same site with a policy
/// that forbids its own stylesheet.
#[test]
fn the_csp_check_fails_on_a_policy_the_pages_break() {
    let _serial = crate::one_at_a_time();
    let (site, _) = built_site();
    let htaccess = site.read("public/.htaccess");
    assert!(htaccess.contains("style-src 'self';"));
    site.write("public/.htaccess", htaccess.replace("style-src 'self';", "style-src 'none';"));
    let host = apache(&site.path("public"), site.scratch());
    let found = violations(&host, &["/"]);
    eprintln!("what the check saw under a broken policy: {found:#?}");
    assert!(found.iter().any(|f| f.contains("event: style-src-elem blocked")), "{found:#?}");
    assert!(found.iter().any(|f| f.contains("console:") && f.contains("Content Security Policy")), "{found:#?}");
}

#[test]
fn hosting_in_site_yaml_chooses_the_files_and_a_foreign_htaccess_is_refused() {
    let _serial = crate::one_at_a_time();
    let site = TestSite::fixture("minimal");
    let yaml = site.read("site.yaml");
    site.build();
    let manifest = site.read(&format!("public/{}", smpsite::output::MANIFEST));
    assert!(manifest.lines().any(|l| l.ends_with(" .htaccess")), "the manifest lists .htaccess:\n{manifest}");
    for file in ["_redirects", "_headers", ".htaccess"] {
        assert!(site.path("public").join(file).is_file(), "{file} by default");
    }

    site.write("site.yaml", format!("{yaml}hosting: none\n"));
    site.build();
    for file in ["_redirects", "_headers", ".htaccess"] {
        assert!(!site.path("public").join(file).exists(), "{file} with `hosting: none`");
    }
    assert!(site.page("first/").contains("http-equiv=\"refresh\""), "the alias page stays");

    // The folder now holds someone's own .htaccess: a build that writes one refuses.
    site.write("public/.htaccess", "AuthType Basic\n");
    site.write("site.yaml", format!("{yaml}hosting: [apache]\n"));
    let refused = site.run(&["build"]);
    let err = refused.stderr();
    assert!(refused.code() != 0 && err.contains("files smpsite did not write (.htaccess)"), "{err}");
    assert_eq!(site.read("public/.htaccess"), "AuthType Basic\n");
    std::fs::remove_file(site.path("public/.htaccess")).unwrap();
    site.build();
    assert!(site.path("public/.htaccess").is_file() && !site.path("public/_redirects").exists());

    site.write("site.yaml", format!("{yaml}hosting: [apache, netlfy]\n"));
    let err = site.run(&["build"]).fails();
    let line = yaml.lines().count() + 1;
    assert!(err.contains(&format!("site.yaml:{line}:19")), "{err}");
    assert!(err.contains("did you mean `netlify`?"), "{err}");
}
