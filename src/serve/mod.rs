//! `smpsite serve`: build into a temporary folder, serve it on loopback, watch the
//! sources, rebuild what changed and tell every open page to reload. A failed rebuild
//! keeps the last good site served and shows the error in the page; so does a failed
//! first build. One thread rebuilds, so two builds never run at once; after the first
//! build, new photos are made on another (see `live`), and the rebuild after writes
//! them. Ctrl-C, SIGTERM and SIGHUP stop it and remove its (private) folder; a second
//! one stops it at once.

mod change;
mod host;
mod http;
pub mod live;
mod watcher;

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use notify::EventKind;
use tokio::sync::watch;

use crate::config;
use crate::error::{Error, Result};
use crate::output;
use crate::report;
use http::{Shared, Status};
pub use live::Live;
use watcher::SourceWatch;

/// What `serve` is asked to do (the command line's `serve` options).
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site folder, holding `site.yaml` (found once, by `lib::run`).
    pub root: PathBuf,
    /// None: 1111, or the next free port after it.
    pub port: Option<u16>,
    /// The address to listen on (`--bind`; loopback unless asked otherwise).
    pub bind: IpAddr,
    /// Open the preview in the browser once it is served (`--open`).
    pub open: bool,
    /// Show pages marked `draft: true` too (`--drafts`).
    pub drafts: bool,
    /// Print every warning, not the first few of each rule.
    pub verbose: bool,
}

/// The port `serve` tries first.
pub const DEFAULT_PORT: u16 = 1111;
/// Events closer together than this are one change (an editor's save is several).
const QUIET: Duration = Duration::from_millis(8);
/// After a file is closed from writing (its save is done), how long to wait for more:
/// what is left of a save then (an editor's rename of its temporary file) comes at once.
const SETTLE: Duration = Duration::from_millis(1);
/// A stream of changes is built at least this often, so a storm still shows progress.
const MAX_WAIT: Duration = Duration::from_millis(250);
/// How often the rebuilder looks whether the server has stopped.
const POLL: Duration = Duration::from_millis(100);

/// `smpsite serve`: builds the site into a private temporary folder, serves it on
/// loopback (or `--bind`), rebuilds on every save and reloads the open pages; an error
/// is shown in the page until the next good save. Returns when stopped (Ctrl-C or
/// SIGTERM), after removing its folder.
pub fn serve(options: &ServeOptions) -> Result<()> {
    let root = options.root.canonicalize().map_err(|e| Error::io("read", &options.root, e))?;
    let listener = bind(options)?;
    let addr = listener.local_addr().map_err(|e| server_failed(format!("start the server on {}", options.bind), e))?;
    let host = match options.bind {
        ip if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        ip => ip,
    };
    let origin = format!("http://{}", SocketAddr::new(host, addr.port()));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| server_failed(format!("start the server on {addr}"), e))?;
    // Listening from now on: a stop signal during the first build still cleans up.
    let mut stop = {
        let _runtime = runtime.enter();
        StopSignals::new()?
    };
    let out = output::private_temp_dir()?;
    let out_path = out.path().canonicalize().map_err(|e| Error::io("read", out.path(), e))?;

    // Served pages link within the preview, under base_url's path (e.g. /clinic/).
    let live = Live::new(&root, &out_path, None, options.drafts).with_origin(origin.clone()).with_background_photos();
    let Some((live, first)) = first_build(live, &runtime, &mut stop) else {
        // The build goes on until the process ends; its folder goes now.
        drop(out);
        report::stopped();
        return Ok(());
    };
    let mut status = Status::default();
    // The warnings printed so far, so a rebuild prints only new ones.
    let mut shown = report::Shown::new(options.verbose);
    match first {
        Ok(rebuilt) => {
            report::rebuilt(&rebuilt, true, &mut shown);
            status.set_warnings(&rebuilt.warnings);
        }
        Err(err) => {
            report::error(&err);
            status.error = Some(err.to_string());
            status.never_built = true;
        }
    }
    status.prefix = live.site_path().unwrap_or("/").to_string();
    let base_url = format!("{origin}{}", status.prefix);
    let (status_tx, _) = watch::channel(status);
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let lan = lan_address(options.bind);
    let hosts = host::Hosts::new(options.bind, addr.port(), lan, origin.clone());
    let shared = Arc::new(Shared { out: out_path, hosts, status: status_tx, shutdown: shutdown_rx });

    let (events_tx, events_rx) = mpsc::channel();
    let watch = SourceWatch::new(&root, events_tx)?;
    let rebuilder = {
        let shared = shared.clone();
        let root = root.clone();
        std::thread::spawn(move || rebuild_loop(live, watch, &root, events_rx, &shared, shown))
    };

    report::serving(&base_url, options.bind, addr.port(), lan.as_ref(), shared.out.as_path());
    if options.open
        && let Err(e) = opener::open_browser(&base_url)
    {
        anstream::eprintln!("warning: could not open a browser ({e}); open {base_url} yourself");
    }

    let app = http::router(shared.clone());
    let result = runtime.block_on(async move {
        listener.set_nonblocking(true).map_err(|e| server_failed(format!("start the server on {addr}"), e))?;
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|e| server_failed(format!("start the server on {addr}"), e))?;
        Ok::<_, Error>(run_server(listener, app, &mut stop, shutdown_tx).await)
    });
    let stopped = result?;
    runtime.shutdown_background();
    if stopped == Stopped::Cleanly {
        // Its next look at `shutdown` ends it; then nothing writes in the folder any more.
        let _ = rebuilder.join();
    }
    drop(out);
    report::stopped();
    Ok(())
}

