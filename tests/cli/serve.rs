//! `smpsite serve` through the real binary: it follows edits, deletions and broken
//! files, keeps to the served folder, survives a storm of saves and stops cleanly.

use crate::common;

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

#[cfg(unix)] // links: Windows makes them only with administrator rights
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

/// The body without the reload script's tag, whose generation number changes with
/// every rebuild even when the file does not.
fn without_reload_tag(body: &str) -> String {
    match body.find("<script src=\"/__smpsite/live.js\"") {
        Some(at) => {
            let end = body[at..].find("</script>").map_or(body.len(), |e| at + e + "</script>".len());
            format!("{}{}", &body[..at], &body[end..])
        }
        None => body.to_string(),
    }
}

fn fingerprint(body: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    without_reload_tag(body).hash(&mut hasher);
    hasher.finish()
}

#[test]
fn no_request_during_saves_gets_an_empty_or_partial_file() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};
    let site = TestSite::fixture("minimal");
    // Large files, so a file rewritten in place would be caught half-written.
    let padding = "Pigment is placed in layers, one session at a time. ".repeat(100);
    let page = site.read("content/process/first.md");
    let css = format!("body {{ margin: 0; }}\n/* {padding} */\n");
    site.write("content/process/first.md", format!("{page}\n{padding}\n\nSave start.\n"));
    site.write("static/style.css", format!("{css}/* save start */\n"));
    let server = Server::start(site.root(), &[]);
    let (_, first_page) = server.get("/process/first/");
    let (_, first_css) = server.get("/style.css");
    assert!(first_page.contains("Save start.") && first_css.contains("save start"));
    let complete = Arc::new(Mutex::new(vec![fingerprint(&first_page), fingerprint(&first_css)]));

    // Two clients ask for the page and the stylesheet as fast as they can, keeping a
    // fingerprint of every body they get.
    let stop = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = ["/process/first/", "/style.css"]
        .into_iter()
        .map(|path| {
            let (addr, stop) = (server.addr.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut seen = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    let (status, body) = http_get(&addr, path);
                    seen.push((status, body.len(), fingerprint(&body)));
                }
                (path, seen)
            })
        })
        .collect();

    for i in 0..100 {
        // Each complete version is recorded once it is served; a torn body matches none.
        let (page_body, css_body) = if i % 2 == 0 {
            site.write("content/process/first.md", format!("{page}\n{padding}\n\nSave {i}.\n"));
            let marker = format!("Save {i}.");
            (
                server.wait_for("/process/first/", "at the save", |_, b| b.contains(&marker)).1,
                server.get("/style.css").1,
            )
        } else {
            site.write("static/style.css", format!("{css}/* save {i} */\n"));
            let marker = format!("save {i} */");
            let css_body = server.wait_for("/style.css", "at the save", |_, b| b.contains(&marker)).1;
            // The page names the stylesheet by its fingerprint: a new one, once it is saved.
            let linked = |page: &str| {
                let href = page.split("<link rel=\"stylesheet\" href=\"").nth(1).and_then(|h| h.split('"').next());
                href.is_some_and(|href| http_get(&server.addr, href).1.contains(&marker))
            };
            (server.wait_for("/process/first/", "linking the saved stylesheet", |_, b| linked(b)).1, css_body)
        };
        complete.lock().unwrap().extend([fingerprint(&page_body), fingerprint(&css_body)]);
    }
    stop.store(true, Ordering::Relaxed);
    let complete = complete.lock().unwrap().clone();
    for reader in readers {
        let (path, seen) = reader.join().unwrap();
        assert!(seen.len() >= 50, "{path}: only {} requests were made during the saves", seen.len());
        let torn: Vec<_> = seen.iter().filter(|(status, _, hash)| *status != 200 || !complete.contains(hash)).collect();
        assert!(
            torn.is_empty(),
            "{path}: {} of {} responses were not a complete version (status, length): {:?}",
            torn.len(),
            seen.len(),
            torn.iter().take(10).map(|(s, len, _)| (s, len)).collect::<Vec<_>>()
        );
    }
}

#[test]
fn sigterm_and_sighup_stop_the_server_and_remove_its_private_folder() {
    for signal in ["TERM", "HUP"] {
        let site = TestSite::fixture("minimal");
        let mut server = Server::start(site.root(), &[]);
        let output = server.output.clone();
        assert!(output.join("index.html").is_file());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&output).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o700, "the served folder (drafts included) is readable by others: {mode:o}");
        }
        server.signal(signal);
        let status = server.wait_exit(common::server::DEADLINE);
        assert!(status.is_some_and(|s| s.success()), "SIG{signal}: serve did not stop cleanly: {status:?}");
        assert!(!output.exists(), "SIG{signal}: {} is left behind", output.display());
    }
}

