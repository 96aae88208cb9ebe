//! The tests that drive Debian's headless Chromium (and, for the hosts, Apache and
//! Cloudflare's wrangler; for the editor, Decap CMS and decap-server), in a binary of their own: GitHub's runners leave it out
//! (`.github/workflows/tests.yml`), `.ci/run` installs what it needs.

#[path = "../common/chromium.rs"]
mod chromium;
#[path = "../common/mod.rs"]
mod common;

mod admin;
mod browser;
mod hosts;

/// The web tests run one at a time: each drives a Chromium (the editor's tests also a CMS
/// and two servers), and two at once on a 2-core machine made the editor's waits miss
/// their deadlines. Every test here holds this for its whole run.
pub(crate) fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
