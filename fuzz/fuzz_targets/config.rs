//! Any text as `site.yaml`: parsed into settings whose links are well formed, or
//! messages that point into the file; never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smpsite::config::Config;

#[path = "common.rs"]
mod common;

fuzz_target!(|text: &str| {
    match Config::parse(text, None) {
        Ok(config) => {
            assert!(config.base_url.ends_with('/'), "{}", config.base_url);
            assert!(config.root.starts_with('/') && config.root.ends_with('/'), "{}", config.root);
            for path in ["", "process/first-session/", "a b/é/"] {
                let url = config.url(path);
                assert!(url.starts_with(&config.root), "{url} outside {}", config.root);
                let _ = config.permalink(path);
            }
            let _ = config.link("/contact/");
            let _ = config.link("https://example.com/x");
        }
        Err(problems) => {
            assert!(!problems.is_empty(), "a parse error with no message");
            for d in &problems {
                common::assert_points_into(d, text);
            }
        }
    }
});
