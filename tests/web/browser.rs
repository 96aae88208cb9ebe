//! The example site in a real browser: Debian's headless Chromium, driven over the
//! DevTools protocol, loads the home page, a session page and the FAQ from a loopback
//! server. No console errors, no request leaves 127.0.0.1, and every FAQ answer opens
//! from the keyboard. Needs `chromium` (`.ci/run` installs it).

use crate::chromium;
use crate::common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use common::TestSite;
use headless_chrome::protocol::cdp::Log::LogEntryLevel;
use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::{Browser, Tab};

/// A static file server on a free loopback port, stopped when dropped.
struct StaticServer {
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
    origin: String,
}

impl StaticServer {
    fn start(root: PathBuf) -> StaticServer {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let port = server.server_addr().to_ip().unwrap().port();
        let worker = Arc::clone(&server);
        let thread = std::thread::spawn(move || {
            for request in worker.incoming_requests() {
                let (status, path) = resolve(&root, request.url());
                let body = std::fs::read(&path).unwrap_or_default();
                let mime = match path.extension().and_then(|e| e.to_str()) {
                    Some("html") => "text/html; charset=utf-8",
                    Some("css") => "text/css",
                    Some("svg") => "image/svg+xml",
                    Some("xml") => "application/xml",
                    _ => "application/octet-stream",
                };
                let header = tiny_http::Header::from_bytes("Content-Type", mime).unwrap();
                let _ =
                    request.respond(tiny_http::Response::from_data(body).with_status_code(status).with_header(header));
            }
        });
        StaticServer { server, thread: Some(thread), origin: format!("http://127.0.0.1:{port}") }
    }
}