/// A client that sends half a request line and then nothing.
fn half_open_client(addr: &str) -> std::net::TcpStream {
    use std::io::Write;
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream.write_all(b"GET /process/first/ HT").unwrap();
    stream
}

/// Waits, up to the deadline, until `addr` refuses connections: the server has begun to
/// stop (it closes its listener first, then waits for open connections).
fn wait_until_not_listening(addr: &str) {
    let started = std::time::Instant::now();
    while std::net::TcpStream::connect(addr).is_ok() {
        assert!(started.elapsed() < common::server::DEADLINE, "serve kept listening after Ctrl-C");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

#[test]
fn a_half_open_client_cannot_keep_the_server_from_stopping() {
    let site = TestSite::fixture("minimal");
    let mut server = Server::start(site.root(), &[]);
    let output = server.output.clone();
    let _client = half_open_client(&server.addr);
    // Connections are accepted in order: once a later one is answered, the half-open one is in.
    assert_eq!(server.get("/").0, 200);
    server.signal("INT");
    let status = server.wait_exit(std::time::Duration::from_secs(4));
    assert!(status.is_some_and(|s| s.success()), "serve waited for the half-open client: {status:?}");
    assert!(!output.exists(), "{} is left behind", output.display());
}

#[test]
fn a_half_open_client_is_disconnected() {
    let site = TestSite::fixture("minimal");
    let server = Server::start(site.root(), &[]);
    let mut client = half_open_client(&server.addr);
    client.set_read_timeout(Some(common::server::DEADLINE)).unwrap();
    let mut rest = Vec::new();
    // Ends (the server closes the connection) well before the read's own deadline.
    let read = client.read_to_end(&mut rest);
    assert!(read.is_ok(), "the connection was kept open: {read:?}");
    assert_eq!(server.get("/").0, 200, "and the server serves on");
}

#[test]
fn a_second_ctrl_c_stops_at_once() {
    let site = TestSite::fixture("minimal");
    let mut server = Server::start(site.root(), &[]);
    let output = server.output.clone();
    let _client = half_open_client(&server.addr);
    assert_eq!(server.get("/").0, 200, "the half-open connection was accepted before this one");
    server.signal("INT");
    wait_until_not_listening(&server.addr);
    server.signal("INT");
    let status = server.wait_exit(common::server::DEADLINE);
    assert!(status.is_some_and(|s| s.success()), "{status:?}");
    assert!(server.log.lock().unwrap().contains("Stopping at once."), "{}", server.log.lock().unwrap());
    assert!(!output.exists(), "{} is left behind", output.display());
}

#[test]
fn a_base_url_path_change_while_serving_takes_effect() {
    let site = TestSite::fixture("minimal");
    let server = Server::start(site.root(), &[]);
    assert!(server.get("/").1.contains("href=\"/process/\""));
    let config = site.read("site.yaml").replace("base_url: https://clinic.test", "base_url: https://host.test/spa");
    site.write("site.yaml", config);
    let (_, home) = server.wait_for("/spa/", "at the new path", |s, _| s == 200);
    assert!(home.contains("href=\"/spa/process/\""), "links follow the new path:\n{home}");
    assert_eq!(server.get("/spa/process/first/").0, 200);
    assert_eq!(server.get("/").0, 302, "the host root leads to the new path");
    assert_eq!(server.get("/process/first/").0, 404, "the old path is gone");
}

#[cfg(unix)]
#[test]
fn a_dangling_symlink_added_while_serving_is_the_error_build_gives() {
    let site = TestSite::fixture("minimal");
    let server = Server::start(site.root(), &[]);
    std::os::unix::fs::symlink(site.path("content/missing.md"), site.path("content/broken.md")).unwrap();
    let status = server.wait_for_status("an error", |s| s["error"].is_string());
    let error = status["error"].as_str().unwrap().to_string();
    assert!(error.contains("broken.md"), "the error names the link: {error}");

    let out = tempfile::tempdir().unwrap();
    let build = site.run(&["build", "-o", out.path().join("public").to_str().unwrap()]);
    assert_ne!(build.code(), 0, "build refuses the dangling link too");
    let first_line = error.lines().next().unwrap();
    assert!(build.stderr().contains(first_line), "serve says {error:?}, build says:\n{}", build.stderr());

    std::fs::remove_file(site.path("content/broken.md")).unwrap();
    server.wait_for_status("clear of errors", |s| s["error"].is_null());
}

#[cfg(unix)]
#[test]
fn an_edited_symlink_target_is_picked_up() {
    let site = TestSite::fixture("minimal");
    site.write("shared/linked.md", "---\ntitle: Linked\n---\nThe original text.\n");
    std::os::unix::fs::symlink("../shared/linked.md", site.path("content/linked.md")).unwrap();
    let server = Server::start(site.root(), &[]);
    assert!(server.get("/linked/").1.contains("The original text."));
    site.write("shared/linked.md", "---\ntitle: Linked\n---\nThe edited text.\n");
    server.wait_for("/linked/", "showing the edit", |s, body| s == 200 && body.contains("The edited text."));
}

#[cfg(unix)]
#[test]
fn a_stop_signal_during_the_first_build_stops_it_and_removes_the_folder() {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    // Big enough that the first build takes a while; the signal comes as it starts.
    let site = TestSite::empty();
    common::corpus::write(site.root(), 3000);
    let tmp = tempfile::tempdir().unwrap();
    let (temp, home) = (tmp.path().join("tmp"), tmp.path().join("home"));
    std::fs::create_dir_all(&temp).unwrap();
    std::fs::create_dir_all(&home).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_smpsite"))
        .arg("--root")
        .arg(site.root())
        .args(["serve", "--port", "0"])
        .env("NO_COLOR", "1")
        .env("TMPDIR", &temp)
        .env("HOME", &home)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let serve_folders = || std::fs::read_dir(&temp).unwrap().count();
    let started = Instant::now();
    while serve_folders() == 0 && started.elapsed() < common::server::DEADLINE {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(serve_folders(), 1, "serve made no folder");
    let _ = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > common::server::DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut log = String::new();
    child.stdout.take().unwrap().read_to_string(&mut log).unwrap();
    assert!(status.is_some_and(|s| s.success()), "serve did not stop cleanly: {status:?}\n{log}");
    assert!(!log.contains("Serving"), "the build ended before the signal, so this proves nothing:\n{log}");
    assert_eq!(serve_folders(), 0, "the folder is left behind:\n{log}");
}

/// Sends `request` (the request line and headers, without the blank line that ends
/// them) to `addr` as is; the status and the whole response, headers included.
fn raw_request(addr: &str, request: &str) -> (u16, String) {
    use std::io::Write;
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(common::server::DEADLINE)).unwrap();
    write!(stream, "{request}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let response = String::from_utf8_lossy(&response).into_owned();
    let status = response.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, response)
}

/// The `Location` header of a raw response, if any.
fn location(response: &str) -> Option<&str> {
    let head = response.split("\r\n\r\n").next().unwrap_or("");
    head.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("location").then(|| value.trim())
    })
}

