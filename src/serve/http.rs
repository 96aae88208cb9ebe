//! The preview's HTTP side (axum): files of the served folder only, the live-reload
//! script injected into HTML, and the event stream that tells pages to reload or show
//! an error. No handler panics; a request for anything outside the folder is a 404,
//! and one addressed to another host (see `host`) a 421.

use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tokio::sync::watch;

use super::host::Hosts;

const SCRIPT_PATH: &str = "/__smpsite/live.js";
const EVENTS_PATH: &str = "/__smpsite/events";
const SCRIPT: &str = include_str!("live.js");

/// What every open page needs to know: which build it shows, and whether the last
/// rebuild failed (then `error` holds the message, file and line included).
#[derive(Debug, Clone, Default, Serialize)]
pub(super) struct Status {
    pub generation: u64,
    pub error: Option<String>,
    /// Only stylesheets changed: pages swap them instead of reloading.
    pub css_only: bool,
    /// The last build's warnings, one line each (the first `SHOWN_WARNINGS`), which
    /// pages list in a collapsed panel; `warning_count` counts them all.
    pub warnings: Vec<String>,
    pub warning_count: usize,
    /// No build has succeeded yet, so there is nothing to serve but the error.
    #[serde(skip)]
    pub never_built: bool,
    /// The site's path below the host, from base_url: `/` or `/clinic/`.
    #[serde(skip)]
    pub prefix: String,
}

/// How many warnings the panel lists; the rest are counted.
const SHOWN_WARNINGS: usize = 100;

impl Status {
    /// Takes the warnings of a build: each one's first line (`path:line:col:
    /// warning[rule]: message`), the first `SHOWN_WARNINGS`, and their number.
    pub(super) fn set_warnings(&mut self, findings: &[crate::error::Diagnostic]) {
        let warnings = findings.iter().filter(|d| d.severity == crate::error::Severity::Warning);
        self.warning_count = warnings.clone().count();
        self.warnings = warnings
            .take(SHOWN_WARNINGS)
            .map(|d| d.to_string().lines().next().unwrap_or_default().to_string())
            .collect();
    }
}

pub(super) struct Shared {
    /// The served folder, canonicalised.
    pub out: PathBuf,
    /// The hosts requests may name; any other is refused.
    pub hosts: Hosts,
    pub status: watch::Sender<Status>,
    pub shutdown: watch::Receiver<bool>,
}

pub(super) fn router(shared: Arc<Shared>) -> axum::Router {
    axum::Router::new().fallback(handle).with_state(shared)
}

async fn handle(State(shared): State<Arc<Shared>>, uri: Uri, headers: HeaderMap) -> Response {
    // The host in the request line, when there is one, is the one the request is for.
    let host = match uri.authority() {
        Some(authority) => Some(authority.as_str()),
        None => headers.get(header::HOST).and_then(|h| h.to_str().ok()),
    };
    if !host.is_some_and(|host| shared.hosts.allows(host)) {
        let mut response = (StatusCode::MISDIRECTED_REQUEST, shared.hosts.refusal()).into_response();
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
        return response;
    }
    // `//process` is `/process`: a browser would read a leading `//` as another host.
    let raw = format!("/{}", uri.path().trim_start_matches('/'));
    let raw = raw.as_str();
    match raw {
        SCRIPT_PATH => return ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], SCRIPT).into_response(),
        EVENTS_PATH => return events(&shared).into_response(),
        _ => {}
    }
    let status = shared.status.borrow().clone();
    let Some(rest) = raw.strip_prefix(status.prefix.as_str()) else {
        if raw == "/" || raw == status.prefix.trim_end_matches('/') {
            return redirect(&status.prefix);
        }
        return not_found(&shared).await;
    };
    if status.never_built {
        return page(StatusCode::INTERNAL_SERVER_ERROR, error_page(&status), status.generation);
    }
    let Some(rel) = safe_relative(rest) else { return not_found(&shared).await };
    let mut file = shared.out.join(&rel);
    if file.is_dir() {
        if !rest.is_empty() && !rest.ends_with('/') {
            return redirect(&folder_address(&status.prefix, &rel));
        }
        file.push("index.html");
    }
    match read_inside(&shared.out, &file).await {
        Some(bytes) => file_response(StatusCode::OK, &file, bytes, status.generation),
        None => not_found(&shared).await,
    }
}

/// `a/b%20c/` -> `a/b c`, refusing anything that could leave the folder: `..` and `.`
/// segments (also percent-encoded), backslashes and NUL; and names starting with a dot,
/// which a site never publishes (they would be the sink's files being written).
fn safe_relative(rest: &str) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(rest).decode_utf8().ok()?;
    let mut rel = PathBuf::new();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        if segment.starts_with('.') || segment.contains(['\\', '\0']) {
            return None;
        }
        rel.push(segment);
    }
    Some(rel)
}

/// The bytes of `file` if it really is inside `out` once symlinks are followed.
async fn read_inside(out: &Path, file: &Path) -> Option<Vec<u8>> {
    let real = tokio::fs::canonicalize(file).await.ok()?;
    if !real.starts_with(out) || !real.is_file() {
        return None;
    }
    tokio::fs::read(&real).await.ok()
}

async fn not_found(shared: &Shared) -> Response {
    let generation = shared.status.borrow().generation;
    let file = shared.out.join("404.html");
    match read_inside(&shared.out, &file).await {
        Some(bytes) => file_response(StatusCode::NOT_FOUND, &file, bytes, generation),
        None => (StatusCode::NOT_FOUND, "Not found").into_response(),
    }
}

