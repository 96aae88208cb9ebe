//! `smpsite serve`: build into a temporary folder, serve it on loopback, watch the
//! sources, rebuild what changed and tell every open page to reload. A failed rebuild
//! keeps the last good site served and shows the error in the page; so does a failed
//! first build. One thread rebuilds, so two builds never run at once.

mod http;
pub mod live;

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};
use tokio::sync::watch;

use crate::config::{self, Config};
use crate::error::{Error, Result};
use crate::report;
use crate::source;
use http::{Shared, Status};
pub use live::Live;

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: Option<PathBuf>,
    /// None: 1111, or the next free port after it.
    pub port: Option<u16>,
    pub bind: IpAddr,
    pub open: bool,
    pub drafts: bool,
}

pub const DEFAULT_PORT: u16 = 1111;
/// Events closer together than this are one change (an editor's save is several).
const QUIET: Duration = Duration::from_millis(8);
/// A stream of changes is built at least this often, so a storm still shows progress.
const MAX_WAIT: Duration = Duration::from_millis(250);
/// Source folders watched below the site root (site.yaml is watched on its own).
const WATCHED: &[&str] = &["content", "static", "templates", "themes"];

pub fn serve(options: &ServeOptions) -> Result<()> {
    let root = source::find_root(options.root.as_deref())?;
    let root = root.canonicalize().map_err(|e| Error::io("read", &root, e))?;
    let listener = bind(options)?;
    let addr = listener.local_addr().map_err(|e| Error::io("start the server on", "", e))?;
    let host = match options.bind {
        ip if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        ip => ip,
    };
    // Served pages link within the preview, under base_url's path (e.g. /clinic/).
    let prefix = base_path(&root);
    let base_url = format!("http://{}{prefix}", SocketAddr::new(host, addr.port()));
    let out = tempfile::Builder::new()
        .prefix("smpsite-serve-")
        .tempdir()
        .map_err(|e| Error::io("create a temporary folder in", std::env::temp_dir(), e))?;
    let out_path = out.path().canonicalize().map_err(|e| Error::io("read", out.path(), e))?;

    let mut live = Live::new(&root, &out_path, Some(base_url.clone()), options.drafts);
    let mut status = Status::default();
    // The warnings printed so far, so a rebuild prints only new ones.
    let mut shown = std::collections::HashSet::new();
    match live.rebuild(&[]) {
        Ok(rebuilt) => report::rebuilt(&rebuilt, true, &mut shown),
        Err(err) => {
            report::error(&err);
            status.error = Some(err.to_string());
            status.never_built = true;
        }
    }
    let (status_tx, _) = watch::channel(status);
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let shared = Arc::new(Shared { out: out_path, prefix: prefix.clone(), status: status_tx, shutdown: shutdown_rx });

    let (events_tx, events_rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = events_tx.send(event);
    })
    .map_err(|e| Error::Usage(format!("cannot watch the site's files: {e}")))?;
    watch_sources(&mut watcher, &root)?;
    let rebuilder = {
        let shared = shared.clone();
        let root = root.clone();
        std::thread::spawn(move || rebuild_loop(live, watcher, &root, events_rx, &shared, shown))
    };

    report::serving(&base_url, options.bind, addr.port(), lan_address(options.bind).as_ref(), shared.out.as_path());
    if options.open {
        if let Err(e) = opener::open_browser(&base_url) {
            anstream::eprintln!("warning: could not open a browser ({e}); open {base_url} yourself");
        }
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::io("start the server on", "", e))?;
    let result = runtime.block_on(async move {
        listener.set_nonblocking(true).map_err(|e| Error::io("start the server on", "", e))?;
        let listener =
            tokio::net::TcpListener::from_std(listener).map_err(|e| Error::io("start the server on", "", e))?;
        let app = http::router(shared.clone());
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = tokio::signal::ctrl_c().await;
                // Ends the open event streams, which would otherwise keep the server waiting.
                let _ = shutdown_tx.send(true);
            })
            .await
            .map_err(|e| Error::io("serve on", "", e))
    });
    runtime.shutdown_timeout(Duration::from_secs(1));
    drop(rebuilder); // the thread ends with the process; the folder is removed below
    drop(out);
    report::stopped();
    result
}