#[test]
fn a_redirect_never_leads_off_the_site() {
    let site = TestSite::fixture("minimal");
    let server = Server::start(site.root(), &[]);
    let host = format!("Host: {}", server.addr);
    // `//process` leads to `/process/`: a Location of `//process/` would be the host
    // `process` to a browser.
    for path in ["//process", "///process", "/process", "//%2F/process"] {
        let (status, response) = raw_request(&server.addr, &format!("GET {path} HTTP/1.1\r\n{host}"));
        if status == 404 {
            continue;
        }
        assert_eq!(status, 302, "{path}:\n{response}");
        let to = location(&response).unwrap_or_else(|| panic!("{path}: a redirect without a Location:\n{response}"));
        assert!(to.starts_with('/') && !to.starts_with("//") && !to.starts_with("/\\"), "{path} -> {to}");
        assert_eq!(to, "/process/", "{path}");
    }
    // The same below a base_url path (/clinic/): the host root and `/clinic` lead in.
    let config = site.read("site.yaml").replace("base_url: https://clinic.test", "base_url: https://host.test/clinic");
    site.write("site.yaml", config);
    server.wait_for("/clinic/", "at the new path", |s, _| s == 200);
    for (path, expected) in [
        ("//clinic//process", "/clinic/process/"),
        ("/clinic", "/clinic/"),
        ("//clinic", "/clinic/"),
        ("//", "/clinic/"),
    ] {
        let (status, response) = raw_request(&server.addr, &format!("GET {path} HTTP/1.1\r\n{host}"));
        assert_eq!(status, 302, "{path}:\n{response}");
        assert_eq!(location(&response), Some(expected), "{path}:\n{response}");
    }
}

/// Sends `request` and reads the response's status line and headers only (an event
/// stream never ends); the status and the head.
fn response_head(addr: &str, request: &str) -> (u16, String) {
    use std::io::{BufRead, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(common::server::DEADLINE)).unwrap();
    write!(stream, "{request}\r\n\r\n").unwrap();
    let mut reader = std::io::BufReader::new(stream);
    let mut head = String::new();
    while reader.read_line(&mut head).unwrap() > 0 && !head.ends_with("\r\n\r\n") {}
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, head)
}