/// The first build, on a thread of its own so that a stop signal during it (a big site
/// takes seconds) is not kept waiting. None: stopped before it ended.
fn first_build(
    mut live: Live,
    runtime: &tokio::runtime::Runtime,
    stop: &mut StopSignals,
) -> Option<(Live, Result<live::Rebuilt>)> {
    let (done_tx, done_rx) = tokio::sync::oneshot::channel();
    let builder = std::thread::spawn(move || {
        let result = live.rebuild(&[]);
        let _ = done_tx.send(());
        (live, result)
    });
    let finished = runtime.block_on(async {
        tokio::select! {
            _ = done_rx => true,
            () = stop.recv() => false,
        }
    });
    finished.then(|| builder.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
}

/// How long a client may take to send a request's headers; a slower (or half-open)
/// connection is closed.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);
/// After a stop signal, how long a request in flight may take to finish.
const GRACE: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stopped {
    /// Every connection closed by itself or within the grace time.
    Cleanly,
    /// A second stop signal: stop at once.
    AtOnce,
}

/// Ctrl-C, and on Unix also SIGTERM (`kill`, systemd, Docker) and SIGHUP (the
/// terminal closed): each stops the server the same way.
struct StopSignals {
    #[cfg(unix)]
    signals: [tokio::signal::unix::Signal; 3],
}

/// The server could not start: what it was doing, and what to try.
fn server_failed(action: String, source: std::io::Error) -> Error {
    Error::System {
        action,
        source,
        help: "try again; if it happens again, restart the computer, or run `smpsite build` and open public/ instead",
    }
}

impl StopSignals {
    /// Must run inside the runtime; the signals are caught from here on.
    fn new() -> Result<StopSignals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let catch = |kind| signal(kind).map_err(|e| server_failed("listen for Ctrl-C".into(), e));
            Ok(StopSignals {
                signals: [
                    catch(SignalKind::interrupt())?,
                    catch(SignalKind::terminate())?,
                    catch(SignalKind::hangup())?,
                ],
            })
        }
        #[cfg(not(unix))]
        Ok(StopSignals {})
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        {
            let [int, term, hup] = &mut self.signals;
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
                _ = hup.recv() => {}
            }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Serves `app` on `listener` until a stop signal, then lets the connections finish
/// (open event streams end at once, a request in flight gets [`GRACE`]); a second
/// signal stops without waiting.
async fn run_server(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    stop: &mut StopSignals,
    shutdown: watch::Sender<bool>,
) -> Stopped {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let mut connections = tokio::task::JoinSet::new();
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => accepted,
            () = stop.recv() => break,
        };
        while connections.try_join_next().is_some() {}
        let Ok((stream, _)) = stream else {
            // Out of file handles, say: keep serving the connections there are.
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let mut stopping = shutdown.subscribe();
        connections.spawn(async move {
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder.timer(TokioTimer::new()).header_read_timeout(HEADER_READ_TIMEOUT);
            let connection = builder.serve_connection(TokioIo::new(stream), service);
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => return,
                _ = stopping.wait_for(|stop| *stop) => connection.as_mut().graceful_shutdown(),
            }
            let _ = tokio::time::timeout(GRACE, connection).await;
        });
    }
    drop(listener);
    // Ends the open event streams and tells every connection to finish.
    let _ = shutdown.send(true);
    tokio::select! {
        () = async { while connections.join_next().await.is_some() {} } => Stopped::Cleanly,
        () = stop.recv() => {
            anstream::eprintln!("Stopping at once.");
            Stopped::AtOnce
        }
    }
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