/// Maps a URL path to a file of the built site (pretty URLs), or the 404 page.
fn resolve(root: &Path, url: &str) -> (u16, PathBuf) {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    if !path.contains("..") {
        let mut file = root.join(path.trim_start_matches('/'));
        if path.ends_with('/') {
            file = file.join("index.html");
        }
        if file.is_file() {
            return (200, file);
        }
    }
    (404, root.join("404.html"))
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn browser() -> Browser {
    chromium::browser("browser tests")
}

/// What one page load did: console errors and every response (URL, status).
#[derive(Default)]
struct Load {
    errors: Vec<String>,
    responses: Vec<(String, u32)>,
}

fn load(tab: &Arc<Tab>, url: &str) -> Load {
    let seen: Arc<Mutex<Load>> = Arc::default();
    let log = Arc::clone(&seen);
    let listener = tab
        .add_event_listener(Arc::new(move |event: &Event| {
            if let Event::LogEntryAdded(entry) = event
                && entry.params.entry.level == LogEntryLevel::Error
            {
                log.lock().unwrap().errors.push(entry.params.entry.text.clone());
            }
        }))
        .unwrap();
    let responses = Arc::clone(&seen);
    tab.register_response_handling(
        "record",
        Box::new(move |params, _body| {
            let r = &params.response;
            responses.lock().unwrap().responses.push((r.url.clone(), r.status));
        }),
    )
    .unwrap();
    tab.navigate_to(url).unwrap().wait_until_navigated().unwrap();
    // The page has no scripts; wait (bounded) for its subresources to finish too.
    let deadline = Instant::now() + Duration::from_secs(10);
    while tab.evaluate("document.readyState", false).unwrap().value != Some("complete".into()) {
        assert!(Instant::now() < deadline, "{url} did not finish loading in 10 s");
        std::thread::sleep(Duration::from_millis(20));
    }
    tab.remove_event_listener(&listener).unwrap();
    tab.deregister_response_handling("record").unwrap();
    std::mem::take(&mut *seen.lock().unwrap())
}

#[test]
fn pages_load_cleanly_locally_and_faq_answers_open_from_the_keyboard() {
    let _serial = crate::one_at_a_time();
    let site = TestSite::example();
    let server = StaticServer::start(site.path("public"));
    // Built for the address it is served at, as the audit does: every link is local.
    site.run(&["build", "--base-url", &format!("{}/", server.origin)]).success();
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    tab.set_default_timeout(Duration::from_secs(10));
    tab.enable_log().unwrap();

    for page in ["/", "/process/first-session/", "/faq/"] {
        let url = format!("{}{page}", server.origin);
        let load = load(&tab, &url);
        assert!(load.errors.is_empty(), "{page}: console errors {:?}", load.errors);
        assert!(load.responses.len() >= 2, "{page}: expected the page and its stylesheet, saw {:?}", load.responses);
        for (response, status) in &load.responses {
            assert!(response.starts_with(&server.origin), "{page}: a request left 127.0.0.1: {response}");
            assert!((200..300).contains(status), "{page}: {response} answered {status}");
        }
    }

    // The FAQ: every question is a <details>; Enter on its focused <summary> opens it.
    let ids =
        tab.evaluate("JSON.stringify([...document.querySelectorAll('.faq details')].map(d => d.id))", false).unwrap();
    let ids: Vec<String> = serde_json::from_str(ids.value.unwrap().as_str().unwrap()).unwrap();
    assert!(ids.len() >= 12, "{ids:?}");
    for id in &ids {
        let open = format!("document.getElementById('{id}').open");
        assert_eq!(tab.evaluate(&open, false).unwrap().value, Some(false.into()), "{id} starts closed");
        tab.find_element(&format!("#{id} > summary")).unwrap().focus().unwrap();
        tab.press_key("Enter").unwrap();
        assert_eq!(tab.evaluate(&open, false).unwrap().value, Some(true.into()), "{id} did not open from the keyboard");
        let height = format!("document.querySelector('#{id} .answer').getBoundingClientRect().height");
        let shown = tab.evaluate(&height, false).unwrap().value.and_then(|v| v.as_f64()).unwrap_or(0.0);
        assert!(shown > 0.0, "{id}: the answer is not visible once open");
    }
}

/// Polls `script` in the tab until it evaluates to `true`.
fn wait_until(tab: &Arc<Tab>, script: &str, what: &str) {
    let deadline = Instant::now() + common::server::DEADLINE;
    loop {
        if tab.evaluate(script, false).ok().and_then(|r| r.value) == Some(true.into()) {
            return;
        }
        assert!(Instant::now() < deadline, "{what}: not within {:?}", common::server::DEADLINE);
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `smpsite serve` on `site` (the minimal fixture) and a Chromium tab showing its first
/// session page, loaded. The server and the browser live as long as the tab is used.
fn serve_first_session(site: &TestSite) -> (common::server::Server, Browser, Arc<Tab>) {
    let server = common::server::Server::start(site.root(), &[]);
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    tab.set_default_timeout(Duration::from_secs(10));
    tab.navigate_to(&format!("http://{}/process/first/", server.addr)).unwrap().wait_until_navigated().unwrap();
    wait_until(&tab, "document.body.innerText.includes('A light foundation')", "the page loads");
    (server, browser, tab)
}

/// Asserts the header `parts` (their bounding rectangles) sit on one row: every part
/// overlaps every other vertically.
fn assert_one_row(parts: &[serde_json::Value], at: &str) {
    let lowest_top = parts.iter().map(|r| f(r, "top")).fold(f64::MIN, f64::max);
    let highest_bottom = parts.iter().map(|r| f(r, "bottom")).fold(f64::MAX, f64::min);
    assert!(lowest_top < highest_bottom, "{at}: the header parts are not on one row: {parts:?}");
}

#[test]
fn a_served_page_reloads_itself_and_shows_errors_until_fixed() {
    let _serial = crate::one_at_a_time();
    let site = TestSite::fixture("minimal");
    let (_server, _browser, tab) = serve_first_session(&site);
    // A marker that survives only as long as the page is not reloaded.
    tab.evaluate("window.notReloaded = true", false).unwrap();

    let good = site.read("content/process/first.md");
    site.write("content/process/first.md", good.replace("A light foundation", "A careful first layer"));
    wait_until(&tab, "document.body.innerText.includes('A careful first layer')", "the page reloads with the edit");
    assert_eq!(tab.evaluate("window.notReloaded === undefined", false).unwrap().value, Some(true.into()));

    site.write("content/process/first.md", good.replacen("title: First session", "title: [First session", 1));
    let overlay = "(document.getElementById('smpsite-error')?.innerText ?? '')";
    wait_until(&tab, &format!("{overlay}.includes('content/process/first.md:2:')"), "the overlay names file and line");
    assert_eq!(
        tab.evaluate("document.body.innerText.includes('A careful first layer')", false).unwrap().value,
        Some(true.into()),
        "the last good page stays under the overlay"
    );

    site.write("content/process/first.md", good);
    wait_until(&tab, "document.getElementById('smpsite-error') === null", "the overlay goes once fixed");
    wait_until(&tab, "document.body.innerText.includes('A light foundation')", "the fixed page is shown");
}

/// Issue 25: the preview showed errors only; a claim saved into a page now shows in a
/// collapsed warnings panel with its count, and the panel goes when the claim does.
#[test]
fn a_served_page_lists_warnings_in_a_collapsed_panel() {
    let _serial = crate::one_at_a_time();
    let site = TestSite::fixture("minimal");
    let (_server, _browser, tab) = serve_first_session(&site);
    let panel = "document.getElementById('smpsite-warnings')";
    assert_eq!(tab.evaluate(&format!("{panel} === null"), false).unwrap().value, Some(true.into()), "no warnings yet");

    let good = site.read("content/process/first.md");
    site.write("content/process/first.md", format!("{good}\nOur treatment is completely painless.\n"));
    wait_until(&tab, &format!("({panel}?.querySelector('summary')?.innerText ?? '') === '1 warning'"), "the count");
    assert_eq!(tab.evaluate(&format!("{panel}.open"), false).unwrap().value, Some(false.into()), "collapsed");
    let listed = tab.evaluate(&format!("{panel}.querySelector('pre').textContent"), false).unwrap().value;
    let listed = listed.and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    assert!(listed.contains("content/process/first.md:") && listed.contains("claims/painless"), "{listed}");

    site.write("content/process/first.md", good);
    wait_until(&tab, &format!("{panel} === null"), "the panel goes with the warning");
}

/// A stylesheet edit while serving: the page takes the new stylesheet (named by its
/// fingerprint) without reloading.
#[test]
fn a_served_page_swaps_an_edited_stylesheet_without_reloading() {
    let _serial = crate::one_at_a_time();
    let site = TestSite::fixture("minimal");
    let (_server, _browser, tab) = serve_first_session(&site);
    tab.evaluate("window.notReloaded = true", false).unwrap();
    let css = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/style.css"));
    site.write("static/style.css", format!("{}\nbody {{ outline: 3px solid rgb(1, 2, 3); }}\n", css.unwrap()));
    wait_until(
        &tab,
        "getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)'",
        "the edited stylesheet applies",
    );
    assert_eq!(tab.evaluate("window.notReloaded === true", false).unwrap().value, Some(true.into()), "it reloaded");
}

/// Sets the tab's viewport to `width` x `height` CSS pixels (a phone below 1024 px).
fn set_viewport(tab: &Arc<Tab>, width: u32, height: u32) {
    use headless_chrome::protocol::cdp::Emulation::SetDeviceMetricsOverride;
    tab.call_method(SetDeviceMetricsOverride {
        width,
        height,
        device_scale_factor: 1.0,
        mobile: width < 1024,
        scale: None,
        screen_width: None,
        screen_height: None,
        position_x: None,
        position_y: None,
        dont_set_visible_size: None,
        screen_orientation: None,
        viewport: None,
        display_feature: None,
        device_posture: None,
    })
    .unwrap();
}

/// Evaluates `script` (an expression giving a JSON string) as a JSON value.
fn json(tab: &Arc<Tab>, script: &str) -> serde_json::Value {
    let value = tab.evaluate(&format!("JSON.stringify({script})"), false).unwrap().value;
    serde_json::from_str(value.as_ref().and_then(|v| v.as_str()).unwrap_or("null")).unwrap()
}

/// The box of the first element matching `selector` that is displayed, or null.
const RECT: &str = "(s => { const e = [...document.querySelectorAll(s)].find(e => e.checkVisibility()); \
    if (!e) return null; const r = e.getBoundingClientRect(); \
    return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height}; })";

fn rect(tab: &Arc<Tab>, selector: &str) -> Option<serde_json::Value> {
    Some(json(tab, &format!("{RECT}('{selector}')"))).filter(|v| !v.is_null())
}

fn f(value: &serde_json::Value, key: &str) -> f64 {
    value[key].as_f64().unwrap_or_else(|| panic!("no `{key}` in {value}"))
}

/// Issue 17: the header at four widths. Phones (320, 390) and a tablet (768) get a
/// compact header, at most a quarter of the screen, whose menu is a `<details>` that
/// opens from the keyboard, with Call and Book in a bar that stays on screen while
/// scrolling; from 1024 px the name, menu, phone and booking button share one row. No
/// page scrolls sideways at any width.
#[test]
fn header_fits_phone_tablet_and_desktop_and_nothing_scrolls_sideways() {
    let _serial = crate::one_at_a_time();
    let site = TestSite::example();
    let server = StaticServer::start(site.path("public"));
    site.run(&["build", "--base-url", &format!("{}/", server.origin)]).success();
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    tab.set_default_timeout(Duration::from_secs(10));

    for (width, height) in [(320, 640), (390, 844), (768, 1024), (1280, 900)] {
        set_viewport(&tab, width, height);
        for page in ["/", "/contact/", "/process/first-session/", "/faq/"] {
            load(&tab, &format!("{}{page}", server.origin));
            let sideways = json(&tab, "document.documentElement.scrollWidth - document.documentElement.clientWidth");
            assert_eq!(sideways.as_f64(), Some(0.0), "{page} at {width} px scrolls sideways by {sideways} px");
        }
        load(&tab, &format!("{}/", server.origin));
        let header = rect(&tab, ".site-header").expect("a header");
        let at = format!("at {width}x{height}");
        eprintln!("{at}: the header is {} px tall", f(&header, "height"));
        if width < 1024 {
            assert!(
                f(&header, "height") <= 0.25 * f64::from(height),
                "{at}: the header is {} px tall, more than a quarter of the screen",
                f(&header, "height")
            );
            assert!(rect(&tab, ".site-nav").is_none(), "{at}: the full menu row shows on a small screen");

            // The menu: closed, then opened with Enter on its focused summary; Tab
            // then reaches its first link.
            assert!(rect(&tab, ".menu nav a").is_none(), "{at}: the menu starts closed");
            tab.find_element(".menu > summary").unwrap().focus().unwrap();
            tab.press_key("Enter").unwrap();
            assert_eq!(json(&tab, "document.querySelector('.menu').open"), true, "{at}: Enter did not open the menu");
            let link = rect(&tab, ".menu nav a").unwrap_or_else(|| panic!("{at}: the open menu shows no link"));
            assert!(f(&link, "right") <= f64::from(width), "{at}: the open menu runs off the screen: {link}");
            tab.press_key("Tab").unwrap();
            let focused = json(&tab, "document.activeElement.closest('.menu nav') !== null");
            assert_eq!(focused, true, "{at}: Tab from the menu button does not reach the menu's links");

            // Far down the page, Call and Book are still on screen and not covered.
            tab.evaluate("window.scrollTo(0, document.body.scrollHeight / 2)", false).unwrap();
            for (what, selector) in [("Call", ".quick-bar a[href^=\"tel:\"]"), ("Book", ".quick-bar .button")] {
                let r = rect(&tab, selector).unwrap_or_else(|| panic!("{at}: no {what} link in the bar"));
                assert!(
                    f(&r, "top") >= 0.0 && f(&r, "bottom") <= f64::from(height),
                    "{at}: {what} is off screen after scrolling: {r}"
                );
                let on_top = format!(
                    "(() => {{ const e = document.querySelector('{}'); const r = e.getBoundingClientRect(); \
                     return e.contains(document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2)); }})()",
                    selector.replace('\'', "\\'")
                );
                assert_eq!(json(&tab, &on_top), true, "{at}: something covers {what}");
            }
        } else {
            assert!(f(&header, "height") <= 100.0, "{at}: the header is {} px tall", f(&header, "height"));
            assert!(rect(&tab, ".menu").is_none() && rect(&tab, ".quick-bar").is_none(), "{at}: phone controls show");
            let parts: Vec<_> = [".brand", ".site-nav", ".header-phone", ".header-actions .button"]
                .iter()
                .map(|s| rect(&tab, s).unwrap_or_else(|| panic!("{at}: {s} is not shown")))
                .collect();
            assert_one_row(&parts, &at);
        }
    }
}

/// A menu too long to share the desktop row stays behind its "Menu" button there too:
/// one row still, and nothing scrolls sideways.
#[test]
fn a_long_menu_stays_a_menu_button_on_desktop() {
    let _serial = crate::one_at_a_time();
    let site = TestSite::example();
    let yaml = site.read("site.yaml");
    let items: String = (1..=9).map(|i| format!("  - {{ title: \"Menu item number {i}\", url: /about/ }}\n")).collect();
    site.write("site.yaml", format!("{yaml}menu:\n{items}"));
    let server = StaticServer::start(site.path("public"));
    site.run(&["build", "--base-url", &format!("{}/", server.origin)]).success();
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    tab.set_default_timeout(Duration::from_secs(10));
    for width in [1024, 1280] {
        set_viewport(&tab, width, 800);
        load(&tab, &format!("{}/", server.origin));
        let sideways = json(&tab, "document.documentElement.scrollWidth - document.documentElement.clientWidth");
        assert_eq!(sideways.as_f64(), Some(0.0), "at {width} px the page scrolls sideways by {sideways} px");
        assert!(rect(&tab, ".site-nav").is_none(), "at {width} px the long menu is laid out in the row");
        let header = rect(&tab, ".site-header").unwrap();
        assert!(f(&header, "height") <= 100.0, "at {width} px the header is {} px tall", f(&header, "height"));
        let parts: Vec<_> = [".brand", ".menu > summary", ".header-phone", ".header-actions .button"]
            .iter()
            .map(|s| rect(&tab, s).unwrap_or_else(|| panic!("at {width} px {s} is not shown")))
            .collect();
        assert_one_row(&parts, &format!("at {width} px"));
    }
}

/// Issue 17: a site in two languages. The switcher shares the desktop row with the
/// name, menu, phone and booking button, sits in the "Menu" on phones, and no page of
/// either language scrolls sideways at 320 px or wider.
#[test]
fn the_language_switcher_fits_every_width() {
    let _serial = crate::one_at_a_time();
    let site = TestSite::fixture("bilingual");
    let server = StaticServer::start(site.path("public"));
    site.run(&["build", "--base-url", &format!("{}/", server.origin)]).success();
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    tab.set_default_timeout(Duration::from_secs(10));
    for (width, height) in [(320, 640), (390, 844), (1024, 800), (1280, 900)] {
        set_viewport(&tab, width, height);
        let at = format!("at {width}x{height}");
        for page in ["/", "/es/", "/es/sobre-la-clinica/", "/faq/", "/es/proceso/primera-sesion/"] {
            load(&tab, &format!("{}{page}", server.origin));
            let sideways = json(&tab, "document.documentElement.scrollWidth - document.documentElement.clientWidth");
            assert_eq!(sideways.as_f64(), Some(0.0), "{page} {at} scrolls sideways by {sideways} px");
        }
        load(&tab, &format!("{}/es/sobre-la-clinica/", server.origin));
        if width < 1024 {
            assert!(rect(&tab, ".language-switch").is_none(), "{at}: the desktop switcher shows on a phone");
            tab.find_element(".menu > summary").unwrap().click().unwrap();
            let link = rect(&tab, ".menu .menu-language a[hreflang=en]").expect("the switcher in the open menu");
            assert!(f(&link, "right") <= f64::from(width), "{at}: the switcher runs off the screen: {link}");
        } else {
            let parts: Vec<_> = [".brand", ".site-nav", ".language-switch a", ".header-actions .button"]
                .iter()
                .map(|s| rect(&tab, s).unwrap_or_else(|| panic!("{at}: {s} is not shown")))
                .collect();
            assert_one_row(&parts, &at);
            let header = rect(&tab, ".site-header").unwrap();
            assert!(f(&header, "height") <= 100.0, "{at}: the header is {} px tall", f(&header, "height"));
        }
    }
}

/// Issue 24: on a phone the aftercare table hid a column behind a sideways scroll, with
/// cells a screen tall. At 390 px each activity is a card: its cells stacked across the
/// card's width, each with its column's name, nothing scrolled out of sight.
#[test]
fn the_aftercare_table_stacks_into_one_card_per_activity_on_a_phone() {
    let _serial = crate::one_at_a_time();
    let site = TestSite::example();
    let server = StaticServer::start(site.path("public"));
    site.run(&["build", "--base-url", &format!("{}/", server.origin)]).success();
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    tab.set_default_timeout(Duration::from_secs(10));
    set_viewport(&tab, 390, 844);
    load(&tab, &format!("{}/process/first-session/", server.origin));
    let table = json(
        &tab,
        "(t => ({scroll: t.scrollWidth - t.clientWidth, right: t.getBoundingClientRect().right, \
          heads: [...t.querySelectorAll('thead th')].map(h => h.innerText.trim()), \
          rows: [...t.querySelectorAll('tbody tr')].map(tr => { const r = tr.getBoundingClientRect(); \
            return {left: r.left, right: r.right, cells: [...tr.children].map(c => { const b = c.getBoundingClientRect(); \
              return {left: b.left, right: b.right, top: b.top, height: b.height, \
                      label: getComputedStyle(c, '::before').content, text: c.innerText}; })}; })}))\
         (document.querySelector('.aftercare-times'))",
    );
    assert_eq!(table["scroll"].as_f64(), Some(0.0), "the table scrolls sideways: {table}");
    assert!(f(&table, "right") <= 390.0, "the table runs off the screen: {table}");
    let heads: Vec<String> = serde_json::from_value(table["heads"].clone()).unwrap();
    let rows = table["rows"].as_array().unwrap();
    assert!(rows.len() >= 3, "{table}");
    for row in rows {
        let cells = row["cells"].as_array().unwrap();
        assert_eq!(cells.len(), heads.len(), "{row}");
        for (i, cell) in cells.iter().enumerate() {
            // Stacked: each cell spans the card, below the one before it.
            assert!(
                f(cell, "left") - f(row, "left") < 24.0 && f(row, "right") - f(cell, "right") < 24.0,
                "{cell} in {row}"
            );
            assert!(f(cell, "right") <= 390.0, "a cell runs off the screen: {cell}");
            assert!(f(cell, "height") < 300.0, "a cell is {} px tall: {cell}", f(cell, "height"));
            if i > 0 {
                assert!(f(cell, "top") >= f(&cells[i - 1], "top") + f(&cells[i - 1], "height") - 1.0, "{row}");
                let label = cell["label"].as_str().unwrap_or("");
                assert!(label.contains(&heads[i]), "the cell does not name its column `{}`: {cell}", heads[i]);
            }
        }
    }
    // At desktop width it is a table again.
    set_viewport(&tab, 1280, 900);
    load(&tab, &format!("{}/process/first-session/", server.origin));
    let display = json(&tab, "getComputedStyle(document.querySelector('.aftercare-times tbody tr')).display");
    assert_eq!(display, "table-row");
}

/// Issue 24: at 1280 px the example's menu labels wrapped to three lines, and "Book a
/// consultation" showed twice in the header (the booking page's menu entry beside the
/// button). Every label is one line and the words show once.
#[test]
fn the_desktop_menu_keeps_each_label_on_one_line_and_shows_the_booking_words_once() {
    let _serial = crate::one_at_a_time();
    let site = TestSite::example();
    let server = StaticServer::start(site.path("public"));
    site.run(&["build", "--base-url", &format!("{}/", server.origin)]).success();
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    tab.set_default_timeout(Duration::from_secs(10));
    set_viewport(&tab, 1280, 900);
    for page in ["/", "/process/first-session/", "/faq/"] {
        load(&tab, &format!("{}{page}", server.origin));
        assert!(rect(&tab, ".site-nav").is_some(), "{page}: the menu is not in the row");
        let labels = json(
            &tab,
            "[...document.querySelectorAll('.site-nav a')].filter(a => a.checkVisibility()).map(a => { \
               const r = document.createRange(); r.selectNodeContents(a); \
               return {text: a.innerText, lines: new Set([...r.getClientRects()].map(c => Math.round(c.top))).size}; })",
        );
        let labels = labels.as_array().unwrap();
        assert!(labels.len() >= 3, "{page}: {labels:?}");
        for label in labels {
            assert_eq!(label["lines"], 1, "{page}: a menu label wraps: {label}");
        }
        let book = json(
            &tab,
            "[...document.querySelectorAll('.site-header a')].filter(a => a.checkVisibility() \
               && a.innerText.includes('Book a consultation')).length",
        );
        assert_eq!(book, 1, "{page}: \"Book a consultation\" shows {book} times in the header");
    }
}
