//! Debian's headless Chromium for the browser and host tests (never a browser downloaded
//! at test time), started with what a closed, loopback-only machine needs. Included with
//! `#[path]` by the two test files that drive it, so the others do not link it.

use std::ffi::OsStr;
use std::path::Path;
use std::time::Duration;

use headless_chrome::{Browser, LaunchOptions};

const CHROMIUM: &str = "/usr/bin/chromium";

/// A new headless Chromium; `why` names the tests that need it in the message shown when
/// it is not installed.
pub fn browser(why: &str) -> Browser {
    assert!(Path::new(CHROMIUM).exists(), "{why} need Debian's chromium: apt-get install -y chromium");
    // Without these, Chromium keeps trying the network, which this machine refuses.
    let args = [
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        "--disable-quic",
    ];
    let options = LaunchOptions::default_builder()
        .path(Some(CHROMIUM.into()))
        .sandbox(false)
        .headless(true)
        .args(args.iter().map(OsStr::new).collect())
        .idle_browser_timeout(Duration::from_secs(120))
        .build()
        .unwrap();
    Browser::new(options).expect("Chromium starts")
}