/// `--port` as given, or 1111 and the next free ports after it.
fn bind(options: &ServeOptions) -> Result<TcpListener> {
    if !options.bind.is_loopback() {
        anstream::eprintln!(
            "warning: serving on {} lets other devices on your network see the preview (and your drafts); use the default 127.0.0.1 to keep it to this computer",
            options.bind
        );
    }
    let ports: Vec<u16> = match options.port {
        Some(port) => vec![port],
        None => (DEFAULT_PORT..DEFAULT_PORT + 20).collect(),
    };
    let mut last = None;
    for port in &ports {
        match TcpListener::bind((options.bind, *port)) {
            Ok(listener) => {
                if options.port.is_none() && *port != DEFAULT_PORT {
                    anstream::eprintln!("note: port {DEFAULT_PORT} is busy, so the preview uses port {port}");
                }
                return Ok(listener);
            }
            Err(e) => last = Some(e),
        }
    }
    let e = last.expect("at least one port was tried");
    Err(Error::Usage(match (e.kind(), options.port) {
        (std::io::ErrorKind::AddrInUse, Some(port)) => format!(
            "port {port} on {} is already in use (is another `smpsite serve` running?); choose another with `--port {}`",
            options.bind,
            port.wrapping_add(1)
        ),
        (std::io::ErrorKind::AddrInUse, None) => format!(
            "ports {DEFAULT_PORT}-{} on {} are all in use; choose one with `--port N`",
            DEFAULT_PORT + 19,
            options.bind
        ),
        _ => format!("cannot serve on {}: {e}; check `--bind` and `--port`", options.bind),
    }))
}

/// The path part of site.yaml's base_url (`/` when it cannot be read).
fn base_path(root: &Path) -> String {
    source::read_config(root)
        .ok()
        .and_then(|text| Config::parse(&text, None).ok())
        .map_or_else(|| "/".to_string(), |config| config.root.clone())
}

/// With `--bind 0.0.0.0`, the address phones on the same network can open. Finding it
/// sends nothing: connecting a UDP socket only picks the outgoing interface.
fn lan_address(bind: IpAddr) -> Option<IpAddr> {
    if !bind.is_unspecified() {
        return None;
    }
    let socket = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)).ok()?;
    socket.connect((Ipv4Addr::new(192, 0, 2, 1), 9)).ok()?;
    Some(socket.local_addr().ok()?.ip()).filter(|ip| !ip.is_loopback() && !ip.is_unspecified())
}

fn watch_sources(watcher: &mut impl Watcher, root: &Path) -> Result<()> {
    let fail = |e: notify::Error| Error::Usage(format!("cannot watch {}: {e}", root.display()));
    watcher.watch(root, RecursiveMode::NonRecursive).map_err(fail)?;
    for dir in WATCHED {
        let dir = root.join(dir);
        if dir.is_dir() {
            watcher.watch(&dir, RecursiveMode::Recursive).map_err(fail)?;
        }
    }
    Ok(())
}

/// Whether a change at `path` can affect the site.
fn is_source(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else { return false };
    if rel == Path::new(config::FILE_NAME) {
        return true;
    }
    let mut parts = rel.components();
    let top = parts.next().map(|c| c.as_os_str().to_string_lossy().into_owned()).unwrap_or_default();
    WATCHED.contains(&top.as_str()) && !rel.components().any(|c| source::is_ignored(Path::new(c.as_os_str())))
}

fn rebuild_loop(
    mut live: Live,
    mut watcher: notify::RecommendedWatcher,
    root: &Path,
    events: mpsc::Receiver<notify::Result<notify::Event>>,
    shared: &Shared,
    mut shown: std::collections::HashSet<String>,
) {
    let config_file = root.join(config::FILE_NAME);
    while let Ok(first) = events.recv() {
        // Collect one burst of events: until QUIET passes without one (or MAX_WAIT).
        let mut paths = BTreeSet::new();
        let started = Instant::now();
        let mut next = Some(first);
        while let Some(event) = next.take() {
            match event {
                Ok(event) if event.need_rescan() => {
                    paths.insert(config_file.clone());
                }
                Ok(event) if !matches!(event.kind, EventKind::Access(_)) => paths.extend(event.paths),
                Ok(_) => {}
                Err(e) => anstream::eprintln!("warning: watching files: {e}"),
            }
            if started.elapsed() < MAX_WAIT {
                next = events.recv_timeout(QUIET).ok();
            }
        }
        let paths: Vec<PathBuf> = paths.into_iter().filter(|p| is_source(root, p)).collect();
        if paths.is_empty() {
            continue;
        }
        // A source folder created after start is watched from now on.
        for path in &paths {
            if path.parent() == Some(root) && path.is_dir() {
                let _ = watcher.watch(path, RecursiveMode::Recursive);
            }
        }
        match live.rebuild(&paths) {
            Ok(rebuilt) => {
                let was_broken = shared.status.borrow().error.is_some();
                report::rebuilt(&rebuilt, false, &mut shown);
                if was_broken {
                    report::fixed();
                }
                shared.status.send_modify(|status| {
                    if !rebuilt.changed.is_empty() || status.never_built {
                        status.generation += 1;
                        status.css_only = !status.never_built && rebuilt.changed.iter().all(|p| p.ends_with(".css"));
                    }
                    status.error = None;
                    status.never_built = false;
                });
            }
            Err(err) => {
                report::error(&err);
                shared.status.send_modify(|status| status.error = Some(err.to_string()));
            }
        }
    }
}