/// Asserts that `addr` answers the requests carrying each of `good` hosts and
/// refuses (421, with a reason) those carrying each of `bad`, for pages, the reload
/// script and the event stream alike.
fn assert_hosts(addr: &str, good: &[String], bad: &[String]) {
    for path in ["/", "/process/first/", "/__smpsite/live.js", "/__smpsite/events"] {
        for host in good {
            let (status, head) = response_head(addr, &format!("GET {path} HTTP/1.1\r\nHost: {host}"));
            assert_eq!(status, 200, "{path} for Host {host} was refused:\n{head}");
        }
        for host in bad {
            let (status, response) = raw_request(addr, &format!("GET {path} HTTP/1.1\r\nHost: {host}"));
            assert_eq!(status, 421, "{path} for Host {host} was answered:\n{response}");
            let body = response.split_once("\r\n\r\n").map_or("", |(_, b)| b);
            assert!(body.contains("127.0.0.1") && !body.contains("generation"), "{path}, {host}: {body}");
        }
    }
}

#[test]
fn a_web_page_cannot_reach_the_preview_through_its_own_host_name() {
    let site = TestSite::fixture("minimal");
    let server = Server::start(site.root(), &[]);
    let port = server.addr.rsplit(':').next().unwrap().to_string();
    // DNS rebinding: evil.example resolves to 127.0.0.1, and its page reads the preview.
    let bad: Vec<String> = ["evil.example:PORT", "evil.example", "127.0.0.1.evil.example:PORT", "localhost:1"]
        .iter()
        .map(|h| h.replace("PORT", &port))
        .collect();
    let good: Vec<String> = ["127.0.0.1:PORT", "localhost:PORT", "LocalHost:PORT", "[::1]:PORT", "localhost"]
        .iter()
        .map(|h| h.replace("PORT", &port))
        .collect();
    assert_hosts(&server.addr, &good, &bad);
    // A request naming the host in its request line is judged by that host.
    let (status, _) =
        raw_request(&server.addr, &format!("GET http://evil.example:{port}/ HTTP/1.1\r\nHost: 127.0.0.1:{port}"));
    assert_eq!(status, 421, "the request line's host is the one that counts");
    // Without a Host header (HTTP/1.0) there is nothing to tell who asks: refused too.
    let (status, _) = raw_request(&server.addr, "GET / HTTP/1.0");
    assert_eq!(status, 421, "a request without a Host header was answered");
}

#[test]
fn on_the_network_the_printed_address_is_answered_and_other_names_are_not() {
    let site = TestSite::fixture("minimal");
    let mut server = Server::start(site.root(), &["--bind", "0.0.0.0"]);
    let log = server.wait_for_log("Output: ");
    let port = server.addr.rsplit(':').next().unwrap().to_string();
    let mut good = vec![format!("127.0.0.1:{port}"), format!("localhost:{port}"), format!("0.0.0.0:{port}")];
    // The address printed for a phone, when this computer has a network.
    if let Some(phone) = log.split("On a phone on the same network: http://").nth(1) {
        good.push(phone.split('/').next().unwrap().to_string());
    }
    assert_hosts(&server.addr, &good, &[format!("evil.example:{port}"), format!("phone.example:{port}")]);
}

#[test]
fn a_replaced_site_folder_is_followed() {
    let site = TestSite::fixture("minimal");
    let server = Server::start(site.root(), &[]);
    assert!(server.get("/process/first/").1.contains("A light foundation"));
    let page = "content/process/first.md";
    let before = site.read(page);

    // What `git checkout` of another branch or a sync tool may do: the folder is moved
    // away and a changed copy takes its place.
    let away = site.scratch().join("site-before");
    std::fs::rename(site.root(), &away).unwrap();
    let next = site.scratch().join("site-next");
    common::copy_tree(&away, &next);
    std::fs::write(next.join(page), before.replace("A light foundation", "Replaced by a checkout")).unwrap();
    std::fs::rename(&next, site.root()).unwrap();
    server.wait_for("/process/first/", "showing the new folder", |s, body| {
        s == 200 && body.contains("Replaced by a checkout")
    });

    // Removed, then written again file by file.
    std::fs::remove_dir_all(site.root()).unwrap();
    common::copy_tree(&away, site.root());
    site.write(page, before.replace("A light foundation", "Written again"));
    server.wait_for("/process/first/", "showing the rewritten folder", |s, body| {
        s == 200 && body.contains("Written again")
    });

    // And the new folder is watched like the first: an edit in it shows.
    site.write(page, before.replace("A light foundation", "Edited afterwards"));
    server.wait_for("/process/first/", "showing the edit", |s, body| s == 200 && body.contains("Edited afterwards"));
    server.wait_for_status("clear of errors", |s| s["error"].is_null());
}
