//! `smpsite serve` through the real binary: it follows edits, deletions and broken
//! files, keeps to the served folder, survives a storm of saves and stops cleanly.

mod common;

use common::TestSite;
use common::server::{Server, http_get, open_event_stream};
use std::io::Read;

#[test]
fn follows_edits_and_deletions_and_shows_errors_without_dropping_the_site() {
    let site = TestSite::fixture("minimal");
    let mut server = Server::start(site.root(), &[]);
    let (status, first) = server.get("/process/first/");
    assert_eq!(status, 200);
    assert!(first.contains("A light foundation"), "{first}");
    assert!(first.contains("/__smpsite/live.js"), "served pages carry the reload script");

    let text = site.read("content/process/first.md").replace("A light foundation", "A careful first layer");
    site.write("content/process/first.md", text);
    server
        .wait_for("/process/first/", "showing the edit", |s, body| s == 200 && body.contains("A careful first layer"));

    // A new title shows in the section's timeline too (what lists the page is rebuilt).
    let text = site.read("content/process/second.md").replace("title: Second session", "title: The second visit");
    site.write("content/process/second.md", text);
    server.wait_for("/process/", "listing the new title", |_, body| body.contains("The second visit"));

    std::fs::remove_file(site.path("content/contact.md")).unwrap();
    server.wait_for("/contact/", "gone", |s, _| s == 404);

    let good = site.read("content/faq.md");
    site.write("content/faq.md", "---\ntitle: [FAQ\n---\n## Does it hurt?\nSome.\n");
    let status = server.wait_for_status("an error", |s| s["error"].is_string());
    let error = status["error"].as_str().unwrap();
    assert!(error.starts_with("content/faq.md:2:"), "the error names file and line: {error}");
    let (code, faq) = server.get("/faq/");
    assert_eq!(code, 200, "the last good page stays served");
    assert!(faq.contains("<details id="), "{faq}");

    site.write("content/faq.md", good);
    server.wait_for_status("clear of errors", |s| s["error"].is_null());
    server.wait_for_log("Fixed: the site builds again");
}

#[test]
fn a_site_broken_at_start_is_served_as_its_error_until_fixed() {
    let site = TestSite::fixture("minimal");
    let good = site.read("content/process/second.md");
    site.write("content/process/second.md", "---\ntitle: Second\nstage: two\n---\n");
    let server = Server::start(site.root(), &[]);
    let (status, page) = server.get("/");
    assert_eq!(status, 500);
    assert!(page.contains("content/process/second.md:3:"), "{page}");
    assert!(page.contains("/__smpsite/live.js"), "the error page reloads itself once fixed");

    site.write("content/process/second.md", good);
    server.wait_for("/process/second/", "built", |s, body| s == 200 && body.contains("Filling what faded"));
}

#[test]
fn requests_cannot_leave_the_served_folder() {
    let site = TestSite::fixture("minimal");
    site.write("secret.txt", "TOP-SECRET");
    let server = Server::start(site.root(), &[]);
    std::os::unix::fs::symlink(site.path("secret.txt"), server.output.join("leak.txt")).unwrap();
    std::os::unix::fs::symlink(site.root(), server.output.join("leakdir")).unwrap();
    for path in [
        "/../secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/..%5csecret.txt",
        "//etc/passwd",
        "/leak.txt",
        "/leakdir/secret.txt",
        "/leakdir/site.yaml",
    ] {
        let (status, body) = http_get(&server.addr, path);
        assert_eq!(status, 404, "{path}");
        assert!(!body.contains("TOP-SECRET") && !body.contains("root:"), "{path} leaked:\n{body}");
    }
    assert_eq!(server.get("/images/logo.svg").0, 200, "files of the site itself are served");
}

#[test]
fn a_storm_of_saves_settles_on_the_last_one() {
    let site = TestSite::fixture("minimal");
    let server = Server::start(site.root(), &[]);
    let base = site.read("content/process/second.md");
    for i in 0..200 {
        site.write("content/process/second.md", format!("{base}\nSave number {i}.\n"));
        if i % 20 == 0 {
            // Saves spread over the watcher's quiet window, as an editor's autosave would.
            let _ = server.get("/robots.txt");
        }
    }
    server.wait_for("/process/second/", "at the last save", |_, body| body.contains("Save number 199."));
    let (_, body) = server.get("/process/second/");
    assert!(!body.contains("Save number 198."), "an older save is served");
}