fn rebuild_loop(
    mut live: Live,
    mut watch: SourceWatch,
    root: &Path,
    events: mpsc::Receiver<watcher::Event>,
    shared: &Shared,
    mut shown: report::Shown,
) {
    let config_file = root.join(config::FILE_NAME);
    watch.watch_link_targets(&live);
    loop {
        // Photos made in the background are written by a rebuild of their own.
        let first = match events.recv_timeout(if live.photos_made() { Duration::ZERO } else { POLL }) {
            Ok(event) => Some(event),
            Err(_) if *shared.shutdown.borrow() => return,
            Err(_) => None,
        };
        // Collect one burst of events: until QUIET passes without one (or MAX_WAIT).
        let mut paths = BTreeSet::new();
        let started = Instant::now();
        let mut next = first;
        while let Some(event) = next.take() {
            let quiet = if event.as_ref().is_ok_and(closed_from_writing) { SETTLE } else { QUIET };
            if let Ok(event) = &event {
                watch.saw(event);
            }
            match event {
                Ok(event) if event.need_rescan() => {
                    paths.insert(config_file.clone());
                }
                Ok(event) if !matches!(event.kind, EventKind::Access(_)) => paths.extend(event.paths),
                Ok(_) => {}
                Err(e) => anstream::eprintln!("warning: watching files: {e}"),
            }
            if started.elapsed() < MAX_WAIT {
                next = events.recv_timeout(quiet).ok();
            }
        }
        if *shared.shutdown.borrow() {
            return;
        }
        // The site folder replaced (`git checkout`, a sync tool): watched anew, read anew.
        if watch.follow_replaced_root() {
            paths.insert(config_file.clone());
        }
        let paths: Vec<PathBuf> = paths.into_iter().collect();
        let changes = live.changes(&paths);
        if changes.is_empty() && !live.photos_made() {
            continue;
        }
        // A source folder created after start is watched from now on.
        for (path, _) in &changes {
            if path.parent() == Some(root) && path.is_dir() {
                watch.watch_new_folder(path);
            }
        }
        // Pages read a stylesheet only by its fingerprinted name: when stylesheets are
        // all that changed, the browser swaps them in place of a reload.
        let stylesheets_only = !changes.is_empty()
            && changes.iter().all(|(path, change)| {
                matches!(change, change::Change::Tree(change::Tree::Static) | change::Change::Theme)
                    && path.extension().is_some_and(|e| e == "css")
            });
        let result = live.rebuild(&paths);
        watch.watch_link_targets(&live);
        match result {
            Ok(rebuilt) => {
                let was_broken = shared.status.borrow().error.is_some();
                report::rebuilt(&rebuilt, false, &mut shown);
                if was_broken {
                    report::fixed();
                }
                let prefix = live.site_path().unwrap_or("/");
                shared.status.send_modify(|status| {
                    if !rebuilt.changed.is_empty() || status.never_built || status.prefix != prefix {
                        status.generation += 1;
                        status.css_only = !status.never_built
                            && (stylesheets_only || rebuilt.changed.iter().all(|p| p.ends_with(".css")));
                    }
                    status.error = None;
                    status.set_warnings(&rebuilt.warnings);
                    status.never_built = false;
                    status.prefix = prefix.to_string();
                });
            }
            Err(err) => {
                report::error(&err);
                shared.status.send_modify(|status| status.error = Some(err.to_string()));
            }
        }
    }
}

/// Whether `event` says a file written to was closed: a save is then complete, and
/// waiting the full [`QUIET`] for more would only delay the preview.
fn closed_from_writing(event: &notify::Event) -> bool {
    matches!(event.kind, EventKind::Access(notify::event::AccessKind::Close(notify::event::AccessMode::Write)))
}