/// The address of the folder `rel` below `prefix`, each segment percent-encoded:
/// `/clinic/` and `first session` -> `/clinic/first%20session/`.
fn folder_address(prefix: &str, rel: &Path) -> String {
    let mut address = prefix.to_string();
    for segment in rel.iter().filter_map(|s| s.to_str()) {
        address.extend(percent_encoding::utf8_percent_encode(segment, SEGMENT));
        address.push('/');
    }
    address
}

/// What a path segment in a Location header must encode (`/` and `\` too, so a
/// segment stays one segment).
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'\\')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// A redirect to `to`, a path on this server: never one that starts with `//` or `/\`,
/// which a browser reads as another host.
fn redirect(to: &str) -> Response {
    let to = format!("/{}", to.trim_start_matches(['/', '\\']));
    let mut response = StatusCode::FOUND.into_response();
    if let Ok(value) = HeaderValue::from_str(&to) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

fn file_response(status: StatusCode, file: &Path, bytes: Vec<u8>, generation: u64) -> Response {
    let extension = file.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if extension == "html" {
        return page(status, String::from_utf8_lossy(&bytes).into_owned(), generation);
    }
    let mut response = (status, bytes).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(&extension)));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// An HTML page with the live-reload script added before `</body>`.
fn page(status: StatusCode, html: String, generation: u64) -> Response {
    let tag = format!(
        "<script src=\"{SCRIPT_PATH}\" data-generation=\"{generation}\" data-events=\"{EVENTS_PATH}\"></script>"
    );
    let html = match html.rfind("</body>") {
        Some(at) => format!("{}{tag}{}", &html[..at], &html[at..]),
        None => format!("{html}{tag}"),
    };
    let mut response = (status, html).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn error_page(status: &Status) -> String {
    let message = status.error.as_deref().unwrap_or("the site has not been built yet");
    let escaped = message.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>smpsite: the site has an error</title></head>\n<body><main><h1>The site could not be built</h1>\n<p>Fix the file named below and save it: this page reloads by itself.</p>\n<pre>{escaped}</pre></main></body></html>\n"
    )
}

fn content_type(extension: &str) -> &'static str {
    match extension {
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// Server-sent events: the current status at once, then every change, until shutdown.
fn events(shared: &Shared) -> Sse<impl futures_util::Stream<Item = Result<Event, Infallible>> + use<>> {
    let status = shared.status.subscribe();
    let shutdown = shared.shutdown.clone();
    let stream =
        futures_util::stream::unfold((status, shutdown, true), |(mut status, mut shutdown, first)| async move {
            if !first {
                tokio::select! {
                    changed = status.changed() => changed.ok()?,
                    _ = shutdown.changed() => return None,
                }
            }
            if *shutdown.borrow() {
                return None;
            }
            let data = serde_json::to_string(&*status.borrow_and_update()).ok()?;
            Some((Ok(Event::default().data(data)), (status, shutdown, false)))
        });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

#[cfg(test)]
mod tests {
    use super::{SHOWN_WARNINGS, Status, folder_address, safe_relative};

    #[test]
    fn the_panel_lists_the_first_warnings_one_line_each_and_counts_them_all() {
        use crate::error::Diagnostic;
        let mut findings: Vec<Diagnostic> = (1..=SHOWN_WARNINGS + 5)
            .map(|i| Diagnostic::warning("content/a.md", i, 1, "“painless” promises").with_source(&"x\n".repeat(i + 1)))
            .collect();
        let mut note = Diagnostic::warning("content/a.md", 1, 1, "allowed");
        note.severity = crate::error::Severity::Note;
        findings.push(note);
        let mut status = Status::default();
        status.set_warnings(&findings);
        assert_eq!(status.warning_count, SHOWN_WARNINGS + 5);
        assert_eq!(status.warnings.len(), SHOWN_WARNINGS);
        assert_eq!(status.warnings[0], "content/a.md:1:1: warning: “painless” promises");
        let json = serde_json::to_string(&status).unwrap();
        assert!(json.contains("\"warning_count\":105"), "{json}");
    }
    use std::path::PathBuf;

    #[test]
    fn paths_that_could_leave_the_folder_are_refused() {
        assert_eq!(safe_relative("process/first%20session/"), Some(PathBuf::from("process/first session")));
        assert_eq!(safe_relative(""), Some(PathBuf::new()));
        for bad in [
            "../site.yaml",
            "a/../../x",
            "%2e%2e/site.yaml",
            "%2E%2E%2Fsite.yaml",
            "a/%2e/b",
            "..%5csite.yaml",
            "a%00b",
            "%ff",
            "process/.smpsite-a1b2c3",
            "%2esmpsite-a1b2c3",
        ] {
            assert_eq!(safe_relative(bad), None, "{bad}");
        }
        // `//etc/passwd` stays below the folder: segments are pushed one by one.
        assert_eq!(safe_relative("/etc/passwd"), Some(PathBuf::from("etc/passwd")));
    }

    #[test]
    fn a_folder_address_is_one_path_on_this_host() {
        let rel = safe_relative("%2F/first%20session/a%3Fb").unwrap();
        assert_eq!(folder_address("/clinic/", &rel), "/clinic/first%20session/a%3Fb/");
        assert_eq!(folder_address("/", &PathBuf::from("process")), "/process/");
    }
}