#[test]
fn ctrl_c_stops_the_server_and_removes_its_folder() {
    let site = TestSite::fixture("minimal");
    let mut server = Server::start(site.root(), &[]);
    // An open event stream must not keep the server from stopping.
    let mut events = open_event_stream(&server.addr);
    let output = server.output.clone();
    assert!(output.join("index.html").is_file());
    assert!(server.interrupt(), "exit code 0 after Ctrl-C");
    assert!(!output.exists(), "{} is left behind", output.display());
    events.read_to_end(&mut Vec::new()).expect("the event stream ends cleanly");
}

#[test]
fn a_busy_port_is_reported_with_what_to_do() {
    let site = TestSite::fixture("minimal");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let run = site.run(&["serve", "--port", &port]);
    assert_eq!(run.code(), 2, "{}", run.stderr());
    assert!(run.stderr().contains(&format!("port {port}")) && run.stderr().contains("--port"), "{}", run.stderr());
}

#[test]
fn a_base_url_path_is_kept_on_localhost() {
    let site = TestSite::fixture("minimal");
    let config = site.read("site.yaml").replace("base_url: https://clinic.test", "base_url: https://host.test/clinic");
    site.write("site.yaml", config);
    let server = Server::start(site.root(), &[]);
    let (status, home) = server.get("/clinic/");
    assert_eq!(status, 200);
    assert!(home.contains("href=\"/clinic/process/\""), "links stay under the site's path:\n{home}");
    assert_eq!(server.get("/clinic/process/first/").0, 200);
    let (status, _) = server.get("/");
    assert_eq!(status, 302, "the host root leads to the site");
}

#[test]
fn build_output_never_carries_the_reload_script() {
    let site = TestSite::fixture("minimal");
    site.build();
    for (name, bytes) in site.output() {
        assert!(!String::from_utf8_lossy(&bytes).contains("__smpsite"), "{name} has the serve script");
    }
}

#[test]
fn editor_temp_files_are_ignored_and_atomic_saves_are_picked_up() {
    let site = TestSite::fixture("minimal");
    let server = Server::start(site.root(), &[]);
    // What vim, emacs and JetBrains leave beside a file while saving it. Broken front
    // matter: were any of them read as a page, the build would fail.
    for junk in [
        "content/process/.first.md.swp",
        "content/process/first.md~",
        "content/process/4913",
        "content/process/.#first.md",
        "content/process/first.md___jb_tmp___",
    ] {
        site.write(junk, "---\ntitle: [broken\n");
    }
    // An atomic save: the new text goes to a temporary file renamed over the page.
    let text = site.read("content/process/first.md").replace("A light foundation", "Saved atomically");
    site.write("content/process/first.md.tmp", text);
    std::fs::rename(site.path("content/process/first.md.tmp"), site.path("content/process/first.md")).unwrap();
    server.wait_for("/process/first/", "showing the atomic save", |s, body| {
        s == 200 && body.contains("Saved atomically")
    });
    assert!(server.status()["error"].is_null(), "an editor's temporary file was read: {}", server.status());
    for junk in ["/process/first.md~", "/process/4913", "/process/.first.md.swp"] {
        assert_eq!(server.get(junk).0, 404, "{junk} was published");
    }
}

#[test]
fn a_stylesheet_change_swaps_the_css_without_a_reload() {
    let site = TestSite::fixture("minimal");
    let server = Server::start(site.root(), &[]);
    let before = server.status()["generation"].as_u64().unwrap();
    site.write("static/style.css", "body { color: rebeccapurple; }\n");
    let status = server.wait_for_status("a CSS-only rebuild", |s| s["generation"].as_u64().unwrap() > before);
    assert_eq!(status["css_only"], true, "{status}");
    assert!(server.get("/style.css").1.contains("rebeccapurple"));
    let text = site.read("content/faq.md") + "\nOne more answer.\n";
    site.write("content/faq.md", text);
    let after = status["generation"].as_u64().unwrap();
    let status = server.wait_for_status("a page rebuild", |s| s["generation"].as_u64().unwrap() > after);
    assert_eq!(status["css_only"], false, "a page changed, so pages reload: {status}");
}

#[test]
fn binding_beyond_loopback_warns_and_says_where_to_look() {
    let site = TestSite::fixture("minimal");
    let mut server = Server::start(site.root(), &["--bind", "0.0.0.0"]);
    let log = server.wait_for_log("Output: ");
    assert!(log.contains("warning: serving on 0.0.0.0 lets other devices on your network see the preview"), "{log}");
    // The address to type on a phone, or (without a network) how to find it.
    assert!(
        log.contains("On a phone on the same network: http://") || log.contains("at this computer's address, port"),
        "{log}"
    );
    assert_eq!(server.get("/").0, 200, "still reachable on this computer");
}
