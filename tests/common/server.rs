//! A running `smpsite serve` on a loopback port the OS picks (`--port 0`), with a tiny
//! HTTP/1.1 client. Every wait polls against a deadline; the process is stopped on drop.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const DEADLINE: Duration = Duration::from_secs(20);

pub struct Server {
    child: Child,
    /// The server's HOME: a folder of its own, never the real one.
    _home: tempfile::TempDir,
    /// `127.0.0.1:PORT`
    pub addr: String,
    /// The folder being served.
    pub output: PathBuf,
    /// Everything printed so far (stdout and stderr).
    pub log: Arc<Mutex<String>>,
}

impl Server {
    pub fn start(root: &Path, extra: &[&str]) -> Server {
        let home = tempfile::tempdir().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_smpsite"))
            .arg("--root")
            .arg(root)
            .args(["serve", "--port", "0"])
            .args(extra)
            .env("NO_COLOR", "1")
            .env("HOME", home.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        for stream in
            [Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>, Box::new(child.stderr.take().unwrap())]
        {
            let log = log.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let mut log = log.lock().unwrap();
                    log.push_str(&line);
                    log.push('\n');
                }
            });
        }
        let mut server = Server { child, _home: home, addr: String::new(), output: PathBuf::new(), log };
        let log = server.wait_for_log("Output: ");
        let url = log.split("preview at http://").nth(1).expect("the URL is printed");
        server.addr = url.split('/').next().unwrap().to_string();
        server.output = PathBuf::from(log.split("Output: ").nth(1).unwrap().lines().next().unwrap());
        server
    }

    /// Waits until the log contains `needle`; returns the log.
    pub fn wait_for_log(&mut self, needle: &str) -> String {
        let started = Instant::now();
        loop {
            let log = self.log.lock().unwrap().clone();
            if log.contains(needle) {
                return log;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("smpsite serve exited ({status}) before printing {needle:?}:\n{log}");
            }
            assert!(started.elapsed() < DEADLINE, "no {needle:?} within {DEADLINE:?}:\n{log}");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    pub fn get(&self, path: &str) -> (u16, String) {
        http_get(&self.addr, path)
    }

    /// Polls `path` until `test` accepts the response; returns it.
    pub fn wait_for(&self, path: &str, what: &str, test: impl Fn(u16, &str) -> bool) -> (u16, String) {
        let started = Instant::now();
        loop {
            let (status, body) = self.get(path);
            if test(status, &body) {
                return (status, body);
            }
            assert!(
                started.elapsed() < DEADLINE,
                "{path}: not {what} within {DEADLINE:?}; last {status}:\n{body}\nlog:\n{}",
                self.log.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// The first server-sent event of a new connection: the current status (JSON).
    pub fn status(&self) -> serde_json::Value {
        serde_json::from_str(&first_event(&self.addr).1).unwrap()
    }

    /// Polls the status until `test` accepts it.
    pub fn wait_for_status(&self, what: &str, test: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
        let started = Instant::now();
        loop {
            let status = self.status();
            if test(&status) {
                return status;
            }
            assert!(started.elapsed() < DEADLINE, "status not {what} within {DEADLINE:?}: {status}");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends Ctrl-C and waits for the process to end; returns whether it exited 0.
    pub fn interrupt(&mut self) -> bool {
        self.signal("INT");
        self.wait_exit(DEADLINE).unwrap_or_else(|| panic!("serve did not stop within {DEADLINE:?} of Ctrl-C")).success()
    }

    /// Sends the signal `name` (`INT`, `TERM`, `HUP`) to the server.
    pub fn signal(&self, name: &str) {
        let sent = Command::new("kill").arg(format!("-{name}")).arg(self.child.id().to_string()).status().unwrap();
        assert!(sent.success(), "kill -{name} failed");
    }

    /// Waits up to `within` for the process to end; its exit status, or None if it runs on.
    pub fn wait_exit(&mut self, within: Duration) -> Option<std::process::ExitStatus> {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            if started.elapsed() >= within {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Server {
    /// Ctrl-C first, so serve removes its temporary folder as it does for staff; a
    /// kill only if it has not stopped by the deadline. (No assertion here: a panic
    /// while a failed test unwinds would abort the run.)
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = Command::new("kill").args(["-INT", &self.child.id().to_string()]).status();
            let started = Instant::now();
            while started.elapsed() < DEADLINE {
                if !matches!(self.child.try_wait(), Ok(None)) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// GET `path` (sent as is, unnormalised) from `addr`; the status and body.
pub fn http_get(addr: &str, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let response = String::from_utf8_lossy(&response).into_owned();
    let status = response.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

/// Opens the server's event stream and waits for its first event, so the stream is
/// surely open on the server's side; the caller reads the rest (to its end).
pub fn open_event_stream(addr: &str) -> BufReader<TcpStream> {
    first_event(addr).0
}

/// Connects to the event stream; the stream and the data of its first event.
fn first_event(addr: &str) -> (BufReader<TcpStream>, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    write!(stream, "GET /__smpsite/events HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    loop {
        line.clear();
        assert!(reader.read_line(&mut line).unwrap() > 0, "the event stream ended before its first event");
        if let Some(data) = line.trim_end().strip_prefix("data: ") {
            let data = data.to_string();
            return (reader, data);
        }
    }
}
