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
